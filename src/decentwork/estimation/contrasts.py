"""Linear contrasts of estimates with their standard errors (R: ``svycontrast``), and the
common ones: the change since an earlier period and the difference between two domains.

A contrast ``c = L theta`` of the estimates ``theta`` of one call has variance
``L V L'``, with ``V`` their covariance matrix
(:func:`~decentwork.estimation.estimate_covariance`), so estimates that share PSUs (two
months of one design) give the SE of their difference with its covariance. Intervals are
``c -/+ z se`` with the normal quantile (R: ``confint(svycontrast(...))``); a contrast is
``significant`` when its interval leaves out 0.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from decentwork.estimation.covariance import Estimates, by_columns, same_value
from decentwork.estimation.errors import EstimationError
from decentwork.estimation.intervals import check_interval, normal_quantile

CONTRAST_COLUMNS = ("estimate", "se", "lower", "upper", "significant")

Coefficients = Sequence[float] | Mapping[int, float]


def contrast(
    estimates: Estimates, contrasts: Mapping[str, Coefficients], *, level: float = 0.95
) -> pd.DataFrame:
    """Linear combinations of the estimates with their SEs and intervals.

    R: ``svycontrast(stat, list(name = coefficients))`` on the ``svyby(..., covmat=TRUE)`` of
    the same estimates, with ``confint``.

    Args:
        estimates: the estimates of one call and their covariance matrix.
        contrasts: name -> coefficients, either one per row of ``estimates.table`` or a
            mapping from row positions (:meth:`Estimates.row`) to coefficients, the others 0.
            ``{"women - men": {est.row("ur", {"sex": 2}): 1, est.row("ur", {"sex": 1}): -1}}``.
        level: confidence level of the intervals.

    Returns:
        One row per contrast: ``contrast`` (its name), ``estimate``, ``se``, ``lower``,
        ``upper`` and ``significant`` (the interval leaves out 0; NA when the SE is). An
        estimate that is NA makes the contrasts with a non-zero coefficient on it NA, as in R.
    """
    check_interval("normal", level)
    if not isinstance(contrasts, Mapping) or not contrasts:
        raise _refused(
            "contrasts: give a mapping of names to coefficients",
            "contrasts",
            repr(contrasts),
            "{name: coefficients}",
        )
    rows = np.vstack([_coefficients(estimates, name, c) for name, c in contrasts.items()])
    result = pd.DataFrame({"contrast": list(contrasts)})
    for column, values in _combine(estimates, rows, level).items():
        result[column] = values
    return result


def change(
    estimates: Estimates,
    period: str,
    *,
    lag: int = 1,
    level: float = 0.95,
) -> pd.DataFrame:
    """The change of every estimate since ``lag`` periods earlier, with its SE.

    ``period`` is a by-variable of the estimates (periods in one design, so that PSUs shared
    by two periods give their covariance); its values are ordered as sorted, and the change at
    period ``p`` is the estimate at ``p`` minus that ``lag`` periods earlier, in the same
    statistic and the same values of the grouping set's other by-variables. ``lag=1`` is the
    change since the previous period; a year earlier is ``lag=12`` for months and ``lag=4``
    for quarters, counted in the periods present in the estimates (a period missing from the
    data shifts the count). R: ``svycontrast(svyby(~y, ~period + ..., covmat=TRUE),
    <later - earlier>)``.

    Returns:
        One row per (statistic, domain, later period): ``statistic``, ``kind``, the
        by-variables (``period`` holding the later period), ``since`` (the earlier period) and
        the contrast columns (``estimate``, ``se``, ``lower``, ``upper``, ``significant``).
    """
    return change_table(estimates.table, period, lag, _covariances_of(estimates), level)


def change_table(
    table: pd.DataFrame,
    period: str,
    lag: int,
    covariances: Callable[[np.ndarray, np.ndarray], np.ndarray],
    level: float = 0.95,
) -> pd.DataFrame:
    """:func:`change` of the estimates ``table``, with ``covariances(first, second)`` the
    covariances of the estimates at those positions, pair by pair."""
    _check_variable(table, period, "period")
    if not isinstance(lag, int) or isinstance(lag, bool) or lag < 1:
        raise _refused(
            f"lag={lag!r} must be a whole number of periods, at least 1",
            "lag",
            repr(lag),
            "an integer >= 1",
        )
    periods = sorted(table[period].dropna().unique())
    if len(periods) <= lag:
        raise _refused(
            f"the estimates have {len(periods)} value(s) of {period!r}, so no period has one "
            f"{lag} period(s) earlier",
            "lag",
            repr(lag),
            f"fewer than {len(periods)}",
        )
    earlier = {later: periods[j] for j, later in enumerate(periods[lag:])}
    pairs = _pairs(table, period, earlier)
    result = _pair_table(table, pairs, covariances, level)
    result.insert(result.columns.get_loc("estimate"), "since", [earlier[p] for p in pairs.keys])
    return result


def difference(
    estimates: Estimates,
    variable: str,
    first: Any,
    second: Any,
    *,
    level: float = 0.95,
) -> pd.DataFrame:
    """The difference between the domains ``variable == first`` and ``variable == second``
    of every statistic, with its SE (women - men: ``difference(est, "sex", 2, 1)``).

    Both domains of one grouping set and the same values of its other by-variables (the
    difference between women and men in each month when ``by`` holds ``("month", "sex")``).
    R: ``svycontrast(svyby(~y, ~sex, covmat=TRUE), c(-1, 1))``.

    Returns:
        One row per (statistic, domain of the other by-variables): ``statistic``, ``kind``,
        the by-variables (``variable`` holding ``first``), ``minus`` (``second``) and the
        contrast columns.
    """
    table = estimates.table
    _check_variable(table, variable, "variable")
    for name, value in (("first", first), ("second", second)):
        if not same_value(table[variable], value).any():
            raise _refused(
                f"{name}={value!r} is not a value of {variable!r} among the estimates",
                name,
                repr(value),
                f"a value of {variable!r}",
            )
    pairs = _pairs(table, variable, {first: second})
    result = _pair_table(table, pairs, _covariances_of(estimates), level)
    result.insert(result.columns.get_loc("estimate"), "minus", second)
    return result


class _Pairs:
    """Positions of the (minuend, subtrahend) estimates, and the minuend's value of the
    variable compared."""

    def __init__(self) -> None:
        self.minuend: list[int] = []
        self.subtrahend: list[int] = []
        self.keys: list[Any] = []


def _pairs(table: pd.DataFrame, variable: str, partner: Mapping[Any, Any]) -> _Pairs:
    """Each estimate whose ``variable`` is a key of ``partner``, with the estimate of the same
    statistic and grouping set whose ``variable`` is the partner value and whose other
    by-variables are equal."""
    others = [c for c in by_columns(table) if c != variable]
    keys = table[["statistic", "kind", *others]].astype(object)
    keys = keys.where(keys.notna(), None)
    signature = [tuple(row) for row in keys.itertuples(index=False)]
    index = {}
    values = table[variable].to_list()
    for position, (key, value) in enumerate(zip(signature, values, strict=True)):
        if value is not None and value == value:
            index[key, str(value)] = position
    wanted = {str(minuend): (minuend, str(subtrahend)) for minuend, subtrahend in partner.items()}
    pairs = _Pairs()
    for position, (key, value) in enumerate(zip(signature, values, strict=True)):
        if value is None or value != value or str(value) not in wanted:
            continue
        minuend, subtrahend = wanted[str(value)]
        if (key, subtrahend) in index:
            pairs.minuend.append(position)
            pairs.subtrahend.append(index[key, subtrahend])
            pairs.keys.append(minuend)
    if not pairs.minuend:
        raise _refused(
            f"no two estimates of one statistic and domain differ only in {variable!r} as asked",
            "by",
            variable,
            f"a grouping set holding {variable!r} with both values",
        )
    return pairs


def _pair_table(
    table: pd.DataFrame,
    pairs: _Pairs,
    covariances: Callable[[np.ndarray, np.ndarray], np.ndarray],
    level: float,
) -> pd.DataFrame:
    """The minuends' labels with the contrast columns of minuend - subtrahend:
    ``se^2 = se_a^2 + se_b^2 - 2 C_ab``."""
    check_interval("normal", level)
    first, second = np.array(pairs.minuend), np.array(pairs.subtrahend)
    estimate = table["estimate"].to_numpy(float)
    se = table["se"].to_numpy(float)
    variance = se[first] ** 2 + se[second] ** 2 - 2 * covariances(first, second)
    labels = ["statistic", "kind", *by_columns(table)]
    result = table.iloc[first][labels].reset_index(drop=True)
    columns = _bounds(estimate[first] - estimate[second], np.sqrt(np.maximum(variance, 0)), level)
    for column, values in columns.items():
        result[column] = values
    return result


def _covariances_of(estimates: Estimates) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """The covariances of pairs of ``estimates``, read off their matrix."""
    return lambda first, second: estimates.matrix[first, second]


def _combine(estimates: Estimates, rows: np.ndarray, level: float) -> dict[str, Any]:
    """``rows @ theta``, its SE from ``rows V rows'``, normal bounds and significance."""
    theta = estimates.table["estimate"].to_numpy(float)
    matrix = estimates.matrix
    unknown = np.isnan(theta) | np.isnan(np.diag(matrix))
    used = rows != 0
    bad = (used & unknown).any(axis=1)
    rows = np.where(unknown, 0.0, rows)
    value = rows @ np.where(unknown, 0.0, theta)
    filled = np.where(np.isnan(matrix), 0.0, matrix)
    variance = np.maximum(np.einsum("ij,jk,ik->i", rows, filled, rows), 0.0)
    value = np.where(bad, np.nan, value)
    return _bounds(value, np.where(bad, np.nan, np.sqrt(variance)), level)


