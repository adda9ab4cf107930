"""The indicator catalogue: the bundled one loads, its codes are ILOSTAT's, it resolves per
profile (skipping what a profile cannot give, with the reason), and a user's catalogue with
a mistake is refused with a message naming the file and the entry."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
import yaml

from decentwork.errors import NotFound
from decentwork.indicators import CatalogueError, compute, load_catalogue, parse_catalogue
from decentwork.survey import load_profile
from decentwork.survey.expressions import expression_columns
from tests.survey.conftest import SHARED, STATCAN_2024_01

DICTIONARY = SHARED / "ilostat" / "dictionary"
GRID = (
    "SELECT CAST(v AS DOUBLE) AS {column} FROM (SELECT UNNEST(range(-2, 121)) AS v "
    "UNION ALL SELECT NULL)"
)
"""Every value a classification's input plausibly takes (codes, ages, NULL)."""


def _dictionary(name: str) -> set[str]:
    path = DICTIONARY / f"{name}_en.csv"
    assert path.is_file(), f"{path} is missing: tests need ../shared/data"
    return set(pd.read_csv(path, encoding="utf-8-sig")[name])


def _codes(code: str, splits: list[str], total: str) -> set[str]:
    """Every classification code the catalogue can give for ``code``: its total and each value
    of its splits over :data:`GRID`."""
    codes = {f"{code}_{total}"}
    with duckdb.connect() as con:
        for split in splits:
            [column] = expression_columns(split)
            rows = con.sql(
                f"SELECT DISTINCT ({split}) AS c FROM ({GRID.format(column=column)}) "
                "WHERE c IS NOT NULL"
            ).fetchall()
            assert rows, split
            codes |= {f"{code}_{value}" for (value,) in rows}
    return codes


def test_bundled_catalogue_loads() -> None:
    catalogue = load_catalogue()
    assert "bundled" in catalogue.origin
    assert len(catalogue.indicators) >= 35
    assert {"UNE_DEAP_SEX_AGE_RT", "SDG_0861_SEX_RT", "EMP_NIFL_SEX_RT"} <= {
        i.code for i in catalogue.indicators
    }
    assert catalogue.indicator("UNE_DEAP_SEX_AGE_RT").ratio == ("une", "eap")
    with pytest.raises(NotFound, match="no indicator 'NOPE'") as raised:
        catalogue.indicator("NOPE")
    assert raised.value.given == "NOPE"


# Indicators ILOSTAT's dictionary does not have, under codes of decentwork's own in ILOSTAT's
# pattern (docs/indicators.md, section 5): KILM 10's long-term unemployment rate, union
# density and bargaining coverage by sex (ILOSTAT's ILR_TUMT_NOC_RT and ILR_CBCT_NOC_RT have no
# sex breakdown) and hourly earnings by age (ILOSTAT's are by occupation).
OWN_CODES = {"UNE_XLTU_SEX_AGE_RT", "ILR_TUMT_SEX_RT", "ILR_CBCT_SEX_RT", "EAR_4HRL_SEX_AGE_NB"}


def test_indicator_codes_are_ilostat_codes() -> None:
    known = _dictionary("indicator")
    codes = [i.code for i in load_catalogue().indicators]
    assert [c for c in codes if c not in known] == sorted(OWN_CODES, key=codes.index)


def test_classification_codes_are_ilostat_codes() -> None:
    catalogue = load_catalogue()
    classif1, classif2 = _dictionary("classif1"), _dictionary("classif2")
    as_classif2 = {c for i in catalogue.indicators for c in i.classif2}
    missing = {}
    for code, classification in catalogue.classifications.items():
        codes = _codes(code, classification.splits, classification.total)
        assert len(codes) >= 3, code
        absent = codes - classif1
        if code in as_classif2:
            absent |= codes - classif2
        if absent:
            missing[code] = sorted(absent)
    assert missing == {}


def test_every_classification_is_used() -> None:
    catalogue = load_catalogue()
    used = {c for i in catalogue.indicators for c in [*i.classif1, *i.classif2]}
    assert used == set(catalogue.classifications)


