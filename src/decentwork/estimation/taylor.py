"""Taylor-linearisation variance for totals, means and ratios in domains.

Follows R ``survey``'s ``svyrecvar`` (one stage, with-replacement or with FPC): for each
stratum h with n_h PSUs and PSU scores z_hi,
``v_h = f_h * n_h / (n_h - 1) * sum_i (z_hi - mean_h z)^2``, where PSUs of the stratum that
have no member of the domain count with a zero score (domains keep the full design).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from decentwork.estimation.design import Design
from decentwork.estimation.domains import Groups, relabel
from decentwork.estimation.errors import EstimationError

CERTAINTY = 1e-7  # R: a stratum whose f_h is below this is self-representing


@dataclass(frozen=True)
class TaylorFrame:
    """Design facts read off the cell table: stratum and PSU of each cell, n_h and f_h."""

    design: Design
    stratum: np.ndarray  # stratum code of each cell
    psu: np.ndarray | None  # PSU code of each cell (None: every record is its own PSU)
    psu_stratum: np.ndarray | None  # stratum code of each PSU
    n_h: np.ndarray  # PSUs (or records) per stratum in the full design
    f_h: np.ndarray  # finite population correction factor per stratum
    stratum_labels: pd.Index

    @property
    def n_strata(self) -> int:
        return len(self.n_h)

    @classmethod
    def from_cells(cls, design: Design, cells: pd.DataFrame) -> TaylorFrame:
        if design.strata:
            stratum, labels = pd.factorize(cells[design.strata], sort=True)
        else:
            stratum, labels = np.zeros(len(cells), dtype=np.int64), pd.Index(["(all)"])
        stratum = stratum.astype(np.int64)
        psu = psu_stratum = None
        if design.psu:
            labels_psu, psu_levels = pd.factorize(cells[design.psu], sort=True)
            pairs = stratum * len(psu_levels) + labels_psu
            unique, psu = relabel(pairs, len(labels) * len(psu_levels))
            psu_stratum = unique // len(psu_levels)
            if not design.nest and design.strata:
                _check_nested(design, unique % len(psu_levels), psu_stratum, psu_levels, labels)
            n_h = np.bincount(psu_stratum, minlength=len(labels))
        else:
            n_h = np.bincount(stratum, weights=cells["__records"], minlength=len(labels))
            n_h = n_h.astype(np.int64)
        f_h = _fpc_factor(design, cells, stratum, n_h, labels)
        lonely = np.flatnonzero(n_h == 1)
        if len(lonely) and design.lonely_psu == "fail":
            names = ", ".join(str(labels[h]) for h in lonely[:10])
            raise EstimationError(
                f"stratum {names} has only one PSU ({len(lonely)} such stratum/strata); choose "
                "lonely_psu='remove', 'certainty', 'adjust' or 'average' (R: "
                "options(survey.lonely.psu=...))"
            )
        return cls(design, stratum, psu, psu_stratum, n_h, f_h, pd.Index(labels))

    @property
    def unit_of_cell(self) -> np.ndarray:
        """The variance unit of each cell: its PSU, or its stratum when records are PSUs."""
        return self.stratum if self.psu is None else self.psu

    @property
    def n_units(self) -> int:
        return self.n_strata if self.psu_stratum is None else len(self.psu_stratum)

    def variance(
        self,
        groups: Groups,
        n_domains: int,
        s1: np.ndarray,
        s2: np.ndarray,
        present: np.ndarray,
        magnitude: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Variance, design degrees of freedom and a precision warning for each domain.

        Per (unit, domain) group: ``s1`` the sum of the scores, ``s2`` the sum of squared PSU
        scores, ``present`` the number of PSUs with a record entering the statistic. With PSUs,
        the scores are centred at their stratum mean before squaring, as R does. When records
        are the PSUs, the centred sum comes from moments, ``s2 - s1^2 / n``; ``magnitude`` is
        the sum of the absolute terms behind ``s2``, and a domain whose variance is below 1e-7
        of it is flagged: its digits were lost to cancellation.
        """
        size = self.n_strata * n_domains
        key = self._stratum_domain(groups, n_domains)
        shape = (self.n_strata, n_domains)
        first = np.bincount(key, weights=s1, minlength=size).reshape(shape)
        second = np.bincount(key, weights=s2, minlength=size).reshape(shape)
        present = np.bincount(key, weights=present, minlength=size).reshape(shape)
        n = self.n_h[:, None].astype(float)
        if self.psu is None:
            centred = second - first * first / n
        else:
            mean = first / n
            deviation = s1 - mean.ravel()[key]
            spread = np.bincount(key, weights=deviation * deviation, minlength=size)
            absent = n - np.bincount(key, minlength=size).reshape(shape)
            centred = spread.reshape(shape) + absent * mean * mean
        scale = None
        if magnitude is not None:
            scale = np.bincount(key, weights=magnitude, minlength=size).reshape(shape)
        variance, unstable = self.combine(centred, second, present > 0, scale)
        return variance, _degrees_of_freedom(present), unstable

    def combine(
        self,
        centred: np.ndarray,
        second: np.ndarray,
        strata_in: np.ndarray,
        scale: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Variance and precision warning per domain from (stratum x domain) arrays.

        ``centred`` is the sum of squared PSU scores centred at their stratum mean,
        ``second`` the sum of squared PSU scores (a lonely PSU's, for ``adjust``),
        ``strata_in`` which strata the domain's variance runs over and ``scale`` the sum of
        the absolute terms behind ``centred`` when it came from moments (R: ``onestage``).
        """
        n = self.n_h[:, None].astype(float)
        f = self.f_h[:, None]
        shape = centred.shape
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = np.where(n > 1, f * n / (n - 1), f)
        lonely = {"adjust": second, "average": np.full(shape, np.nan)}.get(
            self.design.lonely_psu, np.zeros(shape)
        )
        certain = f < CERTAINTY
        contribution = np.where(n > 1, factor * centred, factor * lonely)
        contribution = np.where(certain | ~strata_in, 0.0, contribution)
        variance = np.nansum(contribution, axis=0)
        if self.design.lonely_psu == "average":
            kept = (strata_in & ((n > 1) | certain)).sum(axis=0)
            with np.errstate(divide="ignore", invalid="ignore"):
                variance = variance * strata_in.sum(axis=0) / kept
        unstable = np.zeros(shape[1], dtype=bool)
        if scale is not None:
            bound = np.where(certain | ~strata_in, 0.0, factor * scale).sum(axis=0)
            unstable = variance < 1e-7 * bound
        return np.maximum(variance, 0.0), unstable

    def degrees_of_freedom(self, groups: Groups, n_domains: int, present: np.ndarray) -> np.ndarray:
        """R's ``degf`` of each domain's subset: PSUs with ``present`` records minus strata.

        ``present`` is, per (unit, domain) group, the number of PSUs with a record in the
        subset (as in :meth:`variance`).
        """
        key = self._stratum_domain(groups, n_domains)
        counts = np.bincount(key, weights=present, minlength=self.n_strata * n_domains)
        return _degrees_of_freedom(counts.reshape(self.n_strata, n_domains))

    def _stratum_domain(self, groups: Groups, n_domains: int) -> np.ndarray:
        """The (stratum, domain) key of each group."""
        stratum = groups.unit if self.psu_stratum is None else self.psu_stratum[groups.unit]
        return stratum * n_domains + groups.domain


def _degrees_of_freedom(present: np.ndarray) -> np.ndarray:
    """PSUs present minus strata present, per domain, from a (stratum x domain) count."""
    return (present.sum(axis=0) - (present > 0).sum(axis=0)).astype(float)


def _check_nested(
    design: Design,
    psu_codes: np.ndarray,
    psu_stratum: np.ndarray,
    psu_levels: pd.Index,
    labels: pd.Index,
) -> None:
    counts = np.bincount(psu_codes, minlength=len(psu_levels))
    repeated = np.flatnonzero(counts > 1)
    if len(repeated):
        code = repeated[0]
        strata = sorted(str(labels[h]) for h in psu_stratum[psu_codes == code])
        raise EstimationError(
            f"PSU {psu_levels[code]} of column {design.psu!r} appears in strata "
            f"{', '.join(strata)}: PSU labels are reused across strata; pass nest=True if they "
            "are numbered within strata"
        )


def _fpc_factor(
    design: Design,
    cells: pd.DataFrame,
    stratum: np.ndarray,
    n_h: np.ndarray,
    labels: pd.Index,
) -> np.ndarray:
    if not design.fpc:
        return np.ones(len(n_h))
    low = pd.Series(cells["__fpc_min"].to_numpy()).groupby(stratum).min().to_numpy()
    high = pd.Series(cells["__fpc_max"].to_numpy()).groupby(stratum).max().to_numpy()
    varying = np.flatnonzero(~np.isclose(low, high, rtol=1e-12, atol=0))
    if len(varying):
        h = varying[0]
        raise EstimationError(
            f"fpc column {design.fpc!r} varies within stratum {labels[h]} "
            f"({low[h]} to {high[h]}); it must be constant within a stratum"
        )
    if np.isnan(low).any() or np.isnan(high).any():
        raise EstimationError(f"design column {design.fpc!r} has missing (NaN) values")
    if (low <= 0).any():
        raise EstimationError(f"fpc column {design.fpc!r} has values <= 0")
    if (high == 1).all():
        raise EstimationError(
            f"fpc column {design.fpc!r} is 1 everywhere: give population sizes (> 1) or "
            "sampling fractions (< 1)"
        )
    if (high <= 1).all():
        return 1.0 - high  # sampling fractions
    if (low < 1).any():
        raise EstimationError(
            f"fpc column {design.fpc!r} mixes sampling fractions (<= 1) and population sizes "
            "(> 1); give one or the other"
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        too_small = np.flatnonzero(high < n_h)
        if len(too_small):
            h = too_small[0]
            raise EstimationError(
                f"fpc column {design.fpc!r}: stratum {labels[h]} has population size "
                f"{high[h]} but {n_h[h]} sampled PSUs (more than 100% sampling)"
            )
        return np.where(np.isinf(high), 1.0, (high - n_h) / high)
