"""Reliability rule sets (issue 20): the bundled rule sets' tiers at their boundaries, minimum
counts on numerator and denominator, zero and one-PSU estimates, a profile choosing a rule
set or giving its own, and bad rules named by their profile key."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from decentwork import observations
from decentwork.indicators import ReliabilityRule, compute
from decentwork.indicators.reliability import rule_from, rule_set, rule_sets
from decentwork.survey import ProfileError, load_profile, parse_profile
from tests.estimation.multistage_sample import multistage_sample
from tests.survey.conftest import PROFILE

NAN = float("nan")
CV_CAUTION = "coefficient of variation above 16.5 %"


def judged(
    rule: ReliabilityRule,
    *,
    cv: float = 5.0,
    count: int = 1000,
    value: float = 10.0,
    df: float = NAN,
    numerator: float = NAN,
) -> pd.Series:
    """The one observation ``rule`` makes of an estimate with this evidence."""
    rows = observations.frame(
        pd.DataFrame(
            {"obs_value": [value], "se": [value * cv / 100], "cv": [cv], "sample_count": [count]}
        )
    )
    evidence = pd.DataFrame({"df": [df], "numerator_count": [numerator]})
    return rule.apply(rows, evidence).iloc[0]


def test_bundled_rule_sets_each_name_their_source() -> None:
    assert rule_sets() == ["default", "statcan-lfs", "one-tier"]
    for name in rule_sets():
        rule = rule_set(name)
        assert rule.name == name and rule.title and len(rule.source) > 50, name
    assert "guide-symbol" in rule_set("statcan-lfs").source
    assert "12-539-X" in rule_set("default").source


def test_the_class_defaults_are_the_default_rule_set() -> None:
    fields = [f for f in ReliabilityRule.model_fields if f not in ("name", "title", "source")]
    default = rule_set("default")
    assert {f: getattr(ReliabilityRule(), f) for f in fields} == {
        f: getattr(default, f) for f in fields
    }
    assert rule_from(None) == default


@pytest.mark.parametrize(
    ("evidence", "status", "note"),
    [
        ({"cv": 16.5}, "", ""),
        ({"cv": 16.51}, "", f"Use with caution: {CV_CAUTION}"),
        ({"cv": 33.3}, "", f"Use with caution: {CV_CAUTION}"),
        ({"cv": 33.31}, "U", ""),
        ({"count": 15}, "", ""),
        ({"count": 14}, "U", ""),
        ({"count": 14, "cv": 20.0}, "U", ""),
        ({"df": 1.0}, "", ""),
        ({"df": 0.0}, "U", ""),
        ({"value": 0.0, "cv": NAN}, "", "Use with caution: a zero estimate (no standard error)"),
        ({"value": 0.0, "cv": NAN, "count": 3}, "U", ""),
        ({"numerator": 0.0}, "", ""),
    ],
)
def test_default_rule_tiers(evidence: dict, status: str, note: str) -> None:
    row = judged(rule_set("default"), **evidence)
    assert (row["obs_status"], row["note_indicator"]) == (status, note)
    assert not math.isnan(row["obs_value"])


@pytest.mark.parametrize(
    ("evidence", "status", "note", "published"),
    [
        ({"cv": 16.5, "count": 3}, "", "", True),
        ({"cv": 20.0}, "", f"E: use with caution: {CV_CAUTION}", True),
        ({"cv": 33.3}, "", f"E: use with caution: {CV_CAUTION}", True),
        ({"cv": 33.31}, "U", "Suppressed: too unreliable to be published", False),
        ({"df": 0.0}, "U", "Suppressed: too unreliable to be published", False),
    ],
)
def test_statistics_canada_e_and_f(evidence: dict, status: str, note: str, published: bool) -> None:
    row = judged(rule_set("statcan-lfs"), **evidence)
    assert (row["obs_status"], row["note_indicator"]) == (status, note)
    values = row[["obs_value", "se", "cv"]].to_numpy(float)
    assert np.isfinite(values).all() if published else np.isnan(values).all()


@pytest.mark.parametrize(
    ("evidence", "status"),
    [
        ({"cv": 33.3}, ""),
        ({"cv": 33.31}, "U"),
        ({"count": 14}, "U"),
        ({"df": 0.0}, ""),
        ({"value": 0.0, "cv": NAN}, ""),
    ],
)
def test_the_one_tier_rule_is_the_earlier_rule(evidence: dict, status: str) -> None:
    row = judged(rule_set("one-tier"), **evidence)
    assert (row["obs_status"], row["note_indicator"]) == (status, "")


def test_minimum_counts_on_numerator_and_denominator() -> None:
    rule = rule_from({"min_numerator_count": 5, "caution_numerator_count": 10, "caution_count": 50})
    assert rule.needs_numerator_counts and rule.name == "default (changed)"
    assert judged(rule, numerator=4)["obs_status"] == "U"
    caution = judged(rule, numerator=9)
    assert caution["obs_status"] == ""
    assert caution["note_indicator"] == (
        "Use with caution: fewer than 10 sample records in the numerator"
    )
    assert judged(rule, numerator=10)["note_indicator"] == ""
    both = judged(rule, numerator=9, count=49, cv=20.0)
    assert both["note_indicator"] == (
        f"Use with caution: {CV_CAUTION}, fewer than 50 sample records, "
        "fewer than 10 sample records in the numerator"
    )
    # A total (no numerator count) and averages (no evidence) are judged without it.
    assert judged(rule, numerator=NAN)["obs_status"] == ""
    rows = observations.frame(pd.DataFrame({"obs_value": [1.0], "cv": [1.0], "sample_count": [99]}))
    assert rule.apply(rows).loc[0, "obs_status"] == ""


def test_zero_estimates_can_be_unreliable() -> None:
    rule = rule_from({"based_on": "one-tier", "zero": "unreliable"})
    assert judged(rule, value=0.0, cv=NAN)["obs_status"] == "U"
    assert judged(rule, value=0.1)["obs_status"] == ""


def test_caution_notes_follow_other_notes_and_leave_suppressed_cells() -> None:
    rows = observations.frame(
        pd.DataFrame(
            {
                "obs_value": [1.0, 1.0],
                "cv": [20.0, 20.0],
                "sample_count": [100, 3],
                "note_indicator": ["National definition", ""],
            }
        )
    )
    out = rule_from({"suppress_below": 5}).apply(rows)
    assert out["note_indicator"].tolist() == [
        f"National definition; Use with caution: {CV_CAUTION}",
        "Suppressed: fewer than 5 sample records",
    ]
    assert rule_set("default").without_its_notes(out["note_indicator"]).tolist() == [
        "National definition",
        "Suppressed: fewer than 5 sample records",
    ]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("nope", "no reliability rule set 'nope'; bundled: default, statcan-lfs, one-tier"),
        ({"max_cv": 0}, "max_cv: Input should be greater than 0"),
        ({"min_count": -1}, "min_count: Input should be greater than or equal to 0"),
        ({"zero": "maybe"}, "zero: Input should be 'unreliable', 'caution' or 'none'"),
        ({"max_vc": 30}, "max_vc: unknown threshold"),
        ({"based_on": "nope"}, "no reliability rule set 'nope'"),
        ({"based_on": 3}, "based_on: 3 is not a rule set's name"),
        (7, "7 is neither a rule set's name"),
    ],
)
def test_bad_rules_are_named(spec: object, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        rule_from(spec)  # type: ignore[arg-type]
    if not isinstance(spec, int):
        text = PROFILE.format(format="csv") + f"reliability: {spec!r}\n".replace("'", '"')
        with pytest.raises(ProfileError, match=rf"<profile>: reliability: .*{message[:20]}"):
            parse_profile(text)


# A profile chooses the rule of its observations ---------------------------------------------------

MULTISTAGE = (
    PROFILE.format(format="csv")
    .replace(
        "  weight: w\n", "  weight: weight\n  strata: s1\n  psu: [psu, ssu]\n  fpc: [n1, n2]\n"
    )
    .replace("  ilo_age: age\n", "  ilo_age: 20 + 10 * region\n")
    .replace(
        "CASE WHEN status = 1 THEN 1 ELSE 3 END",
        "CASE WHEN unemp = 1 THEN 2 WHEN lf = 1 THEN 1 ELSE 3 END",
    )
)
"""The multi-stage sample through a profile: ages from its regions, so that the age bands of
the unemployment rate make small domains."""


@pytest.fixture(scope="module")
def sample_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reliability") / "sample.csv"
    multistage_sample().to_csv(path, index=False)
    return path


def computed(sample_path: Path, reliability: str, **options: object) -> pd.DataFrame:
    text = MULTISTAGE + (f"reliability: {reliability}\n" if reliability else "")
    profile_path = sample_path.parent / "profile.yaml"
    profile_path.write_text(text)
    indicators = ["UNE_DEAP_SEX_AGE_RT"]
    return compute(
        load_profile(profile_path), sample_path, indicators=indicators, **options
    ).observations  # type: ignore[arg-type]


def test_a_profile_chooses_a_rule_set(sample_path: Path) -> None:
    default = computed(sample_path, "")
    statcan = computed(sample_path, "statcan-lfs")
    one_tier = computed(sample_path, "one-tier")
    caution = default["note_indicator"].str.startswith("Use with caution")
    assert caution.any() and (default.loc[caution, "obs_status"] == "").all()
    assert (one_tier["note_indicator"] == "").all()
    e_tier = statcan["note_indicator"].str.startswith("E: use with caution")
    f_tier = statcan["note_indicator"] == "Suppressed: too unreliable to be published"
    assert e_tier.any() and f_tier.any()
    assert statcan.loc[f_tier, "obs_value"].isna().all()
    assert (statcan.loc[f_tier, "obs_status"] == "U").all()
    high = default["cv"] > 33.3
    assert high.any() and (default.loc[high, "obs_status"] == "U").all()
    # The same estimates whatever the rule: only flags, notes and suppression differ.
    published = ~f_tier
    np.testing.assert_allclose(
        statcan.loc[published, "obs_value"], default.loc[published, "obs_value"]
    )


def test_a_profile_gives_its_own_thresholds_and_the_caller_overrides_them(
    sample_path: Path,
) -> None:
    own = computed(sample_path, "{based_on: one-tier, min_numerator_count: 20}")
    before = computed(sample_path, "one-tier")["obs_status"] == "U"
    few = own["obs_status"] == "U"
    assert (few >= before).all() and few.sum() > before.sum() and not few.all()
    everything = computed(sample_path, "{based_on: one-tier, min_count: 100000}")
    assert (everything["obs_status"] == "U").all()
    overridden = computed(
        sample_path, "{based_on: one-tier, min_count: 100000}", rule=rule_set("one-tier")
    )
    assert not (overridden["obs_status"] == "U").all()


def test_an_estimate_from_one_psu_is_unreliable(sample_path: Path) -> None:
    """Women only in one PSU: their participation rate has no design degrees of freedom."""
    one_psu = MULTISTAGE.replace(
        "ilo_sex: sex", "ilo_sex: CASE WHEN s1 = 4 AND psu = 2 THEN 2 ELSE 1 END"
    )
    profile_path = sample_path.parent / "one-psu.yaml"
    women = []
    for reliability in ("default", "{based_on: default, min_df: 0}"):
        profile_path.write_text(one_psu + f"reliability: {reliability}\n")
        table = compute(
            load_profile(profile_path), sample_path, indicators=["EAP_DWAP_SEX_AGE_RT"]
        ).observations
        women.append(table[(table["sex"] == "SEX_F") & (table["classif1"] == "AGE_YTHADULT_YGE15")])
    flagged, unflagged = women
    assert int(flagged["sample_count"].iloc[0]) >= 15
    assert float(unflagged["cv"].iloc[0]) < 33.3  # only the degrees of freedom flag it
    assert flagged["obs_status"].tolist() == ["U"] and unflagged["obs_status"].tolist() == [""]
