"""Quantiles in domains with Woodruff intervals, as R ``survey``'s ``svyquantile`` (4.1.1).

R's defaults, for ``svydesign`` and ``svrepdesign`` designs alike: ``qrule="math"`` and
``interval.type="mean"``.

- **Estimate** (R: ``qrule_math``): the records of the domain with a non-zero weight, sorted by
  value (ties in record order), with their cumulative weights ``C_i`` (summed in extended
  precision, as R's ``cumsum``) and total ``W``; ``i`` is the last record with
  ``C_i <= p W`` (the first record when there is none, as R's ``last()``); the quantile is
  ``x_i`` when ``p - C_i / W`` is exactly 0 and ``x_{i+1}`` otherwise (``x_i`` for the last).
- **Interval** (R: ``woodruffCI(method="mean")``): ``F`` is the domain mean of the 0/1
  variable ``y <= q`` and ``se(F)`` its design-based SE, computed by the kernel's own pass
  (:mod:`decentwork.estimation.estimate`); the Wald bounds ``F -/+ c se(F)`` (``c`` the
  normal or t quantile with the domain's degrees of freedom) are mapped back by the same
  rule: a bound below 0 or above 1 gives NA.
- **SE** (R: ``svyquantile``): the interval's width over ``2 c``.

Quantiles need the records themselves, not the cell sums: one pass of its own reads the
quantile variables, the weight and the by-variables (:func:`read_sample`); the indicators
``y <= q_d`` are then computed in SQL per domain (:func:`indicator_sql`) and enter the
kernel's one aggregate as means.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from decentwork.estimation.cells import CellPlan, Statistic, check_columns, refuse_missing
from decentwork.estimation.design import Design
from decentwork.estimation.domains import unique_rows
from decentwork.estimation.engine import Table, quote
from decentwork.estimation.errors import EstimationError
from decentwork.estimation.intervals import CI, interval
from decentwork.estimation.intervals import quantile as multiplier

INDICATOR = "__quantile"
"""Prefix of the indicator columns ``y <= q_d`` that the quantiles add to the data."""
WOODRUFF = "woodruff"
"""The ``interval`` of a quantile's bounds."""


@dataclass(frozen=True)
class Quantile:
    """One requested quantile: the ``probability`` quantile of ``variable``."""

    name: str
    variable: str
    probability: float


def check_quantiles(
    quantiles: Mapping[str, tuple[str, float]] | None, taken: Iterable[str]
) -> tuple[Quantile, ...]:
    """The requested quantiles, checked: name -> (column, probability in (0, 1)).

    Raises:
        EstimationError: not a mapping, a value that is not (column name, probability), a
            probability outside (0, 1), or a name that another statistic has (``taken``);
            ``parameter="quantiles"``.
    """
    if quantiles is None:
        return ()
    if not isinstance(quantiles, Mapping):
        raise _bad(
            f"quantiles={quantiles!r}: give a mapping name -> (column, probability)",
            quantiles,
            "{name: (column, probability)}",
        )
    taken = set(taken)
    wanted = []
    for name, pair in quantiles.items():
        if not isinstance(name, str) or not name:
            raise _bad(f"quantile name {name!r} must be a non-empty string", name, "a string")
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise _bad(
                f"quantile {name!r}: expected (column, probability), got {pair!r}",
                pair,
                "(column, probability)",
            )
        variable, probability = pair
        if not isinstance(variable, str) or not variable:
            raise _bad(
                f"quantile {name!r}: the column must be a name, got {variable!r}",
                variable,
                "a column name",
            )
        if (
            not isinstance(probability, int | float)
            or isinstance(probability, bool)
            or not 0 < probability < 1
        ):
            raise _bad(
                f"quantile {name!r}: probability {probability!r} must be strictly between 0 and 1",
                probability,
                "a number in (0, 1)",
            )
        if name in taken:
            raise _bad(
                f"quantile {name!r} has the name of another statistic; give it another name",
                name,
                "a name no ratio, total or mean has",
            )
        wanted.append(Quantile(name, variable, float(probability)))
    return tuple(wanted)


