"""Acceptance checks on real data: the Philippine LFS public use files (CSPro) through the
bundled ``psa-lfs`` profile. ``decentwork compute psa-lfs`` gives every figure of
``official_figures_2022.csv`` to its published decimal (PSA's national definition); the
national status derived from the questionnaire items is PSA's own ``PUFNEWEMPSTAT`` for every
person in scope; the cross-tabulation of the ICLS and national statuses shows who moves."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from decentwork.cli import app
from decentwork.indicators import load_catalogue
from decentwork.indicators.reliability import rule_set
from decentwork.survey import Profile, crosstab, load_profile
from tests.survey.conftest import SHARED

PSA = SHARED / "psa_lfs"
OFFICIAL = PSA / "official_figures_2022.csv"
MONTHS = {
    "2022-02": "February",
    "2022-03": "March",
    "2022-05": "May",
    "2022-06": "June",
    "2022-08": "August",
    "2022-09": "September",
    "2022-11": "November",
    "2022-12": "December",
}
"""The months of 2022 with a public use file in the shared data."""
NATIONAL = "BA:629-NAT"
ICLS = "BA:629"


def data_file(month: str) -> Path:
    """The public use file of ``month`` (``2022-09``)."""
    return PSA / "2022" / f"LFS_PUF_{MONTHS[month]}_2022.F2"


@dataclass(frozen=True)
class Figure:
    """How an official figure is read off the observations: ``indicator`` for ``sex``
    (classification: the total of ages 15+, or of all activities for hours), from the national
    variant unless the variant does not change it; levels in thousands become millions;
    PSA's employment rate (employed per 100 in the labour force) is 100 minus the
    unemployment rate."""

    indicator: str
    sex: str = "SEX_T"
    source: str = NATIONAL
    millions: bool = False
    complement: bool = False

    @property
    def classif1(self) -> str:
        return "ECO_ISIC4_TOTAL" if self.indicator.startswith("HOW_") else "AGE_YTHADULT_YGE15"


FIGURES = {
    "LFPR": Figure("EAP_DWAP_SEX_AGE_RT"),
    "LFPR_men": Figure("EAP_DWAP_SEX_AGE_RT", sex="SEX_M"),
    "LFPR_women": Figure("EAP_DWAP_SEX_AGE_RT", sex="SEX_F"),
    "employment_rate": Figure("UNE_DEAP_SEX_AGE_RT", complement=True),
    "employment_rate_men": Figure("UNE_DEAP_SEX_AGE_RT", sex="SEX_M", complement=True),
    "unemployment_rate": Figure("UNE_DEAP_SEX_AGE_RT"),
    "underemployment_rate": Figure("TRU_DEMP_SEX_AGE_RT"),
    "pop_15plus": Figure("POP_XWAP_SEX_AGE_NB", source=ICLS, millions=True),
    "labour_force": Figure("EAP_TEAP_SEX_AGE_NB", millions=True),
    "employed": Figure("EMP_TEMP_SEX_AGE_NB", millions=True),
    "unemployed": Figure("UNE_TUNE_SEX_AGE_NB", millions=True),
    "underemployed": Figure("TRU_TTRU_SEX_AGE_NB", millions=True),
    "avg_weekly_hours_employed": Figure("HOW_TEMP_SEX_ECO_NB"),
}
NOT_TESTABLE = {"2022-01", "2022-04", "2022-07", "2022-FY"}
"""Figures of months without a public use file here, and the annual average (which needs all
twelve months)."""

runner = CliRunner()


def official() -> list[dict[str, str]]:
    with OFFICIAL.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def computed(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """``decentwork compute psa-lfs`` on every month that has official figures, for the
    indicators they need, as written to a CSV file."""
    months = sorted({row["month"] for row in official()} & set(MONTHS))
    out = tmp_path_factory.mktemp("psa") / "psa.csv"
    codes = ",".join(sorted({figure.indicator for figure in FIGURES.values()}))
    result = runner.invoke(
        app,
        [
            "compute",
            "psa-lfs",
            *map(str, map(data_file, months)),
            "--indicators",
            codes,
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    return pd.read_csv(out, keep_default_na=False, dtype={"obs_status": str})


def test_every_published_figure_to_its_decimal(computed: pd.DataFrame) -> None:
    rows = official()
    assert {row["month"] for row in rows} - set(MONTHS) == NOT_TESTABLE
    for month in ("January", "April", "July"):
        assert not any((PSA / "2022").glob(f"LFS_PUF_{month}_2022*")), month
    checked = []
    for row in rows:
        if row["month"] in NOT_TESTABLE:
            continue
        figure = FIGURES[row["indicator"]]
        time = row["month"].replace("-", "M")
        found = computed[
            (computed["indicator"] == figure.indicator)
            & (computed["source"] == figure.source)
            & (computed["ref_area"] == "PHL")
            & (computed["sex"] == figure.sex)
            & (computed["classif1"] == figure.classif1)
            & (computed["classif2"] == "")
            & (computed["time"] == time)
        ]
        assert len(found) == 1, (row, len(found))
        value = float(found["obs_value"].iloc[0])
        if figure.millions:
            value /= 1000
        if figure.complement:
            value = 100 - value
        decimals = len(row["official_value"].partition(".")[2])
        checked.append(
            (row["month"], row["indicator"], f"{value:.{decimals}f}", row["official_value"])
        )
    wrong = [c for c in checked if c[2] != c[3]]
    assert not wrong, wrong
    assert len(checked) == 41


def test_national_figures_are_marked(computed: pd.DataFrame) -> None:
    national = computed[computed["source"] == NATIONAL]
    assert national["note_indicator"].str.startswith("National definition (PSA)").all()
    # The ICLS figures say where the LFS departs from the ICLS (after them, only the default
    # reliability rule's caution notes): its one-week search period on every figure from the
    # labour force status, the 40-hour threshold on underemployment.
    icls = computed[computed["source"] == ICLS].assign(
        note_indicator=lambda t: rule_set("default").without_its_notes(t["note_indicator"])
    )
    notes = icls.groupby("indicator")["note_indicator"].unique()
    assert list(notes["POP_XWAP_SEX_AGE_NB"]) == [""]
    for indicator, values in notes.drop("POP_XWAP_SEX_AGE_NB").items():
        (note,) = values
        assert note.startswith("Job search in the past week"), indicator
        assert ("visible underemployment" in note) == indicator.startswith(
            ("TRU_", "LUU_XLU2", "LUU_XLU4")
        ), indicator
    # a variant's figures carry no note of the variables it redefines
    assert not national["note_indicator"].str.contains("Job search in the past week").any()
    # The working-age population is the same under both definitions: given once, ICLS.
    assert "POP_XWAP_SEX_AGE_NB" not in set(national["indicator"])
    assert set(computed["ref_area"]) >= {"PHL", "PH-00", "PH-41"}


def test_icls_unemployment_is_lower_than_national(computed: pd.DataFrame) -> None:
    """The 19th ICLS counts as unemployed only those who looked for work: about two thirds of
    PSA's unemployed (ILOSTAT's harmonised rate for 2021 is 3.4 %, PSA's 7.8 %)."""
    rates = computed[
        (computed["indicator"] == "UNE_DEAP_SEX_AGE_RT")
        & (computed["ref_area"] == "PHL")
        & (computed["sex"] == "SEX_T")
        & (computed["classif1"] == "AGE_YTHADULT_YGE15")
    ]
    by_source = rates.pivot(index="time", columns="source", values="obs_value")
    ratio = by_source[ICLS] / by_source[NATIONAL]
    assert ((ratio > 0.5) & (ratio < 0.8)).all(), by_source


