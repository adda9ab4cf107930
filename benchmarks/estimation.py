"""Benchmark of the estimation kernel against R ``survey`` and the Python ``svy`` package.

Cases (sizes of the full run; ``--quick`` shrinks them for a smoke run):

1. 1M records aged 15+, 200 strata, 2,000 PSUs: the unemployment rate ``ur = unemp / lf``
   in 40 domains (``dom`` = region x sex x urban), by decentwork, R ``survey`` (``svyby`` with
   ``svyratio``) and ``svy``; times, peak memory, speed ratios and agreement of the three.
2. The same data, the full cube sex x 6 age bands x urban/rural x 10 regions: every one of
   the 16 grouping sets (693 domains) in one ``estimate`` call; R for the 20-domain
   sex x region set.
3. 10M records, 1,000 strata, 10,000 PSUs, the full cube: time and peak memory; and one
   grouping set (sex x region) against the full cube on the same data, to see how memory
   depends on the number of domains.

Every measured job runs in its own process (this script with ``--job``, or ``Rscript``) and
reports its own memory from ``/proc/self/status``: the peak over the whole process (``VmHWM``),
the resident memory once its data are loaded, and the peak during the timed step alone
(``VmHWM`` after a reset through ``/proc/self/clear_refs``). Times are of the estimation step
only; each is repeated and the median is reported (the fastest run is shown too).

Synthetic data are cached under ``benchmarks/_data/`` (git-ignored), one prepared Parquet
file (and a CSV for R) per data size, regenerated when missing.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import itertools
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from decentwork.demo import labour_sql

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA_DIR = ROOT / "benchmarks" / "_data"
CUBE = ("sex", "ageband", "urban", "region")
COLUMNS = ("stratum", "psu", "weight", "region", "urban", "sex", "ageband", "dom", "unemp", "lf")
ONE_SET = ("sex", "region")
GROUPINGS: dict[str, list[tuple[str, ...]]] = {
    "dom": [("dom",)],
    "cube": [g for k in range(len(CUBE) + 1) for g in itertools.combinations(CUBE, k)],
    "sex_region": [ONE_SET],
}
SVY_DESIGN_COLUMNS = ("stratum", "psu", "weight", "dom", "unemp", "lf")

# Agreement tolerances (relative differences) between tools on the same data.
TOL_ESTIMATE = 1e-9
TOL_SE = 1e-6

TARGETS = {
    "r_speedup": 300.0,  # decentwork at least 300x faster than R (case 1)
    "svy_speedup": 20.0,  # ... and 20x faster than svy (case 1)
    "cube_seconds": 0.5,  # case 2: full cube on 1M records
    "large_seconds": 5.0,  # case 3: full cube on 10M records
    "large_bytes": 3 * 1024**3,  # case 3: peak memory
}

R_SCRIPT = r"""
args <- commandArgs(trailingOnly = TRUE)
suppressMessages({library(survey); library(data.table)})
status <- function() {
  s <- readLines("/proc/self/status")
  kb <- function(key) as.numeric(gsub("[^0-9]", "", s[startsWith(s, key)]))
  c(rss = kb("VmRSS:") * 1024, hwm = kb("VmHWM:") * 1024)
}
reset_hwm <- function() try(cat("5", file = "/proc/self/clear_refs"), silent = TRUE)
by <- as.formula(args[2])
repeats <- as.integer(args[3])
d <- as.data.frame(fread(args[1], select = c("stratum", "psu", "weight", "unemp", "lf",
                                              all.vars(by))))
design_time <- system.time(
  des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, nest = TRUE, data = d)
)[["elapsed"]]
invisible(gc())
load_rss <- status()[["rss"]]
start_hwm <- status()[["hwm"]]
reset_hwm()
times <- numeric(repeats)
for (i in seq_len(repeats)) {
  times[i] <- system.time(
    r <- svyby(~unemp, by, des, svyratio, denominator = ~lf)
  )[["elapsed"]]
}
step_hwm <- status()[["hwm"]]
out <- data.frame(r[, all.vars(by), drop = FALSE], estimate = as.numeric(coef(r)),
                  se = as.numeric(SE(r)))
