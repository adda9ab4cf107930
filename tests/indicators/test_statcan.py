"""Acceptance checks on real data: the Statistics Canada LFS public-use file (PUMF) through the
bundled ``statcan-lfs`` profile gives the published levels and rates, nationally and by
province, equal to an independent pandas computation from the raw CSV and, for the population
15+ by province, to the official Table 14-10-0287 (not seasonally adjusted). The same for the
profile's ICLS variant (temporary layoffs), the indicators of the items the profile maps
beyond the labour force status (underutilization, duration, discouragement, contracts, unions,
earnings by age), and averages over months computed from levels."""

from __future__ import annotations

import fnmatch
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from decentwork.indicators import ReliabilityRule, compute
from decentwork.indicators.averages import average
from decentwork.indicators.compute import WEIGHTS_ONLY_NOTE
from decentwork.indicators.reliability import rule_set
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


def _raw(
    path: Path, columns: tuple[str, ...] = ("PROV", "SEX", "LFSSTAT", "FINALWT")
) -> pd.DataFrame:
    """The PUMF's person records, read with pandas straight from the zip's pubMMYY.csv."""
    with zipfile.ZipFile(path) as archive:
        [member] = fnmatch.filter(archive.namelist(), "pub*.csv")
        with archive.open(member) as handle:
            return pd.read_csv(handle, usecols=list(columns))


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
            # Statistics Canada's definition (the published one); the ICLS variant below.
            observations = observations[
                (observations["classif1"] == AGE_15_PLUS) & (observations["source"] == "BA:147")
            ]
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


# The ICLS variant, the items beyond the labour force status, averages -----------------------

MARCH = PUMF / "2024-03-CSV.zip"
ITEMS = (
    *("PROV", "SEX", "AGE_12", "LFSSTAT", "FINALWT", "FLOWUNEM", "TLOLOOK", "UTOTHRS", "WHYPT"),
    *("AVAILABL", "YNOLOOK", "DURUNEMP", "COWMAIN", "PERMTEMP", "UNION", "HRLYEARN"),
)
YOUTH = "AGE_YTHADULT_Y15-24"
NATIONAL_NOTE = "National definition (Statistics Canada): persons on temporary layoff"
ICLS_NOTE = "19th ICLS definition: persons on temporary layoff are unemployed only if"

# (indicator, classif2) -> (numerator, denominator, scale, by age): numerator and denominator
# name per-record columns of _people (the denominator None for a level in thousands); by age:
# the rows of ages 15+ and 15-24, else the indicator's single row without classif1.
Spec = tuple[str, str | None, float, bool]
NEW: dict[tuple[str, str], Spec] = {
    ("TRU_TTRU_SEX_AGE_NB", ""): ("tru", None, 0.001, True),
    ("TRU_DEMP_SEX_AGE_RT", ""): ("tru", "emp", 100.0, True),
    ("EIP_WPLF_SEX_AGE_NB", ""): ("plf", None, 0.001, True),
    ("LUU_XLU2_SEX_AGE_RT", ""): ("une_tru", "eap", 100.0, True),
    ("LUU_XLU3_SEX_AGE_RT", ""): ("une_plf", "eap_plf", 100.0, True),
    ("LUU_XLU4_SEX_AGE_RT", ""): ("une_tru_plf", "eap_plf", 100.0, True),
    ("UNE_TUNE_SEX_AGE_DUR_NB", "DUR_AGGREGATE_TOTAL"): ("une", None, 0.001, True),
    ("UNE_TUNE_SEX_AGE_DUR_NB", "DUR_AGGREGATE_MLT6"): ("dur_lt6", None, 0.001, True),
    ("UNE_TUNE_SEX_AGE_DUR_NB", "DUR_AGGREGATE_MGE6LT12"): ("dur_6_12", None, 0.001, True),
    ("UNE_TUNE_SEX_AGE_DUR_NB", "DUR_AGGREGATE_MGE12"): ("ltu", None, 0.001, True),
    ("UNE_XLTU_SEX_AGE_RT", ""): ("ltu", "eap", 100.0, True),
    ("EIP_WDIS_SEX_AGE_NB", ""): ("dis", None, 0.001, True),
    ("EES_TEES_SEX_AGE_JOB_NB", "JOB_CONTRACT_TOTAL"): ("employee", None, 0.001, True),
    ("EES_TEES_SEX_AGE_JOB_NB", "JOB_CONTRACT_PERM"): ("permanent", None, 0.001, True),
    ("EES_TEES_SEX_AGE_JOB_NB", "JOB_CONTRACT_TEMP"): ("temporary", None, 0.001, True),
    ("EES_XTMP_SEX_RT", ""): ("temporary", "employee", 100.0, False),
    ("ILR_TUMT_SEX_RT", ""): ("union_member", "employee", 100.0, False),
    ("ILR_CBCT_SEX_RT", ""): ("union_covered", "employee", 100.0, False),
    ("EAR_4HRL_SEX_AGE_NB", ""): ("wage", "earner", 1.0, True),
}
# Under the ICLS variant (BA:147-ICLS): the temporary layoffs who did not look for work leave
# the unemployed for the potential labour force; employment is the same.
ICLS: dict[tuple[str, str], Spec] = {
    ("UNE_TUNE_SEX_AGE_NB", ""): ("une_icls", None, 0.001, True),
    ("EAP_TEAP_SEX_AGE_NB", ""): ("eap_icls", None, 0.001, True),
    ("EMP_TEMP_SEX_AGE_NB", ""): ("emp", None, 0.001, True),
    ("EIP_TEIP_SEX_AGE_NB", ""): ("olf_icls", None, 0.001, True),
    ("UNE_DEAP_SEX_AGE_RT", ""): ("une_icls", "eap_icls", 100.0, True),
    ("EAP_DWAP_SEX_AGE_RT", ""): ("eap_icls", "wap", 100.0, True),
    ("EIP_WPLF_SEX_AGE_NB", ""): ("plf_icls", None, 0.001, True),
    ("LUU_XLU3_SEX_AGE_RT", ""): ("une_plf_icls", "eap_plf_icls", 100.0, True),
    ("UNE_XLTU_SEX_AGE_RT", ""): ("ltu_icls", "eap_icls", 100.0, True),
}


