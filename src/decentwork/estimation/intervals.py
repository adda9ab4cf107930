"""Confidence intervals (Wald, and logit or beta for proportions) and coefficients of variation."""

from __future__ import annotations

from typing import Literal, get_args

import numpy as np
from scipy import special, stats

from decentwork.estimation.errors import EstimationError

CI = Literal["normal", "t"]
IntervalMethod = Literal["wald", "logit", "beta"]
INTERVAL_METHODS: tuple[str, ...] = get_args(IntervalMethod)


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


def check_method(method: str) -> None:
    """Refuse an unknown interval method."""
    if method not in INTERVAL_METHODS:
        raise EstimationError(
            f"interval={method!r} must be one of {', '.join(map(repr, INTERVAL_METHODS))}",
            parameter="interval",
            given=repr(method),
            expected=", ".join(map(repr, INTERVAL_METHODS)),
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
    q = quantile(df, ci, level)
    return estimate - q * se, estimate + q * se


def quantile(df: np.ndarray, ci: CI, level: float) -> np.ndarray:
    """The multiplier of the SE per domain: the normal quantile, or the t quantile with the
    domain's degrees of freedom (NA where ``df <= 0``)."""
    check_interval(ci, level)
    if ci == "normal":
        return np.full(len(df), normal_quantile(level))
    with np.errstate(invalid="ignore"):
        return np.where(df > 0, stats.t.ppf(0.5 + level / 2, np.where(df > 0, df, 1)), np.nan)


def logit_interval(
    estimate: np.ndarray, logit_se: np.ndarray, df: np.ndarray, ci: CI, level: float
) -> tuple[np.ndarray, np.ndarray]:
    """Bounds of a proportion from a Wald interval on its logit, transformed back.

    ``expit(logit(p) -/+ q * logit_se)``; ``logit_se`` is the SE of ``logit(p)`` (R:
    ``svyciprop(method="logit")``, the Wald interval of an intercept-only quasibinomial
    ``svyglm``). NA where p is 0 or 1.
    """
    q = quantile(df, ci, level)
    with np.errstate(divide="ignore", invalid="ignore"):
        centre = np.where((estimate > 0) & (estimate < 1), special.logit(estimate), np.nan)
    return special.expit(centre - q * logit_se), special.expit(centre + q * logit_se)


def beta_interval(
    estimate: np.ndarray, se: np.ndarray, df: np.ndarray, n: np.ndarray, level: float
) -> tuple[np.ndarray, np.ndarray]:
    """Korn and Graubard's beta (Clopper-Pearson) bounds of a proportion with the effective
    sample size (R: ``svyciprop(method="beta")``).

    ``n_eff = p (1 - p) / se^2 * (t_{a/2, n-1} / t_{a/2, df})^2`` with ``a = 1 - level``, ``n``
    the records in the domain and ``df`` its design degrees of freedom (R uses
    ``degf(design)`` here whatever the interval's df, so ``ci`` does not change these
    bounds); bounds ``qbeta(a/2, n_eff p, n_eff (1-p) + 1)`` and
    ``qbeta(1 - a/2, n_eff p + 1, n_eff (1-p))``. NA where p is 0 or 1, the SE is 0 or
    ``df <= 0``.
    """
    check_interval("t", level)
    alpha = 1 - level
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = stats.t.ppf(alpha / 2, np.where(n > 1, n - 1, np.nan)) / stats.t.ppf(
            alpha / 2, np.where(df > 0, df, np.nan)
        )
        n_eff = estimate * (1 - estimate) / (se * se) * ratio * ratio
        n_eff = np.where(np.isfinite(n_eff) & (n_eff > 0), n_eff, np.nan)
        lower = stats.beta.ppf(alpha / 2, n_eff * estimate, n_eff * (1 - estimate) + 1)
        upper = stats.beta.ppf(1 - alpha / 2, n_eff * estimate + 1, n_eff * (1 - estimate))
    return lower, upper


def coefficient_of_variation(estimate: np.ndarray, se: np.ndarray) -> np.ndarray:
    """``se / |estimate|`` as a fraction (NA where the estimate is 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(estimate != 0, se / np.abs(estimate), np.nan)
