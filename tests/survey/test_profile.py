"""Profile validation: every bad input gives one ProfileError naming the file and the place."""

from __future__ import annotations

from pathlib import Path

import pytest

from decentwork.errors import NotFound
from decentwork.survey import ProfileError, bundled_profiles, design_of, load_profile
from tests.survey.conftest import PROFILE, write_profile


def _error(tmp_path: Path, text: str) -> str:
    path = write_profile(tmp_path, text)
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    message = str(caught.value)
    assert str(path) in message
    return message


def test_bundled_profiles_load_by_name() -> None:
    assert {"statcan-lfs", "synthetic"} <= set(bundled_profiles())
    statcan = load_profile("statcan-lfs")
    assert statcan.metadata.source == "BA:147"
    assert statcan.origin.startswith("statcan-lfs")
    assert design_of(statcan).weight == "weight" and design_of(statcan).psu is None
    synthetic = design_of(load_profile("synthetic"))
    assert (synthetic.strata, synthetic.psu) == ("strata", "psu")


def test_profile_loads_by_path(tmp_path: Path) -> None:
    profile = load_profile(write_profile(tmp_path))
    assert profile.expressions()["time"] == "'2024Q1'"
    assert profile.columns_used()["ilo_lfs"] == {"status"}


def test_unknown_profile_name_lists_bundled() -> None:
    with pytest.raises(NotFound, match=r"bundled: .*statcan-lfs") as raised:
        load_profile("no-such-profile")
    assert raised.value.given == "no-such-profile"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("ilo_sex: sex", "ilo_sex: sex; DROP TABLE x", "variables.ilo_sex: 2 statements"),
        ("ilo_sex: sex", "ilo_sex: (SELECT max(sex) FROM t)", "variables.ilo_sex: a query"),
        ("ilo_sex: sex", "ilo_sex: SELECT sex", "variables.ilo_sex: a query"),
        ("ilo_sex: sex", "ilo_sex: sum(sex)", "variables.ilo_sex: aggregate"),
        ("ilo_sex: sex", "ilo_sex: row_number() OVER ()", "variables.ilo_sex: window"),
        (
            "ilo_sex: sex",
            "ilo_sex: regexp_replace(sex, 'a', 'b')",
            "variables.ilo_sex: function REGEXP_REPLACE is not allowed",
        ),
        ("ilo_sex: sex", "ilo_sex: my_udf(sex)", "variables.ilo_sex: function MY_UDF"),
        ("ilo_sex: sex", "ilo_sex: CASE WHEN", "variables.ilo_sex: not valid SQL"),
        ("ilo_sex: sex", "ilo_sex: t.sex", "variables.ilo_sex: qualified column"),
        ("ilo_sex: sex", "sex: sex", "variables: 'sex' is not a standard variable name"),
        ("  weight: w", "  weight: w\n  wieght_scale: 2", "design.wieght_scale: unknown key"),
        ("  weight: w", "  weight: w\n  weight_scale: 0", "design.weight_scale: Input should"),
        (
            "  weight: w",
            "  weight: w\n  replicate_method: fay",
            "design: Value error|design: replicate_method given without replicate_weights",
        ),
        ("format: csv", "format: xlsx", "input.format: Input should be"),
        ("  name: Test survey\n", "", "metadata.name: required key missing"),
        ("input:", "extra: 1\ninput:", "extra: unknown key (allowed: metadata, input"),
        ('time: "2024Q1"', "time: year(date)", "metadata.time: function YEAR"),
    ],
)
def test_bad_profiles_name_the_place(tmp_path: Path, old: str, new: str, expected: str) -> None:
    text = PROFILE.format(format="csv")
    assert old in text
    message = _error(tmp_path, text.replace(old, new, 1))
    assert any(part in message for part in expected.split("|")), message
    assert "Traceback" not in message and "pydantic" not in message


def test_bad_yaml_names_the_line(tmp_path: Path) -> None:
    message = _error(tmp_path, "metadata:\n  name: [unclosed\n")
    assert "not valid YAML" in message and "line" in message


def test_yaml_that_is_not_a_mapping(tmp_path: Path) -> None:
    assert "YAML mapping" in _error(tmp_path, "- a\n- b\n")


def test_missing_profile_file(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="no such profile file"):
        load_profile(tmp_path / "absent.yaml")
