"""The matching weights: the bundled defaults, a service's file laid over them (from a path or
$DECENTWORK_PES_WEIGHTS), and every bad file refused naming the file and the setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from decentwork.errors import BadInput, NotFound
from decentwork.pes.matching.weights import (
    ENVIRONMENT,
    Factor,
    WeightsError,
    bundled_weights,
    load_weights,
)


def test_the_bundled_weights_are_valid_and_cover_every_factor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(ENVIRONMENT, raising=False)
    weights = load_weights()
    assert weights == bundled_weights()
    assert weights.weights.total() == pytest.approx(1.0)
    assert [weights.weights.of(f) > 0 for f in Factor] == [True] * len(Factor)
    assert weights.occupation.tiers() == (1.0, 0.75, 0.5, 0.25, 0.0)


def test_a_services_file_changes_only_what_it_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "weights.yaml"
    path.write_text("weights:\n  wage: 0\nlocation:\n  same_province: 0.8\n", encoding="utf-8")
    weights = load_weights(path)
    assert (weights.weights.wage, weights.location.same_province) == (0.0, 0.8)
    assert weights.weights.occupation == bundled_weights().weights.occupation
    assert weights.skills == bundled_weights().skills
    monkeypatch.setenv(ENVIRONMENT, str(path))
    assert load_weights() == weights
    path.write_text("# nothing changed\n", encoding="utf-8")
    assert load_weights(path) == bundled_weights()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("weights:\n  wages: 1\n", "weights.wages: unknown setting"),
        ("weights: [1, 2]\n", "weights is not a mapping of settings"),
        (
            "weights:\n  occupation: -1\n",
            "weights.occupation: Input should be greater than or equal to 0",
        ),
        (
            "weights: {occupation: 0, skills: 0, location: 0, education: 0, experience: 0, "
            "wage: 0, availability: 0}\n",
            "every weight is 0",
        ),
        (
            "occupation:\n  minor_group: 1.0\n  unit_group: 0.9\n",
            "a closer occupation may not count less",
        ),
        ("availability:\n  grace_days: 0\n", "availability.grace_days: Input should be greater"),
        ("weights:\n  wage: [\n", "line 3: not valid YAML"),
        ("- 1\n", "the file is not a mapping"),
    ],
)
def test_a_bad_weights_file_is_refused_naming_the_setting(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "weights.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(WeightsError, match=message) as caught:
        load_weights(path)
    assert isinstance(caught.value, BadInput) and caught.value.parameter == "weights"
    assert str(caught.value).startswith(f"{path}: ")


def test_a_missing_or_unreadable_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="no such weights file") as caught:
        load_weights(tmp_path / "none.yaml")
    assert caught.value.parameter == "weights"
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(WeightsError, match="cannot be read"):
        load_weights(binary)


def test_a_weight_changed_in_code_is_validated_too() -> None:
    changed = bundled_weights().with_weight(Factor.SKILLS, 0.5)
    assert changed.weights.skills == 0.5
    with pytest.raises(WeightsError, match=r"weights\.skills"):
        bundled_weights().with_weight(Factor.SKILLS, -1)
