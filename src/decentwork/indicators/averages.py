"""Quarterly and annual averages of monthly estimates, as ILOSTAT publishes them."""

from __future__ import annotations

import re
from typing import Literal

import numpy as np
import pandas as pd

from decentwork import observations
from decentwork.errors import BadInput
from decentwork.estimation.intervals import normal_quantile
from decentwork.indicators.notes import SEPARATOR
from decentwork.indicators.reliability import ReliabilityRule

Period = Literal["year", "quarter"]
MONTH = re.compile(r"^(\d{4})M(0[1-9]|1[0-2])$")
MONTHS_IN = {"year": 12, "quarter": 3}
AVERAGE_NOTE = (
    "Average of {k} monthly estimates; SE assumes independent months (it ignores "
    "the overlap of the monthly samples, so it understates the SE)"
)


class AverageError(BadInput):
    """The observations cannot be averaged (times that are not months)."""


def period_of(time: str, period: Period) -> str:
    """The quarter (``2024Q1``) or year (``2024``) of a month (``2024M02``)."""
    match = MONTH.match(time)
    if not match:
        raise AverageError(
            f"time {time!r} is not a month (YYYYMmm); only monthly estimates can be averaged",
            given=time,
            expected="a month (YYYYMmm)",
        )
    year, month = match.group(1), int(match.group(2))
    return year if period == "year" else f"{year}Q{(month - 1) // 3 + 1}"


def average(
    monthly: pd.DataFrame, period: Period, rule: ReliabilityRule, level: float = 0.95
) -> tuple[pd.DataFrame, dict[str, str]]:
    """The average of each observation over the months of each complete ``period``.

    The value is the mean of the monthly values; its SE is sqrt(sum of squared monthly SEs)/k
    (independent months), the interval normal at ``level``, ``sample_count`` the sum; the note
    says it is an average, followed by the note all the months share (if they do). A period
    with months missing gives nothing, and is listed in the returned skips with why.
    """
    if period not in MONTHS_IN:
        raise AverageError(
            f"average to {period!r}: expected year or quarter",
            parameter="period",
            given=period,
            expected="year or quarter",
        )
    if monthly.empty:
        return observations.frame(), {}
    data = monthly.dropna(subset=["obs_value"]).copy()
    data["period"] = [period_of(t, period) for t in data["time"]]
    keys = ["ref_area", "indicator", "source", "sex", "classif1", "classif2", "period"]
    grouped = data.groupby(keys, sort=False, dropna=False)
    out = grouped.agg(
        months=("time", "nunique"),
        note=("note_indicator", "first"),
        notes=("note_indicator", "nunique"),
        obs_value=("obs_value", "mean"),
        se2=("se", lambda s: float(np.sum(np.square(s)))),
        sample_count=("sample_count", "sum"),
    ).reset_index()
    months_seen = data.groupby("period")["time"].nunique()
    need = MONTHS_IN[period]
    skipped = {
        f"{period} {p}": f"only {n} of {need} months" for p, n in months_seen.items() if n < need
    }
    out = out[out["months"] == need].copy()
    out["se"] = np.sqrt(out.pop("se2")) / need
    z = normal_quantile(level)
    out["lower_bound"] = out["obs_value"] - z * out["se"]
    out["upper_bound"] = out["obs_value"] + z * out["se"]
    out["cv"] = np.where(out["obs_value"] != 0, 100 * out["se"] / out["obs_value"].abs(), np.nan)
    out["time"] = out.pop("period")
    # The average's note first, then the note every month shared (a national definition).
    note = AVERAGE_NOTE.format(k=need)
    shared = out.pop("note").where(out.pop("notes") == 1, "")
    out["note_indicator"] = [f"{note}{SEPARATOR}{n}" if n else note for n in shared]
    return observations.sort(rule.apply(observations.frame(out))), skipped
