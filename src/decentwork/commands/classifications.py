"""The classification commands: ``fetch``, ``show`` and ``validate`` (registered on the
``decentwork classifications`` group by :mod:`decentwork.cli`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from decentwork.terminal import console, errors, fail

if TYPE_CHECKING:
    from decentwork.classifications.hierarchy import Hierarchy

SCHEMES = ("isco08", "isic4", "isced11", "icse93", "icse18")
Scheme = Annotated[str, typer.Argument(help=f"One of {', '.join(SCHEMES)}.")]


def _hierarchy(scheme: str, folder: Path | None) -> Hierarchy:
    from decentwork.classifications import code_list, isco08, isic4

    readers = {"isco08": isco08, "isic4": isic4}
    if scheme not in SCHEMES:
        fail(f"no classification {scheme!r} (classifications: {', '.join(SCHEMES)})")
    return readers[scheme](folder) if scheme in readers else code_list(scheme, folder)


def fetch(
    mirror: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="A folder laid out like the shared data folder (isco08/, isic4/, esco/, "
            "ilostat/dictionary/); default $DECENTWORK_MIRROR, else the publishers.",
        ),
    ] = None,
) -> None:
    """Fetch the classification files (ILO ISCO-08 workbook, UN ISIC files, ILOSTAT
    dictionary, ESCO) into the user data directory."""
    from decentwork.classifications.sources import data_dir
    from decentwork.classifications.sources import fetch as fetch_files

    fetched = fetch_files(
        mirror, on_file=lambda source, what: errors.print(f"{source.path}: {what}")
    )
    console.print(f"{len(fetched)} classification files in {data_dir()}")


def show(
    scheme: Scheme,
    code: Annotated[str | None, typer.Argument(help="A code (default: the top level).")] = None,
    lang: Annotated[str, typer.Option(help="Language of the titles: en, fr or es.")] = "en",
    details: Annotated[bool, typer.Option(help="Also print definitions, tasks...")] = False,
) -> None:
    """A code with its place in the hierarchy (groups above, groups below), or the top
    level."""
    hierarchy = _hierarchy(scheme, None)
    if lang not in hierarchy.languages:
        fail(
            f"{hierarchy.name}: no titles in {lang!r} (languages: {', '.join(hierarchy.languages)})"
        )
    if code is None:
        below = hierarchy.children(None)
    else:
        node = hierarchy.node(code)
        for above in hierarchy.ancestors(code):
            console.print(f"{above.code:>5}  {hierarchy.label(above.code, lang)}")
        console.print(
            f"[bold]{node.code:>5}  {hierarchy.label(node.code, lang)}[/] "
            f"({hierarchy.levels.get(node.level, node.level)})"
        )
        if details:
            for name, text in node.details.items():
                console.print(f"\n[bold]{name}[/]\n{text}")
        below = hierarchy.children(code)
    for child in below:
        console.print(f"{'':>7}{child.code:>5}  {hierarchy.label(child.code, lang)}")


def validate(
    scheme: Scheme,
    codes: Annotated[list[str], typer.Argument(help="Codes to check.")],
    level: Annotated[int | None, typer.Option(help="Required level (ISCO-08: 1-4).")] = None,
) -> None:
    """Check codes: exit 0 when all are valid, 1 otherwise (each problem printed)."""
    hierarchy = _hierarchy(scheme, None)
    problems = [p for p in (hierarchy.problem(c, level) for c in codes) if p]
    for problem in problems:
        errors.print(problem)
    if problems:
        raise typer.Exit(1)
    console.print(f"{len(codes)} valid {hierarchy.name} code(s)")
