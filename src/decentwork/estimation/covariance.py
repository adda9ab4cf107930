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


MAX_ESTIMATES = 5_000
"""Most estimates a covariance matrix is made for: 25 million values (200 MB), several times
that while it is computed. :meth:`Scored.pairs` has no such limit."""


@dataclass(frozen=True)
class Scored:
    """The scores or replicate estimates of all estimates of one call, in the table's order,
    from which any of their covariances follow."""

    design: Design
    frame: TaylorFrame | None  # None: replicate weights
    pieces: Sequence[Scores]

    @property
    def estimate(self) -> np.ndarray:
        return np.concatenate([p.estimate for p in self.pieces])

    def matrix(self) -> np.ndarray:
        """The covariance matrix of all the estimates.

        An estimate that is NA (a zero denominator), or whose SE is NA (an infinite
        replicate), has NA covariances. More than :data:`MAX_ESTIMATES` estimates are refused.
        """
        size = len(self.estimate)
        if size > MAX_ESTIMATES:
            raise EstimationError(
                f"the covariance matrix of {size} estimates would hold {size * size:,} values "
                f"({size * size * 8 / 1e9:.1f} GB): ask for at most {MAX_ESTIMATES} estimates "
                "(the statistics and grouping sets the contrasts need), or for changes only "
                "(estimate_change)",
                parameter="covariance",
                given=f"{size} estimates",
                expected=f"at most {MAX_ESTIMATES}",
            )
        if self.frame is None:
            result = self._replicate_pairs(None, None)
        else:
            result = self._taylor_matrix(self.frame)
        result = (result + result.T) / 2  # exactly symmetric, whatever the products' rounding
        bad = self._undefined()
        result[bad, :] = np.nan
        result[:, bad] = np.nan
        return np.asarray(result)

    def pairs(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        """The covariances of the estimates at positions ``first`` and ``second``, pair by
        pair, without the whole matrix (NA where either estimate has NA covariances)."""
        if self.frame is None:
            result = self._replicate_pairs(first, second)
        else:
            result = self._taylor_pairs(self.frame, first, second)
        bad = self._undefined()
        return np.where(bad[first] | bad[second], np.nan, result)

    def _undefined(self) -> np.ndarray:
        """Estimates whose covariances are NA: NA estimates, infinite replicates."""
        bad = np.isnan(self.estimate)
        if self.frame is None:
            theta = np.vstack([p.replicates for p in self.pieces if p.replicates is not None])
            bad |= np.isinf(theta).any(axis=1)
        return bad

    def _taylor_scores(self, frame: TaylorFrame) -> tuple[sparse.csr_matrix, np.ndarray]:
        """PSU x estimate scores (0 for NA estimates) and each stratum's factor.

        R: ``svyrecvar(cbind(<influence functions>), clusters, strata, fpc)``, as used by
        ``svyby(..., covmat=TRUE)`` on a ``svydesign``. A stratum with one PSU contributes
        nothing (``lonely_psu="remove"`` or ``"certainty"``) or ``f_h z z'`` uncentred
        (``"adjust"``), as R's ``onestrat``; ``"average"`` rescales each domain's variance by
        its own strata, which no covariance does, and is refused when a stratum has one PSU.
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
        missing = np.isnan(self.estimate)
        units, columns, values = [], [], []
        offset = 0
        for piece in self.pieces:
            assert piece.unit is not None and piece.domain is not None
            assert piece.scores is not None
            units.append(piece.unit)
            columns.append(piece.domain + offset)
            values.append(piece.scores)
            offset += len(piece.estimate)
        column = np.concatenate(columns)
        value = np.where(missing[column], 0.0, np.concatenate(values))
        shape = (len(frame.psu_stratum), len(missing))
        scores = sparse.csr_matrix((value, (np.concatenate(units), column)), shape=shape)
        adjust = lonely & (frame.design.lonely_psu == "adjust")
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = np.where(lonely, np.where(adjust, frame.f_h, 0.0), frame.f_h * n_h / (n_h - 1))
        return scores, np.where(frame.f_h < CERTAINTY, 0.0, factor)

    @staticmethod
    def _stratum_means(frame: TaylorFrame, scores: sparse.spmatrix) -> np.ndarray:
        """Stratum x estimate means of the PSU scores (0 where a lonely PSU is not centred)."""
        assert frame.psu_stratum is not None
        n_units = len(frame.psu_stratum)
        members = sparse.csr_matrix(
            (np.ones(n_units), (frame.psu_stratum, np.arange(n_units))),
            shape=(frame.n_strata, n_units),
        )
        means = np.asarray((members @ scores).todense()) / frame.n_h[:, None]
        means[(frame.n_h == 1) & (frame.design.lonely_psu == "adjust")] = 0.0
        return means

    def _taylor_matrix(self, frame: TaylorFrame) -> np.ndarray:
        """``sum_h f_h n_h/(n_h-1) sum_i (z_hi - zbar_h)(z_hi - zbar_h)'``, the scores centred
        before their products (as R does), in blocks of at most :data:`CHUNK_VALUES`."""
        scores, factor = self._taylor_scores(frame)
        means = self._stratum_means(frame, scores)
        stratum = frame.psu_stratum
        assert stratum is not None
        n_units, size = scores.shape
        result = np.zeros((size, size))
        step = max(1, CHUNK_VALUES // max(size, 1))
        for start in range(0, n_units, step):
            rows = slice(start, start + step)
            block = scores[rows].toarray() - means[stratum[rows]]
            result += (block * factor[stratum[rows], None]).T @ block
        return result

    def _taylor_pairs(
        self, frame: TaylorFrame, first: np.ndarray, second: np.ndarray
    ) -> np.ndarray:
        """The same sums for pairs: ``sum_i f z_a z_b - sum_h f_h n_h zbar_a,h zbar_b,h``."""
        scores, factor = self._taylor_scores(frame)
        stratum = frame.psu_stratum
        assert stratum is not None
        columns = scores.tocsc()
        a, b = columns[:, first], columns[:, second]
        weighted = sparse.diags(factor[stratum]) @ a
        cross = np.asarray(weighted.multiply(b).sum(axis=0)).ravel()
        mean_a, mean_b = self._stratum_means(frame, a), self._stratum_means(frame, b)
        return cross - ((factor * frame.n_h)[:, None] * mean_a * mean_b).sum(axis=0)

    def _replicate_pairs(self, first: np.ndarray | None, second: np.ndarray | None) -> np.ndarray:
        """R: ``svrVar(<replicate estimates side by side>, scale, rscales, mse=, coef=)``, as
        used by ``svyby(..., covmat=TRUE)`` on a ``svrepdesign``: the whole matrix (no
        positions) or the pairs ``first``, ``second``.

        A replicate that gives 0/0 for an estimate is left out of that estimate's products
        only (R's ``svrVar`` drops it for every estimate of the call, so there R's covariance
        diagonal and its SEs differ; here the diagonal is each estimate's variance).
        """
        theta = np.vstack([p.replicates for p in self.pieces if p.replicates is not None])
        deviations, _ = replicate_deviations(self.design, self.estimate, theta)
        deviations = np.nan_to_num(deviations, nan=0.0)
        scale = self.design.replicate_scale(theta.shape[1])
        weighted = deviations * self.design.replicate_rscales(theta.shape[1])
        if first is None or second is None:
            return np.asarray(scale * weighted @ deviations.T)
        return np.asarray(scale * (weighted[first] * deviations[second]).sum(axis=1))


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
        """The by-variables of the table."""
        return by_columns(self.table)

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


def by_columns(table: pd.DataFrame) -> list[str]:
    """The by-variables of an estimates table (its columns between ``kind`` and
    ``estimate``)."""
    columns = list(table.columns)
    return columns[columns.index("kind") + 1 : columns.index("estimate")]


def same_value(values: pd.Series, value: Any) -> np.ndarray:
    """Where a by-variable's ``values`` equal ``value`` (as given, or as text: ``2`` and
    ``"2"`` name the same domain)."""
    return np.array(
        [v is not None and v == v and (v == value or str(v) == str(value)) for v in values],
        dtype=bool,
    )