fwrite(out, args[4])
cat(sprintf('{"times": [%s], "design_seconds": %.6f, "load_rss": %.0f, "start_hwm": %.0f,
             "step_hwm": %.0f, "records": %d, "version": "%s"}',
            paste(sprintf("%.6f", times), collapse = ", "), design_time, load_rss, start_hwm,
            step_hwm, nrow(d), as.character(packageVersion("survey"))),
    file = args[5])
"""


@dataclass(frozen=True)
class Size:
    """A synthetic data set: records aged 15+ (approximately), strata and PSUs."""

    records: int
    strata: int
    psus: int

    def label(self) -> str:
        return f"{_count(self.records)} records, {self.strata:,} strata, {self.psus:,} PSUs"


FULL_SIZES = {"small": Size(1_000_000, 200, 2_000), "large": Size(10_000_000, 1_000, 10_000)}
QUICK_SIZES = {"small": Size(100_000, 50, 500), "large": Size(1_000_000, 100, 1_000)}


@dataclass
class Measure:
    """One measured job: who ran what, its times and memory."""

    case: str
    tool: str
    what: str
    records: int
    domains: int
    times: list[float]
    peak_rss: int  # whole process (its own VmHWM over its life), bytes
    load_rss: int  # after loading the data (and building the design, for R and svy)
    step_hwm: int  # peak during the timed step alone
    extra: dict[str, Any] = field(default_factory=dict)
    results: Any = None  # pandas DataFrame of estimates

    @property
    def seconds(self) -> float:
        return statistics.median(self.times)


# --------------------------------------------------------------------------- helpers


def _count(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.3g}M"
    if n >= 1_000:
        return f"{n / 1_000:.3g}k"
    return str(n)


def _bytes(n: float) -> str:
    if n >= 1024**3:
        return f"{n / 1024**3:.2f} GB"
    return f"{n / 1024**2:.0f} MB"


def _seconds(s: float) -> str:
    return f"{s:.3f} s" if s < 10 else f"{s:.1f} s"


def _proc_status() -> dict[str, int]:
    """VmRSS and VmHWM of this process, in bytes."""
    values = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) * 1024
    return values


def _reset_hwm() -> None:
    """Reset the peak resident set size (VmHWM) so that it measures what follows."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def _groupings_domains(name: str) -> int:
    levels = {"sex": 2, "ageband": 6, "urban": 2, "region": 10, "dom": 40}
    return sum(math.prod(levels[c] for c in g) for g in GROUPINGS[name])


# --------------------------------------------------------------------------- data


def prepared_data(size: Size, seed: int, data_dir: Path, csv: bool) -> Path:
    """The prepared Parquet file for ``size`` (and its CSV twin for R), made when missing.

    The file name carries a hash of the generator's source, taken once per run. Generation
    runs in a child process, so that this process stays small.
    """
    stem = f"lfs_{size.records}r_{size.strata}s_{size.psus}p_seed{seed}_{_generator_hash()}"
    path = data_dir / f"{stem}.parquet"
    if not path.exists() or (csv and not path.with_suffix(".csv").exists()):
        for stale in data_dir.glob(stem.rsplit("_", 1)[0] + "_*"):
            if not stale.name.startswith(stem):
                stale.unlink()  # made by an older version of the generator
        spec = {
            "tool": "prepare",
            "records": size.records,
            "strata": size.strata,
            "psus": size.psus,
            "seed": seed,
            "path": str(path),
            "csv": csv,
        }
        subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--job", json.dumps(spec)], check=True
        )
    return path


