"""Progress assessment (:func:`decentwork.monitoring.assess`): every method against worked
examples whose numbers are computed by hand here, the edge cases of docs/monitoring.md and bad
input."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from decentwork.errors import BadInput
from decentwork.monitoring import METHODS, Target, assess

approx = pytest.approx
TARGET_METHODS = ("unsd", "unsd-cagr", "open-sdg", "escap")
ON_TRACK = {
    "unsd": "on_track",
    "unsd-cagr": "on_track",
    "open-sdg": "substantial_progress",
    "escap": "on_track",
}

# The example: an unemployment rate of 5.0 % in 2015 and 4.2 % in 2022, to be brought
# down to 3.0 % by 2030.
UNEMPLOYMENT = [(2015, 5.0), (2022, 4.2)]
UNEMPLOYMENT_TARGET = Target(3.0, 2030, "decrease")
CAGR = (4.2 / 5.0) ** (1 / 7) - 1  # -0.02460: 7 years from 2015 to 2022
REQUIRED = (3.0 / 5.0) ** (1 / 15) - 1  # -0.03348: 15 years from 2015 to 2030
PROJECTED = 4.2 * (1 + CAGR) ** 8  # 3.441: 8 more years at the same rate, to 2030

# An indicator to raise (social protection coverage, say): 40 % in 2015, 60 % wanted by 2030,
# latest value in 2020.
COVERAGE_TARGET = Target(60.0, 2030, "increase")
COVERAGE_REQUIRED = (60.0 / 40.0) ** (1 / 15) - 1  # 0.02740


def coverage(latest: float) -> list[tuple[int, float]]:
    return [(2015, 40.0), (2020, latest)]


def coverage_cagr(latest: float) -> float:
    return (latest / 40.0) ** (1 / 5) - 1


def coverage_projection(latest: float) -> float:
    """The 2020 value carried to 2030 at its 2015-2020 CAGR: 10 more years, twice the 5 years
    observed, so 40 * (latest / 40) ** 3."""
    return 40.0 * (latest / 40.0) ** 3


# The worked example -------------------------------------------------------------------


def test_open_sdg_worked_example() -> None:
    ratio = -1 * CAGR / abs(REQUIRED)  # d = -1: a decrease is wanted
    assert (round(CAGR, 5), round(REQUIRED, 5), round(ratio, 3)) == (-0.0246, -0.03348, 0.735)
    result = assess(UNEMPLOYMENT, UNEMPLOYMENT_TARGET, "open-sdg")
    assert result.status == "moderate_progress"
    assert result.label == "Moderate progress / acceleration needed"
    assert round(result.ratio, 3) == 0.735
    assert (result.cagr, result.required_cagr, result.ratio) == approx((CAGR, REQUIRED, ratio))
    assert (result.baseline_year, result.baseline_value) == (2015, 5.0)
    assert (result.latest_year, result.latest_value) == (2022, 4.2)
    assert (result.target_year, result.target_value, result.direction) == (2030, 3.0, "decrease")
    assert (result.projected_year, result.projected_value) == (2030, approx(PROJECTED))
    assert result.reason is None
    assert result.notes == ()


@pytest.mark.parametrize(
    ("method", "ratio", "status", "label"),
    [
        # CR = CAGR / required CAGR = -0.02460 / -0.03348 = 0.735, between 0.5 and 0.95
        ("unsd-cagr", CAGR / REQUIRED, "fair_progress", "Fair progress, but acceleration needed"),
        # projected 3.441 in 2030: (3.441 - 5) / (3 - 5) = 0.779 of the change required
        (
            "unsd",
            (PROJECTED - 5.0) / (3.0 - 5.0),
            "fair_progress",
            "Fair progress, but acceleration needed",
        ),
        (
            "escap",
            (PROJECTED - 5.0) / (3.0 - 5.0),
            "acceleration_needed",
            "Accelerate progress to achieve the target",
        ),
    ],
)
def test_worked_example_by_the_other_methods(
    method: str, ratio: float, status: str, label: str
) -> None:
    result = assess(UNEMPLOYMENT, UNEMPLOYMENT_TARGET, method)
    assert (result.status, result.label) == (status, label)
    assert result.ratio == approx(ratio)
    assert (result.cagr, result.required_cagr) == approx((CAGR, REQUIRED))
    assert result.projected_value == approx(PROJECTED)


# UNSD progress chart, earlier method: CAGR ratio ----------------------------------------------


@pytest.mark.parametrize(
    ("latest", "status"),
    [
        (46.0, "on_track"),  # CAGR 0.02834, CR 1.034
        (44.0, "fair_progress"),  # CAGR 0.01924, CR 0.702
        (40.5, "limited_progress"),  # CAGR 0.00249, CR 0.091
        (39.9, "limited_progress"),  # CAGR -0.00050, CR -0.018: no progress, not yet -0.1
        (37.0, "deterioration"),  # CAGR -0.01547, CR -0.565
    ],
)
def test_unsd_cagr_ratio_categories(latest: float, status: str) -> None:
    cagr = coverage_cagr(latest)
    result = assess(coverage(latest), COVERAGE_TARGET, "unsd-cagr")
    assert result.status == status
    assert result.ratio == approx(cagr / COVERAGE_REQUIRED)
    assert (result.cagr, result.required_cagr) == approx((cagr, COVERAGE_REQUIRED))


def test_unsd_cagr_ratio_bounds_belong_to_the_upper_category() -> None:
    # a latest value on which CR is 0.95 exactly, or 0.5, up to rounding
    on_track = 40.0 * (1 + 0.95 * COVERAGE_REQUIRED) ** 5
    fair = 40.0 * (1 + 0.5 * COVERAGE_REQUIRED) ** 5
    assert assess(coverage(on_track), COVERAGE_TARGET, "unsd-cagr").status == "on_track"
    assert assess(coverage(fair), COVERAGE_TARGET, "unsd-cagr").status == "fair_progress"


# UNSD progress chart, current method: projection to the target year ---------------------------


@pytest.mark.parametrize(
    ("latest", "status", "label"),
    [
        (46.0, "on_track", "Substantial progress / on track"),  # projected 60.84: 1.042
        (44.0, "fair_progress", "Fair progress, but acceleration needed"),  # 53.24: 0.662
        (41.0, "limited_progress", "Limited or no progress"),  # 43.08: 0.154
        (39.8, "limited_progress", "Limited or no progress"),  # 39.40: -0.030
        (38.0, "deterioration", "Deterioration"),  # 34.30: -0.285
        (61.0, "target_achieved", "Target achieved"),
    ],
)
def test_unsd_current_method_categories(latest: float, status: str, label: str) -> None:
    projected = coverage_projection(latest)
    result = assess(coverage(latest), COVERAGE_TARGET, "unsd")
    assert (result.status, result.label) == (status, label)
    assert (result.projected_year, result.projected_value) == (2030, approx(projected))
    if status != "target_achieved":
        assert result.ratio == approx((projected - 40.0) / (60.0 - 40.0))


# Open SDG / Statistics Canada -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("latest", "status"),
    [
        (46.0, "substantial_progress"),  # R = 0.02834 / 0.02740 = 1.034
        (44.0, "moderate_progress"),  # 0.702
        (41.0, "limited_progress"),  # 0.181
        (38.0, "deterioration"),  # -0.374
        (61.0, "target_achieved"),
    ],
)
def test_open_sdg_with_target_categories(latest: float, status: str) -> None:
    result = assess(coverage(latest), COVERAGE_TARGET, "open-sdg")
    assert result.status == status
    if status != "target_achieved":
        assert result.ratio == approx(+1 * coverage_cagr(latest) / abs(COVERAGE_REQUIRED))


def test_open_sdg_ratio_bound_of_moderate_progress() -> None:
    moderate = 40.0 * (1 + 0.6 * COVERAGE_REQUIRED) ** 5  # R = 0.6 up to rounding
    assert assess(coverage(moderate), COVERAGE_TARGET, "open-sdg").status == "moderate_progress"


@pytest.mark.parametrize(
    ("series", "direction", "cagr", "status", "label"),
    [
        (
            [(2015, 100.0), (2020, 110.0)],
            "increase",
            1.1**0.2 - 1,
            "substantial_progress",
            "Substantial progress / on track",
        ),  # 1.92 % a year, above 1.5 %
        (
            [(2015, 100.0), (2020, 104.0)],
            "increase",
            1.04**0.2 - 1,
            "moderate_progress",
            "Moderate progress / acceleration needed",
        ),  # 0.79 %
        (
            [(2015, 100.0), (2020, 101.0)],
            "increase",
            1.01**0.2 - 1,
            "limited_progress",
            "Limited progress / acceleration needed",
        ),  # 0.20 %
        (
            [(2015, 100.0), (2020, 99.0)],
            "increase",
            0.99**0.2 - 1,
            "deterioration",
            "Deterioration",
        ),  # -0.20 %
        (
            [(2015, 100.0), (2020, 90.0)],
            "decrease",
            0.9**0.2 - 1,
            "substantial_progress",
            "Substantial progress / on track",
        ),  # -2.09 %, turned to +2.09 % by d = -1
        (
            [(2015, 100.0), (2020, 101.0)],
            "decrease",
            1.01**0.2 - 1,
            "deterioration",
            "Deterioration",
        ),
        # all values negative: the sign turns again; -10 to -8 is an increase of 4.4 % a year
        (
            [(2015, -10.0), (2020, -8.0)],
            "increase",
            0.8**0.2 - 1,
            "substantial_progress",
            "Substantial progress / on track",
        ),
    ],
)
def test_open_sdg_without_target(
    series: list[tuple[int, float]], direction: str, cagr: float, status: str, label: str
) -> None:
    result = assess(series, direction, "open-sdg")  # type: ignore[arg-type]
    assert (result.status, result.label) == (status, label)
    assert result.cagr == approx(cagr)
    assert (result.ratio, result.required_cagr, result.projected_value) == (None, None, None)
    assert (result.target_value, result.target_year, result.direction) == (None, None, direction)


# ESCAP anticipated progress -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("latest", "status"),
    [
        (46.0, "on_track"),  # projected 60.84 reaches 60: ratio 1.042
        (44.0, "acceleration_needed"),  # 53.24: 0.662
        (40.0, "acceleration_needed"),  # no change: ratio 0
        (38.0, "reverse_trend"),  # 34.30: -0.285
        (61.0, "target_achieved"),
    ],
)
def test_escap_categories(latest: float, status: str) -> None:
    result = assess(coverage(latest), COVERAGE_TARGET, "escap")
    assert result.status == status
    if status != "target_achieved":
        assert result.ratio == approx((coverage_projection(latest) - 40.0) / 20.0)


# Edge cases -----------------------------------------------------------------------------------


@pytest.mark.parametrize("method", TARGET_METHODS)
@pytest.mark.parametrize("latest", [2.9, 3.0])
def test_target_already_met(method: str, latest: float) -> None:
    result = assess([(2015, 5.0), (2022, latest)], UNEMPLOYMENT_TARGET, method)
    assert (result.status, result.label) == ("target_achieved", "Target achieved")
    assert result.cagr == approx((latest / 5.0) ** (1 / 7) - 1)
    assert result.required_cagr == approx(REQUIRED)
    assert result.ratio is None


@pytest.mark.parametrize("method", TARGET_METHODS)
def test_baseline_equal_to_target(method: str) -> None:
    worse = assess([(2015, 3.0), (2022, 3.5)], UNEMPLOYMENT_TARGET, method)
    assert worse.status == "deterioration"
    assert worse.required_cagr == 0.0
    assert worse.ratio is None
    assert worse.notes  # says why there is no ratio
    kept = assess([(2015, 3.0), (2022, 2.8)], UNEMPLOYMENT_TARGET, method)
    assert kept.status == "target_achieved"


@pytest.mark.parametrize("method", ["unsd", "unsd-cagr", "escap"])
def test_baseline_beyond_target_then_lost(method: str) -> None:
    result = assess([(2015, 2.5), (2022, 3.2)], UNEMPLOYMENT_TARGET, method)
    assert result.status == "deterioration"
    assert result.ratio is None
    assert result.notes == ("the baseline met the target and the latest value no longer does",)


def test_baseline_beyond_target_then_lost_open_sdg() -> None:
    # Open SDG's signed ratio handles it: d * CAGR / |required CAGR| is negative
    cagr = (3.2 / 2.5) ** (1 / 7) - 1  # +0.0359
    required = (3.0 / 2.5) ** (1 / 15) - 1  # +0.0122
    result = assess([(2015, 2.5), (2022, 3.2)], UNEMPLOYMENT_TARGET, "open-sdg")
    assert result.status == "deterioration"
    assert result.ratio == approx(-1 * cagr / abs(required))


@pytest.mark.parametrize("method", ["unsd", "unsd-cagr", "escap"])
@pytest.mark.parametrize(
    ("series", "reason"),
    [
        (
            [(2015, 0.0), (2022, 4.0)],
            "values must be positive for a growth rate (found 0.0 in 2015)",
        ),
        (
            [(2015, 5.0), (2017, -1.0)],
            "values must be positive for a growth rate (found -1.0 in 2017)",
        ),
        (
            [(2015, 5.0), (2022, 0.0)],
            "values must be positive for a growth rate (found 0.0 in 2022)",
        ),
    ],
)
def test_growth_methods_refuse_values_that_are_not_positive(
    method: str, series: list[tuple[int, float]], reason: str
) -> None:
    result = assess(series, UNEMPLOYMENT_TARGET, method)
    assert (result.status, result.label, result.reason) == (
        "no_assessment",
        "No assessment",
        reason,
    )
    assert (result.baseline_value, result.latest_value) == (series[0][1], series[1][1])
    assert result.cagr is None


def test_open_sdg_replaces_a_zero_baseline() -> None:
    cagr = (2.0 / 0.001) ** (1 / 5) - 1
    required = (5.0 / 0.001) ** (1 / 15) - 1
    result = assess([(2015, 0.0), (2020, 2.0)], Target(5.0, 2030, "increase"), "open-sdg")
    assert result.status == "substantial_progress"
    assert (result.cagr, result.required_cagr) == approx((cagr, required))
    assert result.ratio == approx(cagr / required)
    assert result.baseline_value == 0.0
    assert result.notes == ("baseline value 0 replaced by 0.001, as Open SDG does",)


def test_open_sdg_replaces_a_zero_target() -> None:
    cagr = 0.5 ** (1 / 5) - 1  # -0.129
    required = (0.001 / 10.0) ** (1 / 15) - 1  # -0.459
    result = assess([(2015, 10.0), (2020, 5.0)], Target(0.0, 2030, "decrease"), "open-sdg")
    assert result.status == "limited_progress"  # 0.28
    assert result.ratio == approx(-1 * cagr / abs(required))
    assert result.target_value == 0.0
    assert result.notes == ("target value 0 replaced by 0.001, as Open SDG does",)


def test_open_sdg_refuses_values_of_opposite_signs() -> None:
    result = assess([(2015, 2.0), (2020, -1.0)], "increase", "open-sdg")
    assert result.status == "no_assessment"
    assert result.reason == (
        "the baseline (2.0 in 2015) and latest (-1.0 in 2020) values have "
        "opposite signs: the growth rate needs both positive or both "
        "negative"
    )
    negative_target = assess([(2015, 2.0), (2020, 1.0)], Target(-1.0, 2030, "decrease"), "open-sdg")
    assert negative_target.reason == (
        "the target (-1.0) and the baseline (2.0) have opposite "
        "signs: no growth rate leads from one to the other"
    )
    assert negative_target.cagr == approx(0.5**0.2 - 1)


def test_a_negative_target() -> None:
    series, target = [(2015, 5.0), (2020, 4.0)], Target(-1.0, 2030, "decrease")
    refused = assess(series, target, "unsd-cagr")
    assert refused.reason == "the target (-1.0) must not be negative for a growth rate"
    assert (refused.cagr, refused.required_cagr) == (approx(0.8**0.2 - 1), None)
    assert refused.ratio is None
    # the projection ratio needs no growth rate to the target: 4 * 0.8**2 = 2.56 in 2030
    result = assess(series, target, "unsd")
    assert result.ratio == approx((2.56 - 5.0) / (-1.0 - 5.0))
    assert result.required_cagr is None
    assert result.status == "limited_progress"


def test_gaps_in_years_use_the_actual_span() -> None:
    series = [(2015, 5.0), (2017, 4.8), (2023, 4.0)]
    cagr = (4.0 / 5.0) ** (1 / 8) - 1  # 8 years, whatever lies between
    result = assess(series, UNEMPLOYMENT_TARGET, "open-sdg")
    assert result.cagr == approx(cagr)
    assert result.ratio == approx(-1 * cagr / abs(REQUIRED))
    other_middle = assess([(2015, 5.0), (2017, 9.9), (2023, 4.0)], UNEMPLOYMENT_TARGET, "open-sdg")
    assert other_middle == result


def test_baseline_year_without_data_moves_to_the_next_year() -> None:
    series = [(2013, 6.0), (2015, 5.0), (2018, 4.6), (2023, 4.0)]
    result = assess(series, UNEMPLOYMENT_TARGET, "unsd-cagr", baseline_year=2016)
    assert (result.baseline_year, result.baseline_value) == (2018, 4.6)
    assert result.cagr == approx((4.0 / 4.6) ** (1 / 5) - 1)
    assert result.required_cagr == approx((3.0 / 4.6) ** (1 / 12) - 1)
    assert result.notes == (
        "no data for the baseline year 2016: the baseline is 2018, the "
        "first year with data after it",
    )
    assert (
        assess(series, UNEMPLOYMENT_TARGET, "unsd-cagr", baseline_year=2015).baseline_year == 2015
    )
    assert assess(series, UNEMPLOYMENT_TARGET, "unsd-cagr").baseline_year == 2013


@pytest.mark.parametrize("method", METHODS)
def test_a_single_data_point_is_no_assessment(method: str) -> None:
    target = "decrease" if method == "open-sdg" else UNEMPLOYMENT_TARGET
    result = assess([(2019, 5.0)], target, method)  # type: ignore[arg-type]
    assert result.status == "no_assessment"
    assert result.reason == "a single data point (2019): at least two years are needed"
    dropped = assess([(2019, 5.0), (2021, math.nan)], target, method)  # type: ignore[arg-type]
    assert dropped.reason == result.reason
    assert dropped.notes == ("missing (NaN) values dropped: 2021",)


def test_years_after_the_target_year_are_not_used() -> None:
    series = [(2015, 5.0), (2018, 4.0), (2022, 2.0)]
    result = assess(series, Target(3.0, 2020, "decrease"), "open-sdg")
    assert (result.latest_year, result.latest_value) == (2018, 4.0)
    cagr, required = 0.8 ** (1 / 3) - 1, 0.6 ** (1 / 5) - 1
    assert result.ratio == approx(-1 * cagr / abs(required))  # 0.711
    assert result.status == "moderate_progress"
    assert result.notes == ("years after the target year 2020 not used: 2022",)
    assert (result.projected_year, result.projected_value) == (2020, approx(4.0 * (1 + cagr) ** 2))


def test_target_year_not_after_the_baseline() -> None:
    result = assess(UNEMPLOYMENT, Target(3.0, 2015, "decrease"), "unsd")
    assert result.reason == "the target year (2015) must be after the baseline year (2015)"


@pytest.mark.parametrize("method", ["unsd", "unsd-cagr", "escap"])
def test_methods_that_need_a_target(method: str) -> None:
    result = assess(UNEMPLOYMENT, "decrease", method)
    assert result.status == "no_assessment"
    assert result.reason == (
        f"no numeric target: method {method!r} needs one ('open-sdg' "
        "assesses a series without a target)"
    )


def test_no_data() -> None:
    assert assess([], UNEMPLOYMENT_TARGET, "unsd").reason == "no data points"
    assert assess([(2015, math.nan)], "increase", "open-sdg").reason == "no data points"
    late = assess(UNEMPLOYMENT, UNEMPLOYMENT_TARGET, "unsd", baseline_year=2025)
    assert late.reason == "no data in or after the baseline year 2025"
    assert (late.target_value, late.target_year) == (3.0, 2030)


def test_unsorted_input_is_sorted() -> None:
    series = [(2022, 4.2), (2015, 5.0), (2018, 4.5)]
    assert assess(series, UNEMPLOYMENT_TARGET, "unsd") == assess(
        sorted(series), UNEMPLOYMENT_TARGET, "unsd"
    )


# Output ---------------------------------------------------------------------------------------


def test_as_dict() -> None:
    row = assess(
        [(2015, 5.0), (2018, math.nan), (2022, 4.2)], UNEMPLOYMENT_TARGET, "open-sdg"
    ).as_dict()
    assert list(row) == [
        "method",
        "status",
        "label",
        "direction",
        "baseline_year",
        "baseline_value",
        "latest_year",
        "latest_value",
        "cagr",
        "required_cagr",
        "ratio",
        "projected_value",
        "projected_year",
        "target_value",
        "target_year",
        "source",
        "reason",
        "notes",
    ]
    assert row["status"] == "moderate_progress"
    assert row["notes"] == "missing (NaN) values dropped: 2018"


def test_methods_name_their_sources() -> None:
    assert list(METHODS) == ["unsd", "unsd-cagr", "open-sdg", "escap"]
    assert all(
        "http" in description or "Technical Note" in description for description in METHODS.values()
    )


# Bad input ------------------------------------------------------------------------------------


def test_duplicate_year() -> None:
    with pytest.raises(BadInput, match="the series has two values for 2018"):
        assess([(2015, 5.0), (2018, 4.0), (2018, 4.1)], UNEMPLOYMENT_TARGET, "unsd")


def test_unknown_method() -> None:
    with pytest.raises(
        BadInput,
        match=r"'sdsn': expected one of unsd, unsd-cagr, open-sdg, "
        "escap",
    ) as raised:
        assess(UNEMPLOYMENT, UNEMPLOYMENT_TARGET, "sdsn")
    assert (raised.value.parameter, raised.value.given) == ("method", "sdsn")
    assert raised.value.status == 422


@pytest.mark.parametrize(
    ("point", "message"),
    [
        ((2015.0, 5.0), "the year must be an integer"),
        ((True, 5.0), "the year must be an integer"),
        (("2015", 5.0), "the year must be an integer"),
        ((2015, "five"), "the value must be a number"),
        ((2015, None), "the value must be a number"),
        ((2015, math.inf), "the value is infinite"),
        ((2015,), r"expected \(year, value\)"),
        (2015, r"expected \(year, value\)"),
    ],
)
def test_bad_points(point: object, message: str) -> None:
    with pytest.raises(BadInput, match=message):
        assess([point, (2022, 4.2)], UNEMPLOYMENT_TARGET, "unsd")  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((3.0, 2030, "down"), "direction 'down'"),
        ((3.0, 2030.0, "decrease"), "target year 2030.0"),
        ((math.nan, 2030, "decrease"), "target value nan"),
        (("3", 2030, "decrease"), "target value '3'"),
    ],
)
def test_bad_targets(arguments: tuple[object, object, object], message: str) -> None:
    with pytest.raises(BadInput, match=message):
        Target(*arguments)  # type: ignore[arg-type]


def test_bad_direction_without_target() -> None:
    with pytest.raises(BadInput, match="direction 'up': expected 'increase' or 'decrease'"):
        assess(UNEMPLOYMENT, "up", "open-sdg")  # type: ignore[arg-type]


def test_numpy_style_integers_are_years() -> None:
    np = pytest.importorskip("numpy")
    series = [(np.int64(2015), np.float64(5.0)), (np.int64(2022), np.float64(4.2))]
    target = Target(np.float64(3.0), np.int64(2030), "decrease")
    result = assess(series, target, "open-sdg")
    assert (result.baseline_year, round(result.ratio, 3)) == (2015, 0.735)
    assert [
        type(result.as_dict()[key])
        for key in ("baseline_year", "baseline_value", "target_year", "target_value")
    ] == [int, float, int, float]


# Properties -----------------------------------------------------------------------------------


@st.composite
def on_the_required_path(draw: st.DrawFn) -> tuple[list[tuple[int, float]], Target]:
    """A series that moves exactly at the required CAGR, observed in some of the years before
    the target year, and its target."""
    base_year = draw(st.integers(2000, 2020))
    target_year = base_year + draw(st.integers(3, 20))
    base = draw(st.floats(0.5, 1000.0))
    factor = draw(st.floats(0.2, 5.0).filter(lambda f: abs(math.log(f)) > 0.05))
    rate = factor ** (1 / (target_year - base_year)) - 1
    years = draw(st.sets(st.integers(base_year + 1, target_year - 1), min_size=1))
    points = [(year, base * (1 + rate) ** (year - base_year)) for year in {base_year, *years}]
    return points, Target(base * factor, target_year, "increase" if factor > 1 else "decrease")


@given(on_the_required_path())
def test_a_series_on_the_required_path_is_on_track(
    case: tuple[list[tuple[int, float]], Target],
) -> None:
    series, target = case
    for method in TARGET_METHODS:
        result = assess(series, target, method)
        assert result.status == ON_TRACK[method], (method, result)
        assert result.ratio == approx(1.0)


@given(
    st.lists(
        st.tuples(st.integers(2000, 2029), st.floats(0.1, 100.0)),
        min_size=2,
        unique_by=lambda point: point[0],
    ),
    st.sampled_from(TARGET_METHODS),
    st.randoms(),
)
def test_order_does_not_matter(
    series: list[tuple[int, float]], method: str, shuffler: random.Random
) -> None:
    shuffled = list(series)
    shuffler.shuffle(shuffled)
    assert assess(shuffled, UNEMPLOYMENT_TARGET, method) == assess(
        sorted(series), UNEMPLOYMENT_TARGET, method
    )


@given(
    st.floats(0.1, 100.0),
    st.floats(0.1, 100.0),
    st.floats(0.01, 2.0),
    st.integers(1, 14),
    st.sampled_from(["increase", "decrease"]),
)
def test_open_sdg_ratio_is_the_unsd_cagr_ratio_while_the_target_is_ahead(
    base: float, latest: float, beyond: float, years: int, direction: str
) -> None:
    # the target lies ahead of both points in the desired direction, by a factor 1 + beyond
    goal = (
        max(base, latest) * (1 + beyond)
        if direction == "increase"
        else min(base, latest) / (1 + beyond)
    )
    target = Target(goal, 2030, direction)  # type: ignore[arg-type]
    series = [(2015, base), (2015 + years, latest)]
    open_sdg, unsd = assess(series, target, "open-sdg"), assess(series, target, "unsd-cagr")
    assert open_sdg.ratio == approx(unsd.ratio, rel=1e-9, abs=1e-12)
