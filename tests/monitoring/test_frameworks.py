"""Results frameworks: the bundled ones load, a user's file is validated with errors that
name the file and the field, and per-area settings come from a --targets file."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from decentwork.errors import BadInput, NotFound
from decentwork.monitoring import frameworks
from decentwork.monitoring.frameworks import (
    FrameworkError,
    bundled,
    bundled_framework,
    load_framework,
)
from decentwork.monitoring.tracking import with_settings

MINIMAL = {
    "code": "mine",
    "title": "My framework",
    "horizon": 2030,
    "baseline_year": 2015,
    "outcomes": [
        {
            "code": "O1",
            "title": "Outcome",
            "targets": [
                {
                    "code": "T1",
                    "title": "Target",
                    "indicators": [
                        {
                            "code": "I1",
                            "title": "Unemployment",
                            "indicator": "SDG_0852_SEX_AGE_RT",
                            "classif1": "AGE_YTHADULT_YGE15",
                            "direction": "decrease",
                            "breakdowns": [
                                {"label": "women", "sex": "SEX_F"},
                                {"label": "men", "sex": "SEX_M"},
                            ],
                            "gaps": [["women", "men"]],
                            "areas": {
                                "KHM": {
                                    "baseline": {"year": 2015, "value": 5.0},
                                    "target": {"value": 3.0, "year": 2030},
                                }
                            },
                        }
                    ],
                }
            ],
        }
    ],
}


def write(folder: Path, content: object, name: str = "framework.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    return path


def test_the_bundled_frameworks_load() -> None:
    assert bundled() == ("dwcp-template", "ilo-china-partnership-2016", "sdg8")
    sdg8 = load_framework("sdg8")
    codes = [i.code for _, _, i in sdg8.indicators()]
    for code in (
        "1.1.1",
        "1.3.1",
        "8.2.1",
        "8.3.1",
        "8.5.1",
        "8.5.2",
        "8.6.1",
        "8.7.1",
        "8.8.1",
        "8.8.2",
        "8.b.1",
    ):
        assert code in codes
    assert sdg8.horizon == 2030
    assert sdg8.indicator("8.7.1")[2].target_for("KHM").value == 0  # end child labour
    partnership = load_framework("ilo-china-partnership-2016")
    assert len(partnership.outcomes) == 5
    assert [m.year for m in partnership.milestones] == [1919, 2001, 2013, 2015, 2016]
    assert partnership.areas == ("CHN", "KHM", "LAO")
    template = load_framework("dwcp-template")
    assert template.indicator("P1.1.1")[2].target_for("XXX").value == 15.0


def test_a_user_framework_by_path(tmp_path: Path) -> None:
    found = load_framework(write(tmp_path, MINIMAL))
    _, _, indicator = found.indicator("I1")
    assert indicator.settings("KHM").baseline.value == 5.0
    assert indicator.target_for("LAO") is None


REMOVED = object()


def broken(change: dict) -> dict:
    """MINIMAL with the first indicator's fields changed (``REMOVED``: taken out)."""
    content = yaml.safe_load(yaml.safe_dump(MINIMAL))
    spec = content["outcomes"][0]["targets"][0]["indicators"][0]
    for key, value in change.items():
        if value is REMOVED:
            spec.pop(key)
        else:
            spec[key] = value
    return content


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"direction": "up"},
            "outcomes.0.targets.0.indicators.0.direction: Input should be 'increase' or 'decrease'",
        ),
        ({"title": REMOVED}, "outcomes.0.targets.0.indicators.0.title: Field required"),
        ({"gaps": [["women", "girls"]]}, "gap ['women', 'girls']: no breakdown labelled 'girls'"),
        ({"indicator": None}, "an indicator without a warehouse code needs a note saying why"),
        (
            {"colour": "red"},
            "outcomes.0.targets.0.indicators.0.colour: Extra inputs are not permitted",
        ),
        (
            {"areas": {"KHM": {"target": {"value": "high", "year": 2030}}}},
            "areas.KHM.target.value: Input should be a valid number",
        ),
        (
            {"areas": {"KHM": {"baseline": {"year": 2015, "value": 5}, "baseline_year": 2016}}},
            "give baseline (year and value) or baseline_year, not both",
        ),
    ],
)
def test_invalid_frameworks_name_the_file_and_field(
    tmp_path: Path, change: dict, message: str
) -> None:
    path = write(tmp_path, broken(change))
    with pytest.raises(FrameworkError) as raised:
        load_framework(path)
    assert str(raised.value).startswith(str(path))
    assert message in str(raised.value)


