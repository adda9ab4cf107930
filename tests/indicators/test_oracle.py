"""decentwork's indicators against R's survey package, from the raw microdata up.

Synthetic survey (full stratified two-stage design): decentwork reads the Parquet file through
the bundled ``synthetic`` profile and the catalogue; R (oracle/indicators.R) reads a CSV copy of
the same raw table, derives every variable itself from the questionnaire columns (19th ICLS
labour force status, potential labour force and time-related underemployment, 21st ICLS
informality, NEET, hourly earnings) and estimates with svyratio, svytotal and svyby.

Statistics Canada LFS PUMF, January 2024 (weights-only design): decentwork reads the official
zip through the ``statcan-lfs`` profile; R (oracle/statcan.R) reads the same zip and computes
the unemployment rate nationally and by province.

Values, standard errors and normal 95% bounds must agree to a relative 1e-9.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from scipy import stats

from decentwork.indicators import Computation, compute
from decentwork.survey import load_profile
from decentwork.synthetic import generate
from tests.estimation.r_oracle import RTOL, run_r

pytestmark = pytest.mark.oracle

ORACLE = Path(__file__).resolve().parent / "oracle"
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
STATCAN_2024_01 = SHARED / "statcan_lfs" / "pumf" / "2024-01-CSV.zip"

KEY = ["ref_area", "indicator", "sex", "classif1"]
SEXES = ["SEX_T", "SEX_M", "SEX_F"]
AGE_SPLITS = ["AGE_YTHADULT_Y15-24", "AGE_YTHADULT_YGE25", "AGE_YTHADULT_Y15-64"]
REGIONS = [f"X_DW-R{r:02d}" for r in range(1, 11)]
PROVINCES = [
    "CA-NL",
    "CA-PE",
    "CA-NS",
    "CA-NB",
    "CA-QC",
    "CA-ON",
    "CA-MB",
    "CA-SK",
    "CA-AB",
    "CA-BC",
]

# Indicator -> the classif1 code of its whole population (empty: no classif1).
SYNTHETIC_INDICATORS = {
    "UNE_DEAP_SEX_AGE_RT": "AGE_YTHADULT_YGE15",
    "EAP_DWAP_SEX_AGE_RT": "AGE_YTHADULT_YGE15",
    "EMP_DWAP_SEX_AGE_RT": "AGE_YTHADULT_YGE15",
    "LUU_XLU2_SEX_AGE_RT": "AGE_YTHADULT_YGE15",
    "LUU_XLU3_SEX_AGE_RT": "AGE_YTHADULT_YGE15",
    "LUU_XLU4_SEX_AGE_RT": "AGE_YTHADULT_YGE15",
    "EMP_TEMP_SEX_AGE_NB": "AGE_YTHADULT_YGE15",
    "SDG_0861_SEX_RT": "",
    "EMP_NIFL_SEX_RT": "",
    "SDG_0851_SEX_OCU_NB": "OCU_ISCO08_TOTAL",
}


@dataclass(frozen=True)
class Case:
    """decentwork's computation and R's observations (columns KEY + values) of one survey."""

    computation: Computation
    expected: pd.DataFrame


def read_oracle(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, keep_default_na=False, na_values=["NA"], dtype={"classif1": str})


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Case:
    workdir = tmp_path_factory.mktemp("indicators_synthetic")
    table = generate(60_000, seed=11, strata=30, psus=600)
    pq.write_table(table, workdir / "synthetic.parquet")
    table.to_pandas().to_csv(workdir / "synthetic.csv", index=False)
    computation = compute(
        load_profile("synthetic"),
        workdir / "synthetic.parquet",
        indicators=list(SYNTHETIC_INDICATORS),
    )
    run_r(str(ORACLE / "indicators.R"), workdir)
    return Case(computation, read_oracle(workdir / "synthetic_oracle.csv"))


@pytest.fixture(scope="module")
def statcan(tmp_path_factory: pytest.TempPathFactory) -> Case:
    assert STATCAN_2024_01.is_file(), f"{STATCAN_2024_01} is missing: tests need ../shared/data"
    with zipfile.ZipFile(STATCAN_2024_01) as archive:
        (member,) = [n for n in archive.namelist() if n.startswith("pub") and n.endswith(".csv")]
    workdir = tmp_path_factory.mktemp("indicators_statcan")
    # Statistics Canada's definition (the profile's variables), which R reproduces; the ICLS
    # variant is tested in test_statcan.py.
    national = load_profile("statcan-lfs").model_copy(update={"variants": {}})
    computation = compute(national, STATCAN_2024_01, indicators=["UNE_DEAP_SEX_AGE_RT"])
    run_r(str(ORACLE / "statcan.R"), workdir, str(STATCAN_2024_01), member)
    return Case(computation, read_oracle(workdir / "statcan_oracle.csv"))


def matched(case: Case, indicator: str | None = None) -> pd.DataFrame:
    """R's rows (of ``indicator``) with decentwork's row of the same key (``*_r``: R's values);
    every R row must have exactly one decentwork row."""
    expected = case.expected
    if indicator is not None:
        expected = expected[expected["indicator"] == indicator]
    assert len(expected) > 0, indicator
    ours = case.computation.observations
    both = expected.merge(
        ours, on=KEY, how="left", suffixes=("_r", ""), validate="one_to_one", indicator=True
    )
    missing = both.loc[both["_merge"] != "both", KEY]
    assert missing.empty, f"decentwork lacks R's rows:\n{missing.to_string()}"
    return both


def assert_matches(both: pd.DataFrame, columns: tuple[str, ...] = ("obs_value", "se")) -> None:
    for column in columns:
        ours = both[column].to_numpy(float)
        theirs = both[f"{column}_r"].to_numpy(float)
        bad = ~np.isclose(ours, theirs, rtol=RTOL, atol=0)
        detail = both.loc[bad, [*KEY, column, f"{column}_r"]].to_string()
        assert not bad.any(), f"{column} differs from R in {bad.sum()} rows:\n{detail}"


def test_synthetic_oracle_covers_sexes_ages_and_regions(synthetic: Case) -> None:
    assert synthetic.computation.skipped == {}
    expected = synthetic.expected
    assert set(expected["indicator"]) == set(SYNTHETIC_INDICATORS)
    for indicator, total in SYNTHETIC_INDICATORS.items():
        rows = expected[expected["indicator"] == indicator]
        national = rows[(rows["ref_area"] == "X_DW") & (rows["classif1"] == total)]
        assert sorted(national["sex"]) == sorted(SEXES), indicator
        if total.startswith("AGE_"):
            ages = rows[rows["classif1"] != total]
            assert sorted(ages["classif1"]) == sorted(AGE_SPLITS * 3), indicator
    areas = expected.loc[expected["indicator"] == "UNE_DEAP_SEX_AGE_RT", "ref_area"]
    assert sorted(set(areas)) == sorted(["X_DW", *REGIONS])
    assert len(expected) == 7 * 3 * 4 + 3 * 3 + 10 * 3


@pytest.mark.parametrize("indicator", SYNTHETIC_INDICATORS)
def test_synthetic_indicator_matches_r(synthetic: Case, indicator: str) -> None:
    both = matched(synthetic, indicator)
    assert (both["time"] == "2024").all()
    assert (both["source"] == "SYNTHETIC").all()
    assert (both["classif2"] == "").all()
    assert_matches(both)


def test_synthetic_bounds_are_normal_95_percent_intervals(synthetic: Case) -> None:
    both = matched(synthetic)
    assert_matches(both, ("lower_bound", "upper_bound"))
    z = stats.norm.ppf(0.975)
    np.testing.assert_allclose(both["lower_bound"], both["obs_value"] - z * both["se"], rtol=1e-12)
    np.testing.assert_allclose(both["upper_bound"], both["obs_value"] + z * both["se"], rtol=1e-12)


def test_statcan_unemployment_rate_matches_r(statcan: Case) -> None:
    expected = statcan.expected
    assert sorted(set(expected["ref_area"])) == sorted(["CAN", *PROVINCES])
    assert len(expected) == 11 * 3
    both = matched(statcan)
    assert (both["time"] == "2024M01").all()
    assert (both["classif1"] == "AGE_YTHADULT_YGE15").all()
    assert (both["classif2"] == "").all()
    assert_matches(both, ("obs_value", "se", "lower_bound", "upper_bound"))
    national = both[(both["ref_area"] == "CAN") & (both["sex"] == "SEX_T")]
    assert len(national) == 1
    assert 5 < national["obs_value"].iloc[0] < 7