def job_prepare(spec: dict[str, Any]) -> dict[str, Any]:
    """Write the prepared Parquet file (and CSV) of ``spec``."""
    import duckdb

    size = Size(spec["records"], spec["strata"], spec["psus"])
    seed, path = spec["seed"], Path(spec["path"])
    path.parent.mkdir(parents=True, exist_ok=True)
    stem = path.name.removesuffix(".parquet")
    data_dir = path.parent
    if not path.exists():
        from decentwork.synthetic import generate, write_parquet

        people = math.ceil(size.records / _share_aged_15(generate, size, seed))
        print(
            f"  generating {people:,} people for {size.label()}"
            f" -> {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}",
            flush=True,
        )
        raw = data_dir / f"{stem}.raw.parquet"
        started = time.perf_counter()
        write_parquet(
            raw, people, seed, strata=size.strata, psus=size.psus, on_progress=_progress(people)
        )
        tmp = data_dir / f"{stem}.tmp.parquet"
        con = duckdb.connect()
        con.execute("SET enable_progress_bar = false")
        con.execute(
            f"COPY ({_derive_sql(raw)}) TO '{tmp}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)"
        )
        tmp.replace(path)
        raw.unlink()
        print(f"  prepared in {time.perf_counter() - started:.0f} s", flush=True)
    csv_path = path.with_suffix(".csv")
    if spec["csv"] and not csv_path.exists():
        tmp = csv_path.with_suffix(".tmp.csv")
        con = duckdb.connect()
        con.execute("SET enable_progress_bar = false")
        con.execute(
            f"COPY (SELECT * FROM read_parquet('{path}')) TO '{tmp}' (HEADER, DELIMITER ',')"
        )
        tmp.replace(csv_path)
    return {}


