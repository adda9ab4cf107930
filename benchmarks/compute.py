"""Benchmark of ``decentwork compute``: the whole indicator catalogue, with every
disaggregation and the regional estimates, on synthetic microdata.

Each case runs in its own process, which reports its wall time per pass over the data and its
peak resident memory (``ru_maxrss``). Beside it, the same process times one bare DuckDB scan of
the file (a weighted count by PSU) as a yardstick for the machine, so runs on a busy machine
can be compared by ratio.

Cases (``--quick`` shrinks the records 20-fold for a smoke run):

- ``10M``: 10M records, 1,000 strata, 10,000 PSUs (1,000 records per PSU, the kernel
  benchmark's case 3 design). The issue's target: under 30 s and 4 GB on 2 cores.
- ``10M-100k-psu``: the same size with 100,000 PSUs (the generator's default of 100 records per
  PSU), a stress case: the first pass keeps a sum per PSU and domain, so its cost grows with
  the number of PSUs times the domains of the finest classification.

Data are cached under ``benchmarks/_data/`` (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "_data"
CASES = {
    "10M": {"records": 10_000_000, "strata": 1_000, "psus": 10_000},
    "10M-100k-psu": {"records": 10_000_000, "strata": 2_000, "psus": 100_000},
}
TARGET_SECONDS = 30.0
TARGET_BYTES = 4 * 1024**3


def data_file(records: int, strata: int, psus: int, seed: int) -> Path:
    """The cached synthetic survey of this size, generated when missing."""
    from decentwork.synthetic import write_parquet

    path = DATA / f"compute_{records}_{strata}_{psus}_seed{seed}.parquet"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        write_parquet(partial, records=records, seed=seed, strata=strata, psus=psus)
        partial.rename(path)
    return path


def job(path: Path) -> dict[str, object]:
    """Run in a child process: the yardstick scan, then the whole catalogue."""
    import duckdb

    from decentwork.indicators import compute
    from decentwork.survey import load_profile

    started = time.perf_counter()
    duckdb.sql(f"SELECT psu, SUM(weight) FROM read_parquet('{path}') GROUP BY psu").fetchall()
    scan = time.perf_counter() - started
    passes: list[tuple[str, float]] = []
    marks = [time.perf_counter()]

    def step(description: str) -> None:
        now = time.perf_counter()
        if passes:
            passes[-1] = (passes[-1][0], now - marks[-1])
        passes.append((description, 0.0))
        marks.append(now)

    started = time.perf_counter()
    result = compute(load_profile("synthetic"), path, on_step=step)
    seconds = time.perf_counter() - started
    passes[-1] = (passes[-1][0], time.perf_counter() - marks[-1])
    return {
        "seconds": seconds,
        "scan_seconds": scan,
        "observations": len(result.observations),
        "indicators": int(result.observations["indicator"].nunique()),
        "skipped": len(result.skipped),
        "peak_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "passes": passes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 times fewer records")
    parser.add_argument(
        "--case", choices=sorted(CASES), action="append", help="case(s) to run (default: all)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--job", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.job:
        print(json.dumps(job(args.job)))
        return
    import os

    print(f"decentwork compute benchmark; {os.cpu_count()} cores; python {sys.version.split()[0]}")
    for name in args.case or list(CASES):
        size = dict(CASES[name])
        if args.quick:
            size = {k: max(v // 20, 1) for k, v in size.items()}
        path = data_file(size["records"], size["strata"], size["psus"], args.seed)
        output = subprocess.run(
            [sys.executable, __file__, "--job", str(path)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        report = json.loads(output.strip().splitlines()[-1])
        seconds, peak = report["seconds"], report["peak_bytes"]
        print(
            f"\n{name}: {size['records']:,} records, {size['strata']:,} strata, "
            f"{size['psus']:,} PSUs"
        )
        for description, spent in report["passes"]:
            print(f"  {spent:7.2f} s  {description[:90]}")
        print(
            f"  whole catalogue: {seconds:.2f} s, peak memory {peak / 1024**2:,.0f} MB; "
            f"{report['observations']:,} observations of {report['indicators']} indicators"
        )
        print(
            f"  yardstick: one DuckDB scan by PSU {report['scan_seconds']:.3f} s; "
            f"catalogue / scan = {seconds / report['scan_seconds']:.0f}x"
        )
        if name == "10M" and not args.quick:
            print(
                f"  target < {TARGET_SECONDS:.0f} s and < 4 GB: "
                f"{'met' if seconds < TARGET_SECONDS and peak < TARGET_BYTES else 'NOT met'}"
            )


if __name__ == "__main__":
    main()
