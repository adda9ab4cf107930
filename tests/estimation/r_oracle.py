"""Run R's survey package as the oracle and compare decentwork's results with it."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from decentwork.estimation import Design

ORACLE_DIR = Path(__file__).parent / "oracle"
RTOL = 1e-9


def run_r(script: str, workdir: Path, *args: str) -> None:
    """Run ``oracle/<script>`` with Rscript; a missing R or survey package is a failure."""
    rscript = shutil.which("Rscript")
    assert rscript, "Rscript not found: .ci/run installs r-base-core and r-cran-survey"
    done = subprocess.run(
        [rscript, "--vanilla", str(ORACLE_DIR / script), str(ORACLE_DIR), str(workdir), *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"R oracle {script} failed:\n{done.stderr[-3000:]}"


def write_persons(path: Path, seed: int, min_age: int, columns: str = "*", psus: int = 120) -> None:
    """A seeded synthetic survey's persons (20,000 records, 12 strata, ``psus`` PSUs) with 0/1
    labour status, as CSV at ``path`` for an R oracle script."""
    from decentwork.demo import labour_sql
    from decentwork.synthetic import generate

    con = duckdb.connect()
    con.register("people", generate(20_000, seed=seed, strata=12, psus=psus))
    persons = labour_sql("people", min_age=min_age)
    con.sql(f"SELECT {columns} FROM ({persons})").df().to_csv(path, index=False)


def read_oracle(path: Path) -> pd.DataFrame:
    """An oracle CSV written by R (``NA`` is missing, an empty key is the population)."""
    return pd.read_csv(path, keep_default_na=False, na_values=["NA"])


@dataclass(frozen=True)
class BootstrapOracle:
    """An R oracle's answers with the data it made: the persons with R's bootstrap replicate
    weights (``boot_1``...) and their scale."""

    data: pd.DataFrame
    scale: float
    expected: pd.DataFrame

    @classmethod
    def run(cls, workdir: Path, name: str, seed: int, columns: str) -> BootstrapOracle:
        """Write the persons to ``<name>.csv``, run ``<name>.R`` and read what it wrote."""
        write_persons(workdir / f"{name}.csv", seed=seed, min_age=15, columns=columns)
        run_r(f"{name}.R", workdir)
        return cls(
            pd.read_csv(workdir / f"{name}_data.csv"),
            float((workdir / f"{name}_scale.txt").read_text()),
            read_oracle(workdir / f"{name}_oracle.csv"),
        )

    def bootstrap(self) -> Design:
        """The replicate design of R's bootstrap weights, with their scale."""
        return Design(
            weight="weight",
            replicate_weights="boot_",
            replicate_method="bootstrap",
            scale=self.scale,
        )


def _label(value: object) -> str:
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def domain_keys(result: pd.DataFrame, variables: Sequence[str]) -> list[str]:
    """The oracle's domain key (``a=1;b=2``) of each result row."""
    if not variables:
        return [""] * len(result)
    return [
        ";".join(f"{v}={_label(row[v])}" for v in variables)
        for _, row in result[list(variables)].iterrows()
    ]


def rows_of(
    result: pd.DataFrame, statistic: str, kind: str, variables: Sequence[str]
) -> pd.DataFrame:
    """The result rows of one statistic and grouping set, indexed by oracle domain key."""
    by_columns = [c for c in result.columns if c not in _RESULT and c not in ("statistic", "kind")]
    mask = (result["statistic"] == statistic) & (result["kind"] == kind)
    for column in by_columns:
        present = result[column].notna()
        mask &= present if column in variables else ~present
    rows = result[mask].copy()
    rows.index = domain_keys(rows, variables)
    return rows


_RESULT = (
    "estimate",
    "se",
    "lower",
    "upper",
    "cv",
    "df",
    "n",
    "numerator_total",
    "denominator_total",
    "interval",
    "deff",
    "n_effective",
)


def compare(result: pd.DataFrame, oracle: pd.DataFrame, rtol: float = RTOL) -> int:
    """Assert every oracle row is matched by decentwork; return the number of values compared."""
    compared = 0
    groups = oracle.groupby(["statistic", "kind", "grouping"], sort=False, dropna=False)
    for (statistic, kind, grouping), expected in groups:
        variables = [v for v in str(grouping).split("+") if v and grouping == grouping]
        ours = rows_of(result, statistic, kind, variables)
        keys = expected["key"].fillna("").astype(str).to_list()
        assert sorted(ours.index) == sorted(keys), (statistic, kind, grouping)
        ours = ours.loc[keys]
        where = f"{statistic} ({kind}) by {grouping or '()'}"
        for column in ("estimate", "se"):
            np.testing.assert_allclose(
                ours[column].to_numpy(float),
                expected[column].to_numpy(float),
                rtol=rtol,
                atol=0,
                err_msg=f"{column} of {where}",
            )
        if expected["df"].notna().any():
            np.testing.assert_array_equal(
                ours["df"].to_numpy(float),
                expected["df"].to_numpy(float),
                err_msg=f"df of {where}",
            )
        compared += 2 * len(keys)
    return compared