def _people(raw: pd.DataFrame) -> pd.DataFrame:
    """Per record, from the codebook's items: 0/1 for each population the indicators count,
    and the hourly wage of employees reporting one."""
    status = raw["LFSSTAT"]
    emp, une, olf = status.isin([1, 2]), status == 3, status == 4
    tru = emp & (raw["UTOTHRS"] < 300) & raw["WHYPT"].isin([6, 7])
    plf = olf & (((raw["AVAILABL"] == 1) & raw["YNOLOOK"].isna()) | (raw["AVAILABL"] == 2))
    weeks = raw["DURUNEMP"]
    employee = emp & raw["COWMAIN"].isin([1, 2])
    earner = employee & (raw["HRLYEARN"] > 0)
    moved = une & (raw["FLOWUNEM"] == 1) & (raw["TLOLOOK"] == 2)
    une_icls, eap = une & ~moved, status.isin([1, 2, 3])
    ltu = une & (weeks >= 53)
    people = {
        "wap": status.notna(),
        "emp": emp,
        "une": une,
        "eap": eap,
        "tru": tru,
        "plf": plf,
        "une_tru": une | tru,
        "une_plf": une | plf,
        "eap_plf": eap | plf,
        "une_tru_plf": une | tru | plf,
        "dur_lt6": une & weeks.between(1, 26),
        "dur_6_12": une & weeks.between(27, 52),
        "ltu": ltu,
        "dis": olf & (raw["YNOLOOK"] == 6) & (raw["AVAILABL"] == 2),
        "employee": employee,
        "permanent": employee & (raw["PERMTEMP"] == 1),
        "temporary": employee & raw["PERMTEMP"].isin([2, 3, 4]),
        "union_member": employee & (raw["UNION"] == 1),
        "union_covered": employee & raw["UNION"].isin([1, 2]),
        "earner": earner,
        "une_icls": une_icls,
        "eap_icls": eap & ~moved,
        "olf_icls": olf | moved,
        "plf_icls": plf | moved,
        "une_plf_icls": une_icls | plf | moved,
        "eap_plf_icls": (eap & ~moved) | plf | moved,
        "ltu_icls": ltu & ~moved,
    }
    out = pd.DataFrame(people).astype(float)
    out["wage"] = np.where(earner, raw["HRLYEARN"] / 100.0, 0.0)
    return out


def _expected(raw: pd.DataFrame, specs: dict[tuple[str, str], Spec]) -> pd.DataFrame:
    """Each spec's value nationally and by province, for both sexes and each, at ages 15+ and
    15-24 (or without age), as weighted sums of the raw records."""
    people = _people(raw)
    weighted = people.mul(raw["FINALWT"].astype(float), axis=0)
    areas = {"CAN": np.ones(len(raw), bool)} | {
        area: (raw["PROV"] == code).to_numpy() for code, area in PROVINCES.items()
    }
    sexes = {"SEX_T": np.ones(len(raw), bool)} | {
        sex: (raw["SEX"] == code).to_numpy() for code, sex in ((1, "SEX_M"), (2, "SEX_F"))
    }
    youth = raw["AGE_12"].isin([1, 2]).to_numpy()
    rows = []
    for (indicator, classif2), (numerator, denominator, scale, by_age) in specs.items():
        ages = {AGE_15_PLUS: np.ones(len(raw), bool), YOUTH: youth} if by_age else {"": None}
        for area, in_area in areas.items():
            for sex, of_sex in sexes.items():
                for age, of_age in ages.items():
                    domain = in_area & of_sex & (True if of_age is None else of_age)
                    top = weighted.loc[domain, numerator].sum()
                    bottom = 1.0 if denominator is None else weighted.loc[domain, denominator].sum()
                    rows.append((area, indicator, sex, age, classif2, scale * top / bottom))
    return pd.DataFrame(
        rows, columns=["ref_area", "indicator", "sex", "classif1", "classif2", "expected"]
    )