@dataclass(frozen=True)
class SortedDomains:
    """The observed values of one variable in every domain of one grouping set, sorted, with
    their cumulative weights summed as R's ``qrule_math`` sums them."""

    values: np.ndarray  # sorted within each domain's segment
    cumulative: np.ndarray  # cumulative weight within each segment
    totals: np.ndarray  # total weight of each domain
    starts: np.ndarray  # segment d is starts[d]:starts[d + 1]
    index: dict[tuple[object, ...], int]  # by-values -> domain
    texts: dict[tuple[str, ...], int]  # by-values as text (SQL's CAST AS VARCHAR) -> domain

    def quantile(self, domain: int, p: float) -> float:
        """R's ``qrule_math(x, w, p)`` in ``domain`` (NA for a missing domain or p)."""
        if domain < 0 or not 0 <= p <= 1:
            return np.nan
        start, stop = self.starts[domain], self.starts[domain + 1]
        cumulative, total = self.cumulative[start:stop], self.totals[domain]
        position = max(int(np.searchsorted(cumulative, p * total, side="right")) - 1, 0)
        if p - cumulative[position] / total != 0:
            position = min(position + 1, stop - start - 1)
        return float(self.values[start + position])


def sort_domains(
    sample: pd.DataFrame, column: str, grouping: Sequence[str], keys: Mapping[str, str]
) -> SortedDomains:
    """The domains of ``grouping`` with the observed values of ``column`` sorted.

    ``sample`` holds the weights as R's design takes them (``__weight``), the variable, the
    by-variables and their text (``keys``: by-variable -> column of its text). Records with
    a zero weight are left out, as R's ``qrule_math`` does.
    """
    values = sample[column].to_numpy(dtype=float)
    weights = sample["__weight"].to_numpy(dtype=float)
    inside = ~np.isnan(values) & (weights != 0)
    for variable in grouping:
        inside &= sample[variable].notna().to_numpy()
    rows = np.flatnonzero(inside)
    codes, sizes = [], []
    for variable in grouping:
        code, labels = pd.factorize(sample[variable].to_numpy()[rows])
        codes.append(code.astype(np.int64))
        sizes.append(max(len(labels), 1))
    if grouping and len(rows):
        _, domain = unique_rows(codes, sizes)
    else:
        domain = np.zeros(len(rows), dtype=np.int64)
    count = int(domain.max()) + 1 if len(rows) else 0
    by_value = np.argsort(values[rows], kind="stable")
    order = by_value[np.argsort(domain[by_value], kind="stable")]
    in_record_order = np.argsort(domain, kind="stable")
    starts = np.searchsorted(domain[order], np.arange(count + 1))
    sorted_weights, record_weights = weights[rows][order], weights[rows][in_record_order]
    cumulative = np.empty(len(rows))
    totals = np.empty(count)
    index: dict[tuple[object, ...], int] = {}
    labels = [sample[v].to_numpy(dtype=object)[rows] for v in grouping]
    for d in range(count):
        segment = slice(starts[d], starts[d + 1])
        # R's cumsum and sum accumulate in long double
        cumulative[segment] = np.cumsum(sorted_weights[segment], dtype=np.longdouble)
        totals[d] = np.cumsum(record_weights[segment], dtype=np.longdouble)[-1]
        first = order[starts[d]]
        index[tuple(label[first] for label in labels)] = d
    return SortedDomains(
        values[rows][order],
        cumulative,
        totals,
        starts,
        index,
        _texts(sample, rows, domain, [keys[v] for v in grouping]),
    )


def _texts(
    sample: pd.DataFrame, rows: np.ndarray, domain: np.ndarray, columns: Sequence[str]
) -> dict[tuple[str, ...], int]:
    """Every text of the by-values met among ``rows`` (equal values may read differently as
    text, as -0.0 and 0.0) -> its domain.

    Raises:
        EstimationError: one text in two domains (``parameter="by"``).
    """
    if not columns:
        return {(): 0} if len(rows) else {}
    frame = pd.DataFrame({c: sample[c].to_numpy(dtype=object)[rows] for c in columns})
    frame["__domain"] = domain
    texts: dict[tuple[str, ...], int] = {}
    for *text, d in frame.drop_duplicates().itertuples(index=False):
        if texts.setdefault(tuple(map(str, text)), d) != d:
            raise EstimationError(
                f"by-values {tuple(text)!r} read the same as text as another domain's; recode them",
                parameter="by",
                given=repr(tuple(text)),
                expected="by-values that differ as text",
            )
    return texts