def test_synthetic_profile_resolves_everything_to_standard_variables() -> None:
    profile = load_profile("synthetic")
    resolved = load_catalogue().resolve(set(profile.variables))
    # The synthetic survey has no unemployment duration, reason for not seeking work, type of
    # contract or union item: what needs them is all that is skipped.
    assert resolved.skipped == {
        "ltu": "needs ilo_dur_aggregate",
        "dis": "needs ilo_dis",
        "temporary_employee": "needs ilo_job1_job_contract",
        "union_member": "needs ilo_job1_union",
        "union_covered": "needs ilo_job1_union",
        "DUR_AGGREGATE": "needs ilo_dur_aggregate",
        "JOB_CONTRACT": "needs ilo_job1_job_contract",
    }
    for sql in [*resolved.variables.values(), *(s for v in resolved.splits.values() for s in v)]:
        assert expression_columns(sql) <= set(profile.variables), sql


def test_statcan_profile_skips_what_it_does_not_map() -> None:
    profile = load_profile("statcan-lfs")
    resolved = load_catalogue().resolve(set(profile.variables))
    skipped = resolved.skipped
    # Informality and urban/rural areas need standard variables the PUMF does not have; the
    # reason names them.
    assert "ilo_job1_ife_nature" in skipped["informal_job"]
    assert "ilo_job1_ife_prod" in skipped["informal_job"]
    assert "informal_job" in skipped["informal"] and "ilo_job1_ife" in skipped["informal"]
    assert "ilo_geo" in skipped["GEO_COV"]
    for variable in (
        "wap",
        "emp",
        "une",
        "eap",
        "olf",
        "neet",
        "employee",
        "hours_worked",
        "earnings",
        "edu_aggregate",
    ):
        assert variable in resolved.variables, variable
        assert variable not in skipped
    for sql in resolved.variables.values():
        assert expression_columns(sql) <= set(profile.variables), sql


def test_statcan_skipped_indicators_name_the_missing_variable() -> None:
    result = compute(
        load_profile("statcan-lfs"),
        STATCAN_2024_01,
        indicators=["EMP_NIFL_SEX_RT", "SDG_0831_SEX_ECO_RT", "UNE_DEAP_SEX_AGE_GEO_RT"],
    )
    assert result.observations.empty
    assert set(result.skipped) == {
        "EMP_NIFL_SEX_RT",
        "SDG_0831_SEX_ECO_RT",
        "UNE_DEAP_SEX_AGE_GEO_RT",
    }
    assert "ilo_job1_ife_nature" in result.skipped["EMP_NIFL_SEX_RT"]
    assert "ilo_job1_ife_prod" in result.skipped["SDG_0831_SEX_ECO_RT"]
    assert "ilo_geo" in result.skipped["UNE_DEAP_SEX_AGE_GEO_RT"]


# User catalogues ---------------------------------------------------------------------------------

VALID: dict[str, Any] = {
    "variables": {
        "wap": {
            "label": "Working age",
            "reference": "r",
            "recipes": ["CASE WHEN ilo_age >= 15 THEN 1 ELSE 0 END"],
        },
        "une": {
            "label": "Unemployed",
            "reference": "r",
            "recipes": ["CASE WHEN wap = 1 AND ilo_lfs = 2 THEN 1 ELSE 0 END"],
        },
        "eap": {
            "label": "Labour force",
            "reference": "r",
            "recipes": ["CASE WHEN wap = 1 AND ilo_lfs IN (1, 2) THEN 1 ELSE 0 END"],
        },
    },
    "classifications": {
        "AGE_YTHADULT": {
            "label": "Age",
            "total": "YGE15",
            "splits": ["CASE WHEN ilo_age >= 25 THEN 'YGE25' END"],
        },
    },
    "indicators": [
        {
            "code": "UNE_TUNE_SEX_AGE_NB",
            "label": "Unemployment",
            "total": "une",
            "classif1": ["AGE_YTHADULT"],
        },
        {
            "code": "UNE_DEAP_SEX_AGE_RT",
            "label": "Unemployment rate",
            "ratio": ["une", "eap"],
            "classif1": ["AGE_YTHADULT"],
        },
    ],
}