@pytest.fixture(scope="module")
def march() -> tuple[pd.DataFrame, pd.DataFrame]:
    """March 2024: the profile's observations of the new and the ICLS variant's indicators,
    and the raw records."""
    assert MARCH.is_file(), f"{MARCH} is missing: tests need ../shared/data"
    codes = sorted({code for code, _ in [*NEW, *ICLS]})
    result = compute(load_profile("statcan-lfs"), MARCH, indicators=codes)
    return result.observations, _raw(MARCH, ITEMS)


def _compare(
    observations: pd.DataFrame, raw: pd.DataFrame, specs: dict[tuple[str, str], Spec], source: str
) -> pd.DataFrame:
    expected = _expected(raw, specs)
    ours = observations[observations["source"] == source]
    merged = expected.merge(
        ours, on=["ref_area", "indicator", "sex", "classif1", "classif2"], how="left"
    )
    # A category without any sample record in a domain has no row (docs/indicators.md).
    absent = merged["obs_value"].isna()
    assert (merged.loc[absent, "expected"] == 0).all(), merged[absent & (merged["expected"] != 0)]
    merged = merged[~absent]
    np.testing.assert_allclose(merged["obs_value"], merged["expected"], rtol=1e-10, atol=1e-12)
    return merged


def test_new_indicators_equal_an_independent_computation(
    march: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    observations, raw = march
    merged = _compare(observations, raw, NEW, "BA:147")
    national = merged[(merged["ref_area"] == "CAN") & (merged["sex"] == "SEX_T")]
    value = national.set_index(["indicator", "classif1", "classif2"])["obs_value"]
    # The items the issue counted: involuntary part-time 643.9k (601.3k of them under 30
    # hours in all jobs), wanting work without looking 398.0k (of whom the discouraged).
    assert value[("TRU_TTRU_SEX_AGE_NB", AGE_15_PLUS, "")] == pytest.approx(601.3, abs=0.05)
    assert value[("EIP_WDIS_SEX_AGE_NB", AGE_15_PLUS, "")] == pytest.approx(24.2, abs=0.05)
    assert value[("ILR_TUMT_SEX_RT", "", "")] == pytest.approx(28.39, abs=0.005)
    # LU1 <= LU2, LU3 <= LU4.
    lu1 = observations.query(
        "indicator == 'UNE_DEAP_SEX_AGE_RT' and source == 'BA:147' and ref_area == 'CAN' "
        "and sex == 'SEX_T' and classif1 == @AGE_15_PLUS"
    )["obs_value"].item()
    lu2, lu3, lu4 = (value[(f"LUU_XLU{k}_SEX_AGE_RT", AGE_15_PLUS, "")] for k in (2, 3, 4))
    assert lu1 < lu2 < lu4 and lu1 < lu3 < lu4


def test_temporary_layoffs_under_the_icls(march: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    observations, raw = march
    _compare(observations, raw, ICLS, "BA:147-ICLS")
    rate = observations.query(
        "indicator == 'UNE_DEAP_SEX_AGE_RT' and ref_area == 'CAN' and sex == 'SEX_T' "
        "and classif1 == @AGE_15_PLUS"
    ).set_index("source")
    # Statistics Canada's published (unadjusted) 6.44 %; 6.26 % with the search criterion.
    assert rate.loc["BA:147", "obs_value"] == pytest.approx(6.44, abs=0.005)
    assert rate.loc["BA:147-ICLS", "obs_value"] == pytest.approx(6.26, abs=0.005)
    assert rate.loc["BA:147", "note_indicator"].startswith(NATIONAL_NOTE)
    assert rate.loc["BA:147-ICLS", "note_indicator"].startswith(ICLS_NOTE)


def test_notes_mark_the_national_concepts(march: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    observations, _ = march
    # the public-use file has weights only: every observation's source note says so
    assert (observations["note_source"] == WEIGHTS_ONLY_NOTE).all()
    # The definitions' notes, without the default reliability rule's caution notes after them.
    definitions = observations.assign(
        note_indicator=rule_set("default").without_its_notes(observations["note_indicator"])
    )
    notes = definitions.groupby(["source", "indicator"])["note_indicator"].unique()
    national = notes.loc["BA:147"]
    for indicator, values in national.items():
        (note,) = values
        assert note.startswith(NATIONAL_NOTE), indicator
        # Time-related underemployment is Statistics Canada's involuntary part-time.
        reads_tru = indicator.startswith("TRU_") or indicator in (
            "LUU_XLU2_SEX_AGE_RT",
            "LUU_XLU4_SEX_AGE_RT",
        )
        assert ("involuntary part-time" in note) == reads_tru, indicator
    for indicator, values in notes.loc["BA:147-ICLS"].items():
        (note,) = values
        assert note.endswith(
            "the others are outside the labour force (available potential jobseekers)."
        ), indicator
        assert NATIONAL_NOTE not in note, indicator


def _weights_only_variance(values: np.ndarray) -> float:
    """The variance of a weighted total of a weights-only design (every record its own PSU,
    one stratum, with replacement): n / (n - 1) times the sum of squared deviations."""
    n = len(values)
    return float(n / (n - 1) * np.sum(np.square(values - values.mean())))


def _national(table: pd.DataFrame, indicator: str, age: str) -> pd.Series:
    """The rows of ``indicator`` for Canada, both sexes, at ``age``."""
    return (
        (table["indicator"] == indicator)
        & (table["ref_area"] == "CAN")
        & (table["sex"] == "SEX_T")
        & (table["classif1"] == age)
    )


def test_quarter_average_from_levels() -> None:
    """Three real months labelled as the months of one quarter (the folder holds no complete
    quarter): the average rate is the summed numerators over the summed denominators, with the
    SE of that ratio over independent months, computed here from the raw records."""
    files = [PUMF / "2023-11-CSV.zip", STATCAN_2024_01, MARCH]
    profile = load_profile("statcan-lfs").model_copy(update={"variants": {}})
    codes = ["UNE_DEAP_SEX_AGE_RT", "EAR_4HRL_SEX_AGE_NB", "UNE_TUNE_SEX_AGE_NB"]
    results = [
        compute(
            profile.model_copy(
                update={"metadata": profile.metadata.model_copy(update={"time": f"2024M0{m}"})}
            ),
            path,
            indicators=codes,
            levels=True,
        )
        for m, path in enumerate(files, start=1)
    ]
    monthly = pd.concat([r.observations for r in results], ignore_index=True)
    levels = pd.concat([r.levels for r in results], ignore_index=True)
    quarter, skipped = average(monthly, "quarter", ReliabilityRule(), levels=levels)
    assert skipped == {}
    people = [(raw, _people(raw)) for raw in (_raw(path, ITEMS) for path in files)]
    for indicator, numerator, denominator, scale in (
        ("UNE_DEAP_SEX_AGE_RT", "une", "eap", 100.0),
        ("EAR_4HRL_SEX_AGE_NB", "wage", "earner", 1.0),
    ):
        for age in (AGE_15_PLUS, YOUTH):
            ys, xs = [], []
            for raw, person in people:
                domain = (
                    np.ones(len(raw), bool) if age == AGE_15_PLUS else raw["AGE_12"].isin([1, 2])
                )
                w = raw["FINALWT"].to_numpy(float) * domain
                ys.append(w * person[numerator].to_numpy())
                xs.append(w * person[denominator].to_numpy())
            ratio = sum(y.sum() for y in ys) / sum(x.sum() for x in xs)
            variance = sum(
                _weights_only_variance(y - ratio * x) for y, x in zip(ys, xs, strict=True)
            )
            se = scale * np.sqrt(variance) / sum(x.sum() for x in xs)
            row = quarter[_national(quarter, indicator, age)]
            assert row["time"].item() == "2024Q1"
            assert row["obs_value"].item() == pytest.approx(scale * ratio, rel=1e-10)
            assert row["se"].item() == pytest.approx(se, rel=1e-6)
            rates = monthly[_national(monthly, indicator, age)]["obs_value"]
            # The mean of the monthly values is another figure (by 0.0007 to 0.0066 points).
            assert rates.mean() != pytest.approx(scale * ratio, rel=0, abs=1e-4)
    level = quarter.query(
        "indicator == 'UNE_TUNE_SEX_AGE_NB' and ref_area == 'CAN' and sex == 'SEX_T' "
        "and classif1 == @AGE_15_PLUS"
    )["obs_value"].item()
    assert level == pytest.approx(
        np.mean([(raw["FINALWT"] * person["une"]).sum() / 1000 for raw, person in people]),
        rel=1e-10,
    )