@dataclass
class QuantilePlan:
    """The quantiles of one call of :func:`~decentwork.estimation.estimate`: the sorted
    domains of each (variable, grouping set), and the indicator means the kernel adds."""

    wanted: tuple[Quantile, ...]
    groupings: list[tuple[str, ...]]
    domains: dict[tuple[str, tuple[str, ...]], SortedDomains] = field(default_factory=dict)

    @staticmethod
    def column(j: int, k: int) -> str:
        """The indicator column of quantile ``j`` in grouping set ``k``."""
        return f"{INDICATOR}{j}_{k}"

    @property
    def statistics(self) -> tuple[Statistic, ...]:
        """The indicator means, each computed only in its own grouping set."""
        return tuple(
            Statistic(
                self.column(j, k),
                "mean",
                self.column(j, k),
                grouping=grouping,
                observed=(quantile.variable,),
            )
            for k, grouping in enumerate(self.groupings)
            for j, quantile in enumerate(self.wanted)
        )

    def sorted_domains(self, j: int, k: int) -> SortedDomains:
        return self.domains[self.wanted[j].variable, self.groupings[k]]

    def read(self, table: Table, design: Design, missing: str) -> None:
        """The quantiles' own pass: read the records and sort every domain's values."""
        sample, keys = read_sample(table, design, self.wanted, self.groupings, missing)
        columns = {q.variable: f"__value{i}" for i, q in enumerate(self.wanted)}
        for q in self.wanted:
            for grouping in self.groupings:
                if (q.variable, grouping) not in self.domains:
                    self.domains[q.variable, grouping] = sort_domains(
                        sample, columns[q.variable], grouping, keys
                    )

    def indicator_sql(self, table: Table) -> str:
        """The data with one 0/1 column ``y <= q_d`` per quantile and grouping set, where
        ``q_d`` is the quantile of the record's domain (NULL where ``y`` is missing)."""
        dialect, types = table.dialect, table.types()
        selected, joins = ["__m.*"], []
        for k, grouping in enumerate(self.groupings):
            thresholds: dict[tuple[str, ...], list[float]] = {}
            for j, q in enumerate(self.wanted):
                domains = self.sorted_domains(j, k)
                for key, d in domains.texts.items():
                    row = thresholds.setdefault(key, [np.nan] * len(self.wanted))
                    row[j] = domains.quantile(d, q.probability)
            alias = f"__t{k}"
            if grouping and thresholds:
                values = ", ".join(
                    "(" + ", ".join([*map(sql_string, key), *map(_double, row)]) + ")"
                    for key, row in thresholds.items()
                )
                names = [f"__k{i}" for i in range(len(grouping))]
                names += [f"__q{j}" for j in range(len(self.wanted))]
                on = " AND ".join(
                    f"CAST(__m.{quote(v, dialect)} AS VARCHAR) = {alias}.__k{i}"
                    for i, v in enumerate(grouping)
                )
                joins.append(f"LEFT JOIN (VALUES {values}) AS {alias}({', '.join(names)}) ON {on}")
            for j, q in enumerate(self.wanted):
                if grouping:
                    threshold = f"{alias}.__q{j}" if thresholds else "CAST(NULL AS DOUBLE)"
                else:
                    threshold = _double(next(iter(thresholds.values()), [np.nan])[j])
                y = f"__m.{quote(q.variable, dialect)}"
                missing = f"{y} IS NULL"
                if types[q.variable].upper() in ("FLOAT", "DOUBLE"):
                    missing += f" OR isnan({y})"
                selected.append(
                    f"CASE WHEN {missing} THEN NULL WHEN CAST({y} AS DOUBLE) <= {threshold} "
                    f"THEN CAST(1 AS DOUBLE) ELSE CAST(0 AS DOUBLE) END "
                    f"AS {quote(self.column(j, k), dialect)}"
                )
        return f"SELECT {', '.join(selected)}\nFROM {table.source} AS __m\n" + "\n".join(joins)

    def finish(self, result: pd.DataFrame, ci: CI, level: float) -> pd.DataFrame:
        """``result`` with the indicator means replaced by the quantiles, their Woodruff
        bounds and SEs (R: ``svyquantile``, ``woodruffCI(method="mean")``)."""
        result = result.copy()
        statistic = result["statistic"].to_numpy()
        for k, grouping in enumerate(self.groupings):
            for j, q in enumerate(self.wanted):
                rows = np.flatnonzero(statistic == self.column(j, k))
                domains = self.sorted_domains(j, k)
                labels = result[list(grouping)].to_numpy(dtype=object)[rows]
                where = [domains.index.get(tuple(label), -1) for label in labels]
                share, share_se, df = (
                    result[c].to_numpy(dtype=float)[rows] for c in ("estimate", "se", "df")
                )
                low, high = interval(share, share_se, df, ci, level)
                estimate, lower, upper = (
                    np.array([domains.quantile(d, p) for d, p in zip(where, ps, strict=True)])
                    for ps in (np.full(len(rows), q.probability), low, high)
                )
                with np.errstate(divide="ignore", invalid="ignore"):
                    se = (upper - lower) / (2 * multiplier(df, ci, level))
                    cv = np.where(estimate != 0, se / np.abs(estimate), np.nan)
                columns = {
                    "statistic": q.name,
                    "kind": "quantile",
                    "estimate": estimate,
                    "se": se,
                    "lower": lower,
                    "upper": upper,
                    "cv": cv,
                    "interval": WOODRUFF,
                }
                for column, value in columns.items():
                    result.iloc[rows, result.columns.get_loc(column)] = value
                for column in ("numerator_total", "denominator_total", "deff", "n_effective"):
                    result.iloc[rows, result.columns.get_loc(column)] = np.nan
        return result