def _write(tmp_path: Path, content: dict[str, Any]) -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(content, sort_keys=False))
    return path


def test_a_valid_user_catalogue_loads_and_resolves(tmp_path: Path) -> None:
    catalogue = load_catalogue(_write(tmp_path, VALID))
    assert catalogue.origin == str(tmp_path / "mine.yaml")
    resolved = catalogue.resolve({"ilo_age", "ilo_lfs", "ilo_sex"})
    assert set(resolved.variables) == {"wap", "une", "eap"}
    assert "wap" not in expression_columns(resolved.variables["une"])
    assert catalogue.resolve({"ilo_age"}).skipped["une"] == "needs ilo_lfs"


def _unknown_variable(content: dict[str, Any]) -> None:
    content["indicators"][1]["ratio"] = ["une", "labour_force"]


def _cycle(content: dict[str, Any]) -> None:
    content["variables"]["wap"]["recipes"] = ["CASE WHEN eap = 1 OR ilo_age >= 15 THEN 1 END"]


def _two_statements(content: dict[str, Any]) -> None:
    content["variables"]["une"]["recipes"] = ["ilo_lfs; DROP TABLE x"]


def _aggregate(content: dict[str, Any]) -> None:
    content["variables"]["une"]["recipes"] = ["SUM(ilo_age)"]


def _two_statements_in_a_split(content: dict[str, Any]) -> None:
    content["classifications"]["AGE_YTHADULT"]["splits"] = ["'Y15-24'; DROP TABLE x"]


def _unknown_universe(content: dict[str, Any]) -> None:
    content["classifications"]["AGE_YTHADULT"]["universe"] = "employed"


def _ratio_and_total(content: dict[str, Any]) -> None:
    content["indicators"][1]["total"] = "une"


def _duplicate_code(content: dict[str, Any]) -> None:
    content["indicators"][1]["code"] = "UNE_TUNE_SEX_AGE_NB"


@pytest.mark.parametrize(
    ("mistake", "named"),
    [
        pytest.param(
            _unknown_variable, ["UNE_DEAP_SEX_AGE_RT", "'labour_force'"], id="unknown variable"
        ),
        pytest.param(_cycle, ["variables.wap", "cycle"], id="cycle"),
        pytest.param(
            _two_statements, ["variables.une", "2 statements"], id="multi-statement recipe"
        ),
        pytest.param(
            _aggregate,
            ["variables.une", "aggregate function 'SUM(ilo_age)'"],
            id="aggregate in a recipe",
        ),
        pytest.param(
            _two_statements_in_a_split,
            ["classifications.AGE_YTHADULT", "2 statements"],
            id="multi-statement split",
        ),
        pytest.param(
            _unknown_universe, ["classifications.AGE_YTHADULT", "'employed'"], id="unknown universe"
        ),
        pytest.param(
            _ratio_and_total,
            ["indicators.1", "exactly one of ratio, mean or total"],
            id="ratio and total",
        ),
        pytest.param(_duplicate_code, ["UNE_TUNE_SEX_AGE_NB", "twice"], id="duplicate code"),
    ],
)
def test_user_catalogue_mistakes_are_refused(
    mistake: Any, named: list[str], tmp_path: Path
) -> None:
    content = copy.deepcopy(VALID)
    mistake(content)
    path = _write(tmp_path, content)
    with pytest.raises(CatalogueError) as raised:
        load_catalogue(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: ")
    for part in named:
        assert part in message, (part, message)


def test_catalogue_that_is_not_yaml_or_missing(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="not valid YAML"):
        parse_catalogue("variables: [unclosed", "broken.yaml")
    with pytest.raises(NotFound, match=r"absent\.yaml: no such catalogue file"):
        load_catalogue(tmp_path / "absent.yaml")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("variables: {}  # Québec\n".encode("latin-1"))
    with pytest.raises(CatalogueError, match=r"latin\.yaml: cannot read the catalogue"):
        load_catalogue(latin)
