"""The ``decentwork`` command line: one program, sub-commands by area."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from pydantic import ValidationError
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from decentwork import __version__
from decentwork.commands import classifications as classification_commands
from decentwork.commands import classify as classify_commands
from decentwork.commands import monitoring as monitoring_commands
from decentwork.commands import reports as report_commands
from decentwork.commands import warehouse
from decentwork.commands import web as web_commands
from decentwork.terminal import console, errors, fail, progress_bar

app = typer.Typer(
    help="decentwork: open labour market information system (survey microdata to ILO "
    "decent-work indicators with design-based uncertainty).",
    no_args_is_help=True,
    add_completion=False,
)
for name in ("info", "load", "query", "export", "releases"):
    app.command(name)(getattr(warehouse, name))
ilostat_app = typer.Typer(help="ILOSTAT's bulk files: download and load them.",
                          no_args_is_help=True)
ilostat_app.command("pull")(warehouse.pull)
app.add_typer(ilostat_app, name="ilostat")
groups_app = typer.Typer(help="Groups of areas (G20, BRICS, ASEAN... and your own).",
                         no_args_is_help=True)
groups_app.command("list")(warehouse.groups_list)
groups_app.command("define")(warehouse.groups_define)
groups_app.command("delete")(warehouse.groups_delete)
app.add_typer(groups_app, name="groups")
app.command("aggregate")(warehouse.aggregate)
app.command("serve")(web_commands.serve)
app.command("progress")(monitoring_commands.progress)
app.command("brief")(report_commands.brief)
classifications_app = typer.Typer(
    help="Reference classifications: ISCO-08, ISIC Rev.4, ISCED 2011, ICSE-93, ICSE-18.",
    no_args_is_help=True)
for name in ("fetch", "show", "validate"):
    classifications_app.command(name)(getattr(classification_commands, name))
app.add_typer(classifications_app, name="classifications")
classify_app = typer.Typer(
    help="The occupation coder: job titles to ISCO-08 (Chinese to CSCO 2022).",
    no_args_is_help=True)
classify_app.command("occupation")(classify_commands.occupation)
classify_app.command("train")(classify_commands.train)
app.add_typer(classify_app, name="classify")


@app.command()
def synth(
    out: Annotated[Path, typer.Option("--out", "-o", help="Parquet file to write.")],
    records: Annotated[int, typer.Option("--records", "-n", help="Person records.")] = 100_000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same file).")] = 1,
    strata: Annotated[
        int | None, typer.Option(help="Number of strata (default: one per 5,000 records).")
    ] = None,
    psus: Annotated[
        int | None, typer.Option(help="Number of PSUs (default: one per 100 records).")
    ] = None,
) -> None:
    """Write a seeded synthetic labour force survey (households in PSUs in strata) as Parquet."""
    from decentwork.synthetic import write_parquet

    with progress_bar() as progress:
        task = progress.add_task(f"Generating {records:,} records", total=records)
        try:
            write_parquet(
                out, records=records, seed=seed, strata=strata, psus=psus,
                on_progress=lambda done: progress.update(task, completed=done),
            )
        except (ValueError, TypeError) as error:
            progress.stop()
            fail(str(error))
    console.print(f"Wrote {records:,} synthetic records to {out}")


@app.command()
def demo(
    records: Annotated[int, typer.Option("--records", "-n", help="Synthetic records.")] = 200_000,
    seed: Annotated[int, typer.Option(help="Random seed of the synthetic survey.")] = 2026,
    db: Annotated[str | None, typer.Option(
        "--db", help="Database URL of the demo's warehouse (default: demo.sqlite next to the "
        "embedded warehouse file, apart from your own data).")] = None,
    mirror: Annotated[str | None, typer.Option(
        "--from", help="A folder or URL laid out like the shared data folder, to load "
        "ILOSTAT's SDG 8 files from (default $DECENTWORK_MIRROR, else the download cache).")]
    = None,
    host: Annotated[str, typer.Option(help="Address the dashboard listens on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port the dashboard listens on.")] = 8000,
    serve: Annotated[bool, typer.Option(
        "--serve/--no-serve", help="Serve the dashboard once loaded (--no-serve: stop after "
        "loading).")] = True,
) -> None:
    """Generate a synthetic survey, compute the indicator catalogue with SEs, load it and
    ILOSTAT's SDG 8 files into the demo warehouse, print the headline rates, serve the
    dashboard."""
    from rich.table import Table

    from decentwork import demo as demonstration
    from decentwork.synthetic import generate
    from decentwork.warehouse import ilostat

    url = db or demonstration.demo_url()
    target = warehouse.open_warehouse(url)
    with progress_bar() as progress:
        task = progress.add_task("Generating a synthetic survey", total=3)
        try:
            people = generate(records, seed=seed)
        except (ValueError, TypeError) as error:
            progress.stop()
            fail(str(error))
        progress.update(task, advance=1)

        def step(description: str) -> None:
            progress.update(task, description=description, advance=1)

        found = demonstration.synthetic_indicators(people, on_step=step)
        progress.update(task, description="Done", completed=3)
    origin = (f"synthetic survey {demonstration.DEMO_AREA}: {records} records, seed {seed}, "
              f"decentwork {__version__}")
    warehouse.print_loaded([demonstration.load_synthetic(target, found, origin)])
    try:
        files = demonstration.ilostat_files(mirror)
    except ilostat.PullError as error:
        errors.print(f"ILOSTAT files not loaded: {error}")
        files = None
    if files:
        warehouse.load_and_report(target, files)
    else:
        errors.print("No ILOSTAT files loaded: 'decentwork ilostat pull "
                     f"{' '.join(demonstration.ILOSTAT_DATASETS)}' downloads them for the next "
                     "run, or 'decentwork demo --from DIR' reads a mirror.", soft_wrap=True)
    table = demonstration.headline(found)
    title = (f"SYNTHETIC survey, fictional area {demonstration.DEMO_AREA}: {records:,} records, "
             f"seed {seed}")
    out = Table(title=title, title_justify="left")
    out.add_column("Domain")
    statistics = list(dict.fromkeys(table["statistic"]))
    for statistic in statistics:
        out.add_column(statistic, justify="right")
    for domain, rows in table.groupby("domain", sort=False):
        cells = rows.set_index("statistic")
        out.add_row(domain, *(_with_se(cells.loc[s]) for s in statistics))
    console.print(out)
    console.print(
        "Estimate (standard error); * unreliable (fewer than 15 records or CV above 33.3%). "
        "Standard errors by Taylor linearisation over strata and PSUs: docs/estimation.md."
    )
    target.dispose()
    if serve:
        console.print(f"Demo warehouse: {url}. Stop the dashboard with Ctrl+C.")
        web_commands.serve(db=url, host=host, port=port)


def _with_se(row: pd.Series) -> str:
    """``estimate (se)``, with a star when the coefficient of variation is above 20%."""
    digits = 2 if row["se"] < 10 else 0
    flag = "*" if row["obs_status"] == "U" else ""
    return f"{row['estimate']:,.1f} ({row['se']:,.{digits}f}){flag}"


profile_app = typer.Typer(
    help="Survey profiles: map a survey file's columns onto the ILO standard variables.",
    no_args_is_help=True,
)
app.add_typer(profile_app, name="profile")


@profile_app.command("check")
def profile_check(
    profile: Annotated[
        str, typer.Argument(help="Bundled profile name (statcan-lfs, synthetic) or YAML path.")
    ],
    file: Annotated[Path, typer.Argument(help="Survey file (csv, parquet, dta, sav or zip).")],
) -> None:
    """Check a profile on a survey file: mapped variables, their values, unused columns,
    problems. Exit status 0: no problem; 1: problems found; 2: the profile or file is unusable.
    """
    import duckdb
    from rich.table import Table

    from decentwork.survey import ProfileError, load_profile
    from decentwork.survey.check import check_profile

    try:
        loaded = load_profile(profile)
        report = check_profile(loaded, file)
    except ProfileError as error:
        fail(str(error))
    except duckdb.Error as error:
        fail(f"{file}: {str(error).splitlines()[0]}")
    console.print(
        f"Profile [bold]{loaded.metadata.name}[/] ({loaded.origin}) on {file}: "
        f"{report.records:,} records"
    )
    mapped = Table(title="Standard variables", title_justify="left")
    for column, justify in (("variable", "left"), ("raw columns", "left"), ("missing", "right"),
                            ("values: unweighted count (weighted %)", "left")):
        mapped.add_column(column, justify=justify)  # type: ignore[arg-type]
    for d in report.distributions:
        if d.summary is not None:
            low, mean, high = d.summary
            values = f"min {low:,.4g}  mean {mean:,.4g}  max {high:,.4g}"
        else:
            values = "  ".join(f"{v}: {n:,} ({share:.1f}%)" for v, n, share in d.top)
        mapped.add_row(d.variable, ", ".join(d.raw_columns) or "(constant)",
                       f"{d.missing:,}", values)
    console.print(mapped)
    console.print(f"Raw columns not used ({len(report.unused_columns)}): "
                  f"{', '.join(report.unused_columns) or 'none'}")
    if not report.problems:
        console.print("[bold green]No problems found.[/]")
        return
    problems = Table(title="Problems", title_justify="left")
    problems.add_column("problem", style="red")
    for problem in report.problems:
        problems.add_row(problem)
    console.print(problems)
    raise typer.Exit(1)


@app.command()
def compute(
    profile: Annotated[
        str, typer.Argument(help="Bundled profile name (statcan-lfs, synthetic) or YAML path.")
    ],
    files: Annotated[
        list[Path], typer.Argument(help="Survey files, one per period (e.g. 12 monthly files).")
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="File to write (default: CSV on standard output)."),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f",
                     help="csv, parquet, xlsx or sdmx-csv (default: from --out's suffix, "
                     "else csv)."),
    ] = None,
    indicators: Annotated[
        str | None,
        typer.Option(help="Comma-separated indicator codes (default: the whole catalogue)."),
    ] = None,
    average_to: Annotated[
        str | None,
        typer.Option("--average-to",
                     help="Also give averages of the monthly estimates: year or quarter."),
    ] = None,
    catalogue: Annotated[
        Path | None, typer.Option(help="Your own catalogue YAML (default: the bundled one).")
    ] = None,
    min_count: Annotated[
        int, typer.Option(help="Flag U below this many sample records.")
    ] = 15,
    max_cv: Annotated[
        float, typer.Option(help="Flag U above this coefficient of variation (percent).")
    ] = 33.3,
    suppress_below: Annotated[
        int | None,
        typer.Option(help="Blank the value and uncertainty of estimates from fewer records."),
    ] = None,
) -> None:
    """Compute the ILO indicator catalogue from survey files, with standard errors, confidence
    intervals and reliability flags, as ILOSTAT-shaped observations."""
    from rich.table import Table

    from decentwork.indicators import (
        CatalogueError,
        ComputeError,
        ReliabilityRule,
        load_catalogue,
    )
    from decentwork.indicators import compute as compute_indicators
    from decentwork.indicators.averages import MONTHS_IN, AverageError, average
    from decentwork.observations.writers import format_for, write
    from decentwork.survey import ProfileError, load_profile

    try:
        chosen = format_for(out, fmt)
        rule = ReliabilityRule(min_count=min_count, max_cv=max_cv, suppress_below=suppress_below)
        if average_to is not None and average_to not in MONTHS_IN:
            raise ValueError(f"--average-to {average_to!r}: expected {' or '.join(MONTHS_IN)}")
        loaded = load_profile(profile)
        book = load_catalogue(catalogue)
        codes = [c.strip() for c in indicators.split(",") if c.strip()] if indicators else None
        for file in files:
            if not file.is_file():
                raise ValueError(f"{file}: no such file")
        if out is not None and not (out.parent if str(out.parent) else Path(".")).is_dir():
            raise ValueError(f"--out {out}: the folder {out.parent} does not exist")
    except (ValueError, ProfileError, CatalogueError) as error:
        fail(_message(error))
    results = []
    skipped: dict[str, str] = {}
    seen: dict[str, Path] = {}
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                  TimeElapsedColumn(), console=errors) as progress:
        task = progress.add_task("Computing", total=None)
        for file in files:
            try:
                result = compute_indicators(
                    loaded, file, catalogue=book, indicators=codes, rule=rule,
                    on_step=lambda step: progress.update(task, description=step[:70]),
                )
            except (ComputeError, ProfileError) as error:
                progress.stop()
                fail(str(error))
            for time in sorted(set(result.observations["time"])):
                if time in seen:
                    progress.stop()
                    fail(f"{seen[time]} and {file} both give time {time}; give one file per "
                         "period")
                seen[time] = file
            results.append(result.observations)
            skipped.update(result.skipped)
        progress.update(task, description="Done")
    monthly = pd.concat(results, ignore_index=True)
    table = monthly
    if average_to:
        try:
            averages, incomplete = average(monthly, average_to, rule)  # type: ignore[arg-type]
        except AverageError as error:
            fail(str(error))
        skipped.update(incomplete)
        table = pd.concat([monthly, averages], ignore_index=True)
    if skipped:
        listing = Table(title="Skipped (the profile does not provide what they need)",
                        title_justify="left")
        listing.add_column("indicator or breakdown")
        listing.add_column("reason")
        for item, reason in skipped.items():
            listing.add_row(item, reason)
        errors.print(listing)
    try:
        write(table, out, chosen, skipped)
    except (OSError, ValueError) as error:
        fail(f"cannot write {out}: {error}")
    if out is not None:
        console.print(f"Wrote {len(table):,} observations of "
                      f"{table['indicator'].nunique()} indicators to {out} ({chosen})")


def _message(error: Exception) -> str:
    """A user-facing message; Pydantic's validation errors as ``--option: problem``."""
    if isinstance(error, ValidationError):
        return "; ".join(
            f"--{str(e['loc'][0]).replace('_', '-')}: {e['msg']}" for e in error.errors()
        )
    return str(error)
