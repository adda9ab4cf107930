"""The synthetic survey's command (registered by :mod:`decentwork.cli`): ``synth``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from decentwork.terminal import console, progress_bar


def synth(
    ctx: typer.Context,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Parquet file to write.")] = None,
    records: Annotated[int, typer.Option("--records", "-n", help="Person records.")] = 100_000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same file).")] = 1,
    strata: Annotated[
        int | None, typer.Option(help="Number of strata (default: one per 5,000 records).")
    ] = None,
    psus: Annotated[
        int | None, typer.Option(help="Number of PSUs (default: one per 100 records).")
    ] = None,
) -> None:
    """Write a seeded synthetic labour force survey (households in PSUs in strata) as Parquet
    with --out; 'decentwork synth pes' writes a synthetic public employment service."""
    if ctx.invoked_subcommand is not None:
        return
    if out is None:
        raise typer.BadParameter("a Parquet file to write is required", param_hint="'--out'")
    from decentwork.synthetic import write_parquet

    with progress_bar() as progress:
        task = progress.add_task(f"Generating {records:,} records", total=records)
        write_parquet(
            out,
            records=records,
            seed=seed,
            strata=strata,
            psus=psus,
            on_progress=lambda done: progress.update(task, completed=done),
        )
    console.print(f"Wrote {records:,} synthetic records to {out}")