def _statuses(profile: Profile, path: Path) -> pd.DataFrame:
    return crosstab(
        profile,
        path,
        {
            "icls": profile.variables["ilo_lfs"],
            "olf_dlma": profile.variables["ilo_olf_dlma"],
            "national": profile.variants["national"].variables["ilo_lfs"],
            "PUFNEWEMPSTAT": "PUFNEWEMPSTAT",
        },
    )


@pytest.mark.parametrize("month", sorted(MONTHS))
def test_national_status_is_psa_own_for_every_person(month: str) -> None:
    """The national status from the questionnaire items equals PSA's PUFNEWEMPSTAT for every
    person in scope; PSA leaves it blank for exactly the persons outside the scope (overseas
    workers) and those under 15. Prints who moves between the ICLS and national statuses."""
    profile = load_profile("psa-lfs")
    table = _statuses(profile, data_file(month))
    adults = table[table["icls"].notna()]
    disagree = adults[adults["national"] != adults["PUFNEWEMPSTAT"]]
    assert disagree.empty, disagree
    assert table.loc[table["icls"].isna(), "PUFNEWEMPSTAT"].isna().all()
    moves = adults.groupby(["icls", "national"], as_index=False)[["records", "weighted"]].sum()
    moves["weighted"] = (moves["weighted"] / 1000).round(1)
    print(
        f"\n{MONTHS[month]} 2022: ICLS status x national status (1 employed, 2 unemployed, "
        f"3 outside the labour force), records and thousands of persons\n"
        f"{moves.to_string(index=False)}"
    )
    # Who moves: exactly the available potential jobseekers (outside the labour force under
    # the ICLS, ilo_olf_dlma 2) are unemployed under the national definition; no one else.
    moved = adults[adults["icls"] != adults["national"]]
    assert set(zip(moved["icls"], moved["national"], strict=True)) == {(3, 2)}
    assert (moved["olf_dlma"] == 2).all()
    assert (adults.loc[adults["olf_dlma"] == 2, "national"] == 2).all()


