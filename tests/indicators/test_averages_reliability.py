"""Reliability flags and suppression (:class:`ReliabilityRule`), and quarterly and annual
averages of monthly observations (:func:`decentwork.indicators.averages.average`)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pydantic
import pytest
from scipy.stats import norm

from decentwork import observations
from decentwork.indicators import ReliabilityRule
from decentwork.indicators.averages import AverageError, average, period_of
from decentwork.indicators.compute import levels_frame

NAN = float("nan")
Z = float(norm.ppf(0.975))

NO_LEVELS = levels_frame()
"""No ratio or mean: every observation is averaged as a level."""


def table(**columns: object) -> pd.DataFrame:
    """Observations with the given columns (the others empty or missing)."""
    return observations.frame(pd.DataFrame(columns))


# ReliabilityRule -------------------------------------------------------------------------------


def test_defaults() -> None:
    rule = ReliabilityRule()
    assert (rule.min_count, rule.max_cv, rule.suppress_below) == (15, 33.3, None)


@pytest.mark.parametrize(
    ("count", "cv", "status"),
    [
        (14, 1.0, "U"),
        (15, 1.0, ""),
        (1000, 33.3, ""),
        (1000, 33.31, "U"),
        (14, 50.0, "U"),
        (0, 1.0, "U"),
        (1000, NAN, ""),
        (14, NAN, "U"),
    ],
)
def test_flag_boundaries(count: int, cv: float, status: str) -> None:
    out = ReliabilityRule().apply(table(obs_value=[5.0], sample_count=[count], cv=[cv]))
    assert out["obs_status"].tolist() == [status]
    assert out["obs_value"].tolist() == [5.0]


def test_custom_thresholds() -> None:
    rows = table(obs_value=[1.0, 1.0, 1.0], sample_count=[99, 100, 500], cv=[5.0, 10.5, 10.0])
    out = ReliabilityRule(min_count=100, max_cv=10).apply(rows)
    assert out["obs_status"].tolist() == ["U", "U", ""]


def test_apply_returns_a_copy() -> None:
    rows = table(obs_value=[1.0], sample_count=[3], cv=[1.0], obs_status=["old"])
    out = ReliabilityRule(suppress_below=5).apply(rows)
    assert rows["obs_status"].tolist() == ["old"] and rows["obs_value"].tolist() == [1.0]
    assert out["obs_status"].tolist() == ["U"]


def test_suppression_blanks_value_and_uncertainty() -> None:
    rows = table(
        obs_value=[10.0, 20.0, 30.0],
        se=[1.0, 2.0, 3.0],
        lower_bound=[8.0, 16.0, 24.0],
        upper_bound=[12.0, 24.0, 36.0],
        cv=[10.0, 10.0, 10.0],
        sample_count=[4, 5, 15],
        note_indicator=["", "", "kept"],
    )
    out = ReliabilityRule(suppress_below=5).apply(rows)
    first, second, third = (out.iloc[i] for i in range(3))
    for column in ("obs_value", "se", "lower_bound", "upper_bound", "cv"):
        assert math.isnan(first[column]), column
        assert second[column] == rows.loc[1, column], column
        assert third[column] == rows.loc[2, column], column
    assert first["sample_count"] == 4
    assert first["note_indicator"] == "Suppressed: fewer than 5 sample records"
    assert (second["note_indicator"], third["note_indicator"]) == ("", "kept")
    assert out["obs_status"].tolist() == ["U", "U", ""]


def test_suppressed_rows_are_flagged_unreliable() -> None:
    """Also when suppress_below is above min_count: the blanked row is flagged U."""
    rows = table(obs_value=[10.0, 10.0], se=[1.0, 1.0], cv=[10.0, 10.0], sample_count=[20, 50])
    out = ReliabilityRule(suppress_below=50).apply(rows)
    assert math.isnan(out.loc[0, "obs_value"]) and out.loc[1, "obs_value"] == 10.0
    assert out["obs_status"].tolist() == ["U", ""]


@pytest.mark.parametrize(
    "options", [{"min_count": -1}, {"max_cv": 0}, {"suppress_below": 0}, {"minimum": 3}]
)
def test_invalid_rules_are_refused(options: dict[str, float]) -> None:
    with pytest.raises(pydantic.ValidationError):
        ReliabilityRule(**options)  # type: ignore[arg-type]


# average ---------------------------------------------------------------------------------------


def monthly(
    months: list[str],
    values: list[float],
    ses: list[float],
    counts: list[int] | None = None,
    **keys: str,
) -> pd.DataFrame:
    """One observation per month, with the same key (``keys`` override the defaults)."""
    n = len(months)
    key = {
        "ref_area": "X",
        "indicator": "UNE_TUNE_SEX_AGE_NB",
        "source": "S",
        "sex": "SEX_T",
        "classif1": "AGE_YTHADULT_YGE15",
        "classif2": "",
    } | keys
    return table(
        **{k: [v] * n for k, v in key.items()},
        time=months,
        obs_value=values,
        se=ses,
        cv=[100 * s / v for s, v in zip(ses, values, strict=True)],
        sample_count=counts or [100] * n,
        note_indicator=["monthly"] * n,
    )


def test_quarter_mean_and_standard_error() -> None:
    data = pd.concat(
        [
            monthly(
                ["2024M01", "2024M02", "2024M03"], [4.0, 5.0, 9.0], [0.3, 0.4, 1.2], [100, 120, 140]
            ),
            monthly(
                ["2024M01", "2024M02", "2024M03"], [10.0, 20.0, 30.0], [1.0, 2.0, 2.0], sex="SEX_F"
            ),
        ],
        ignore_index=True,
    )
    out, skipped = average(data, "quarter", ReliabilityRule(), levels=NO_LEVELS)
    assert skipped == {}
    assert list(out.columns) == list(observations.COLUMNS)
    assert out["time"].tolist() == ["2024Q1", "2024Q1"]
    rows = out.set_index("sex")
    total, women = rows.loc["SEX_T"], rows.loc["SEX_F"]
    assert total["obs_value"] == pytest.approx(6.0, rel=1e-12)
    assert total["se"] == pytest.approx(math.sqrt(0.3**2 + 0.4**2 + 1.2**2) / 3, rel=1e-12)
    assert total["sample_count"] == 360
    assert total["lower_bound"] == pytest.approx(6.0 - Z * total["se"], rel=1e-12)
    assert total["upper_bound"] == pytest.approx(6.0 + Z * total["se"], rel=1e-12)
    assert total["cv"] == pytest.approx(100 * total["se"] / 6.0, rel=1e-12)
    assert women["obs_value"] == pytest.approx(20.0, rel=1e-12)
    assert women["se"] == pytest.approx(3.0 / 3, rel=1e-12)
    for row in (total, women):
        assert row["note_indicator"].startswith("Average of 3 monthly estimates")
        assert row["obs_status"] == ""
        assert (row["ref_area"], row["indicator"], row["source"], row["classif1"]) == (
            "X",
            "UNE_TUNE_SEX_AGE_NB",
            "S",
            "AGE_YTHADULT_YGE15",
        )


def test_rates_are_computed_from_averaged_levels() -> None:
    months = ["2024M01", "2024M02", "2024M03"]
    y = np.array([40.0, 60.0, 90.0])  # unemployed
    x = np.array([1000.0, 1100.0, 1200.0])  # labour force
    vy, vx, cov = (
        np.array([25.0, 36.0, 49.0]),
        np.array([400.0, 441.0, 484.0]),
        np.array([30.0, 40.0, 50.0]),
    )
    r = y / x
    # Each month's rate SE as the kernel's linearisation gives it from V(Y), V(X), C.
    se = 100 * np.sqrt((vy + r**2 * vx - 2 * r * cov) / x**2)
    data = monthly(months, list(100 * r), list(se), indicator="UNE_DEAP_SEX_AGE_RT")
    levels = data[list(observations.KEY_COLUMNS)].assign(
        numerator=y,
        numerator_se=np.sqrt(vy),
        denominator=x,
        denominator_se=np.sqrt(vx),
        scale=100.0,
    )
    # A level (no levels row) beside it: the mean of the months.
    data = pd.concat(
        [data, monthly(months, [1.0, 2.0, 6.0], [0.1, 0.2, 0.2])],
        ignore_index=True,
    )
    out, skipped = average(data, "quarter", ReliabilityRule(), levels=levels)
    assert skipped == {}
    rate = out.set_index("indicator").loc["UNE_DEAP_SEX_AGE_RT"]
    ratio = y.sum() / x.sum()
    assert rate["obs_value"] == pytest.approx(100 * ratio, rel=1e-12)
    assert rate["obs_value"] != pytest.approx(100 * r.mean(), rel=1e-3)
    expected_se = 100 * math.sqrt(float(np.sum(vy + ratio**2 * vx - 2 * ratio * cov))) / x.sum()
    assert rate["se"] == pytest.approx(expected_se, rel=1e-9)
    assert rate["lower_bound"] == pytest.approx(rate["obs_value"] - Z * expected_se, rel=1e-9)
    assert rate["note_indicator"].startswith("Average of 3 monthly estimates (rates from the")
    level = out.set_index("indicator").loc["UNE_TUNE_SEX_AGE_NB"]
    assert level["obs_value"] == pytest.approx(3.0, rel=1e-12)
    assert level["se"] == pytest.approx(math.sqrt(0.01 + 0.04 + 0.04) / 3, rel=1e-12)


def test_interval_level() -> None:
    data = monthly(["2024M04", "2024M05", "2024M06"], [1.0, 1.0, 1.0], [0.3, 0.3, 0.3])
    out, _ = average(data, "quarter", ReliabilityRule(), level=0.9, levels=NO_LEVELS)
    se = math.sqrt(3 * 0.09) / 3
    assert out.loc[0, "time"] == "2024Q2"
    assert out.loc[0, "upper_bound"] == pytest.approx(1.0 + norm.ppf(0.95) * se, rel=1e-12)


def test_incomplete_quarter_is_listed_and_gives_nothing() -> None:
    data = monthly(
        ["2024M01", "2024M02", "2024M03", "2024M04", "2024M05"],
        [1.0, 2.0, 3.0, 4.0, 5.0],
        [0.1] * 5,
    )
    out, skipped = average(data, "quarter", ReliabilityRule(), levels=NO_LEVELS)
    assert out["time"].tolist() == ["2024Q1"]
    assert out.loc[0, "obs_value"] == pytest.approx(2.0)
    assert skipped == {"quarter 2024Q2": "only 2 of 3 months"}


def test_year_needs_twelve_months() -> None:
    months = [f"2023M{m:02d}" for m in range(1, 13)]
    values = [float(m) for m in range(1, 13)]
    ses = [0.1 * m for m in range(1, 13)]
    data = monthly(months, values, ses)
    out, skipped = average(data, "year", ReliabilityRule(), levels=NO_LEVELS)
    assert skipped == {}
    assert out["time"].tolist() == ["2023"]
    assert out.loc[0, "obs_value"] == pytest.approx(6.5, rel=1e-12)
    assert out.loc[0, "se"] == pytest.approx(math.sqrt(sum(s * s for s in ses)) / 12, rel=1e-12)
    assert out.loc[0, "sample_count"] == 1200
    assert out.loc[0, "note_indicator"].startswith("Average of 12 monthly estimates")
    # The same months by quarter: four quarters whose mean is the year's.
    quarters, skipped = average(data, "quarter", ReliabilityRule(), levels=NO_LEVELS)
    assert skipped == {}
    assert quarters["time"].tolist() == ["2023Q1", "2023Q2", "2023Q3", "2023Q4"]
    assert quarters["obs_value"].tolist() == pytest.approx([2.0, 5.0, 8.0, 11.0], rel=1e-12)
    assert quarters["obs_value"].mean() == pytest.approx(out.loc[0, "obs_value"], rel=1e-12)
    # Eleven months: no year, and why.
    out, skipped = average(data.iloc[:11], "year", ReliabilityRule(), levels=NO_LEVELS)
    assert out.empty
    assert skipped == {"year 2023": "only 11 of 12 months"}


def test_averages_are_flagged_by_the_rule() -> None:
    data = monthly(
        ["2024M01", "2024M02", "2024M03"], [1.0, 1.0, 1.0], [0.5, 0.5, 0.5], counts=[4, 4, 4]
    )
    flagged, _ = average(data, "quarter", ReliabilityRule(), levels=NO_LEVELS)
    assert flagged.loc[0, "sample_count"] == 12
    assert flagged.loc[0, "obs_status"] == "U"
    relaxed, _ = average(
        data, "quarter", ReliabilityRule(min_count=10, max_cv=50), levels=NO_LEVELS
    )
    assert relaxed.loc[0, "obs_status"] == ""


@pytest.mark.parametrize("time", ["2024", "2024Q1", "2024M13", "2024M1", "24M01"])
def test_times_that_are_not_months_are_refused(time: str) -> None:
    data = monthly(["2024M01", time], [1.0, 2.0], [0.1, 0.1])
    for period in ("quarter", "year"):
        with pytest.raises(AverageError, match=f"time '{time}' is not a month"):
            average(data, period, ReliabilityRule(), levels=NO_LEVELS)  # type: ignore[arg-type]


def test_period_of() -> None:
    assert [period_of(f"2024M{m:02d}", "quarter") for m in (1, 3, 4, 9, 10, 12)] == [
        "2024Q1",
        "2024Q1",
        "2024Q2",
        "2024Q3",
        "2024Q4",
        "2024Q4",
    ]
    assert period_of("2024M07", "year") == "2024"


def test_unknown_period_is_refused() -> None:
    with pytest.raises(AverageError, match="expected year or quarter"):
        average(monthly(["2024M01"], [1.0], [0.1]), "month", ReliabilityRule(), levels=NO_LEVELS)  # type: ignore[arg-type]


def test_nothing_to_average() -> None:
    out, skipped = average(observations.frame(), "quarter", ReliabilityRule(), levels=NO_LEVELS)
    assert out.empty and list(out.columns) == list(observations.COLUMNS)
    assert skipped == {}


def test_a_cell_missing_a_month_gives_no_average() -> None:
    complete = monthly(["2024M01", "2024M02", "2024M03"], [1.0, 2.0, 3.0], [0.1] * 3)
    partial = monthly(["2024M01", "2024M03"], [5.0, 7.0], [0.1] * 2, classif1="AGE_YTHADULT_YGE25")
    suppressed = monthly(
        ["2024M01", "2024M02", "2024M03"],
        [1.0, 2.0, 3.0],
        [0.1] * 3,
        classif1="AGE_YTHADULT_Y15-24",
    )
    suppressed.loc[1, "obs_value"] = np.nan
    data = pd.concat([complete, partial, suppressed], ignore_index=True)
    out, skipped = average(data, "quarter", ReliabilityRule(), levels=NO_LEVELS)
    assert out["classif1"].tolist() == ["AGE_YTHADULT_YGE15"]
    assert skipped == {}


def test_a_source_note_the_months_share_is_kept() -> None:
    months = ["2024M01", "2024M02", "2024M03"]
    shared = monthly(months, [4.0, 5.0, 9.0], [0.3, 0.4, 1.2]).assign(note_source="weights only")
    mixed = monthly(months, [4.0, 5.0, 9.0], [0.3, 0.4, 1.2], sex="SEX_F").assign(
        note_source=["weights only", "", "weights only"]
    )
    out, _ = average(pd.concat([shared, mixed]), "quarter", ReliabilityRule(), levels=NO_LEVELS)
    notes = out.set_index("sex")["note_source"]
    assert notes["SEX_T"] == "weights only"
    assert notes["SEX_F"] == ""  # not every month has it: the average cannot say it
