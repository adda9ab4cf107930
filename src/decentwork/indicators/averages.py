"""Quarterly and annual averages of monthly estimates, as ILOSTAT publishes them: levels are
the mean of the monthly levels; rates and means are computed from averaged levels (the mean
numerator over the mean denominator), not averaged themselves."""

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
    "Average of {k} monthly estimates (rates from the averaged levels); SE assumes "
    "independent months (it ignores the overlap of the monthly samples, so it understates "
    "the SE)"
)
KEYS = ["ref_area", "indicator", "source", "sex", "classif1", "classif2", "period"]


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
    monthly: pd.DataFrame,
    period: Period,
    rule: ReliabilityRule,
    *,
    levels: pd.DataFrame,
    level: float = 0.95,
) -> tuple[pd.DataFrame, dict[str, str]]:
    """The average of each observation over the months of each complete ``period``.

    ``levels`` is :attr:`decentwork.indicators.Computation.levels` of the computation the
    observations come from (``compute(..., levels=True)``): required, so that no rate is
    averaged as if it were a level by omission. An observation with levels (a ratio or a
    mean) is the ratio of its averaged numerator to its averaged denominator, times its
    scale, with the linearised SE of that ratio from the months' variances (see
    :func:`_from_levels`); any other (a level) is the mean of the monthly values, with SE
    sqrt(sum of squared monthly SEs)/k. Months are taken as independent samples. The
    interval is normal at ``level``, ``sample_count`` the sum; the note says it is an
    average, followed by the note all the months share (if they do; ``rule``'s caution notes
    aside: the average is judged by ``rule`` afresh); the source note is kept where the
    months share it. A period with months missing gives nothing, and is listed in the
    returned skips with why.
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
    if "note_source" not in data:
        data["note_source"] = ""  # a frame of fewer columns than observations.COLUMNS
    data["note_indicator"] = rule.without_its_notes(data["note_indicator"])
    data["period"] = [period_of(t, period) for t in data["time"]]
    grouped = data.groupby(KEYS, sort=False, dropna=False)
    out = grouped.agg(
        months=("time", "nunique"),
        note=("note_indicator", "first"),
        notes=("note_indicator", "nunique"),
        source_note=("note_source", "first"),
        source_notes=("note_source", "nunique"),
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
    if not levels.empty:
        ratios = _from_levels(data, levels)
        out = out.merge(ratios, on=KEYS, how="left", validate="one_to_one")
        from_levels = out["ratio"].notna()
        out.loc[from_levels, "obs_value"] = out.loc[from_levels, "ratio"]
        out.loc[from_levels, "se"] = out.loc[from_levels, "ratio_se"]
    z = normal_quantile(level)
    out["lower_bound"] = out["obs_value"] - z * out["se"]
    out["upper_bound"] = out["obs_value"] + z * out["se"]
    out["cv"] = np.where(out["obs_value"] != 0, 100 * out["se"] / out["obs_value"].abs(), np.nan)
    out["time"] = out.pop("period")
    # The average's note first, then the note every month shared (a national definition).
    note = AVERAGE_NOTE.format(k=need)
    shared = out.pop("note").where(out.pop("notes") == 1, "")
    out["note_indicator"] = [f"{note}{SEPARATOR}{n}" if n else note for n in shared]
    out["note_source"] = out.pop("source_note").where(out.pop("source_notes") == 1, "")
    return observations.sort(rule.apply(observations.frame(out))), skipped


def _from_levels(data: pd.DataFrame, levels: pd.DataFrame) -> pd.DataFrame:
    """Per key and period: the ratio of the summed numerators Y to the summed denominators X
    (times the scale) and its SE, for the observations in ``data`` that have levels.

    With R = Y/X, the linearised variance is sum over months of
    Var(Y_m - R X_m) / X^2, where Var(Y_m - R X_m) = V(Y_m) + R^2 V(X_m) - 2 R C_m and the
    covariance C_m of the month's numerator and denominator follows from its ratio's variance
    V(R_m) = (V(Y_m) + R_m^2 V(X_m) - 2 R_m C_m) / X_m^2 (0 when R_m is 0, its numerator then
    being 0 in every sample record).
    """
    month = data.merge(
        levels, on=[k for k in KEYS if k != "period"] + ["time"], how="inner", validate="one_to_one"
    )
    if month.empty:
        return pd.DataFrame(columns=[*KEYS, "ratio", "ratio_se"])
    y, x = month["numerator"].to_numpy(float), month["denominator"].to_numpy(float)
    vy, vx = np.square(month["numerator_se"]), np.square(month["denominator_se"])
    r_m = y / x
    vr = np.square(month["se"].to_numpy(float) / month["scale"].to_numpy(float))
    with np.errstate(divide="ignore", invalid="ignore"):
        month["cov"] = np.where(r_m != 0, (vy + r_m**2 * vx - x**2 * vr) / (2 * r_m), 0.0)
    month["vy"], month["vx"] = vy, vx
    sums = month.groupby(KEYS, sort=False, dropna=False)[["numerator", "denominator"]].transform(
        "sum"
    )
    ratio = sums["numerator"] / sums["denominator"]
    month["part"] = month["vy"] + ratio**2 * month["vx"] - 2 * ratio * month["cov"]
    month["ratio"] = ratio
    out = (
        month.groupby(KEYS, sort=False, dropna=False)
        .agg(
            ratio=("ratio", "first"),
            part=("part", "sum"),
            denominator=("denominator", "sum"),
            scale=("scale", "first"),
        )
        .reset_index()
    )
    out["ratio_se"] = out["scale"] * np.sqrt(np.clip(out["part"], 0, None)) / out["denominator"]
    out["ratio"] = out["scale"] * out["ratio"]
    return out[[*KEYS, "ratio", "ratio_se"]]
