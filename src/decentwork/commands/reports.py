"""The reports command (registered by :mod:`decentwork.cli`): ``brief``. WeasyPrint is
imported when it runs, so that the program starts quickly."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from decentwork.commands.warehouse import Db
from decentwork.terminal import console, errors


def brief(
    area: Annotated[
        str,
        typer.Argument(help="Area code as the warehouse holds it (ILOSTAT's ref_area, e.g. KHM)."),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="File to write: a name ending in .pdf (A4, fonts embedded) or "
            ".html (one self-contained page).",
        ),
    ],
    lang: Annotated[
        str, typer.Option("--lang", "-l", help="Language of the brief: en, zh, fr, es, km or lo.")
    ] = "en",
    targets: Annotated[
        Path | None,
        typer.Option(
            help="YAML file of national baselines, targets and milestones for the SDG 8 "
            "indicators: indicator code -> area -> settings, as for 'decentwork progress' (see "
            "docs/monitoring.md)."
        ),
    ] = None,
    db: Db = None,
) -> None:
    """Write a country brief of two to four pages: the headline decent-work indicators with
    their uncertainty and trend charts, the SDG 8 progress table, the ILO-China partnership
    framework's status, and the sources and warehouse releases behind them."""
    from decentwork.reports.brief import collect
    from decentwork.reports.render import output_format, write
    from decentwork.translations import LANGUAGES, check_language
    from decentwork.warehouse.database import engine

    fmt = output_format(out)
    check_language(lang)
    target = engine(db, read_only=True)
    try:
        with errors.status(f"Writing the brief of {area} in {LANGUAGES[lang]} ({fmt}) ..."):
            with target.connect() as connection:
                found = collect(connection, area, lang, targets=targets)
            write(found, out)
    finally:
        target.dispose()
    console.print(
        f"Wrote the brief of {found.area} ({found.label}) in {LANGUAGES[lang]} "
        f"({lang}) to {out} ({fmt})"
    )
