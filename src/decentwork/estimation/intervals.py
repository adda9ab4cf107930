"""Confidence intervals and coefficients of variation."""

from __future__ import annotations

from typing import Literal

import numpy as np
from scipy import stats

from decentwork.estimation.errors import EstimationError

CI = Literal["normal", "t"]


def check_interval(ci: str, level: float) -> None:
    """Refuse an unknown interval type or a level outside (0, 1)."""
    if ci not in ("normal", "t"):
        raise EstimationError(
            f"ci={ci!r} must be 'normal' or 't'",
            parameter="ci",
            given=ci,
            expected="'normal' or 't'",
        )
    if not isinstance(level, int | float) or not 0 < level < 1:
        raise EstimationError(
            f"level={level!r} must be a number between 0 and 1",
            parameter="level",
            given=repr(level),
            expected="a number between 0 and 1",
        )


def normal_quantile(level: float = 0.95) -> float:
    """The multiplier of the SE for a two-sided normal interval at confidence ``level``:
    1.959964 for 0.95 (R: ``qnorm(1 - (1 - level) / 2)``)."""
    check_interval("normal", level)
    return float(stats.norm.ppf(0.5 + level / 2))


def interval(
    estimate: np.ndarray, se: np.ndarray, df: np.ndarray, ci: CI, level: float
) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds: ``estimate -/+ q * se`` with q from the normal or t quantile.

    R: ``confint(..., level=)`` (normal) and ``confint(..., df=degf(design))`` (t).
    """
    check_interval(ci, level)
    if ci == "normal":
        q = np.full(len(estimate), normal_quantile(level))
    else:
        with np.errstate(invalid="ignore"):
            q = np.where(df > 0, stats.t.ppf(0.5 + level / 2, np.where(df > 0, df, 1)), np.nan)
    return estimate - q * se, estimate + q * se


def coefficient_of_variation(estimate: np.ndarray, se: np.ndarray) -> np.ndarray:
    """``se / |estimate|`` as a fraction (NA where the estimate is 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(estimate != 0, se / np.abs(estimate), np.nan)
