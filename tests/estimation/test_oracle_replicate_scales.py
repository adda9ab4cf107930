"""decentwork against R survey on replicate designs with their own scales.

JKn weights with per-replicate ``rscales`` (one replicate per PSU: 50) and bootstrap weights
with their scale, both made by R's ``as.svrepdesign`` from a seeded synthetic design, and the
same bootstrap weights as R's ``type="other"`` with a given ``scale`` and uneven ``rscales``;
with and without ``mse``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from decentwork.estimation import Design, estimate
from tests.estimation.r_oracle import compare, read_oracle, run_r, write_persons

pytestmark = pytest.mark.oracle

COLUMNS = {"jkn": "jkn_", "boot": "boot_", "other": "boot_"}
METHODS = {"jkn": "jkn", "boot": "bootstrap", "other": "other"}


@dataclass(frozen=True)
class Oracle:
    data: pd.DataFrame
    factors: pd.DataFrame
    expected: pd.DataFrame


@pytest.fixture(scope="module")
def oracle(tmp_path_factory: pytest.TempPathFactory) -> Oracle:
    workdir: Path = tmp_path_factory.mktemp("scales")
    write_persons(workdir / "scales.csv", seed=2026, min_age=0, psus=50)  # 50 JKn replicates
    run_r("replicate_scales.R", workdir)
    return Oracle(
        pd.read_csv(workdir / "scales_data.csv"),
        pd.read_csv(workdir / "scales_factors.csv"),
        read_oracle(workdir / "scales_oracle.csv"),
    )


def design(oracle: Oracle, name: str, mse: bool) -> Design:
    factors = oracle.factors[oracle.factors["method"] == name]
    scale = float(factors["scale"].iloc[0])
    return Design(
        weight="weight",
        replicate_weights=COLUMNS[name],
        replicate_method=METHODS[name],  # type: ignore[arg-type]
        scale=None if name == "jkn" else scale,
        rscales=None if name == "boot" else factors["rscale"].to_list(),
        mse=mse,
    )


@pytest.mark.parametrize("mse", [False, True])
@pytest.mark.parametrize("name", list(COLUMNS))
def test_scaled_replicate_designs_match_r(oracle: Oracle, name: str, mse: bool) -> None:
    result = estimate(
        oracle.data,
        design(oracle, name, mse),
        ratios={"ur": ("unemp", "lf")},
        totals=["lf"],
        means=["hours"],
        by=[(), ("sex",), ("sex", "region")],
        ci="t",
        missing="drop",
    )
    expected = oracle.expected[oracle.expected["case"] == name + ("_mse" if mse else "")]
    assert len(expected) == 3 * (1 + 2 + 20)
    assert compare(result, expected) == 2 * len(expected)


def test_the_scales_matter(oracle: Oracle) -> None:
    """The JKn rscales and the bootstrap's own scale change the SEs: the defaults do not fit."""
    for name, default in (("jkn", "jk1"), ("boot", "bootstrap")):
        ours = design(oracle, name, False)
        plain = Design(weight="weight", replicate_weights=COLUMNS[name], replicate_method=default)
        se = [estimate(oracle.data, d, totals=["lf"])["se"].iloc[0] for d in (ours, plain)]
        assert abs(se[0] / se[1] - 1) > 0.01, name
