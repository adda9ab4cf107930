"""The estimation pass on DuckDB against Spark local[2], on synthetic partitioned Parquet.

The issue's target size is 100M records (``--records 100000000``); the default, 10M, finishes
in minutes on this 2-core machine. The data are written once as a folder of Parquet parts
(1M records each, cached under ``benchmarks/_data/``): 1,000 strata, 10 PSUs each, a weight,
sex, 10 regions, 6 age bands and 0/1 ``unemp``/``lf``.

Each engine runs in its own process (this script with ``--job``), which reports:

- the unemployment rate by (), sex and sex x region (33 domains) with strata and PSUs:
  time of the first and of a second (warm) call, and of starting the session (Spark);
- peak resident memory (``VmHWM``) of the Python process (the driver) and, for Spark, of the
  JVM it launched (a child process), read from ``/proc``;
- for Spark, the cell table sent back to the driver by grouping sets of 2, 6 and 12 cells
  (rows, columns and bytes): it follows PSUs x cells, not records.

The load average is printed before and after, since the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "benchmarks" / "_data"
PART = 1_000_000
STRATA, PSUS_PER_STRATUM = 1_000, 10
BY = [(), ("sex",), ("sex", "region")]
WIDENING = {"sex": ("sex",), "age band": ("ageband",), "sex x age band": ("sex", "ageband")}
"""Grouping sets of 2, 6 and 12 cells in every PSU (regions hold whole strata, so they add
none)."""


def dataset(records: int) -> Path:
    """The folder of Parquet parts with ``records`` records (written when missing)."""
    folder = DATA_DIR / f"spark_{records}"
    parts = -(-records // PART)
    if folder.is_dir() and len(list(folder.glob("*.parquet"))) == parts:
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(parts):
        n = min(PART, records - k * PART)
        rng = np.random.default_rng(k)
        stratum = rng.integers(0, STRATA, n)
        lf = (rng.random(n) < 0.6).astype(np.int8)
        table = pa.table(
            {
                "stratum": stratum.astype(np.int32),
                "psu": (stratum * PSUS_PER_STRATUM + rng.integers(0, PSUS_PER_STRATUM, n)).astype(
                    np.int32
                ),
                "weight": rng.uniform(50, 150, n),
                "sex": rng.integers(1, 3, n).astype(np.int8),
                "region": (stratum % 10 + 1).astype(np.int8),
                "ageband": rng.integers(1, 7, n).astype(np.int8),
                "lf": lf,
                "unemp": (lf * (rng.random(n) < 0.08)).astype(np.int8),
            }
        )
        pq.write_table(table, folder / f"part-{k:04d}.parquet")
    return folder


def memory(pid: int | str = "self") -> int:
    """Peak resident memory (bytes) of the process ``pid``."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def children(pid: int) -> list[int]:
    """Every descendant process of ``pid``."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            found += [int(child), *children(int(child))]
    return found


def jvm_memory() -> int:
    """Peak resident memory of the JVM(s) this process launched."""
    total = 0
    for pid in children(os.getpid()):
        try:
            if "java" in Path(f"/proc/{pid}/cmdline").read_text():
                total += memory(pid)
        except FileNotFoundError:
            continue
    return total


def job(engine: str, folder: Path, master: str) -> dict[str, Any]:
    """One engine's measures (run in its own process)."""
    from decentwork.estimation import Design, estimate
    from decentwork.estimation.source import database

    design = Design(weight="weight", strata="stratum", psu="psu")
    out: dict[str, Any] = {"engine": engine}
    options: dict[str, Any] = {"ratios": {"ur": ("unemp", "lf")}, "by": BY}
    if engine == "duckdb":

        def data() -> Any:
            return database().cursor().read_parquet(str(folder / "*.parquet"))
    else:
        from decentwork.estimation.spark import session

        start = time.perf_counter()
        spark = session(master, app_name="decentwork benchmark")
        out["session_seconds"] = time.perf_counter() - start
        options.update(engine="spark", spark=spark)

        def data() -> Any:
            return str(folder)

    for run in ("first", "warm"):
        start = time.perf_counter()
        result = estimate(data(), design, **options)
        out[f"{run}_seconds"] = time.perf_counter() - start
    out["ur"] = float(result["estimate"].iloc[0])
    out["ur_se"] = float(result["se"].iloc[0])
    if engine == "spark":
        out["cells"] = cell_tables(spark, folder, design)
        out["jvm_peak_bytes"] = jvm_memory()
    out["driver_peak_bytes"] = memory()
    return out


def cell_tables(spark: Any, folder: Path, design: Any) -> dict[str, dict[str, int]]:
    """Rows, columns and bytes of the cell table Spark sends to the driver, per grouping."""
    from decentwork.estimation.cells import CellPlan, Statistic, aggregate
    from decentwork.estimation.spark import spark_table

    sizes = {}
    for name, by in WIDENING.items():
        plan = CellPlan(
            design=design,
            statistics=(Statistic("ur", "ratio", "unemp", "lf"),),
            by_columns=by,
            replicate_columns=(),
            moments=False,
            gram=False,
        )
        with spark_table(str(folder), spark) as table:
            cells = aggregate(plan, table)
        sizes[name] = {
            "rows": len(cells),
            "columns": cells.shape[1],
            "bytes": int(cells.memory_usage(deep=True).sum()),
        }
    return sizes


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000_000)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--job", choices=["duckdb", "spark"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    folder = dataset(args.records)
    if args.job:
        print(json.dumps(job(args.job, folder, args.master)))
        return
    print(f"{args.records:,} records in {folder} ({len(list(folder.glob('*.parquet')))} parts)")
    print(f"load average before: {load()}")
    results = {}
    for engine in ("duckdb", "spark"):
        command = [sys.executable, __file__, "--job", engine, f"--records={args.records}"]
        done = subprocess.run(
            [*command, f"--master={args.master}"],
            capture_output=True,
            text=True,
            check=True,
        )
        results[engine] = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"load average after: {load()}")
    duck, spark = results["duckdb"], results["spark"]
    print(f"Spark session start: {spark['session_seconds']:.1f} s")
    for engine, r in results.items():
        jvm = f", JVM peak {r['jvm_peak_bytes'] / 1e6:,.0f} MB" if "jvm_peak_bytes" in r else ""
        print(
            f"{engine:>6}: first {r['first_seconds']:.2f} s, warm {r['warm_seconds']:.2f} s, "
            f"driver peak {r['driver_peak_bytes'] / 1e6:,.0f} MB{jvm}"
        )
    print(
        f"Spark / DuckDB (warm): {spark['warm_seconds'] / duck['warm_seconds']:.1f}x; "
        f"estimates differ by {abs(spark['ur'] - duck['ur']) / duck['ur']:.1e} (relative), "
        f"SEs by {abs(spark['ur_se'] - duck['ur_se']) / duck['ur_se']:.1e}"
    )
    for name, size in spark["cells"].items():
        print(
            f"cells sent to the driver, by {name}: {size['rows']:,} rows x {size['columns']} "
            f"columns, {size['bytes'] / 1e6:.2f} MB"
        )


if __name__ == "__main__":
    main()