def _share_aged_15(generate: Any, size: Size, seed: int) -> float:
    """Share of persons aged 15+, from a scaled-down survey with as many persons per PSU."""
    guess = size.records / 0.63
    k = max(1, round(guess / 200_000))
    sample = generate(math.ceil(guess / k), seed, max(1, size.strata // k), max(2, size.psus // k))
    return float((sample.column("age").to_numpy() >= 15).mean())


@functools.cache
def _generator_hash() -> str:
    """A short hash of the generator's source, so that cached data follow its changes."""
    import decentwork.synthetic

    digest = hashlib.sha256()
    for source in sorted(Path(decentwork.synthetic.__file__).parent.glob("*.py")):
        digest.update(source.name.encode() + source.read_bytes())
    return digest.hexdigest()[:8]


def _progress(total: int) -> Any:
    step = max(total // 5, 1)
    state = {"next": step}

    def report(written: int) -> None:
        if written >= state["next"] or written == total:
            print(f"    {written:,} / {total:,} people written", flush=True)
            state["next"] = written + step

    return report


def _derive_sql(raw: Path) -> str:
    """Persons aged 15+ (decentwork's demo derivation of labour status) and the 40 domains."""
    return f"""
        SELECT stratum, psu, weight, region, urban, sex, ageband,
               CAST((region - 1) * 4 + (sex - 1) * 2 + (urban - 1) + 1 AS INTEGER) AS dom,
               unemp, lf
        FROM ({labour_sql(f"read_parquet('{raw}')")}) AS persons
        ORDER BY stratum, psu
    """


# --------------------------------------------------------------------------- jobs (children)


def job_decentwork(spec: dict[str, Any]) -> dict[str, Any]:
    import duckdb
    import pyarrow.parquet as pq

    from decentwork.estimation import Design, estimate

    source = spec["source"]
    con = None
    if source == "arrow":
        data: Any = pq.read_table(spec["data"], columns=list(COLUMNS))
    elif source == "duckdb":
        con = duckdb.connect()
        con.execute(f"CREATE TABLE micro AS SELECT * FROM read_parquet('{spec['data']}')")
        data = con.table("micro")
    else:  # "parquet": the estimator reads the file itself, inside the timed step
        data = spec["data"]
    design = Design(weight="weight", strata="stratum", psu="psu")
    load_rss, start_hwm = _proc_status()["VmRSS"], _proc_status()["VmHWM"]
    _reset_hwm()
    times = []
    for _ in range(spec["repeats"]):
        started = time.perf_counter()
        result = estimate(data, design, ratios={"ur": ("unemp", "lf")}, by=GROUPINGS[spec["by"]])
        times.append(time.perf_counter() - started)
    step_hwm = _proc_status()["VmHWM"]
    keep = [c for c in result.columns if c in COLUMNS] + ["estimate", "se", "n"]
    out = result[keep].copy()
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = out[column].astype("Float64")
    out.to_parquet(spec["out"])
    return {
        "times": times,
        "load_rss": load_rss,
        "start_hwm": start_hwm,
        "step_hwm": step_hwm,
        "records": _records(spec["data"]),
    }


def job_svy(spec: dict[str, Any]) -> dict[str, Any]:
    import polars as pl
    import svy

    df = pl.read_parquet(spec["data"], columns=list(SVY_DESIGN_COLUMNS))
    started = time.perf_counter()
    sample = svy.Sample(df, svy.Design(stratum="stratum", psu="psu", wgt="weight"))
    design_seconds = time.perf_counter() - started
    load_rss, start_hwm = _proc_status()["VmRSS"], _proc_status()["VmHWM"]
    _reset_hwm()
    times = []
    for _ in range(spec["repeats"]):
        started = time.perf_counter()
        result = sample.estimation.ratio("unemp", "lf", by="dom")
        times.append(time.perf_counter() - started)
    step_hwm = _proc_status()["VmHWM"]
    table = result.to_polars().select("dom", pl.col("est").alias("estimate"), "se", "n")
    table.write_parquet(spec["out"])
    return {
        "times": times,
        "load_rss": load_rss,
        "start_hwm": start_hwm,
        "step_hwm": step_hwm,
        "design_seconds": design_seconds,
        "records": df.height,
        "version": svy.__version__,
    }


def _records(path: str) -> int:
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).metadata.num_rows


def run_child_job(spec: dict[str, Any]) -> None:
    """Entry point of ``--job``: run one measured job and write its report as JSON."""
    jobs = {"decentwork": job_decentwork, "svy": job_svy, "prepare": job_prepare}
    report = jobs[spec["tool"]](spec)
    if "report" not in spec:
        return
    Path(spec["report"]).write_text(json.dumps(report))


# --------------------------------------------------------------------------- parent side


def _run(cmd: list[str], log: Path) -> None:
    """Run ``cmd`` with its output in ``log``; raise if it fails.

    The job's peak memory is the one it reports from its own ``VmHWM``: ``ru_maxrss`` of a
    child includes the high-water mark of the parent it was spawned from (Linux records the
    old address space's peak at ``exec``), so it would count this process's memory too.
    """
    with open(log, "w") as out:
        done = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, check=False)
    if done.returncode != 0:
        sys.stderr.write(log.read_text()[-5000:])
        raise RuntimeError(f"{' '.join(cmd[:3])} ... failed with exit code {done.returncode}")


def measure(
    case: str,
    tool: str,
    what: str,
    data: Path,
    by: str,
    repeats: int,
    workdir: Path,
    source: str = "arrow",
) -> Measure:
    import pandas as pd

    tag = f"{case}-{tool}-{by}-{source}"
    out, report, log = (workdir / f"{tag}.{ext}" for ext in ("results", "json", "log"))
    load_average = os.getloadavg()[0]
    print(f"  running {tool} ({what}), load average {load_average:.1f} ...", flush=True)
    if tool == "r":
        script = workdir / "svyby.R"
        script.write_text(R_SCRIPT)
        formula = "~" + "+".join(GROUPINGS[by][0])
        cmd = [
            "Rscript",
            str(script),
            str(data.with_suffix(".csv")),
            formula,
            str(repeats),
            str(out),
            str(report),
        ]
        _run(cmd, log)
        results = pd.read_csv(out)
    else:
        spec = {
            "tool": tool,
            "data": str(data),
            "by": by,
            "repeats": repeats,
            "source": source,
            "out": str(out),
            "report": str(report),
        }
        _run([sys.executable, str(Path(__file__).resolve()), "--job", json.dumps(spec)], log)
        results = pd.read_parquet(out)
    rep = json.loads(report.read_text())
    extra = {
        k: v
        for k, v in rep.items()
        if k not in ("times", "load_rss", "start_hwm", "step_hwm", "records")
    }
    extra["load_average"] = load_average
    peak = max(int(rep["start_hwm"]), int(rep["step_hwm"]))
    m = Measure(
        case,
        tool,
        what,
        rep["records"],
        _groupings_domains(by),
        rep["times"],
        peak,
        int(rep["load_rss"]),
        int(rep["step_hwm"]),
        extra,
        results,
    )
    print(
        f"    median {_seconds(m.seconds)} (runs: "
        f"{', '.join(f'{t:.3f}' for t in m.times)}), peak {_bytes(peak)}",
        flush=True,
    )
    return m


@dataclass
class Check:
    """An agreement check between two tools' estimates."""

    case: str
    what: str
    domains: int
    est_diff: float
    se_diff: float
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.est_diff <= TOL_ESTIMATE and self.se_diff <= TOL_SE


def compare(case: str, what: str, a: Any, b: Any, keys: list[str]) -> Check:
    """Maximum relative differences of estimates and SEs between two result tables."""
    import numpy as np

    left = a[[*keys, "estimate", "se"]].astype({k: "int64" for k in keys})
    right = b[[*keys, "estimate", "se"]].astype({k: "int64" for k in keys})
    merged = left.merge(right, on=keys, suffixes=("_a", "_b"), how="outer")
    if merged[["estimate_a", "estimate_b"]].isna().any().any() or len(merged) != len(left):
        return Check(case, what, len(merged), math.inf, math.inf, "domains differ")

    def rel(column: str) -> float:
        x, y = merged[f"{column}_a"].to_numpy(), merged[f"{column}_b"].to_numpy()
        return float(np.max(np.abs(x - y) / np.maximum(np.abs(y), 1e-300)))

    return Check(case, what, len(merged), rel("estimate"), rel("se"))


def one_grouping(result: Any, grouping: tuple[str, ...]) -> Any:
    """The rows of a cube result that belong to one grouping set."""
    mask = result[list(grouping)].notna().all(axis=1)
    for column in CUBE:
        if column not in grouping:
            mask &= result[column].isna()
    return result[mask]


# --------------------------------------------------------------------------- cases


def case1(
    args: argparse.Namespace,
    sizes: dict[str, Size],
    workdir: Path,
    measures: list[Measure],
    checks: list[Check],
) -> None:
    size = sizes["small"]
    print(f"\nCase 1: ur = unemp/lf in 40 domains (region x sex x urban), {size.label()}")
    data = prepared_data(size, args.seed, args.data_dir, csv=args.r)
    dw = measure("1", "decentwork", "Arrow table in memory", data, "dom", args.repeats, workdir)
    measures.append(dw)
    measures.append(
        measure(
            "1",
            "decentwork",
            "DuckDB table in memory",
            data,
            "dom",
            args.repeats,
            workdir,
            source="duckdb",
        )
    )
    if args.svy:
        sv = measure(
            "1", "svy", "svy.Sample built before timing", data, "dom", args.repeats, workdir
        )
        measures.append(sv)
        checks.append(compare("1", "decentwork vs svy", dw.results, sv.results, ["dom"]))
    if args.r:
        r = measure(
            "1", "r", "svyby(svyratio); svydesign before timing", data, "dom", args.repeats, workdir
        )
        measures.append(r)
        checks.append(compare("1", "decentwork vs R survey", dw.results, r.results, ["dom"]))


def case2(
    args: argparse.Namespace,
    sizes: dict[str, Size],
    workdir: Path,
    measures: list[Measure],
    checks: list[Check],
) -> None:
    size = sizes["small"]
    print(f"\nCase 2: ur over the full cube (16 grouping sets, 693 domains), {size.label()}")
    data = prepared_data(size, args.seed, args.data_dir, csv=args.r)
    dw = measure("2", "decentwork", "full cube, Arrow table", data, "cube", args.repeats, workdir)
    measures.append(dw)
    if args.r:
        r = measure(
            "2", "r", "sex x region only (20 domains)", data, "sex_region", args.repeats, workdir
        )
        measures.append(r)
        checks.append(
            compare(
                "2",
                "decentwork cube vs R, sex x region",
                one_grouping(dw.results, ONE_SET),
                r.results,
                list(ONE_SET),
            )
        )


def case3(
    args: argparse.Namespace,
    sizes: dict[str, Size],
    workdir: Path,
    measures: list[Measure],
    checks: list[Check],
) -> None:
    size = sizes["large"]
    print(f"\nCase 3: ur over the full cube, {size.label()}")
    data = prepared_data(size, args.seed, args.data_dir, csv=False)
    cube = measure("3", "decentwork", "full cube, Arrow table", data, "cube", args.repeats, workdir)
    one = measure(
        "3",
        "decentwork",
        "sex x region only, Arrow table",
        data,
        "sex_region",
        args.repeats,
        workdir,
    )
    parquet = measure(
        "3",
        "decentwork",
        "full cube, read from the Parquet file",
        data,
        "cube",
        args.repeats,
        workdir,
        source="parquet",
    )
    measures.extend([cube, one, parquet])
    checks.append(
        compare(
            "3",
            "cube vs single grouping set, sex x region",
            one_grouping(cube.results, ONE_SET),
            one.results,
            list(ONE_SET),
        )
    )
    checks.append(
        compare(
            "3",
            "cube from Arrow vs from Parquet",
            _cube_keys(cube.results),
            _cube_keys(parquet.results),
            ["key"],
        )
    )


def _cube_keys(result: Any) -> Any:
    """Cube results with one integer key per (grouping set, domain); 99 codes 'all'."""
    out = result.copy()
    key = 0
    for column in CUBE:
        key = key * 100 + out[column].fillna(99).astype("int64")
    out["key"] = key
    return out


# --------------------------------------------------------------------------- report


def machine() -> dict[str, str]:
    import duckdb
    import numpy
    import pandas
    import pyarrow

    info = {
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "pyarrow": pyarrow.__version__,
        "pandas": pandas.__version__,
        "numpy": numpy.__version__,
        "nproc": str(os.cpu_count()),
        "code": _git_state(),
    }
    try:
        with open("/proc/meminfo") as f:
            total = int(f.readline().split()[1]) * 1024
        info["ram"] = _bytes(total)
        with open("/proc/cpuinfo") as f:
            model = next(
                (ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), "?"
            )
        info["cpu"] = model
    except OSError:
        pass
    return info


def _git_state() -> str:
    """The commit of the code measured, with a note when the working tree differs from it."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + (" + uncommitted changes in src/" if dirty else "")


def print_report(measures: list[Measure], checks: list[Check], quick: bool) -> bool:
    """Print the tables and target verdicts; return True when every agreement check passed."""
    print(
        "\nResults (time: median of the runs of the estimation step; memory: peak RSS of the"
        " job's process, RSS once data are loaded, peak during the timed step; records: the"
        " persons aged 15+ among ceil(N / share aged 15+) generated persons; load avg: the"
        " machine's 1-minute load average when the job started)\n"
    )
    header = (
        "| case | tool | what | records | domains | time (median) | min | runs | "
        "process peak | after load | step peak | load avg |"
    )
    print(header)
    print("|---" * (header.count("|") - 1) + "|")
    for m in measures:
        runs = ", ".join(f"{t:.3f}" for t in m.times)
        print(
            f"| {m.case} | {m.tool} | {m.what} | {m.records:,} | {m.domains} | "
            f"{_seconds(m.seconds)} | {_seconds(min(m.times))} | {runs} | "
            f"{_bytes(m.peak_rss)} | {_bytes(m.load_rss)} | {_bytes(m.step_hwm)} | "
            f"{m.extra['load_average']:.1f} |"
        )
    versions = {
        ("R survey" if m.tool == "r" else m.tool): m.extra["version"]
        for m in measures
        if "version" in m.extra
    }
    if versions:
        print("\n  versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()))
    extras = [m for m in measures if "design_seconds" in m.extra]
    for m in extras:
        print(
            f"\n  case {m.case} {m.tool}: building the design object took "
            f"{m.extra['design_seconds']:.2f} s (not in the time above)"
        )

    print("\nSpeed ratios and targets\n")
    verdicts = _verdicts(measures, quick)
    for line in verdicts:
        print("  " + line)

    print("\nAgreement (maximum relative difference over all compared domains)\n")
    print("| case | comparison | domains | estimate | SE | within tolerance |")
    print("|---|---|---|---|---|---|")
    for c in checks:
        print(
            f"| {c.case} | {c.what} | {c.domains} | {c.est_diff:.1e} | {c.se_diff:.1e} | "
            f"{'yes' if c.ok else 'NO ' + c.note} |"
        )
    print(f"\n  tolerances: estimates {TOL_ESTIMATE:g}, SEs {TOL_SE:g} (relative)")
    return all(c.ok for c in checks)


def _verdicts(measures: list[Measure], quick: bool) -> list[str]:
    def find(case: str, tool: str, what_start: str = "") -> Measure | None:
        return next(
            (
                m
                for m in measures
                if m.case == case and m.tool == tool and m.what.startswith(what_start)
            ),
            None,
        )

    lines = []
    suffix = " (quick run: sizes are not the targets' sizes)" if quick else ""
    dw1, duck1 = find("1", "decentwork", "Arrow"), find("1", "decentwork", "DuckDB")
    for tool, key in (("r", "r_speedup"), ("svy", "svy_speedup")):
        other = find("1", tool)
        if dw1 and other:
            # One estimate() call does what the design object and the estimator do together:
            # the targets compare whole jobs from loaded data to results.
            whole = other.seconds + other.extra.get("design_seconds", 0.0)
            ratio = whole / dw1.seconds
            target = TARGETS[key]
            verdict = "met" if ratio >= target else f"MISSED by {target / ratio:.1f}x"
            name = "R survey" if tool == "r" else "svy"
            lines.append(
                f"case 1: {name} (design + estimation) / decentwork = {whole:.3f} / "
                f"{dw1.seconds:.3f} = {ratio:.1f}x (target >= {target:g}x: "
                f"{verdict}){suffix}"
            )
            lines.append(
                f"        {name}'s estimation step alone: {other.seconds:.3f} s, "
                f"{other.seconds / dw1.seconds:.1f}x (fastest runs "
                f"{min(other.times) / min(dw1.times):.1f}x)"
            )
            if duck1:
                lines.append(
                    f"        against decentwork on the DuckDB table: {whole / duck1.seconds:.1f}x"
                )
    dw2, r2 = find("2", "decentwork"), find("2", "r")
    if dw2:
        target = TARGETS["cube_seconds"]
        verdict = "met" if dw2.seconds < target else f"MISSED by {dw2.seconds / target:.1f}x"
        lines.append(
            f"case 2: full cube ({dw2.domains} domains) in {dw2.seconds:.3f} s "
            f"(target < {target} s: {verdict}){suffix}"
        )
        if r2:
            lines.append(
                f"case 2: R needs {r2.seconds:.1f} s for the {r2.domains} sex x region "
                f"domains alone, {r2.seconds / dw2.seconds:.0f}x decentwork's time for "
                f"all {dw2.domains}"
            )
    cube3, one3 = find("3", "decentwork", "full cube, Arrow"), find("3", "decentwork", "sex")
    if cube3:
        t_target, b_target = TARGETS["large_seconds"], TARGETS["large_bytes"]
        t_verdict = (
            "met" if cube3.seconds < t_target else f"MISSED by {cube3.seconds / t_target:.1f}x"
        )
        b_verdict = (
            "met" if cube3.peak_rss < b_target else f"MISSED by {cube3.peak_rss / b_target:.1f}x"
        )
        lines.append(
            f"case 3: full cube on {cube3.records:,} records in {cube3.seconds:.2f} s "
            f"(target < {t_target:g} s: {t_verdict}){suffix}"
        )
        lines.append(
            f"case 3: process peak {_bytes(cube3.peak_rss)} (target < "
            f"{_bytes(b_target)}: {b_verdict}); of which the data in memory "
            f"{_bytes(cube3.load_rss)}"
        )
        if one3:
            lines.append(
                f"case 3: peak during the step: {one3.domains} domains "
                f"{_bytes(one3.step_hwm)} (+{_bytes(one3.step_hwm - one3.load_rss)} over the "
                f"loaded data) vs {cube3.domains} domains {_bytes(cube3.step_hwm)} "
                f"(+{_bytes(cube3.step_hwm - cube3.load_rss)})"
            )
    return lines


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=textwrap.dedent(__doc__ or "").split("\n\n")[0],
        epilog="Example: .venv/bin/python benchmarks/estimation.py --quick --cases 1,2",
    )
    parser.add_argument(
        "--cases", default="1,2,3", help="comma-separated cases to run (default: 1,2,3)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="small sizes for a smoke run (100k and 1M records)"
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=3,
        help="timed runs of each estimation step; the median is reported (default: 3)",
    )
    parser.add_argument("--seed", type=int, default=20240601, help="synthetic data seed")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=DEFAULT_DATA_DIR,
        help="cache of prepared data (default: benchmarks/_data)",
    )
    parser.add_argument("--no-r", dest="r", action="store_false", help="skip R survey")
    parser.add_argument("--no-svy", dest="svy", action="store_false", help="skip svy")
    parser.add_argument("--json", type=Path, help="also write the measurements to this file")
    parser.add_argument("--job", help=argparse.SUPPRESS)  # internal: one measured job
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    try:
        args.case_list = sorted({int(c) for c in args.cases.split(",") if c.strip()})
    except ValueError:
        parser.error(f"--cases {args.cases!r}: expected numbers such as 1,2,3")
    if not args.case_list or not set(args.case_list) <= {1, 2, 3}:
        parser.error(f"--cases {args.cases!r}: choose among 1, 2, 3")
    if args.r and shutil.which("Rscript") is None:
        parser.error("Rscript not found; install R with the survey package or pass --no-r")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.job:
        run_child_job(json.loads(args.job))
        return 0
    sizes = QUICK_SIZES if args.quick else FULL_SIZES
    info = machine()
    print("Estimation benchmark" + (" (quick)" if args.quick else ""))
    print("  " + ", ".join(f"{k} {v}" for k, v in info.items()))
    measures: list[Measure] = []
    checks: list[Check] = []
    runners = {1: case1, 2: case2, 3: case3}
    with tempfile.TemporaryDirectory(prefix="dw-bench-") as tmp:
        for case in args.case_list:
            runners[case](args, sizes, Path(tmp), measures, checks)
    agreed = print_report(measures, checks, args.quick)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "machine": info,
                    "quick": args.quick,
                    "measures": [
                        {k: v for k, v in vars(m).items() if k != "results"} | {"median": m.seconds}
                        for m in measures
                    ],
                    "checks": [vars(c) | {"ok": c.ok} for c in checks],
                },
                indent=2,
                default=str,
            )
        )
    if not agreed:
        print("\nAn agreement check FAILED.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
