"""Acceptance checks on real data: the Statistics Canada LFS public-use file (PUMF) through the
bundled ``statcan-lfs`` profile gives the published levels and rates, nationally and by
province, equal to an independent pandas computation from the raw CSV and, for the population
15+ by province, to the official Table 14-10-0287 (not seasonally adjusted)."""

from __future__ import annotations

import fnmatch
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from decentwork.indicators import compute
from decentwork.survey import load_profile
from tests.survey.conftest import SHARED, STATCAN_2024_01

PUMF = SHARED / "statcan_lfs" / "pumf"
MONTHS = {"2024-01": (STATCAN_2024_01, "2024M01"), "2024-03": (PUMF / "2024-03-CSV.zip", "2024M03")}
OFFICIAL = (
    SHARED
    / "statcan_lfs"
    / "official_tables"
    / "derived_1410028701-03_province_month_panel_1976-01_2024-02_vintage2024-03.csv"
)
PROVINCES = {
    10: "CA-NL",
    11: "CA-PE",
    12: "CA-NS",
    13: "CA-NB",
    24: "CA-QC",
    35: "CA-ON",
    46: "CA-MB",
    47: "CA-SK",
    48: "CA-AB",
    59: "CA-BC",
}
AGE_15_PLUS = "AGE_YTHADULT_YGE15"

# Indicator -> (numerator, denominator): a level (thousands) when the denominator is None, else
# a rate (percent). Populations: wap everyone aged 15+ (the whole PUMF), eap the labour force.
INDICATORS: dict[str, tuple[str, str | None]] = {
    "POP_XWAP_SEX_AGE_NB": ("wap", None),
    "EAP_TEAP_SEX_AGE_NB": ("eap", None),
    "EMP_TEMP_SEX_AGE_NB": ("emp", None),
    "UNE_TUNE_SEX_AGE_NB": ("une", None),
    "UNE_DEAP_SEX_AGE_RT": ("une", "eap"),
    "EAP_DWAP_SEX_AGE_RT": ("eap", "wap"),
    "EMP_DWAP_SEX_AGE_RT": ("emp", "wap"),
}

# The Statistics Canada figures for January 2024, ages 15+, not seasonally adjusted
# (../shared/data/SOURCES.md), with the tolerance of their published rounding.
JANUARY_2024 = {
    "POP_XWAP_SEX_AGE_NB": (33_078.3, 0.05),
    "EAP_TEAP_SEX_AGE_NB": (21_351.8, 0.05),
    "EMP_TEMP_SEX_AGE_NB": (20_040.5, 0.05),
    "UNE_TUNE_SEX_AGE_NB": (1_311.3, 0.05),
    "UNE_DEAP_SEX_AGE_RT": (6.14, 0.005),
    "EAP_DWAP_SEX_AGE_RT": (64.55, 0.005),
    "EMP_DWAP_SEX_AGE_RT": (60.59, 0.005),
}

KEY = ["ref_area", "sex", "indicator"]


@dataclass(frozen=True)
class Month:
    """One PUMF month: its ILOSTAT period, the observations of ages 15+ (every sex and area;
    all the PUMF's persons are 15+), what was skipped, and the independent computation."""

    time: str
    observations: pd.DataFrame
    skipped: dict[str, str]
    expected: pd.DataFrame


def _raw(path: Path) -> pd.DataFrame:
    """The PUMF's person records, read with pandas straight from the zip's pubMMYY.csv."""
    with zipfile.ZipFile(path) as archive:
        [member] = fnmatch.filter(archive.namelist(), "pub*.csv")
        with archive.open(member) as handle:
            return pd.read_csv(handle, usecols=["PROV", "SEX", "LFSSTAT", "FINALWT"])


def _independent(raw: pd.DataFrame) -> pd.DataFrame:
    """Levels, rates and record counts per (ref_area, sex, indicator), from the raw records:
    national and provincial, for both sexes together and each sex."""
    assert set(raw["LFSSTAT"]) <= {1, 2, 3, 4}
    assert set(raw["SEX"]) == {1, 2}
    assert set(raw["PROV"]) == set(PROVINCES)
    status = raw["LFSSTAT"]
    member = pd.DataFrame(
        {
            "wap": np.ones(len(raw), bool),
            "eap": status.isin([1, 2, 3]),
            "emp": status.isin([1, 2]),
            "une": status == 3,
        }
    )
    weights = member.mul(raw["FINALWT"].astype(float), axis=0)
    areas = {"CAN": np.ones(len(raw), bool)} | {
        area: (raw["PROV"] == code).to_numpy() for code, area in PROVINCES.items()
    }
    sexes = {
        "SEX_T": np.ones(len(raw), bool),
        "SEX_M": (raw["SEX"] == 1).to_numpy(),
        "SEX_F": (raw["SEX"] == 2).to_numpy(),
    }
    rows = []
    for area, in_area in areas.items():
        for sex, of_sex in sexes.items():
            domain = in_area & of_sex
            total = weights[domain].sum()
            count = member[domain].sum()
            for indicator, (numerator, denominator) in INDICATORS.items():
                if denominator is None:
                    value, records = total[numerator] / 1000, count[numerator]
                else:
                    value = 100 * total[numerator] / total[denominator]
                    records = count[denominator]
                rows.append((area, sex, indicator, value, int(records)))
    return pd.DataFrame(rows, columns=[*KEY, "obs_value", "sample_count"])