def test_repeated_codes_and_other_bad_files(tmp_path: Path) -> None:
    content = yaml.safe_load(yaml.safe_dump(MINIMAL))
    targets = content["outcomes"][0]["targets"]
    targets.append({**targets[0], "code": "T2"})
    with pytest.raises(FrameworkError, match="indicator codes repeat: I1"):
        load_framework(write(tmp_path, content))
    with pytest.raises(NotFound, match="sdg9: neither a bundled framework"):
        load_framework("sdg9")
    bad = tmp_path / "bad.yaml"
    bad.write_text("code: [unclosed", encoding="utf-8")
    with pytest.raises(FrameworkError, match=r"bad\.yaml: not valid YAML"):
        load_framework(bad)
    with pytest.raises(FrameworkError, match="expected a mapping"):
        load_framework(write(tmp_path, ["a", "list"], "list.yaml"))


def test_a_framework_error_is_bad_input() -> None:
    assert issubclass(FrameworkError, BadInput) and FrameworkError.status == 422


def test_a_bundled_framework_by_name_only() -> None:
    assert bundled_framework("sdg8") is load_framework("sdg8")
    with pytest.raises(
        NotFound,
        match=r"framework 'sdg9': not a bundled framework \(they are "
        "dwcp-template, ilo-china-partnership-2016, sdg8",
    ) as raised:
        bundled_framework("sdg9")
    assert (raised.value.parameter, raised.value.given) == ("name", "sdg9")
    with pytest.raises(NotFound):
        bundled_framework(__file__)  # a file is not a bundled framework


def test_a_broken_bundled_framework_is_a_defect_not_bad_input(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(text: str, label: str) -> None:
        raise FrameworkError(f"{label}: outcomes: Field required")

    monkeypatch.setattr(frameworks, "_parsed", broken)
    frameworks._bundled.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="decentwork's bundled framework sdg8: outcomes"):
            load_framework("sdg8")
    finally:
        frameworks._bundled.cache_clear()


def test_an_unknown_indicator_of_a_framework_is_not_found() -> None:
    with pytest.raises(
        NotFound,
        match=r"framework sdg8: no indicator '9\.9\.9' \(it has "
        r"1\.1\.1, ",
    ) as raised:
        load_framework("sdg8").indicator("9.9.9")
    assert (raised.value.parameter, raised.value.given) == ("code", "9.9.9")


def test_settings_from_a_targets_file(tmp_path: Path) -> None:
    sdg8 = load_framework("sdg8")
    path = write(
        tmp_path,
        {
            "8.5.2": {
                "KHM": {
                    "target": {"value": 0.3, "year": 2030},
                    "milestones": [{"year": 2025, "value": 0.35}],
                }
            }
        },
        "targets.yaml",
    )
    changed = with_settings(sdg8, path)
    indicator = changed.indicator("8.5.2")[2]
    assert indicator.target_for("KHM").value == 0.3
    assert indicator.settings("KHM").milestones[0].year == 2025
    assert sdg8.indicator("8.5.2")[2].target_for("KHM") is None  # the bundled one unchanged
    for content, message in (
        ({"9.9.9": {"KHM": {}}}, "indicator '9.9.9' is not in framework sdg8"),
        ({"8.5.2": ["KHM"]}, "8.5.2: expected a mapping of area -> settings"),
        ({"8.5.2": {"KHM": {"target": {"value": 1}}}}, "8.5.2: KHM: target.year: Field required"),
    ):
        with pytest.raises(FrameworkError, match=message.replace(".", r"\.")):
            with_settings(sdg8, write(tmp_path, content, "bad-targets.yaml"))
