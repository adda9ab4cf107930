"""The gap between two groups' progress (:func:`decentwork.monitoring.gap`), worked by hand."""

from __future__ import annotations

import pytest

from decentwork.errors import BadInput
from decentwork.monitoring import Target, assess, gap

approx = pytest.approx
TARGET = Target(3.0, 2030, "decrease")  # an unemployment rate, for women and for men


def open_sdg_ratio(base: float, latest: float) -> float:
    """Open SDG's ratio for 2015 to 2022 towards 3.0 in 2030, a decrease: -CAGR / |required|."""
    cagr = (latest / base) ** (1 / 7) - 1
    required = (3.0 / base) ** (1 / 15) - 1
    return -1 * cagr / abs(required)


def test_women_and_men() -> None:
    women = assess([(2015, 8.0), (2022, 6.0)], TARGET, "open-sdg")
    men = assess([(2015, 5.0), (2022, 4.5)], TARGET, "open-sdg")
    ratio_women, ratio_men = open_sdg_ratio(8.0, 6.0), open_sdg_ratio(5.0, 4.5)  # 0.636, 0.446
    result = gap(women, men)
    assert (result.first.status, result.second.status) == ("moderate_progress", "limited_progress")
    assert result.ratio_difference == approx(ratio_women - ratio_men)
    assert result.cagr_difference == approx(((6 / 8) ** (1 / 7) - 1) - ((4.5 / 5) ** (1 / 7) - 1))
    assert (result.baseline_gap, result.latest_gap) == (3.0, 1.5)
    assert (result.trend, result.reason) == ("narrowing", None)
    assert result.summary() == (
        f"women: Moderate progress / acceleration needed (ratio {ratio_women:.3g}); "
        f"men: Limited progress / acceleration needed (ratio {ratio_men:.3g}). "
        "The gap (women - men) narrowed from 3 to 1.5 between 2015 and 2022."
    )
    row = result.as_dict()
    assert row["group_1"] == "women"
    assert row["status_2"] == "limited_progress"
    assert row["trend"] == "narrowing"
    assert (row["baseline_year"], row["latest_year"]) == (2015, 2022)


@pytest.mark.parametrize(
    ("first", "second", "trend", "sentence"),
    [
        (
            [(2015, 6.0), (2022, 6.5)],
            [(2015, 5.0), (2022, 4.5)],
            "widening",
            "The gap (rural - urban) widened from 1 to 2 between 2015 and 2022.",
        ),
        (
            [(2015, 6.0), (2022, 5.0)],
            [(2015, 5.0), (2022, 4.0)],
            "unchanged",
            "The gap (rural - urban) stayed at 1 between 2015 and 2022.",
        ),
        # the groups change places: the gap is measured by its size
        (
            [(2015, 6.0), (2022, 4.0)],
            [(2015, 5.0), (2022, 4.5)],
            "narrowing",
            "The gap (rural - urban) narrowed from 1 to -0.5 between 2015 and 2022.",
        ),
    ],
)
def test_trend(
    first: list[tuple[int, float]], second: list[tuple[int, float]], trend: str, sentence: str
) -> None:
    result = gap(assess(first, TARGET, "unsd"), assess(second, TARGET, "unsd"), ("rural", "urban"))
    assert result.trend == trend
    assert result.summary().endswith(sentence)


def test_without_target_compares_growth_rates() -> None:
    youth = assess([(2015, 20.0), (2020, 16.0)], "decrease", "open-sdg")
    adults = assess([(2015, 6.0), (2020, 5.7)], "decrease", "open-sdg")
    result = gap(youth, adults, ("youth", "adults"))
    assert result.ratio_difference is None
    assert result.cagr_difference == approx((0.8**0.2 - 1) - (0.95**0.2 - 1))
    assert result.trend == "narrowing"  # 14 points, then 10.3
    assert result.summary().startswith(
        "youth: Substantial progress / on track; adults: Moderate progress / acceleration needed."
    )


def test_a_group_without_assessment() -> None:
    women = assess([(2022, 6.0)], TARGET, "open-sdg")
    men = assess([(2015, 5.0), (2022, 4.5)], TARGET, "open-sdg")
    result = gap(women, men)
    assert (result.first.status, result.second.status) == ("no_assessment", "limited_progress")
    assert (result.trend, result.baseline_gap, result.latest_gap) == (None, None, None)
    assert result.reason == (
        "no values for women: a single data point (2022): at least two years are needed"
    )
    assert result.summary().endswith(
        "No trend in the gap: no values for women: a single data point (2022): at least two "
        "years are needed."
    )


def test_different_years() -> None:
    women = assess([(2016, 6.0), (2022, 5.0)], TARGET, "unsd")
    men = assess([(2015, 5.0), (2022, 4.5)], TARGET, "unsd")
    assert gap(women, men).reason == "the baseline years differ (women 2016, men 2015)"
    later = assess([(2015, 6.0), (2023, 5.0)], TARGET, "unsd")
    result = gap(later, men)
    assert result.reason == "the latest years differ (women 2023, men 2022)"
    assert result.latest_gap == 0.5  # still given, with no trend
    assert result.trend is None


def test_different_methods() -> None:
    series = [(2015, 5.0), (2022, 4.5)]
    with pytest.raises(BadInput, match="different methods \\('unsd' and 'escap'\\)"):
        gap(assess(series, TARGET, "unsd"), assess(series, TARGET, "escap"))
