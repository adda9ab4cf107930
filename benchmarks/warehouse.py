"""Benchmark of the warehouse: loading observations, and the dashboard's query.

1. ``load``: 1M synthetic observations written as a decentwork observation CSV, loaded with
   ``decentwork.warehouse.load_file`` into a new SQLite warehouse (parse, checks, comparison
   with the latest view, insert, one transaction). Target: under 60 s. Then the same file is
   loaded again (already loaded: nothing added) and a copy with 1 % of values changed (a
   revision of 10,000 rows).
2. ``query``: a SQLite warehouse holding 10M observations (stored by the loader's insert
   path in 1M-row releases, without re-parsing CSV), and the dashboard's query: one indicator,
   one area, every disaggregation and year, latest view. 200 random (indicator, area) pairs;
   p50 and p95. Target: p95 under 50 ms. Beside it, the bare indexed SELECT of the same rows
   (no latest-view logic) as a yardstick.

``--quick`` divides the sizes by 20. Warehouses and files go to ``benchmarks/_data/``;
``--postgres URL`` runs the cases on PostgreSQL instead, each in a fresh schema.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import sqlalchemy as sa

from decentwork.observations.writers import write
from decentwork.synthetic.observations import observation_table
from decentwork.warehouse import Filters, engine, load_file, view
from decentwork.warehouse.load import _insert
from decentwork.warehouse.tables import observations, releases

DATA = Path(__file__).resolve().parents[1] / "benchmarks" / "_data"


POSTGRES: str | None = None
"""A PostgreSQL URL (--postgres): each case then runs in a fresh schema of that database."""


def _fresh(name: str) -> sa.Engine:
    if POSTGRES:
        schema = "bench_" + name.split(".")[0]
        admin = sa.create_engine(POSTGRES)
        with admin.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
        admin.dispose()
        separator = "&" if "?" in POSTGRES else "?"
        return engine(f"{POSTGRES}{separator}options=-csearch_path%3D{schema}")
    path = DATA / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return engine(f"sqlite:///{path}")


def case_load(rows: int) -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    table = observation_table(rows, seed=1)
    path = DATA / f"observations_{rows}.csv"
    write(table, path, "csv")
    warehouse = _fresh(f"load_{rows}.sqlite")
    started = time.perf_counter()
    report = load_file(warehouse, path)
    seconds = time.perf_counter() - started
    print(
        f"load: {rows:,} observations ({path.stat().st_size / 1e6:.0f} MB CSV) in "
        f"{seconds:.1f} s ({rows / seconds:,.0f} rows/s); added {report.added:,}"
        + (
            "; target < 60 s: " + ("met" if seconds < 60 else "NOT met")
            if rows >= 1_000_000
            else ""
        )
    )
    started = time.perf_counter()
    again = load_file(warehouse, path)
    print(
        f"  same file again: {time.perf_counter() - started:.1f} s, "
        f"already loaded = {again.already_loaded}"
    )
    rng = np.random.default_rng(2)
    changed = rng.choice(rows, size=max(rows // 100, 1), replace=False)
    table.loc[changed, "obs_value"] = table.loc[changed, "obs_value"] + 1.0
    revised = DATA / f"observations_{rows}_revised.csv"
    write(table, revised, "csv")
    started = time.perf_counter()
    report = load_file(warehouse, revised, dataset=report.dataset)
    print(
        f"  revision ({report.changed:,} values changed, {report.unchanged:,} unchanged): "
        f"{time.perf_counter() - started:.1f} s"
    )
    print(f"  peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")


def case_query(rows: int, repeats: int) -> None:
    warehouse = _fresh(f"query_{rows}.sqlite")
    chunk = 1_000_000 if rows >= 1_000_000 else rows
    started = time.perf_counter()
    table = observation_table(rows, seed=3)
    with warehouse.begin() as connection:
        for start in range(0, rows, chunk):
            release = connection.execute(
                releases.insert().values(
                    dataset="synthetic",
                    file="(benchmark)",
                    checksum=f"{start}",
                    format="bench",
                    loaded_at=datetime.now(UTC),
                    loaded_by="benchmarks/warehouse.py",
                    full=False,
                    rows_read=chunk,
                    rows_added=chunk,
                    rows_changed=0,
                    rows_unchanged=0,
                    rows_withdrawn=0,
                )
            ).inserted_primary_key[0]
            _insert(connection, table.iloc[start : start + chunk], "synthetic", release, False)
    print(f"query: {rows:,} observations stored in {time.perf_counter() - started:.0f} s")
    rng = np.random.default_rng(4)
    indicators = sorted(set(table["indicator"]))
    areas = sorted(set(table["ref_area"]))
    pairs = [
        (indicators[rng.integers(len(indicators))], areas[rng.integers(len(areas))])
        for _ in range(repeats)
    ]
    times, bare, sizes = [], [], []
    with warehouse.connect() as connection:
        for indicator, area in pairs:
            started = time.perf_counter()
            found = view(connection, Filters({"indicator": [indicator], "ref_area": [area]}))
            times.append(time.perf_counter() - started)
            sizes.append(len(found))
            started = time.perf_counter()
            connection.execute(
                sa.select(observations).where(
                    observations.c.indicator == indicator, observations.c.ref_area == area
                )
            ).all()
            bare.append(time.perf_counter() - started)
    p95 = float(np.percentile(times, 95))
    print(
        f"  dashboard query (one indicator, one area, latest view; {statistics.mean(sizes):.0f}"
        f" rows): p50 {1000 * statistics.median(times):.1f} ms, p95 {1000 * p95:.1f} ms; "
        f"target p95 < 50 ms: {'met' if p95 < 0.05 else 'NOT met'}"
    )
    print(
        f"  bare indexed SELECT of the same rows: p50 {1000 * statistics.median(bare):.1f} ms;"
        f" view / bare = {statistics.median(times) / statistics.median(bare):.1f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="sizes divided by 20")
    parser.add_argument("--case", choices=("load", "query"), action="append")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="run on PostgreSQL (e.g. postgresql+psycopg://postgres@127.0.0.1/test)"
        " in fresh schemas, instead of SQLite",
    )
    args = parser.parse_args()
    global POSTGRES
    POSTGRES = args.postgres
    print(f"database: {'PostgreSQL ' + POSTGRES if POSTGRES else 'SQLite (embedded default)'}")
    scale = 20 if args.quick else 1
    cases = args.case or ["load", "query"]
    if "load" in cases:
        case_load(1_000_000 // scale)
    if "query" in cases:
        case_query(10_000_000 // scale, 200)


if __name__ == "__main__":
    main()
