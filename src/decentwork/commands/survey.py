"""The survey commands (registered by :mod:`decentwork.cli`): ``profile check`` and
``compute``. The survey, estimation and indicator packages (DuckDB, pandas) are imported when
a command runs, so that the program starts quickly."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

from decentwork.commands.compute import ENGINE_HELP, MASTER_ENV, MASTER_HELP, engine_session
from decentwork.terminal import console, errors, flag

if TYPE_CHECKING:
    from decentwork.indicators import Catalogue, Computation, ReliabilityRule
    from decentwork.survey import Profile


PROFILE_HELP = "Bundled profile name (psa-lfs, statcan-lfs, synthetic) or YAML path."
DICTIONARY_HELP = (
    "CSPro data dictionary (.dcf) of the survey files (default: the .dcf file "
    "of the same name beside each)."
)


def profile_check(
    profile: Annotated[str, typer.Argument(help=PROFILE_HELP)],
    file: Annotated[
        Path, typer.Argument(help="Survey file (csv, parquet, dta, sav, CSPro data or zip).")
    ],
    dictionary: Annotated[Path | None, typer.Option(help=DICTIONARY_HELP)] = None,
) -> None:
    """Check a profile on a survey file: mapped variables, their values (with their labels),
    unused columns, the indicators it cannot give, problems. Exit status 0: no problem;
    1: problems found; 2: the profile or file is unusable.
    """
    from rich.table import Table

    from decentwork.indicators import not_computable
    from decentwork.survey import load_profile
    from decentwork.survey.check import check_profile

    loaded = load_profile(profile)
    report = check_profile(loaded, file, dictionary)
    scope = (
        f" in scope, {report.out_of_scope:,} outside metadata.scope"
        if loaded.metadata.scope
        else ""
    )
    console.print(
        f"Profile [bold]{loaded.metadata.name}[/] ({loaded.origin}) on {file}: "
        f"{report.records:,} records{scope}"
    )
    mapped = Table(title="Standard variables", title_justify="left")
    for column, justify in (
        ("variable", "left"),
        ("raw columns", "left"),
        ("missing", "right"),
        ("values: unweighted count (weighted %)", "left"),
    ):
        mapped.add_column(column, justify=justify)  # type: ignore[arg-type]
    for d in report.distributions:
        if d.summary is not None:
            low, mean, high = d.summary
            values = f"min {low:,.4g}  mean {mean:,.4g}  max {high:,.4g}"
        else:
            values = "  ".join(
                f"{v}{f' {d.labels[v]}' if v in d.labels else ''}: {n:,} ({share:.1f}%)"
                for v, n, share in d.top
            )
        mapped.add_row(
            d.variable, ", ".join(d.raw_columns) or "(constant)", f"{d.missing:,}", values
        )
    console.print(mapped)
    console.print(
        f"Raw columns not used ({len(report.unused_columns)}): "
        f"{', '.join(report.unused_columns) or 'none'}"
    )
    lacking = not_computable(loaded)
    if lacking:
        listing = Table(
            title="Not computable from this profile (the standard variables missing)",
            title_justify="left",
        )
        listing.add_column("indicator or breakdown")
        listing.add_column("needs")
        for item, reason in lacking.items():
            listing.add_row(item, reason)
        console.print(listing)
    if not report.problems:
        console.print("[bold green]No problems found.[/]")
        return
    problems = Table(title="Problems", title_justify="left")
    problems.add_column("problem", style="red")
    for problem in report.problems:
        problems.add_row(problem)
    console.print(problems)
    raise typer.Exit(1)


def compute(
    profile: Annotated[str, typer.Argument(help=PROFILE_HELP)],
    files: Annotated[
        list[Path], typer.Argument(help="Survey files, one per period (e.g. 12 monthly files).")
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="File to write (default: CSV on standard output)."),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="csv, parquet, xlsx or sdmx-csv (default: from --out's suffix, else csv).",
        ),
    ] = None,
    indicators: Annotated[
        str | None,
        typer.Option(help="Comma-separated indicator codes (default: the whole catalogue)."),
    ] = None,
    average_to: Annotated[
        str | None,
        typer.Option(
            "--average-to", help="Also give averages of the monthly estimates: year or quarter."
        ),
    ] = None,
    changes: Annotated[
        Path | None,
        typer.Option(
            "--changes",
            help="Also write, as CSV to this file, each observation's change since the "
            "previous period of its file with the SE of the change (files whose time varies "
            "from record to record: several periods in one design).",
        ),
    ] = None,
    catalogue: Annotated[
        Path | None, typer.Option(help="Your own catalogue YAML (default: the bundled one).")
    ] = None,
    reliability: Annotated[
        str | None,
        typer.Option(
            help="Reliability rule set: default, statcan-lfs or one-tier (default: the "
            "profile's reliability, else default; docs/indicators.md)."
        ),
    ] = None,
    min_count: Annotated[
        int | None, typer.Option(help="Flag U below this many sample records (overrides the rule).")
    ] = None,
    max_cv: Annotated[
        float | None,
        typer.Option(
            help="Flag U above this coefficient of variation, percent (overrides the rule)."
        ),
    ] = None,
    suppress_below: Annotated[
        int | None,
        typer.Option(help="Blank the value and uncertainty of estimates from fewer records."),
    ] = None,
    dictionary: Annotated[Path | None, typer.Option(help=DICTIONARY_HELP)] = None,
    engine: Annotated[str, typer.Option(help=ENGINE_HELP)] = "duckdb",
    spark_master: Annotated[
        str | None, typer.Option(help=MASTER_HELP, envvar=MASTER_ENV, show_envvar=True)
    ] = None,
) -> None:
    """Compute the ILO indicator catalogue from survey files, with standard errors, confidence
    intervals and reliability flags, as ILOSTAT-shaped observations."""
    import pandas as pd

    from decentwork.errors import BadInput, NotFound
    from decentwork.indicators import load_catalogue
    from decentwork.indicators.averages import MONTHS_IN, Period, average
    from decentwork.observations.writers import check_folder, format_for, write
    from decentwork.survey import load_profile
    from decentwork.survey.readers import dictionary_file

    chosen = format_for(out, fmt)
    period: Period | None = None
    if average_to is not None:
        if average_to not in MONTHS_IN:
            raise BadInput(
                f"--average-to {average_to!r}: expected {' or '.join(MONTHS_IN)}",
                parameter="average_to",
                given=average_to,
                expected=" or ".join(MONTHS_IN),
            )
        period = cast(Period, average_to)  # checked just above
    loaded = load_profile(profile)
    rule = _rule(
        loaded, reliability, min_count=min_count, max_cv=max_cv, suppress_below=suppress_below
    )
    book = load_catalogue(catalogue)
    codes = [c.strip() for c in indicators.split(",") if c.strip()] if indicators else None
    for file in files:
        if not file.is_file():
            raise NotFound(f"{file}: no such file", given=file)
        if loaded.input.format == "cspro":
            dictionary_file(loaded.input, file, dictionary)
    for target in (out, changes):
        if target is not None:
            check_folder(target)
    with engine_session(engine, spark_master) as spark:
        computation = _compute_files(
            loaded,
            files,
            book,
            codes,
            rule,
            dictionary,
            spark,
            levels=period is not None,
            changes=changes is not None,
        )
    table = monthly = computation.observations
    skipped = dict(computation.skipped)
    if period is not None:
        averages, incomplete = average(monthly, period, rule, levels=computation.levels)
        skipped.update(incomplete)
        table = pd.concat([monthly, averages], ignore_index=True)
    _print_skipped(skipped)
    write(table, out, chosen, skipped)
    if changes is not None:
        computation.changes.to_csv(changes, index=False)
        errors.print(
            f"Wrote {len(computation.changes):,} changes since the previous period to {changes}"
        )
    if out is not None:
        console.print(
            f"Wrote {len(table):,} observations of "
            f"{table['indicator'].nunique()} indicators to {out} ({chosen})"
        )


def _rule(profile: Profile, name: str | None, **overrides: Any) -> ReliabilityRule:
    """The reliability rule of ``compute``: the rule set ``name`` (``--reliability``), else
    the profile's, with the thresholds given as options over it.

    Raises:
        BadInput: an unknown rule set, or thresholds that make no valid rule, with the
            option named.
    """
    from decentwork.errors import BadInput
    from decentwork.indicators.reliability import rule_from, rule_set

    try:
        rule = rule_set(name) if name is not None else rule_from(profile.reliability)
    except ValueError as error:
        raise BadInput(f"--reliability: {error}", parameter="reliability", given=name) from None
    try:
        return rule.overridden(**overrides)
    except ValueError as error:
        given = ", ".join(f"{flag(k)} {v}" for k, v in overrides.items() if v is not None)
        raise BadInput(
            f"{given}: {_flags(str(error), overrides)}", parameter="reliability"
        ) from None


def _flags(message: str, options: dict[str, Any]) -> str:
    """``message`` with the rule's option names spelled as the command's flags."""
    for option in options:
        message = message.replace(f"{option}:", f"{flag(option)}:")
    return message


def _compute_files(
    loaded: Profile,
    files: list[Path],
    book: Catalogue,
    codes: list[str] | None,
    rule: ReliabilityRule,
    dictionary: Path | None,
    spark: Any,
    *,
    levels: bool,
    changes: bool = False,
) -> Computation:
    """Every file's observations (one period each, with a progress bar), the levels of its
    ratios when ``levels`` (for averages), and what was skipped, with why (on ``spark`` when
    it is a session)."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from decentwork.indicators import compute_files

    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), TimeElapsedColumn(), console=errors
    ) as progress:
        task = progress.add_task("Computing", total=None)
        result = compute_files(
            loaded,
            files,
            catalogue=book,
            indicators=codes,
            rule=rule,
            dictionary=dictionary,
            on_step=lambda step: progress.update(task, description=step[:70]),
            spark=spark,
            levels=levels,
            changes=changes,
        )
        progress.update(task, description="Done")
    return result


def _print_skipped(skipped: dict[str, str]) -> None:
    """A table of the indicators and breakdowns not computed, with why."""
    if not skipped:
        return
    from rich.table import Table

    listing = Table(
        title="Skipped (the profile does not provide what they need)", title_justify="left"
    )
    listing.add_column("indicator or breakdown")
    listing.add_column("reason")
    for item, reason in skipped.items():
        listing.add_row(item, reason)
    errors.print(listing)
