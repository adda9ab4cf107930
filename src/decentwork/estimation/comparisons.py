"""Statistics built on :func:`~decentwork.estimation.estimate`: the share of records below a
fraction of a quantile, and the gap between two groups' means or medians.

With earnings these are the low-pay rate (the share below two-thirds of the median) and the
gender pay gap (``1 - women's / men's``), but the kernel knows nothing of earnings: the
labour layers name the variables.

- :func:`share_below` matches R's ``svymean(~I(y < t), design)`` with the threshold ``t``
  fixed: its SE does not include the variability of the estimated quantile behind ``t``.
- :func:`gap` of means matches R's ``svycontrast(svyby(~y, ~group, design, svymean,
  covmat=TRUE), quote(1 - compared / reference))``: linearisation, with the covariance of
  the two groups' means (they share PSUs). Its linearised variable is computed in SQL and its
  variance is the kernel's, as the variance of a total.
- :func:`gap` of medians linearises each median through its Woodruff interval: the
  influence of record ``k`` on the median ``q_g`` of group ``g`` is
  ``-(1{y_k <= q_g} - F_g) / (N_g f_g)``, with ``f_g = se(F_g) / se(q_g)`` the density the
  Woodruff interval implies, so each median's variance is its Woodruff SE squared and the
  two medians' correlation is that of the shares ``F_c`` and ``F_r`` below them:
  ``se = sqrt(a^2 + b^2 - 2 a b rho)`` with ``a = se(q_c) / q_r``,
  ``b = q_c se(q_r) / q_r^2``. R has no such estimator (``svyquantile`` gives no
  covariance between domains); the oracle composes it from R's Woodruff SEs and the
  covariance of ``svyby(~I(y <= q_sex), ~sex, design, svymean, covmat=TRUE)``.

Linearisation designs only: replicate designs are refused (their SE would need the replicate
estimates of the gap itself).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from decentwork.estimation.design import Design
from decentwork.estimation.engine import Table, open_table, quote
from decentwork.estimation.errors import EstimationError
from decentwork.estimation.estimate import estimate, groupings_of
from decentwork.estimation.intervals import CI, interval
from decentwork.estimation.quantiles import Quantile, QuantilePlan, sql_string

Value = int | float | str


def share_below(
    data: Any,
    design: Design,
    variable: str,
    *,
    fraction: float = 2 / 3,
    probability: float = 0.5,
    name: str = "share_below",
    by: Sequence[Sequence[str] | str] = ((),),
    ci: CI = "normal",
    level: float = 0.95,
    missing: Literal["error", "drop"] = "error",
) -> pd.DataFrame:
    """The share of records whose ``variable`` is below ``fraction`` times its
    ``probability`` quantile over the whole population (the low-pay rate with the defaults:
    below two-thirds of the median), in every domain of ``by``.

    The threshold ``t`` is estimated first (:func:`estimate`'s ``quantiles``), then fixed:
    the share's SE is that of R's ``svymean(~I(y < t), design)``, without the threshold's own
    variability. Records with ``variable`` missing are left out with ``missing="drop"``.

    Returns:
        :func:`estimate`'s rows of the share (``statistic`` ``name``, ``kind`` ``"mean"``)
        with a column ``threshold``.
    """
    _check_fraction(fraction)
    median = estimate(
        data, design, quantiles={name: (variable, probability)}, missing=missing, by=[()]
    )
    threshold = fraction * float(median["estimate"].iloc[0])
    with open_table(data) as table:
        column = _free_name(table, f"{name}_indicator")
        y = quote(variable, table.dialect)
        sql = (
            f"SELECT *, CASE WHEN {_missing(table, variable)} THEN NULL "
            f"WHEN CAST({y} AS DOUBLE) < CAST('{threshold!r}' AS DOUBLE) THEN CAST(1 AS DOUBLE) "
            f"ELSE CAST(0 AS DOUBLE) END AS {quote(column, table.dialect)} FROM {table.source}"
        )
        result = estimate(
            table.derive(sql), design, means=[column], by=by, ci=ci, level=level, missing=missing
        )
    result["statistic"] = name
    result["threshold"] = threshold
    return result


def gap(
    data: Any,
    design: Design,
    variable: str,
    *,
    group: str,
    reference: Value,
    compared: Value,
    statistic: Literal["mean", "median"] = "mean",
    name: str = "gap",
    by: Sequence[Sequence[str] | str] = ((),),
    ci: CI = "normal",
    level: float = 0.95,
    missing: Literal["error", "drop"] = "error",
) -> pd.DataFrame:
    """``1 - compared / reference``: the gap between the ``statistic`` (mean or median) of
    ``variable`` in two groups of the column ``group``, in every domain of ``by`` (the gender
    pay gap: ``group="sex"``, men the reference).

    For means, the SE is by linearisation with the two means' covariance (R:
    ``svycontrast(svyby(~y, ~group, design, svymean, covmat=TRUE), quote(1 - c / r))``); for
    medians, by the delta method on the medians' Woodruff SEs (with ``ci`` and ``level``)
    and the correlation of the two groups' shares below their medians (see the module).

    Returns:
        One row per domain with :func:`estimate`'s columns: ``statistic`` ``name``, ``kind``
        ``"gap"``, the gap, its SE, Wald bounds (``ci``, ``level``, the domain's degrees of
        freedom), ``cv``, ``df`` and ``n`` (records of the two groups entering the
        statistic).

    Raises:
        EstimationError: a replicate design (``parameter="design"``), an unknown
            ``statistic``, a group value that is not a number or a string, or a group that is
            also a by-variable.
    """
    if design.is_replicate:
        raise EstimationError(
            "gap: the SE is by linearisation; replicate designs are not supported",
            parameter="design",
            expected="a design with weights (and strata, PSUs), no replicate weights",
        )
    if statistic not in ("mean", "median"):
        raise _refused(
            f"gap: statistic={statistic!r} must be 'mean' or 'median'",
            "statistic",
            statistic,
            "'mean' or 'median'",
        )
    groupings = groupings_of(by)
    if any(group in g for g in groupings):
        raise _refused(
            f"gap: the group column {group!r} cannot also be a by-variable",
            "by",
            group,
            "by-variables other than the group",
        )
    literals = (_literal(compared, "compared"), _literal(reference, "reference"))
    by_columns = list(dict.fromkeys(c for g in groupings for c in g))
    rows: list[dict[str, object]] = []
    with open_table(data) as table:
        for grouping in groupings:
            within = [(*grouping, group)]
            if statistic == "mean":
                parts = estimate(data, design, means=[variable], by=within, missing=missing)
            else:  # the medians' Woodruff SEs with the gap's ci and level
                quantiles = {name: (variable, 0.5)}
                parts = estimate(
                    data,
                    design,
                    quantiles=quantiles,
                    by=within,
                    missing=missing,
                    ci=ci,
                    level=level,
                )
            parts = parts[parts[group].notna()]
            ours = _keyed(parts[parts[group] == compared], grouping)
            theirs = _keyed(parts[parts[group] == reference], grouping)
            scores = _scores(table, design, variable, group, literals, grouping, statistic, name)
            columns = [_free_name(table, f"{name}_score{i}") for i in range(len(scores))]
            selected = ", ".join(
                f"{sql} AS {quote(c, table.dialect)}"
                for sql, c in zip(scores, columns, strict=True)
            )
            base = table.source
            if statistic == "median":
                plan = QuantilePlan((Quantile(name, variable, 0.5),), [(*grouping, group)])
                plan.read(table, design, missing)
                base = f"({plan.indicator_sql(table)}) AS __data"
            derived = table.derive(f"SELECT *, {selected} FROM {base}")
            totals = estimate(derived, design, totals=columns, by=[grouping], missing=missing)
            variances = {c: _keyed(totals[totals["statistic"] == c], grouping) for c in columns}
            for key in sorted(set(ours) | set(theirs), key=str):
                mine, other = ours.get(key), theirs.get(key)
                values = dict.fromkeys(by_columns)
                values.update(zip(grouping, key, strict=True))
                estimate_ = se = df = np.nan
                if mine is not None and other is not None and other["estimate"] != 0:
                    estimate_ = 1 - mine["estimate"] / other["estimate"]
                    first = variances[columns[0]][key]
                    df = first["df"]
                    if statistic == "mean":
                        se = first["se"]
                    else:
                        scored = [variances[c][key]["se"] for c in columns]
                        se = _median_gap_se(mine, other, *scored)
                rows.append(
                    {
                        "statistic": name,
                        "kind": "gap",
                        **values,
                        "estimate": estimate_,
                        "se": se,
                        "df": df,
                        "n": sum(int(r["n"]) for r in (mine, other) if r is not None),
                    }
                )
    result = pd.DataFrame(rows)
    estimates, se, df = (result[c].to_numpy(dtype=float) for c in ("estimate", "se", "df"))
    result["lower"], result["upper"] = interval(estimates, se, df, ci, level)
    with np.errstate(divide="ignore", invalid="ignore"):
        result["cv"] = np.where(estimates != 0, se / np.abs(estimates), np.nan)
    result["interval"] = "wald"
    return result


def _keyed(result: pd.DataFrame, grouping: Sequence[str]) -> dict[tuple[object, ...], pd.Series]:
    """The rows of ``result`` by their values of the by-variables ``grouping``."""
    return {tuple(row[v] for v in grouping): row for _, row in result.iterrows()}


def _scores(
    table: Table,
    design: Design,
    variable: str,
    group: str,
    literals: tuple[str, str],
    grouping: Sequence[str],
    statistic: str,
    name: str,
) -> list[str]:
    """The SQL of the linearised variables of the gap in each domain of ``grouping``, with the
    domain's weighted sums taken by window functions over it (NULL where ``y`` is missing).

    Means: one variable, ``-(y - mean_c) / (N_c mean_r)`` in group c and
    ``mean_c (y - mean_r) / (N_r mean_r^2)`` in group r (0 elsewhere). Medians: the scores
    ``u_g = (I - F_g) / N_g`` of the two groups' shares ``F_g`` below their medians (``I``
    the indicator column of :class:`QuantilePlan`), in group c, in group r and in both,
    whose totals' variances give the two shares' covariance.
    """
    dialect = table.dialect
    y, w = (f"CAST({quote(c, dialect)} AS DOUBLE)" for c in (variable, design.weight))
    member = quote(group, dialect)
    missing = _missing(table, variable)
    partition = ", ".join(quote(v, dialect) for v in grouping)
    over = f"OVER (PARTITION BY {partition})" if grouping else "OVER ()"

    def window(value: str, literal: str) -> str:
        return f"SUM(CASE WHEN {member} = {literal} AND NOT ({missing}) THEN {value} END) {over}"

    def case(branches: dict[str, str]) -> str:
        # a domain without one of the groups has no gap: its scores are 0, not missing
        whens = " ".join(
            f"WHEN {member} = {literal} THEN COALESCE({value}, 0)"
            for literal, value in branches.items()
        )
        return f"CASE WHEN {missing} THEN NULL {whens} ELSE CAST(0 AS DOUBLE) END"

    compared, reference = literals
    n_c, n_r = window(w, compared), window(w, reference)
    if statistic == "mean":
        mean_c = f"({window(f'{w} * {y}', compared)} / {n_c})"
        mean_r = f"({window(f'{w} * {y}', reference)} / {n_r})"
        return [
            case(
                {
                    compared: f"-({y} - {mean_c}) / ({n_c} * {mean_r})",
                    reference: f"{mean_c} * ({y} - {mean_r}) / ({n_r} * {mean_r} * {mean_r})",
                }
            )
        ]
    indicator = quote(QuantilePlan.column(0, 0), dialect)
    u_c = f"({indicator} - {window(f'{w} * {indicator}', compared)} / {n_c}) / {n_c}"
    u_r = f"({indicator} - {window(f'{w} * {indicator}', reference)} / {n_r}) / {n_r}"
    return [case({compared: u_c}), case({reference: u_r}), case({compared: u_c, reference: u_r})]


def _median_gap_se(compared: pd.Series, reference: pd.Series, *scores: float) -> float:
    """The SE of ``1 - q_c / q_r`` from the medians' Woodruff SEs and the correlation ``rho``
    of the two groups' shares below their medians (from the SEs of the totals of their
    scores, in c, in r and in both): ``sqrt(a^2 + b^2 - 2 a b rho)`` with
    ``a = se(q_c) / q_r`` and ``b = q_c se(q_r) / q_r^2``."""
    se_c, se_r, se_both = scores
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = (se_both**2 - se_c**2 - se_r**2) / (2 * se_c * se_r)
        q_c, q_r = compared["estimate"], reference["estimate"]
        a, b = compared["se"] / q_r, q_c * reference["se"] / (q_r * q_r)
        return float(np.sqrt(a * a + b * b - 2 * a * b * rho))


def _missing(table: Table, variable: str) -> str:
    """The SQL condition that ``variable`` is missing (NULL, or NaN in a float column)."""
    y = quote(variable, table.dialect)
    condition = f"{y} IS NULL"
    if table.types().get(variable, "").upper() in ("FLOAT", "DOUBLE"):
        condition += f" OR isnan({y})"
    return condition


def _free_name(table: Table, name: str) -> str:
    """``name``, with underscores added until no column of ``table`` has it."""
    while name in table.columns:
        name += "_"
    return name


def _literal(value: Value, parameter: str) -> str:
    """An SQL literal for a group's value (a number or a string)."""
    if isinstance(value, str):
        return sql_string(value)
    if isinstance(value, int | float) and not isinstance(value, bool) and np.isfinite(value):
        return repr(value)
    raise _refused(
        f"gap: the group value {value!r} must be a number or a string",
        parameter,
        value,
        "a number or a string",
    )


def _check_fraction(fraction: float) -> None:
    if not isinstance(fraction, int | float) or isinstance(fraction, bool) or not fraction > 0:
        raise _refused(
            f"share_below: fraction={fraction!r} must be a positive number",
            "fraction",
            fraction,
            "a positive number",
        )


def _refused(message: str, parameter: str, given: object, expected: str) -> EstimationError:
    return EstimationError(message, parameter=parameter, given=repr(given), expected=expected)
