"""``estimate``: totals, means and ratios for every domain of every grouping set, in one pass."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any, Literal

import duckdb
import numpy as np
import pandas as pd
from scipy.special import logit

from decentwork.estimation.calibrated import (
    FineScores,
    calibrate_table,
    calibrated_variance,
    fine_domains,
)
from decentwork.estimation.calibration import JOINT, Calibrated
from decentwork.estimation.cells import CellPlan, Statistic, aggregate, gram_prefix
from decentwork.estimation.contrasts import change_table
from decentwork.estimation.covariance import Estimates, Scored, Scores
from decentwork.estimation.design import Design
from decentwork.estimation.design_effect import design_effect
from decentwork.estimation.domains import Cube, Groups
from decentwork.estimation.engine import DuckDBTable, Engine, Table, open_table
from decentwork.estimation.errors import EmptyData, EstimationError
from decentwork.estimation.intervals import (
    CI,
    IntervalMethod,
    beta_interval,
    check_interval,
    check_method,
    coefficient_of_variation,
    interval,
    logit_interval,
)
from decentwork.estimation.quantiles import INDICATOR, QuantilePlan, check_quantiles
from decentwork.estimation.replication import replicate_df, replicate_variance
from decentwork.estimation.taylor import TaylorFrame

RECORD = "__record"  # the PSU column when each record is kept as its own PSU
CAL_SUMS = ("__w", "__ww")  # the calibrated design's weight sums per cell
_SCORED: ContextVar[list[Scored | None] | None] = ContextVar("scored", default=None)
"""Set by :func:`estimate_covariance` and :func:`estimate_change` for the :func:`estimate`
they call: the list that receives the scores of its estimates, from which their covariances
follow (None: no scores are kept)."""

RESULT_COLUMNS = (
    "estimate",
    "se",
    "lower",
    "upper",
    "cv",
    "df",
    "n",
    "numerator_total",
    "denominator_total",
    "interval",
    "deff",
    "n_effective",
)


def estimate(
    data: Any,
    design: Design,
    *,
    ratios: Mapping[str, tuple[str, str]] | None = None,
    totals: Iterable[str] = (),
    means: Iterable[str] = (),
    quantiles: Mapping[str, tuple[str, float]] | None = None,
    by: Sequence[Sequence[str] | str] = ((),),
    ci: CI = "normal",
    level: float = 0.95,
    missing: Literal["error", "drop"] = "error",
    interval: IntervalMethod = "wald",
    deff: bool = False,
    engine: Engine | None = None,
    spark: Any = None,
) -> pd.DataFrame:
    """Estimate ratios, totals, means and quantiles with design-based standard errors in many
    domains.

    The microdata are read once, by one SQL aggregate, into sums per (stratum, PSU, finest
    cell); every domain of every grouping set in ``by`` is computed from that small table.
    Quantiles add a pass of their own over the records (DuckDB only; see
    :mod:`decentwork.estimation.quantiles`).

    Args:
        data: a CSV or Parquet path, a DuckDB relation, a pandas or Polars DataFrame, an
            Arrow table, or a PySpark DataFrame (which runs the pass on Spark).
        design: the survey design.
        ratios: name -> (numerator column, denominator column).
        totals: columns to total.
        means: columns to average.
        quantiles: name -> (column, probability in (0, 1)): the quantile with Woodruff bounds
            and SE (R: ``svyquantile`` with its defaults, ``qrule="math"``,
            ``interval.type="mean"``); rows of kind ``"quantile"``, ``interval`` ``"woodruff"``.
        by: grouping sets; ``()`` is the whole population, ``("sex", "region")`` every
            combination of the two. A bare string is a one-variable grouping set.
        ci: ``"normal"`` (R's default) or ``"t"`` with the design degrees of freedom.
        level: confidence level of the interval.
        missing: ``"error"`` refuses missing values in analysis and by-variables; ``"drop"``
            leaves a record out of each statistic with a missing variable (R: ``na.rm=TRUE``)
            and out of the domains of a grouping set whose variable it lacks.
        interval: the bounds of ratios and means: ``"wald"`` (estimate -/+ q se),
            ``"logit"`` or ``"beta"`` for proportions (ratios and means of 0/1 variables, R's
            ``svyciprop(method=)``; an estimate outside [0, 1] is refused). Totals always
            get Wald bounds, the lower one at 0 when the variable is never negative.
        deff: also give each estimate's design effect against simple random sampling
            without replacement and its effective sample size (R: ``deff=TRUE``; see
            :mod:`decentwork.estimation.design_effect`).
        engine: where the one pass runs: ``"duckdb"`` or ``"spark"``; None picks Spark for
            a PySpark DataFrame (or with ``spark=``) and DuckDB otherwise. Everything after
            the pass is the same code on both (:mod:`decentwork.estimation.engine`).
        spark: the Spark session that reads a path or pandas DataFrame on Spark (default:
            the active session; none is ever started here).

    Returns:
        One row per (statistic, grouping set, domain): ``statistic``, ``kind``, one column per
        by-variable (null where not in the grouping set), ``estimate``, ``se``, ``lower``,
        ``upper``, ``cv`` (se / |estimate|), ``df``, ``n`` (records in the domain entering the
        statistic), ``numerator_total`` and ``denominator_total`` (ratios only) and
        ``interval`` (the method of the bounds), ``deff`` and ``n_effective`` (NA unless
        ``deff=True``). A domain whose denominator total is zero gets
        NA estimate and SE.
    """
    statistics = _statistics(ratios, totals, means, allow_none=bool(quantiles))
    wanted = check_quantiles(quantiles, (s.name for s in statistics))
    groupings = groupings_of(by)
    if missing not in ("error", "drop"):
        raise EstimationError(
            f"missing={missing!r} must be 'error' or 'drop'",
            parameter="missing",
            given=missing,
            expected="'error' or 'drop'",
        )
    check_interval(ci, level)
    check_method(interval)
    if not isinstance(deff, bool):
        raise EstimationError(
            f"deff={deff!r} must be True or False",
            parameter="deff",
            given=repr(deff),
            expected="True or False",
        )
    if deff and design.calibration is not None:
        raise EstimationError(
            "deff=True is not available for a calibrated design",
            parameter="deff",
            given=True,
            expected="deff=False with calibration",
        )
    scored = _SCORED.get()
    if scored is not None and design.calibration is not None:
        raise EstimationError(
            "covariances are not computed for a calibrated design yet (its variance comes "
            "from calibration residuals per cell, not from scores per PSU): leave out "
            "calibration, or compute each estimate's SE with estimate",
            parameter="calibration",
            expected="no calibration with covariances or changes",
        )
    if wanted and scored is not None:
        raise EstimationError(
            "covariances with quantiles are not computed (their SEs come from Woodruff's "
            "interval, not from scores): leave quantiles out",
            parameter="quantiles",
            expected="no quantiles with covariances or changes",
        )
    with open_table(data, engine, spark) as table:
        quantile_plan = None
        if wanted:
            if table.dialect != "duckdb":
                raise EstimationError(
                    "quantiles read the records themselves and run on the DuckDB engine only: "
                    "give engine='duckdb' (data it can read) or leave quantiles out",
                    parameter="quantiles",
                    given=table.dialect,
                    expected="engine='duckdb'",
                )
            _refuse_reserved([*design.columns(), *(q.variable for q in wanted)])
            _refuse_reserved(c for g in groupings for c in g)
            quantile_plan = QuantilePlan(wanted, groupings)
            quantile_plan.read(table, design, missing)
            table = DuckDBTable(table.derive(quantile_plan.indicator_sql(table)))
        result, scores = _estimate_on(
            table,
            design,
            statistics,
            groupings,
            ci,
            level,
            missing,
            interval,
            deff,
            scored is not None,
            quantile_plan.statistics if quantile_plan else (),
        )
        if quantile_plan is not None:
            result = quantile_plan.finish(result, ci, level)
    if scored is not None:
        scored.append(scores)
    return result


def estimate_covariance(data: Any, design: Design, **options: Any) -> Estimates:
    """The estimates of :func:`estimate` with the covariance matrix of all of them.

    Takes :func:`estimate`'s arguments. R: ``vcov(svyby(..., covmat=TRUE))`` for the domains
    of one grouping set and statistic, ``vcov(svytotal(~a + b))`` and
    ``vcov(svyratio(~a + b, ~x, covmat=TRUE))`` for several statistics in one domain, and
    ``svyrecvar`` (Taylor) or ``svrVar`` (replicates) of all influence functions or replicate
    estimates side by side across statistics, domains and grouping sets. Estimates that share
    PSUs (two months of one design, women and the whole population) covary; the diagonal is
    each estimate's squared SE. When records are the PSUs, the data are read keeping each
    record as its own PSU (the cross-products of two statistics are not in the one-pass
    moments). See :mod:`decentwork.estimation.contrasts` for contrasts and changes.
    """
    result, scored = estimate_scores(data, design, **options)
    return Estimates(result, scored.matrix())


def estimate_change(
    data: Any, design: Design, *, period: str, lag: int = 1, **options: Any
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The estimates of :func:`estimate` and the change of each since ``lag`` periods
    earlier, with its SE, without the whole covariance matrix (any number of estimates).

    Takes :func:`estimate`'s arguments; ``period`` must be a by-variable (periods in one
    design, so that PSUs shared by two periods give their covariance). The changes are
    :func:`~decentwork.estimation.contrasts.change`'s, at the ``level`` of the estimates,
    each SE from ``se_a^2 + se_b^2 - 2 C_ab`` with only the covariances of the pairs computed.
    R: ``svycontrast(svyby(~y, ~period + ..., covmat=TRUE), <later - earlier>)``.

    Returns:
        The estimates (:func:`estimate`'s table) and their changes.
    """
    groupings = groupings_of(options.get("by", ((),)))
    if not any(period in grouping for grouping in groupings):
        raise EstimationError(
            f"period={period!r} is in no grouping set of by: add it to those whose change is "
            "wanted",
            parameter="period",
            given=repr(period),
            expected="a variable of a grouping set",
        )
    result, scored = estimate_scores(data, design, **options)
    changes = change_table(result, period, lag, scored.pairs, options.get("level", 0.95))
    return result, changes


def estimate_scores(data: Any, design: Design, **options: Any) -> tuple[pd.DataFrame, Scored]:
    """:func:`estimate` (with its arguments) and the scores of its estimates, from which any
    of their covariances follow (:meth:`Scored.matrix`, :meth:`Scored.pairs`).

    :func:`estimate_covariance` and :func:`estimate_change` build on it; a caller that decides
    from the estimates which covariances it needs (changes only when the data hold several
    periods) starts here.
    """
    kept: list[Scored | None] = []
    token = _SCORED.set(kept)
    try:
        result = estimate(data, design, **options)
    finally:
        _SCORED.reset(token)
    (scored,) = kept
    assert scored is not None
    return result, scored


def _estimate_on(
    table: Table,
    design: Design,
    statistics: tuple[Statistic, ...],
    groupings: list[tuple[str, ...]],
    ci: CI,
    level: float,
    missing: Literal["error", "drop"],
    interval: IntervalMethod,
    deff: bool,
    covariance: bool,
    internal: tuple[Statistic, ...] = (),
) -> tuple[pd.DataFrame, Scored | None]:
    """:func:`estimate` on an open table (its arguments checked), with the scores of the
    estimates if ``covariance``, and the ``internal`` statistics (the quantiles' indicator
    means) after the requested ones."""
    columns = [c for c in table.columns if not c.startswith(INDICATOR)]
    replicates = tuple(design.replicate_columns(columns))
    _refuse_reserved(
        [
            *design.columns(),
            *replicates,
            *(v for s in statistics for v in s.variables),
            *(c for g in groupings for c in g),
        ]
    )
    options = (groupings, ci, level, interval, covariance)
    plan = CellPlan(
        design=design,
        statistics=statistics + internal,
        by_columns=tuple(dict.fromkeys(c for g in groupings for c in g)),
        replicate_columns=replicates,
        moments=not design.is_replicate and design.psu is None,
        gram=design.is_replicate and (ci == "t" or interval == "beta"),
        missing=missing,
        deff=deff,
    )
    if covariance and plan.moments:  # the moments hold no cross-products of two statistics
        return _by_record(plan, table, options)
    result = _estimate(plan, table, *options)
    if result is None:
        # Records are the PSUs and the moments lost precision: keep every record as a unit.
        try:
            return _by_record(plan, table, options)
        except (EmptyData, duckdb.InvalidInputException):
            raise EstimationError(
                "a variable's spread is too small next to its mean for the one-pass moments; "
                "the exact method reads the data a second time, which a one-shot stream "
                "cannot give: pass a table, a DataFrame or a file"
            ) from None
    return result


def _by_record(
    plan: CellPlan, table: Table, options: tuple[Any, ...]
) -> tuple[pd.DataFrame, Scored | None]:
    """The estimates of a design whose records are the PSUs, each record numbered as a PSU
    (exact, where the one-pass moments are not)."""
    exact = replace(plan, design=replace(plan.design, psu=RECORD), moments=False)
    result = _estimate(exact, table.numbered(RECORD), *options)
    assert result is not None
    return result


def _estimate(
    plan: CellPlan,
    table: Table,
    groupings: list[tuple[str, ...]],
    ci: CI,
    level: float,
    method: IntervalMethod,
    covariance: bool,
) -> tuple[pd.DataFrame, Scored | None] | None:
    """The estimates of ``plan`` and, if ``covariance``, their scores; None when moments lost
    precision (records as PSUs)."""
    cells = aggregate(plan, table)
    calibrated = None  # the calibration the Taylor variance needs (replicates carry theirs)
    if plan.calibrated:
        cells, calibration = calibrate_table(plan, cells)
        calibrated = None if plan.design.is_replicate else calibration
    frame = None if plan.design.is_replicate else TaylorFrame.from_cells(plan.design, cells)
    if frame is None:  # replicate designs: the whole sample is the one unit
        unit_of_cell, n_units = np.zeros(len(cells), np.int64), 1
    else:
        unit_of_cell, n_units = frame.unit_of_cell, frame.n_units
    sum_columns = [c for c in cells.columns if c.startswith(("__s", "__g")) or c in CAL_SUMS]
    by_columns = (*plan.by_columns, JOINT) if calibrated else plan.by_columns
    cube = Cube(cells, by_columns, unit_of_cell, n_units, sum_columns)
    units = cube.groups((JOINT,)) if calibrated else None
    pieces: dict[tuple[int, int], dict[str, np.ndarray]] = {}
    scores: dict[tuple[int, int], Scores] = {}
    finest_first = sorted(range(len(groupings)), key=lambda k: -len(groupings[k]))
    for k in finest_first:
        groups = cube.groups(groupings[k])
        fine = None
        if calibrated is not None and units is not None:
            fine_groups = cube.groups((*groupings[k], JOINT))
            domain = fine_domains(fine_groups, groupings[k], cube.sizes)
            fine = Fine(calibrated, units, fine_groups, domain)
        rep_dfs: dict[str, np.ndarray] = {}  # statistics share their df unless missing="drop"
        for i, stat in enumerate(plan.statistics):
            if stat.grouping is not None and stat.grouping != groupings[k]:
                continue
            rep_df = None
            if plan.gram:
                prefix = gram_prefix(plan, i)
                if prefix not in rep_dfs:
                    rep_dfs[prefix] = replicate_df(groups, i, plan)
                rep_df = rep_dfs[prefix]
            proportion = method if stat.kind != "total" else None
            columns = _domain_statistic(i, stat, groups, frame, plan, rep_df, proportion, fine)
            if columns.pop("unstable").any():
                return None
            if covariance:
                scores[k, i] = _scores(columns, groups, frame)
            nonnegative = stat.kind == "total" and bool(cells[f"__min{i}"].min() >= 0)
            columns.update(_bounds(stat, columns, ci, level, method, nonnegative))
            columns["cv"] = coefficient_of_variation(columns["estimate"], columns["se"])
            columns["statistic"] = np.full(groups.count, stat.name, dtype=object)
            columns["kind"] = np.full(groups.count, stat.kind, dtype=object)
            columns.update(groups.labels)
            pieces[k, i] = columns
    ordered = [pieces[key] for key in sorted(pieces)]
    result = pd.DataFrame(
        {
            name: np.concatenate([_column(piece, name) for piece in ordered])
            for name in ("statistic", "kind", *plan.by_columns, *RESULT_COLUMNS)
        }
    )
    result["n"] = result["n"].astype(np.int64)
    if not covariance:
        return result, None
    return result, Scored(plan.design, frame, [scores[key] for key in sorted(scores)])


def _scores(columns: dict[str, np.ndarray], groups: Groups, frame: TaylorFrame | None) -> Scores:
    """What the covariances of one statistic's domains need, from its computed columns."""
    if frame is None:
        return Scores(columns["estimate"], replicates=columns["replicates"])
    return Scores(columns["estimate"], groups.unit, groups.domain, columns["scores"])


def _bounds(
    stat: Statistic,
    columns: dict[str, np.ndarray],
    ci: CI,
    level: float,
    method: IntervalMethod,
    nonnegative: bool,
) -> dict[str, np.ndarray]:
    """``lower``, ``upper`` and ``interval`` of one statistic's domains."""
    estimate, se, df = columns["estimate"], columns["se"], columns["df"]
    if stat.kind == "total":
        lower, upper = interval(estimate, se, df, ci, level)
        if nonnegative:
            lower = np.maximum(lower, 0.0)
        method = "wald"
    elif method == "wald":
        lower, upper = interval(estimate, se, df, ci, level)
    else:
        outside = (estimate < 0) | (estimate > 1)
        if outside.any():
            raise EstimationError(
                f"interval={method!r} is for proportions, but {stat.kind} {stat.name!r} has "
                f"the estimate {estimate[outside][0]!r} in a domain: give 0/1 variables (for a "
                "ratio, a numerator within the denominator) or interval='wald'",
                parameter="interval",
                given=method,
                expected="estimates between 0 and 1",
            )
        df = columns.pop("proportion_df")
        if method == "logit":
            lower, upper = logit_interval(estimate, columns.pop("logit_se"), df, ci, level)
        else:
            lower, upper = beta_interval(estimate, se, df, columns["n"], level)
    return {
        "lower": lower,
        "upper": upper,
        "interval": np.full(len(estimate), method, dtype=object),
    }


def _refuse_reserved(columns: Iterable[str]) -> None:
    for column in columns:
        if column.startswith("__"):
            raise EstimationError(f"column {column!r}: names starting with '__' are reserved")


def _column(piece: dict[str, np.ndarray], name: str) -> np.ndarray:
    """A result column of one piece: NA (None for by-variables) where the piece lacks it."""
    if name in piece:
        return piece[name]
    size = len(piece["estimate"])
    return np.full(size, np.nan) if name in RESULT_COLUMNS else np.full(size, None, dtype=object)


@dataclass(frozen=True)
class Fine:
    """A calibrated design's groups for one grouping set: the calibration, the (unit, joint
    cell) groups, the (unit, domain, joint cell) groups and each one's domain."""

    calibrated: Calibrated
    units: Groups
    groups: Groups
    domain: np.ndarray

    def scores(
        self, i: int, est: np.ndarray, x_total: np.ndarray | None, moments: bool
    ) -> FineScores:
        """Statistic ``i``'s score sums per fine group (see :class:`FineScores`)."""

        def get(name: str) -> np.ndarray:
            return self.groups.sum(f"__s{i}_{name}")

        ratio = scale = None
        if x_total is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio, scale = est[self.domain], 1.0 / x_total[self.domain]
        score, square, magnitude = _score_sums(get, ratio, scale, moments)
        unweighted = cross = None
        if self.calibrated.calibration.method == "rake":
            unweighted = _linear(get, "uy", "ux", ratio, scale)
        complete = None
        if moments:
            cross = _linear(get, "wwy", "wwx", ratio, scale)
            name = f"__s{i}_ww"
            complete = self.groups.sum(name if name in self.groups.level.sums else "__ww")
        return FineScores(
            self.groups,
            self.domain,
            self.groups.codes(JOINT),
            score,
            unweighted,
            square,
            cross,
            complete,
            magnitude,
        )


def _linear(
    get: Callable[[str], np.ndarray],
    y: str,
    x: str,
    ratio: np.ndarray | None,
    scale: np.ndarray | None,
) -> np.ndarray:
    """The sums ``y`` of a total, or ``(y - R x) / X`` of a ratio or mean."""
    if ratio is None or scale is None:
        return get(y)
    return (get(y) - ratio * get(x)) * scale


def _score_sums(
    get: Callable[[str], np.ndarray],
    ratio: np.ndarray | None,
    scale: np.ndarray | None,
    moments: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Per group: the sum of the scores, the sum of their squares (from moments, or the
    square of the group's sum) and the absolute terms behind the moments (None without).

    Totals: ``z = w y``; ratios and means: ``z = w (y - R x) / X``, with ``ratio`` (R) and
    ``scale`` (1 / X) per group.
    """
    s1 = _linear(get, "y", "x", ratio, scale)
    if not moments:
        return s1, s1 * s1, None
    if ratio is None or scale is None:
        return s1, get("yy"), get("yy")
    yy, xy, xx = get("yy"), get("xy"), get("xx")
    s2 = (yy - 2 * ratio * xy + ratio * ratio * xx) * scale * scale
    magnitude = (yy + 2 * np.abs(ratio * xy) + ratio * ratio * xx) * scale * scale
    return s1, s2, magnitude


def _domain_statistic(
    i: int,
    stat: Statistic,
    groups: Groups,
    frame: TaylorFrame | None,
    plan: CellPlan,
    rep_df: np.ndarray | None,
    proportion: IntervalMethod | None = None,
    fine: Fine | None = None,
) -> dict[str, np.ndarray]:
    """Estimate, SE, df and counts of statistic ``i`` in every domain.

    For a ``proportion`` interval other than Wald, also ``proportion_df`` (R's ``degf`` of the
    domain's records entering the statistic, for a ratio those with a non-zero denominator)
    and, for ``"logit"``, ``logit_se`` (the SE of the logit of the estimate: by replicates of
    the logit for replicate designs, ``se / (p (1 - p))`` by linearisation).
    """
    n_dom = groups.count

    def per_group(name: str) -> np.ndarray:
        return groups.sum(f"__s{i}_{name}")

    def per_domain(values: np.ndarray) -> np.ndarray:
        return np.bincount(groups.domain, weights=values, minlength=n_dom)

    y = per_group("y")
    valid = per_group("nv")
    y_total = per_domain(y)
    counted = per_group("n") if stat.kind == "ratio" else valid
    out: dict[str, np.ndarray] = {"n": per_domain(counted)}
    denominator: tuple[np.ndarray, np.ndarray] | None = None  # per group, per domain
    est = y_total
    if stat.kind != "total":
        x = per_group("x")
        x_total = per_domain(x)
        denominator = (x, x_total)
        with np.errstate(divide="ignore", invalid="ignore"):
            est = np.where(x_total != 0, y_total / x_total, np.nan)
        if stat.kind == "ratio":
            out.update(numerator_total=y_total, denominator_total=x_total)
    out["estimate"] = est
    deff_variance = None  # the variance a design effect compares, when not the estimate's
    if frame is None:
        n_rep = len(plan.replicate_columns)
        theta = y_rep = np.column_stack([per_domain(per_group(f"y_r{r}")) for r in range(n_rep)])
        if denominator is not None:
            x_rep = np.column_stack([per_domain(per_group(f"x_r{r}")) for r in range(n_rep)])
            with np.errstate(divide="ignore", invalid="ignore"):
                theta = theta / x_rep
        variance = replicate_variance(plan.design, est, theta)
        out["replicates"] = theta
        if plan.deff and stat.kind == "ratio":
            # R: deff(svytotal(y - R x)), the replicates of the total at the full-sample R
            zero = np.where(np.isnan(est), np.nan, 0.0)
            with np.errstate(divide="ignore", invalid="ignore"):
                deff_variance = replicate_variance(
                    plan.design, zero, y_rep - est[:, None] * x_rep
                ) / (x_total * x_total)
        out["df"] = rep_df if rep_df is not None else np.full(n_dom, np.nan)
        out["unstable"] = np.zeros(n_dom, dtype=bool)
        if proportion == "logit":
            with np.errstate(divide="ignore", invalid="ignore"):
                logit_variance = replicate_variance(plan.design, logit(est), logit(theta))
            out["logit_se"] = np.sqrt(logit_variance)
        if proportion in ("logit", "beta"):
            out["proportion_df"] = out["df"]
    else:
        present = valid if plan.moments else (valid > 0).astype(float)
        if fine is None:
            ratio = scale = None
            if denominator is not None:
                with np.errstate(divide="ignore", invalid="ignore"):
                    ratio, scale = est[groups.domain], 1.0 / denominator[1][groups.domain]
            s1, s2, magnitude = _score_sums(per_group, ratio, scale, plan.moments)
            out["scores"] = s1
            variance, df, unstable = frame.variance(groups, n_dom, s1, s2, present, magnitude)
        else:
            df = frame.degrees_of_freedom(groups, n_dom, present)
            totals = None if denominator is None else denominator[1]
            scores = fine.scores(i, est, totals, plan.moments)
            variance, unstable = calibrated_variance(
                frame, fine.calibrated, scores, fine.units, n_dom
            )
        out.update(df=df, unstable=unstable)
        if proportion in ("logit", "beta"):
            out["proportion_df"] = df
            if stat.kind == "ratio":
                entering = per_group("n") if plan.moments else (per_group("n") > 0)
                out["proportion_df"] = frame.degrees_of_freedom(groups, n_dom, entering)
    out["se"] = np.where(np.isnan(est), np.nan, np.sqrt(variance))
    if plan.deff:
        ratio = None
        if stat.kind == "ratio":
            ratio = (est, x_total, per_domain(per_group("wxy")), per_domain(per_group("wxx")))
        out.update(
            design_effect(
                stat.kind,
                variance if deff_variance is None else deff_variance,
                per_domain(valid),
                per_domain(per_group("w")),
                (y_total, per_domain(per_group("wyy"))),
                ratio,
            )
        )
    if proportion == "logit" and frame is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            out["logit_se"] = out["se"] / (est * (1 - est))
    return out


def _statistics(
    ratios: Mapping[str, tuple[str, str]] | None,
    totals: Iterable[str],
    means: Iterable[str],
    allow_none: bool = False,
) -> tuple[Statistic, ...]:
    stats: list[Statistic] = []
    for name, pair in (ratios or {}).items():
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise EstimationError(
                f"ratio {name!r}: expected (numerator, denominator) column names, got {pair!r}",
                parameter="ratios",
                given=repr(pair),
                expected="(numerator, denominator)",
            )
        stats.append(Statistic(name, "ratio", *pair))
    if isinstance(totals, str) or isinstance(means, str):
        raise EstimationError(
            "totals and means take a list of column names, not one string",
            parameter="totals" if isinstance(totals, str) else "means",
            expected="a list of column names",
        )
    stats += [Statistic(c, "total", c) for c in totals]
    stats += [Statistic(c, "mean", c) for c in means]
    if not stats and not allow_none:
        raise EstimationError(
            "nothing to estimate: give ratios, totals, means or quantiles", parameter="ratios"
        )
    for stat in stats:
        if not all(isinstance(v, str) and v for v in (stat.name, *stat.variables)):
            raise EstimationError(f"{stat.kind} {stat.name!r}: column names must be strings")
    seen = set()
    for stat in stats:
        if (stat.name, stat.kind) in seen:
            raise EstimationError(f"{stat.kind} {stat.name!r} is requested twice")
        seen.add((stat.name, stat.kind))
    return tuple(stats)


def groupings_of(by: Sequence[Sequence[str] | str]) -> list[tuple[str, ...]]:
    """``by`` checked, as a list of distinct grouping sets (tuples of column names).

    Raises:
        EstimationError: a bare string, an empty list, a set that is not column names or
            repeats one, or a by-variable with the name of a result column
            (``parameter="by"``).
    """
    if isinstance(by, str):
        raise EstimationError(
            f"by={by!r}: give a list of grouping sets, e.g. [(), ({by!r},)]",
            parameter="by",
            given=by,
            expected="a list of grouping sets",
        )
    groupings = []
    for g in by:
        grouping = (g,) if isinstance(g, str) else tuple(g) if isinstance(g, Sequence) else None
        if grouping is None or not all(isinstance(c, str) and c for c in grouping):
            raise EstimationError(
                f"grouping set {g!r}: give a tuple of column names, () for the population",
                parameter="by",
                given=repr(g),
                expected="a tuple of column names",
            )
        groupings.append(grouping)
    if not groupings:
        raise EstimationError(
            "by is empty: give at least one grouping set, () for the population", parameter="by"
        )
    for g in groupings:
        if len(set(g)) != len(g):
            raise EstimationError(
                f"grouping set {g!r} repeats a variable", parameter="by", given=repr(g)
            )
        clash = set(g) & {"statistic", "kind", *RESULT_COLUMNS}
        if clash:
            raise EstimationError(
                f"by-variable {sorted(clash)[0]!r} has the name of a result column; rename it",
                parameter="by",
                given=sorted(clash)[0],
            )
    return list(dict.fromkeys(groupings))
