"""The monitoring command (registered by :mod:`decentwork.cli`): ``progress``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from decentwork.commands.warehouse import Db
from decentwork.errors import BadInput
from decentwork.terminal import console, fail

if TYPE_CHECKING:
    from decentwork.formatting import Style
    from decentwork.monitoring.tracking import Tracking

OUTPUTS = ("table", "csv", "json")
SHOWN = (
    "area",
    "code",
    "breakdown",
    "method",
    "baseline",
    "latest",
    "cagr",
    "required_cagr",
    "ratio",
    "projected",
    "status",
)


def progress(
    framework: Annotated[
        str,
        typer.Argument(
            help="A bundled framework (sdg8, ilo-china-partnership-2016, dwcp-template) or the "
            "path of a framework YAML file."
        ),
    ],
    areas: Annotated[
        str | None,
        typer.Option(help="Area codes, comma-separated (default: the framework's own areas)."),
    ] = None,
    method: Annotated[
        str | None,
        typer.Option(
            help="Progress methods, comma-separated: unsd, unsd-cagr, open-sdg, escap "
            "(default: all, side by side)."
        ),
    ] = None,
    targets: Annotated[
        Path | None,
        typer.Option(
            help="YAML file of national baselines, targets and milestones: indicator code -> "
            "area -> settings (see docs/monitoring.md)."
        ),
    ] = None,
    breakdowns: Annotated[
        bool,
        typer.Option(
            "--breakdowns/--totals",
            help="Show the disaggregated series (women, men, youth...) "
            "and the gaps between them, or only the totals (table only; csv and json have "
            "all).",
        ),
    ] = True,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv or json.")] = "table",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="File to write (csv, json).")
    ] = None,
    unreliable: Annotated[
        bool,
        typer.Option(
            "--unreliable",
            help="Count values flagged unreliable (obs_status U); by default they are "
            "left out of every status.",
        ),
    ] = False,
    db: Db = None,
) -> None:
    """Assess a results framework's progress from the warehouse: every indicator for every
    area, by each progress method beside the others, with its components (baseline, latest,
    CAGR, required CAGR, ratio, projection) and the gaps between groups. An indicator without
    data says "no data"; an area code the warehouse has never held is refused, naming the
    nearest ones."""
    from decentwork.monitoring.frameworks import load_framework
    from decentwork.monitoring.tracking import track, with_settings
    from decentwork.warehouse.contents import check_held
    from decentwork.warehouse.database import engine
    from decentwork.warehouse.views import split_codes

    if fmt not in OUTPUTS:
        fail(f"--format {fmt!r}: expected one of {', '.join(OUTPUTS)}")
    chosen = load_framework(framework)
    if targets is not None:
        chosen = with_settings(chosen, targets)
    target = engine(db, read_only=True)
    try:
        with target.connect() as connection:
            check_held(
                connection, {"ref_area": split_codes(areas)}, parameters={"ref_area": "areas"}
            )
            found = track(
                connection,
                chosen,
                split_codes(areas),
                split_codes(method),
                unreliable=unreliable,
            )
    finally:
        target.dispose()
    if fmt == "table":
        _print(found, breakdowns)
        return
    rows = found.table()
    gaps = found.gap_table()
    if fmt == "json":
        text = json.dumps(
            {
                "framework": chosen.code,
                "title": chosen.title,
                "areas": list(found.areas),
                "methods": list(found.methods),
                "assessments": json.loads(rows.to_json(orient="records", force_ascii=False)),
                "gaps": json.loads(gaps.to_json(orient="records", force_ascii=False)),
            },
            ensure_ascii=False,
            indent=1,
        )
    else:
        text = rows.to_csv(index=False)
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as error:
        raise BadInput(
            f"{out}: cannot be written ({error.strerror or error})", parameter="out", given=out
        ) from None
    console.print(f"Wrote {len(rows):,} assessments to {out} ({fmt})")


def _number(value: object, style: Style) -> str:
    """A component for the table in ``style`` (as pages and briefs write it), '' when
    missing."""
    from decentwork.formatting import number

    if value is None or value != value:  # None or NaN
        return ""
    return number(value, style) if isinstance(value, int | float) else str(value)


def _growth(value: float | None) -> str:
    """A growth rate (a share a year) in percent with its sign, as the pages write it."""
    from decentwork.formatting import GROWTH, number

    if value is None or value != value:
        return ""
    return f"{number(value * 100, GROWTH, signed=True)}%"


def _print(found: Tracking, breakdowns: bool) -> None:
    """The assessments (and gaps) as Rich tables."""
    from rich.table import Table

    from decentwork.formatting import RATIO, style_of
    from decentwork.monitoring.tracking import NO_DATA, TOTAL, untargeted

    listing = Table(
        title=f"{found.framework.title}: {', '.join(found.areas)}", title_justify="left"
    )
    for column in SHOWN:
        listing.add_column(
            column,
            justify="right"
            if column in ("baseline", "latest", "cagr", "required_cagr", "ratio", "projected")
            else "left",
        )
    left_out: set[str] = set()
    for row in found.rows:
        if not breakdowns and row.breakdown != TOTAL:
            continue
        a = row.assessment
        if a.status == NO_DATA and a.method != found.methods[0]:
            continue  # one "no data" line per series is enough
        if untargeted(a):
            left_out.add(a.method)
            continue
        unit = style_of(code=found.framework.indicator(row.code)[2].indicator)
        listing.add_row(
            row.area,
            row.code,
            row.breakdown,
            "" if a.status == NO_DATA else a.method,
            ""
            if a.baseline_year is None
            else f"{_number(a.baseline_value, unit)} ({a.baseline_year})",
            "" if a.latest_year is None else f"{_number(a.latest_value, unit)} ({a.latest_year})",
            _growth(a.cagr),
            _growth(a.required_cagr),
            _number(a.ratio, RATIO),
            ""
            if a.projected_year is None
            else f"{_number(a.projected_value, unit)} ({a.projected_year})",
            a.label + (f": {a.reason}" if a.reason else ""),
        )
    if left_out:
        listing.caption = (
            f"Not shown: {', '.join(sorted(left_out))} on series without a "
            "numeric target (those methods need one; give national targets "
            "with --targets FILE, see docs/monitoring.md)."
        )
    console.print(listing)
    if breakdowns and found.gaps:
        gaps = Table(title="Gaps between groups", title_justify="left")
        for column in ("area", "code", "method", "summary"):
            gaps.add_column(column)
        for pair in found.gaps:
            gaps.add_row(pair.area, pair.code, pair.gap.first.method, pair.gap.summary())
        console.print(gaps)
