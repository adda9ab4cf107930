"""Benchmark of many replicate weights: time and peak memory, 0 vs 500 replicates.

One seeded synthetic survey (the project's generator, ``decentwork.synthetic.generate``; its
persons aged 15+) is estimated twice with the same request (the unemployment rate and the
labour force total, by ``()``, ``sex`` and ``sex x region``, ``ci="t"``):

- ``0``: the Taylor design (strata and PSUs), no replicate weights;
- ``500``: 500 bootstrap replicate weights (full analysis weights: the weight times a seeded
  Poisson(1) factor per PSU and replicate, drawn with numpy), ``replicate_method="bootstrap"``.
  With ``ci="t"`` the degrees of freedom need the replicate weights' Gram matrix, 125,250
  sums, so the aggregate runs as slices of at most ``cells.MAX_SUMS`` sums (one query with
  them all killed DuckDB).

Each case runs in its own process reading the Parquet file (DuckDB streams it), which reports
its wall time and peak resident memory (``ru_maxrss``, the whole process). Data are cached
under ``benchmarks/_data/`` (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "_data"
BY = [(), ("sex",), ("sex", "region")]


def data_file(records: int, replicates: int, seed: int) -> Path:
    """The cached synthetic survey with ``replicates`` bootstrap weights, made when missing."""
    import duckdb
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from decentwork.demo import labour_sql
    from decentwork.synthetic import generate

    path = DATA / f"replicates_{records}_{replicates}_seed{seed}.parquet"
    if path.exists():
        return path
    strata, psus = max(records // 5_000, 1), max(records // 100, 2)
    con = duckdb.connect()
    con.register("people", generate(records, seed=seed, strata=strata, psus=psus))
    table = con.sql(f"SELECT * FROM ({labour_sql('people', min_age=15)})").to_arrow_table()
    psu = table["psu"].to_numpy()
    units, unit = np.unique(psu, return_inverse=True)
    factors = np.random.default_rng(seed).poisson(1.0, (len(units), replicates))
    weight = table["weight"].to_numpy()
    for r in range(replicates):
        table = table.append_column(f"repw{r + 1}", pa.array(weight * factors[unit, r]))
    DATA.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    pq.write_table(table, partial)
    partial.rename(path)
    return path


def job(path: Path, replicates: int) -> dict[str, object]:
    """Run in a child process: one ``estimate`` call on the file."""
    from decentwork.estimation import Design, estimate

    if replicates:
        design = Design(weight="weight", replicate_weights="repw", replicate_method="bootstrap")
    else:
        design = Design(weight="weight", strata="stratum", psu="psu")
    started = time.perf_counter()
    result = estimate(
        str(path), design, ratios={"ur": ("unemp", "lf")}, totals=["lf"], by=BY, ci="t"
    )
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time(),
        "peak_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "rows": len(result),
        "se_ur": float(result["se"].iloc[0]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--replicates", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--job", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--job-replicates", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.job:
        print(json.dumps(job(args.job, args.job_replicates)))
        return
    path = data_file(args.records, args.replicates, args.seed)
    print(
        f"replicate-weight benchmark: {args.records:,} records (seed {args.seed}), ci='t', "
        f"by {BY}; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
        f"python {sys.version.split()[0]}"
    )
    for replicates in (0, args.replicates):
        output = subprocess.run(
            [sys.executable, __file__, "--job", str(path), "--job-replicates", str(replicates)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        report = json.loads(output.strip().splitlines()[-1])
        print(
            f"  {replicates:4d} replicates: {report['seconds']:8.2f} s wall, "
            f"{report['cpu_seconds']:8.2f} s CPU, peak memory "
            f"{report['peak_bytes'] / 1024**2:,.0f} MB; {report['rows']} rows, "
            f"SE of the rate {report['se_ur']:.6f}"
        )


if __name__ == "__main__":
    main()
