"""Covariances between the estimates of one call (R: ``svyby(..., covmat=TRUE)``).

The covariance of two estimates is their variance's formula with a cross-product of their
two score vectors:

- Taylor designs (R's ``svyrecvar`` of the influence functions of all estimates side by
  side): ``C_ef = sum_h f_h n_h / (n_h - 1) sum_i (z_e,hi - zbar_e,h)(z_f,hi - zbar_f,h)``
  over the PSUs of the full design, a PSU with no member of a domain scoring 0;
- replicate designs (R's ``svrVar`` of the replicate estimates side by side):
  ``C_ef = scale sum_r rscale_r (t_e,r - c_e)(t_f,r - c_f)``.

The diagonal is the square of each estimate's standard error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from decentwork.estimation.design import Design
from decentwork.estimation.errors import EstimationError
from decentwork.estimation.replication import replicate_deviations
from decentwork.estimation.taylor import CERTAINTY, TaylorFrame

CHUNK_VALUES = 4_000_000  # the most PSU scores made dense at once


@dataclass(frozen=True)
class Scores:
    """One statistic in one grouping set: what the covariances of its domains need.

    Taylor designs give each (unit, domain) group's summed score; replicate designs give
    each domain's replicate estimates (domains x replicates).
    """

    estimate: np.ndarray
    unit: np.ndarray | None = None
    domain: np.ndarray | None = None
    scores: np.ndarray | None = None
    replicates: np.ndarray | None = None


def covariance_matrix(
    design: Design, frame: TaylorFrame | None, pieces: Sequence[Scores]
) -> np.ndarray:
    """The covariance matrix of the estimates of ``pieces``, in their order.

    An estimate that is NA (a zero denominator), or whose SE is NA (an infinite replicate),
    has NA covariances.
    """
    if frame is None:
        return replicate_covariance(design, pieces)
    return taylor_covariance(frame, pieces)


def taylor_covariance(frame: TaylorFrame, pieces: Sequence[Scores]) -> np.ndarray:
    """R: ``svyrecvar(cbind(<influence functions>), clusters, strata, fpc)``, as used by
    ``svyby(..., covmat=TRUE)`` on a ``svydesign``.

    Each PSU's scores are centred at their stratum's mean (PSUs without a member of the domain
    included, with a zero score) before the cross-products, as R does. A stratum with one PSU
    contributes nothing (``lonely_psu="remove"`` or ``"certainty"``) or ``f_h z z'``
    (``"adjust"``); ``"average"`` rescales each domain's variance by its own strata, which no
    single covariance matrix does, and is refused when a stratum has one PSU.
    """
    assert frame.psu_stratum is not None, "records as PSUs take the numbered path"
    n_h = frame.n_h.astype(float)
    lonely = n_h == 1
    if lonely.any() and frame.design.lonely_psu == "average":
        raise EstimationError(
            "covariances cannot follow lonely_psu='average': it rescales each domain's "
            "variance by the strata of that domain, so no one covariance matrix has those "
            "variances; choose lonely_psu='remove', 'certainty' or 'adjust'",
            parameter="covariance",
            given="lonely_psu='average'",
            expected="lonely_psu 'remove', 'certainty' or 'adjust'",
        )
    estimate = np.concatenate([p.estimate for p in pieces])
    missing = np.isnan(estimate)
    units, columns, values = [], [], []
    offset = 0
    for piece in pieces:
        assert piece.unit is not None and piece.domain is not None and piece.scores is not None
        units.append(piece.unit)
        columns.append(piece.domain + offset)
        values.append(piece.scores)
        offset += len(piece.estimate)
    column = np.concatenate(columns)
    value = np.where(missing[column], 0.0, np.concatenate(values))
    n_units, size = len(frame.psu_stratum), len(estimate)
    scores = sparse.csr_matrix((value, (np.concatenate(units), column)), shape=(n_units, size))
    adjust = lonely & (frame.design.lonely_psu == "adjust")  # R: not centred, f_h z z'
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(lonely, np.where(adjust, frame.f_h, 0.0), frame.f_h * n_h / (n_h - 1))
    factor = np.where(frame.f_h < CERTAINTY, 0.0, factor)
    stratum = frame.psu_stratum
    members = sparse.csr_matrix(
        (np.ones(n_units), (stratum, np.arange(n_units))), shape=(frame.n_strata, n_units)
    )
    means = np.asarray((members @ scores).todense()) / n_h[:, None]
    means[adjust] = 0.0
    result = np.zeros((size, size))
    step = max(1, CHUNK_VALUES // max(size, 1))
    for start in range(0, n_units, step):
        rows = slice(start, start + step)
        block = scores[rows].toarray() - means[stratum[rows]]
        result += (block * factor[stratum[rows], None]).T @ block
    result = (result + result.T) / 2  # exactly symmetric, whatever the rounding of the products
    result[missing, :] = np.nan
    result[:, missing] = np.nan
    return result


def replicate_covariance(design: Design, pieces: Sequence[Scores]) -> np.ndarray:
    """R: ``svrVar(<replicate estimates side by side>, scale, rscales, mse=, coef=)``, as used
    by ``svyby(..., covmat=TRUE)`` on a ``svrepdesign``.

    A replicate that gives 0/0 for an estimate is left out of that estimate's products only
    (R's ``svrVar`` drops it for every estimate of the call, so there R's covariance diagonal
    and its SEs differ; here the diagonal is each estimate's variance).
    """
    estimate = np.concatenate([p.estimate for p in pieces])
    theta = np.vstack([p.replicates for p in pieces if p.replicates is not None])
    deviations, infinite = replicate_deviations(design, estimate, theta)
    deviations = np.nan_to_num(deviations, nan=0.0)
    scale = design.replicate_scale(theta.shape[1])
    result = scale * (deviations * design.replicate_rscales(theta.shape[1])) @ deviations.T
    result = (result + result.T) / 2
    bad = np.isnan(estimate) | infinite
    result[bad, :] = np.nan
    result[:, bad] = np.nan
    return np.asarray(result)


@dataclass(frozen=True)
class Estimates:
    """The estimates of one call (:func:`~decentwork.estimation.estimate`'s table) and the
    covariance matrix of all of them, in the table's row order (R: ``svyby(...,
    covmat=TRUE)``; ``coef`` and ``vcov``)."""

    table: pd.DataFrame
    matrix: np.ndarray

    def __post_init__(self) -> None:
        size = len(self.table)
        if np.shape(self.matrix) != (size, size):
            raise EstimationError(
                f"a covariance matrix of shape {np.shape(self.matrix)} for {size} estimates",
                parameter="matrix",
                given=str(np.shape(self.matrix)),
                expected=f"({size}, {size})",
            )

    @property
    def covariance(self) -> pd.DataFrame:
        """The covariance matrix, indexed (rows and columns) like the table's rows."""
        return pd.DataFrame(self.matrix, index=self.table.index, columns=self.table.index)

    @property
    def by_columns(self) -> list[str]:
        """The by-variables of the table (between ``kind`` and ``estimate``)."""
        columns = list(self.table.columns)
        return columns[columns.index("kind") + 1 : columns.index("estimate")]

    def row(self, statistic: str, domain: Mapping[str, Any] | None = None) -> int:
        """The position of the estimate of ``statistic`` in ``domain`` (by-variable -> value;
        by-variables not named are those outside the grouping set; none: the population).

        Raises EstimationError naming the statistic or the domain when no estimate, or more
        than one (the same name as a ratio and a total), matches.
        """
        domain = dict(domain or {})
        table = self.table
        if statistic not in set(table["statistic"]):
            raise EstimationError(
                f"no statistic {statistic!r} among the estimates; they have: "
                f"{', '.join(map(str, dict.fromkeys(table['statistic'])))}",
                parameter="statistic",
                given=statistic,
                expected="a statistic of the estimates",
            )
        unknown = [v for v in domain if v not in self.by_columns]
        if unknown:
            raise EstimationError(
                f"{unknown[0]!r} is not a by-variable of the estimates; they have: "
                f"{', '.join(self.by_columns) or '(none)'}",
                parameter="domain",
                given=unknown[0],
                expected="a by-variable of the estimates",
            )
        mask = (table["statistic"] == statistic).to_numpy(copy=True)
        for column in self.by_columns:
            values = table[column]
            if column in domain:
                mask &= same_value(values, domain[column])
            else:
                mask &= values.isna().to_numpy()
        found = np.flatnonzero(mask)
        if len(found) != 1:
            where = ", ".join(f"{k}={v!r}" for k, v in domain.items()) or "the population"
            raise EstimationError(
                f"{'no' if not len(found) else 'more than one'} estimate of {statistic!r} in "
                f"{where}",
                parameter="domain",
                given=where,
                expected="one domain of one grouping set of the estimates",
            )
        return int(found[0])


def same_value(values: pd.Series, value: Any) -> np.ndarray:
    """Where a by-variable's ``values`` equal ``value`` (as given, or as text: ``2`` and
    ``"2"`` name the same domain)."""
    return np.array(
        [v is not None and v == v and (v == value or str(v) == str(value)) for v in values],
        dtype=bool,
    )