@pytest.mark.parametrize("month", sorted(MONTHS))
def test_scope_is_psa_scope(month: str) -> None:
    """Without the profile's scope, the persons aged 15+ whose PUFNEWEMPSTAT is blank are
    exactly those the scope leaves out (overseas workers and embassy staff abroad)."""
    profile = load_profile("psa-lfs")
    everyone = profile.model_copy(
        update={"metadata": profile.metadata.model_copy(update={"scope": None})}
    )
    assert profile.metadata.scope is not None
    table = crosstab(
        everyone,
        data_file(month),
        {
            "in_scope": profile.metadata.scope,
            "blank": "PUFNEWEMPSTAT IS NULL",
            "adult": "PUFC05_AGE >= 15",
        },
    )
    adults = table[table["adult"]]
    assert (adults["in_scope"] != adults["blank"]).all(), adults
    assert adults.loc[~adults["in_scope"], "records"].sum() > 500


def test_whole_catalogue_on_one_month() -> None:
    """Everything the file supports is computed, nationally and for the 17 regions; the rest
    (informality, NEET, earnings, unemployment duration, discouragement, contracts, unions) is
    skipped naming the variables missing."""
    from decentwork.indicators import compute

    result = compute(load_profile("psa-lfs"), data_file("2022-09"))
    skipped = {code for code in result.skipped if " by " not in code}
    assert skipped == {
        "EMP_NIFL_SEX_RT",
        "EMP_NIFL_SEX_NB",
        "SDG_0861_SEX_RT",
        "SDG_0831_SEX_ECO_RT",
        "SDG_0851_SEX_OCU_NB",
        "EAR_4HRL_SEX_AGE_NB",
        # No duration of unemployment, reason for not seeking work, contract or union item.
        "UNE_TUNE_SEX_AGE_DUR_NB",
        "UNE_XLTU_SEX_AGE_RT",
        "EIP_WDIS_SEX_AGE_NB",
        "EES_TEES_SEX_AGE_JOB_NB",
        "EES_XTMP_SEX_RT",
        "ILR_TUMT_SEX_RT",
        "ILR_CBCT_SEX_RT",
    }
    assert "ilo_job1_ife_nature" in result.skipped["EMP_NIFL_SEX_RT"]
    assert "ilo_edu_attendance" in result.skipped["SDG_0861_SEX_RT"]
    catalogue = {indicator.code for indicator in load_catalogue().indicators}
    observations = result.observations
    assert set(observations["indicator"]) == catalogue - skipped
    assert len(set(observations["ref_area"]) - {"PHL"}) == 17
    assert set(observations["time"]) == {"2022M09"}
    classifications = set(observations["classif1"]) | set(observations["classif2"])
    assert {
        "ECO_ISIC4_C",
        "OCU_ISCO08_0",
        "STE_ICSE93_5",
        "GEO_COV_RUR",
        "EDU_ISCED11_X",
        "EDU_ISCED11_8",
    } <= classifications


def test_compute_with_a_dictionary_from_elsewhere(tmp_path: Path) -> None:
    """Every file's dictionary is found before any is computed; --dictionary gives it."""
    renamed = tmp_path / "september.F2"
    renamed.symlink_to(data_file("2022-09"))
    arguments = [
        "compute",
        "psa-lfs",
        str(data_file("2022-06")),
        str(renamed),
        "--indicators",
        "POP_XWAP_SEX_AGE_NB",
        "--out",
        str(tmp_path / "out.csv"),
    ]
    result = runner.invoke(app, arguments)
    assert result.exit_code == 2, result.output
    assert " ".join(result.output.split()).startswith(
        f"Error: --dictionary: {renamed}: no CSPro dictionary beside it (september.dcf)"
    )
    assert not (tmp_path / "out.csv").exists()
    result = runner.invoke(
        app,
        [
            *arguments[:2],
            *arguments[3:],
            "--dictionary",
            str(data_file("2022-09").with_suffix(".dcf")),
        ],
    )
    assert result.exit_code == 0, result.output
    assert set(pd.read_csv(tmp_path / "out.csv")["time"]) == {"2022M09"}