def _bounds(value: np.ndarray, se: np.ndarray, level: float) -> dict[str, Any]:
    """The contrast columns: estimate, SE, normal bounds and significance (NA with the SE)."""
    value = np.where(np.isnan(se), np.nan, value)
    q = normal_quantile(level)
    lower, upper = value - q * se, value + q * se
    significant = pd.array((lower > 0) | (upper < 0), dtype="boolean")
    significant[np.isnan(se)] = pd.NA
    return dict(zip(CONTRAST_COLUMNS, (value, se, lower, upper, significant), strict=True))


def _coefficients(estimates: Estimates, name: str, given: Coefficients) -> np.ndarray:
    """One contrast's coefficients, one per estimate."""
    size = len(estimates.table)
    if isinstance(given, Mapping):
        row = np.zeros(size)
        for position, value in given.items():
            if not isinstance(position, int | np.integer) or not 0 <= position < size:
                raise _refused(
                    f"contrast {name!r}: {position!r} is not a row of the estimates (0 to "
                    f"{size - 1}); find rows with Estimates.row(statistic, domain)",
                    "contrasts",
                    repr(position),
                    f"row positions from 0 to {size - 1}",
                )
            row[position] = _number(name, value)
        return row
    if isinstance(given, str) or not isinstance(given, Sequence | np.ndarray):
        raise _refused(
            f"contrast {name!r}: give one coefficient per estimate or {{row: coefficient}}",
            "contrasts",
            repr(given),
            "a list of numbers or a mapping of row positions to numbers",
        )
    if len(given) != size:
        raise _refused(
            f"contrast {name!r} has {len(given)} coefficients for {size} estimates",
            "contrasts",
            str(len(given)),
            f"{size} coefficients",
        )
    return np.array([_number(name, v) for v in given], dtype=float)


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise _refused(
            f"contrast {name!r}: coefficient {value!r} is not a number",
            "contrasts",
            repr(value),
            "numbers",
        )
    if not np.isfinite(value):
        raise _refused(
            f"contrast {name!r}: coefficient {value!r} is not finite",
            "contrasts",
            repr(value),
            "finite numbers",
        )
    return float(value)


def _check_variable(table: pd.DataFrame, variable: str, parameter: str) -> None:
    if variable not in by_columns(table):
        raise _refused(
            f"{parameter}={variable!r} is not a by-variable of the estimates; they have: "
            f"{', '.join(by_columns(table)) or '(none)'}",
            parameter,
            repr(variable),
            "a by-variable of the estimates",
        )


def _refused(message: str, parameter: str, given: str, expected: str) -> EstimationError:
    """The error for a bad argument of a contrast: what was given and what was expected."""
    return EstimationError(message, parameter=parameter, given=given, expected=expected)
