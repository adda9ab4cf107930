"""Shortage and surplus occupations from the vacancy-to-seeker ratios: the thresholds are
inclusive, the lists are ordered most acute first, suppressed ratios are on neither list,
and bad thresholds or rows are refused with messages naming them."""

from __future__ import annotations

import pytest

from decentwork.errors import BadInput
from decentwork.observations.occupations import occupation_lists


def ratio(group: str, value: object, status: str = "") -> dict[str, object]:
    """One PES_VSR_OCU_RT observation for ISCO major group ``group``."""
    return {
        "indicator": "PES_VSR_OCU_RT",
        "ref_area": "KHM",
        "source": "PES:KHM",
        "time": "2026M11",
        "sex": "",
        "classif1": f"OCU_ISCO08_{group}",
        "obs_value": value,
        "obs_status": status,
    }


def groups(rows: list) -> list[str]:
    return [row["classif1"] for row in rows]


def test_lists_with_inclusive_thresholds_most_acute_first() -> None:
    rows = [
        ratio("1", 1.5),
        ratio("2", 3.0),
        ratio("3", 1.49),
        ratio("4", 0.5),
        ratio("5", 0.1),
        ratio("6", 0.51),
        ratio("7", 0.0),
    ]
    shortage, surplus = occupation_lists(rows)
    assert groups(shortage) == ["OCU_ISCO08_2", "OCU_ISCO08_1"]
    assert groups(surplus) == ["OCU_ISCO08_7", "OCU_ISCO08_5", "OCU_ISCO08_4"]


def test_custom_thresholds_and_ties_in_group_order() -> None:
    rows = [ratio("9", 2.0), ratio("3", 2.0), ratio("8", 1.0)]
    shortage, surplus = occupation_lists(rows, shortage=2.0, surplus=1.0)
    assert groups(shortage) == ["OCU_ISCO08_3", "OCU_ISCO08_9"]
    assert groups(surplus) == ["OCU_ISCO08_8"]


def test_suppressed_and_text_values() -> None:
    rows = [ratio("1", "", "C"), ratio("2", None, "C"), ratio("3", "2.5"), ratio("4", float("nan"))]
    shortage, surplus = occupation_lists(rows)
    assert groups(shortage) == ["OCU_ISCO08_3"]
    assert surplus == []


def test_no_rows() -> None:
    assert occupation_lists([]) == ([], [])


@pytest.mark.parametrize(
    ("shortage", "surplus", "parameter"),
    [
        (1.0, 1.0, "surplus"),
        (0.5, 1.5, "surplus"),
        (-1.0, 0.5, "shortage"),
        (1.5, float("nan"), "surplus"),
    ],
)
def test_bad_thresholds(shortage: float, surplus: float, parameter: str) -> None:
    with pytest.raises(BadInput) as raised:
        occupation_lists([ratio("1", 1.0)], shortage=shortage, surplus=surplus)
    assert raised.value.parameter == parameter


def test_rows_of_another_indicator_or_not_numbers() -> None:
    other = {**ratio("1", 2.0), "indicator": "PES_PLC_NB"}
    with pytest.raises(BadInput, match="PES_PLC_NB"):
        occupation_lists([other])
    with pytest.raises(BadInput, match="OCU_ISCO08_2"):
        occupation_lists([ratio("2", "many")])