@pytest.fixture(scope="module")
def month() -> Callable[[str], Month]:
    """Each PUMF month, computed once per module (on first use)."""
    cache: dict[str, Month] = {}
    profile = load_profile("statcan-lfs")

    def get(name: str) -> Month:
        if name not in cache:
            path, time = MONTHS[name]
            assert path.is_file(), f"{path} is missing: tests need ../shared/data"
            result = compute(profile, path, indicators=list(INDICATORS))
            observations = result.observations
            observations = observations[observations["classif1"] == AGE_15_PLUS]
            cache[name] = Month(
                time, observations.reset_index(drop=True), result.skipped, _independent(_raw(path))
            )
        return cache[name]

    return get


def test_january_2024_national_figures(month: Callable[[str], Month]) -> None:
    data = month("2024-01")
    national = data.observations.query("ref_area == 'CAN' and sex == 'SEX_T'")
    assert len(national) == len(JANUARY_2024)
    for row in national.itertuples():
        assert row.time == "2024M01"
        assert row.source == "BA:147"
        assert row.classif2 == ""
        value, tolerance = JANUARY_2024[row.indicator]
        assert row.obs_value == pytest.approx(value, abs=tolerance), row.indicator


@pytest.mark.parametrize("name", list(MONTHS))
def test_national_and_provincial_rows_by_sex(month: Callable[[str], Month], name: str) -> None:
    data = month(name)
    assert data.skipped == {}
    observations = data.observations
    assert set(observations["time"]) == {data.time}
    assert set(observations["classif2"]) == {""}
    assert set(observations["source"]) == {"BA:147"}
    assert set(observations["ref_area"]) == {"CAN", *PROVINCES.values()}
    assert not observations.duplicated(KEY).any()
    assert len(observations) == 11 * 3 * len(INDICATORS)


@pytest.mark.parametrize("name", list(MONTHS))
def test_levels_and_rates_equal_an_independent_computation(
    month: Callable[[str], Month], name: str
) -> None:
    data = month(name)
    merged = data.expected.merge(
        data.observations, on=KEY, how="outer", suffixes=("_expected", ""), indicator=True
    )
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"][KEY]
    np.testing.assert_allclose(
        merged["obs_value"].to_numpy(float),
        merged["obs_value_expected"].to_numpy(float),
        rtol=1e-12,
        atol=0,
    )


@pytest.mark.parametrize("name", list(MONTHS))
def test_sample_count_is_the_denominator_population(
    month: Callable[[str], Month], name: str
) -> None:
    """Rates count the records of their denominator (labour force for the unemployment rate,
    population 15+ for participation and employment); levels the records they sum."""
    data = month(name)
    merged = data.expected.merge(data.observations, on=KEY, suffixes=("_expected", ""))
    assert len(merged) == len(data.expected)
    mismatch = merged[merged["sample_count"] != merged["sample_count_expected"]]
    assert mismatch.empty, mismatch[[*KEY, "sample_count", "sample_count_expected"]]
    assert set(data.observations["obs_status"]) == {""}


def test_january_2024_population_by_province_equals_table_14_10_0287(
    month: Callable[[str], Month],
) -> None:
    assert OFFICIAL.is_file(), f"{OFFICIAL} is missing: tests need ../shared/data"
    official = pd.read_csv(OFFICIAL, usecols=["month_year", "province_code", "total_pop"])
    official = official[official["month_year"] == "2024-01-01"]
    expected = dict(zip("CA-" + official["province_code"], official["total_pop"], strict=True))
    assert set(expected) == set(PROVINCES.values())
    observations = month("2024-01").observations
    population = observations.query(
        "indicator == 'POP_XWAP_SEX_AGE_NB' and sex == 'SEX_T' and ref_area != 'CAN'"
    )
    computed = {row.ref_area: round(row.obs_value, 1) for row in population.itertuples()}
    assert computed == expected
