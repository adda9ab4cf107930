"""The main job (registered by :mod:`decentwork.cli`): ``demo``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from decentwork import __version__
from decentwork.commands import warehouse
from decentwork.commands import web as web_commands
from decentwork.terminal import console, errors, progress_bar

if TYPE_CHECKING:
    import pandas as pd
    import sqlalchemy as sa
    from rich.progress import TaskID


def demo(
    records: Annotated[int, typer.Option("--records", "-n", help="Synthetic records.")] = 200_000,
    seed: Annotated[int, typer.Option(help="Random seed of the synthetic survey.")] = 2026,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Database URL of the demo's warehouse (default: demo.sqlite next to the "
            "embedded warehouse file, apart from your own data).",
        ),
    ] = None,
    mirror: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="A folder or URL laid out like the shared data folder, to load "
            "ILOSTAT's SDG 8 files from (default $DECENTWORK_MIRROR, else the download cache).",
        ),
    ] = None,
    host: Annotated[str, typer.Option(help="Address the dashboard listens on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(min=1, max=65535, help="Port the dashboard listens on (1-65535).")
    ] = 8000,
    serve: Annotated[
        bool,
        typer.Option(
            "--serve/--no-serve",
            help="Serve the dashboard once loaded (--no-serve: stop after loading).",
        ),
    ] = True,
    surveys: Annotated[
        bool,
        typer.Option(
            "--surveys/--no-surveys",
            help="Also compute the headline indicators of the real "
            "survey files a --from folder has (Statistics Canada's and the Philippines' LFS "
            "months: about a minute).",
        ),
    ] = True,
) -> None:
    """Generate a synthetic survey, compute the indicator catalogue with SEs, load it and
    ILOSTAT's SDG 8 files (and, from a --from folder, the real Canadian and Philippine
    survey months' headline indicators) into the demo warehouse, print the headline rates;
    create a synthetic public employment service (Cambodia) and load twelve months of its
    statistics; serve the dashboard and the PES pages."""
    from rich.table import Table

    from decentwork import demo as demonstration
    from decentwork.synthetic import generate
    from decentwork.warehouse import ilostat

    url = db or demonstration.demo_url()
    target = warehouse.open_warehouse(url)
    with progress_bar() as progress:
        task = progress.add_task("Generating a synthetic survey", total=3)
        people = generate(records, seed=seed)
        progress.update(task, advance=1)

        def step(description: str) -> None:
            progress.update(task, description=description, advance=1)

        found = demonstration.synthetic_indicators(people, on_step=step)
        progress.update(task, description="Done", completed=3)
    origin = (
        f"synthetic survey {demonstration.DEMO_AREA}: {records} records, seed {seed}, "
        f"decentwork {__version__}"
    )
    warehouse.print_loaded(
        [demonstration.load_synthetic(target, found, origin, warehouse.catalogue_metadata())]
    )
    if surveys:
        _load_surveys(target, mirror)
    try:
        files = demonstration.ilostat_files(mirror)
    except ilostat.PullError as error:
        errors.print(f"ILOSTAT files not loaded: {error}")
        files = None
    if files:
        warehouse.load_and_report(target, files)
    else:
        errors.print(
            "No ILOSTAT files loaded: 'decentwork ilostat pull "
            f"{' '.join(demonstration.ILOSTAT_DATASETS)}' downloads them for the next "
            "run, or 'decentwork demo --from DIR' reads a mirror.",
            soft_wrap=True,
        )
    table = demonstration.headline(found)
    title = (
        f"SYNTHETIC survey, fictional area {demonstration.DEMO_AREA}: {records:,} records, "
        f"seed {seed}"
    )
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
        "Estimate (standard error); * unreliable (the default reliability rule: fewer than "
        "15 records, a CV above 33.3% or a single PSU; docs/indicators.md). Standard errors "
        "by Taylor linearisation over strata and PSUs: docs/estimation.md."
    )
    target.dispose()
    pes = demonstration.synthetic_pes(demonstration.pes_url(), mirror)
    if pes is None:
        errors.print(
            "No demo PES: its codes are checked against the classification files; "
            "'decentwork demo --from DIR' or 'decentwork classifications fetch' gets "
            "them.",
            soft_wrap=True,
        )
    else:
        target = warehouse.open_warehouse(url)
        months = demonstration.pes_statistics(target, pes.url)
        target.dispose()
        console.print(
            f"PES statistics: {len(months)} months loaded as dataset {months[0].dataset} "
            f"({sum(m.rows_read for m in months):,} observations, "
            f"{sum(m.added + m.changed for m in months):,} new or revised).",
            soft_wrap=True,
        )
        console.print(
            f"Demo public employment service (synthetic, KHM): {pes.seekers:,} job "
            f"seekers, {pes.vacancies:,} vacancies. Officer login at /pes/: "
            f"{pes.officer} / {pes.password}",
            soft_wrap=True,
        )
    if serve:
        console.print(f"Demo warehouse: {url}. Stop the dashboard with Ctrl+C.")
        web_commands.serve(
            db=url, host=host, port=port, pes_db=pes.url if pes is not None else None
        )


def _load_surveys(target: sa.Engine, mirror: str | None) -> None:
    """Compute and load the headline indicators of the real survey files in the mirror
    folder, one dataset per survey (``decentwork-demo-<profile>``)."""
    from decentwork import demo as demonstration

    for profile, files in demonstration.survey_files(mirror).items():
        with progress_bar() as progress:
            task = progress.add_task(f"{profile}: {len(files)} files", total=None)

            def step(description: str, task: TaskID = task) -> None:
                progress.update(task, description=description[:60])

            found = demonstration.survey_indicators(profile, files, on_step=step)
            progress.update(task, description=f"{profile}: done")
        origin = f"{profile}: {', '.join(file.name for file in files)}, decentwork {__version__}"
        warehouse.print_loaded(
            [
                demonstration.load_computed(
                    target,
                    found,
                    f"decentwork-demo-{profile}",
                    origin,
                    f"computed:{profile}",
                    warehouse.catalogue_metadata(),
                )
            ]
        )


def _with_se(row: pd.Series) -> str:
    """``estimate (se)``, with a star when the estimate is flagged unreliable (``U``)."""
    digits = 2 if row["se"] < 10 else 0
    flag = "*" if row["obs_status"] == "U" else ""
    return f"{row['estimate']:,.1f} ({row['se']:,.{digits}f}){flag}"