def read_sample(
    table: Table,
    design: Design,
    wanted: Sequence[Quantile],
    groupings: Sequence[Sequence[str]],
    missing: str,
) -> tuple[pd.DataFrame, dict[str, str]]:
    """The records' weights, quantile variables and by-variables (with their text), read in
    one query; and by-variable -> the column of its text.

    The weights are taken as R's design takes them: ``1 / (1 / w)`` for a Taylor design (R
    keeps ``prob = 1 / w``), ``w`` for a replicate design.

    Raises:
        EstimationError: unknown or non-numeric columns; missing values of a quantile's
            variable with ``missing="error"``; infinite values.
    """
    variables = list(dict.fromkeys(q.variable for q in wanted))
    by_columns = list(dict.fromkeys(c for g in groupings for c in g))
    plan = CellPlan(
        design=design,
        statistics=tuple(Statistic(v, "mean", v) for v in variables),
        by_columns=tuple(by_columns),
        replicate_columns=(),
        moments=False,
        gram=False,
        missing="drop" if missing == "drop" else "error",
    )
    types = table.types()
    check_columns(plan, list(types), list(types.values()))
    dialect = table.dialect
    keys = {v: f"__key{i}" for i, v in enumerate(by_columns)}
    selected = [f"CAST({quote(design.weight, dialect)} AS DOUBLE) AS __weight"]
    selected += [
        f"CAST({quote(q.variable, dialect)} AS DOUBLE) AS __value{i}" for i, q in enumerate(wanted)
    ]
    selected += [quote(v, dialect) for v in by_columns]
    selected += [f"CAST({quote(v, dialect)} AS VARCHAR) AS {keys[v]}" for v in by_columns]
    sample = table.query(f"SELECT {', '.join(selected)} FROM {table.source}")
    for i, q in enumerate(wanted):
        values = sample[f"__value{i}"].to_numpy(dtype=float)
        refuse_missing(plan, q.variable, int(np.isnan(values).sum()))
        infinite = int(np.isinf(values).sum())
        if infinite:
            raise EstimationError(f"column {q.variable!r} has {infinite} infinite value(s)")
    if not design.is_replicate:
        with np.errstate(divide="ignore"):
            sample["__weight"] = 1.0 / (1.0 / sample["__weight"].to_numpy(dtype=float))
    return sample, keys


def _bad(message: str, given: object, expected: str) -> EstimationError:
    """The error for a bad ``quantiles=`` argument."""
    return EstimationError(message, parameter="quantiles", given=repr(given), expected=expected)


def sql_string(value: str) -> str:
    """An SQL string literal holding ``value``."""
    return "'" + value.replace("'", "''") + "'"


def _double(value: float) -> str:
    """An SQL double literal that reads back as exactly ``value`` (NULL for NA)."""
    if np.isnan(value):
        return "CAST(NULL AS DOUBLE)"
    return f"CAST('{float(value)!r}' AS DOUBLE)"
