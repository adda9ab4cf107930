"""A profile's variants in the computation: the indicators a variant's variables change are
given again under its source code, with its note, and the note survives averaging and
suppression; what a profile cannot give is listed without reading data."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from pandas.testing import assert_frame_equal

from decentwork.errors import BadInput
from decentwork.indicators import ReliabilityRule, compute, compute_files, not_computable
from decentwork.indicators.averages import AVERAGE_NOTE, average
from decentwork.indicators.compute import levels_frame
from decentwork.indicators.reliability import SUPPRESSED_NOTE, rule_set
from decentwork.observations import KEY_COLUMNS
from decentwork.survey import load_profile
from decentwork.synthetic import generate

SYNTHETIC = (
    resources.files("decentwork.survey.profiles").joinpath("synthetic.yaml").read_text("utf-8")
)
NOTE = "National definition: the unemployed include the available who did not look"
WITH_VARIANT = (
    SYNTHETIC
    + f"""variants:
  national:
    source: SYNTHETIC-NAT
    note: "{NOTE}"
    variables:
      ilo_lfs: >-
        CASE WHEN age < 15 THEN NULL WHEN worked = 1 OR absent = 1 THEN 1
             WHEN available = 1 THEN 2 ELSE 3 END
"""
)
CODES = ["UNE_DEAP_SEX_AGE_RT", "POP_XWAP_SEX_AGE_NB", "EMP_TEMP_SEX_AGE_NB"]

NO_LEVELS = levels_frame()
"""No ratio or mean: every observation is averaged as a level."""


@pytest.fixture(scope="module")
def survey(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("variants")
    path = folder / "lfs.parquet"
    pq.write_table(generate(3000, seed=11), path)
    profile = folder / "national.yaml"
    profile.write_text(WITH_VARIANT)
    return path, profile


def _national(table: pd.DataFrame, indicator: str, source: str) -> float:
    row = table[
        (table["indicator"] == indicator)
        & (table["source"] == source)
        & (table["ref_area"] == "X_DW")
        & (table["sex"] == "SEX_T")
        & (table["classif1"] == "AGE_YTHADULT_YGE15")
        & (table["classif2"] == "")
    ]
    assert len(row) == 1, (indicator, source)
    return float(row["obs_value"].iloc[0])


def test_variant_gives_the_indicators_it_changes(survey: tuple[Path, Path]) -> None:
    path, profile = survey
    result = compute(load_profile(profile), path, indicators=CODES)
    table = result.observations
    by_source = table.groupby("source")["indicator"].unique().map(set).to_dict()
    assert by_source == {
        "SYNTHETIC": set(CODES),
        "SYNTHETIC-NAT": {"UNE_DEAP_SEX_AGE_RT", "EMP_TEMP_SEX_AGE_NB"},
    }
    national = table[table["source"] == "SYNTHETIC-NAT"]
    # The variant's note, then the reliability rule's caution notes (docs/indicators.md).
    definitions = rule_set("default").without_its_notes(table["note_indicator"])
    assert table["note_indicator"].str.startswith(f"{NOTE}; Use with caution: ").any()
    assert (definitions[national.index] == NOTE).all()
    assert (definitions[table["source"] == "SYNTHETIC"] == "").all()
    assert _national(table, "UNE_DEAP_SEX_AGE_RT", "SYNTHETIC-NAT") > _national(
        table, "UNE_DEAP_SEX_AGE_RT", "SYNTHETIC"
    )
    assert _national(table, "EMP_TEMP_SEX_AGE_NB", "SYNTHETIC-NAT") == _national(
        table, "EMP_TEMP_SEX_AGE_NB", "SYNTHETIC"
    )
    # The variant's rows are the profile with the variant's expressions, computed alone.
    alone = compute(
        load_profile(profile).with_variant("national"), path, indicators=["UNE_DEAP_SEX_AGE_RT"]
    ).observations
    mine = national[national["indicator"] == "UNE_DEAP_SEX_AGE_RT"].reset_index(drop=True)
    pd.testing.assert_series_equal(mine["obs_value"], alone["obs_value"])


def test_variant_changing_nothing_chosen_adds_nothing(survey: tuple[Path, Path]) -> None:
    path, profile = survey
    table = compute(load_profile(profile), path, indicators=["POP_XWAP_SEX_AGE_NB"]).observations
    assert set(table["source"]) == {"SYNTHETIC"}


def test_variant_records_are_checked(tmp_path: Path, survey: tuple[Path, Path]) -> None:
    path, _ = survey
    broken = tmp_path / "broken.yaml"
    broken.write_text(WITH_VARIANT.replace("ELSE 3 END", "ELSE 7 END"))
    with pytest.raises(BadInput, match=r"variant national.*ilo_lfs is not 1, 2 or 3"):
        compute(load_profile(broken), path, indicators=CODES)


def test_averages_keep_the_note_the_months_share() -> None:
    months = ["2024M01", "2024M02", "2024M03"]
    monthly = pd.DataFrame(
        {
            "ref_area": "X",
            "indicator": "UNE_TUNE_SEX_AGE_NB",
            "source": "S-NAT",
            "sex": "SEX_T",
            "classif1": "",
            "classif2": "",
            "time": months,
            "obs_value": [4.0, 5.0, 6.0],
            "se": 0.5,
            "cv": 10.0,
            "sample_count": 100,
            "note_indicator": NOTE,
        }
    )
    out, _ = average(monthly, "quarter", ReliabilityRule(), levels=NO_LEVELS)
    assert out["note_indicator"].tolist() == [f"{AVERAGE_NOTE.format(k=3)}; {NOTE}"]
    mixed = monthly.assign(note_indicator=[NOTE, NOTE, "other"])
    out, _ = average(mixed, "quarter", ReliabilityRule(), levels=NO_LEVELS)
    assert out["note_indicator"].tolist() == [AVERAGE_NOTE.format(k=3)]


def test_suppression_adds_its_note() -> None:
    table = pd.DataFrame(
        {
            "sample_count": [3, 300],
            "cv": [5.0, 5.0],
            "obs_value": [1.0, 2.0],
            "se": 0.1,
            "lower_bound": 0.0,
            "upper_bound": 3.0,
            "note_indicator": [NOTE, NOTE],
        }
    )
    out = ReliabilityRule(suppress_below=5).apply(table)
    assert out["note_indicator"].tolist() == [f"{NOTE}; {SUPPRESSED_NOTE.format(n=5)}", NOTE]


def test_levels_are_kept_when_asked_for(survey: tuple[Path, Path]) -> None:
    path, profile = survey
    plain = compute(load_profile(profile), path, indicators=CODES)
    assert plain.levels.empty
    kept = compute(load_profile(profile), path, indicators=CODES, levels=True)
    assert_frame_equal(kept.observations, plain.observations)
    # One row per rate (both sources), none for the levels; the numerator over the
    # denominator is the rate.
    rates = kept.observations[kept.observations["indicator"] == "UNE_DEAP_SEX_AGE_RT"]
    assert len(kept.levels) == len(rates)
    assert set(kept.levels["indicator"]) == {"UNE_DEAP_SEX_AGE_RT"}
    both = rates.merge(kept.levels, on=list(KEY_COLUMNS))
    ratio = 100 * both["numerator"] / both["denominator"]
    assert ratio.to_numpy() == pytest.approx(both["obs_value"].to_numpy(), rel=1e-12)
    # A small domain may have no unemployed in the sample (numerator and its SE 0).
    assert (both["numerator_se"] >= 0).all() and (both["denominator_se"] > 0).all()
    assert (both.loc[both["numerator"] > 0, "numerator_se"] > 0).all()


def test_notes_mark_what_their_variables_give(survey: tuple[Path, Path]) -> None:
    path, profile = survey
    concept = "National concept: the labour force status of the national questionnaire"
    noted = load_profile(profile).model_copy(update={"notes": {"ilo_lfs": concept}})
    # The one-tier rule adds no caution notes, so only the definitions' notes are seen here.
    table = compute(noted, path, indicators=CODES, rule=rule_set("one-tier")).observations
    notes = table.groupby("source")["note_indicator"].unique().map(set).to_dict()
    # The population aged 15+ does not read ilo_lfs: no note; the variant redefines ilo_lfs:
    # its own note only.
    standard = table[table["source"] == "SYNTHETIC"]
    assert set(standard.loc[standard["indicator"] == "POP_XWAP_SEX_AGE_NB", "note_indicator"]) == {
        ""
    }
    assert set(standard.loc[standard["indicator"] != "POP_XWAP_SEX_AGE_NB", "note_indicator"]) == {
        concept
    }
    assert notes["SYNTHETIC-NAT"] == {NOTE}


def test_not_computable_reads_no_data() -> None:
    statcan = not_computable(load_profile("statcan-lfs"))
    assert "ilo_job1_ife_nature" in statcan["EMP_NIFL_SEX_RT"]
    assert "ilo_geo" in statcan["UNE_DEAP_SEX_AGE_GEO_RT"]
    assert "UNE_DEAP_SEX_AGE_RT" not in statcan
    assert "LUU_XLU4_SEX_AGE_RT" not in statcan
    assert not_computable(load_profile("synthetic")) == {
        "UNE_TUNE_SEX_AGE_DUR_NB": "DUR_AGGREGATE: needs ilo_dur_aggregate",
        "UNE_XLTU_SEX_AGE_RT": "ltu: needs ilo_dur_aggregate",
        "EIP_WDIS_SEX_AGE_NB": "dis: needs ilo_dis",
        "EES_TEES_SEX_AGE_JOB_NB": "JOB_CONTRACT: needs ilo_job1_job_contract",
        "EES_XTMP_SEX_RT": "temporary_employee: needs ilo_job1_job_contract",
        "ILR_TUMT_SEX_RT": "union_member: needs ilo_job1_union",
        "ILR_CBCT_SEX_RT": "union_covered: needs ilo_job1_union",
    }
    assert not_computable(load_profile("statcan-lfs"), indicators=["UNE_DEAP_SEX_AGE_RT"]) == {}


def test_compute_files_refuses_two_files_of_one_period(survey: tuple[Path, Path]) -> None:
    path, profile = survey
    with pytest.raises(BadInput, match=r"lfs.parquet and .*lfs.parquet both give time 2024"):
        compute_files(load_profile(profile), [path, path], indicators=["POP_XWAP_SEX_AGE_NB"])
    assert compute_files(load_profile(profile), []).observations.empty
