"""Taylor-linearisation variance for totals, means and ratios in domains.

Follows R ``survey``'s ``svyrecvar`` (with-replacement or with FPC): for each first-stage
stratum h with n_h PSUs and PSU scores z_hi,
``v_h = f_h * n_h / (n_h - 1) * sum_i (z_hi - mean_h z)^2``, where PSUs of the stratum that
have no member of the domain count with a zero score (domains keep the full design). A
multi-stage design with an FPC at every stage adds each later stage's variance as R's
``multistage`` does (:class:`LaterStage`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from decentwork.estimation.cells import fpc_prefix
from decentwork.estimation.design import Design
from decentwork.estimation.domains import Groups, relabel
from decentwork.estimation.errors import EstimationError

CERTAINTY = 1e-7  # R: a stratum whose f_h is below this is self-representing


@dataclass(frozen=True)
class LaterStage:
    """A sampling stage after the first, in a multi-stage design with an FPC at every stage.

    R's ``multistage`` adds, for every unit of the stage before, the one-stage variance of
    its sampled units (stratified by this stage's strata within it) times that unit's
    selection probability ``n/N``; over stages the probabilities multiply. Here every
    (unit, domain) group of the last stage carries its score, summed to this stage's units.
    """

    number: int  # the stage (2 for the second)
    unit_of_last: np.ndarray  # this stage's unit of each last-stage unit
    unit_stratum: np.ndarray  # this stage's stratum of each of its units
    n: np.ndarray  # sampled units per stratum of this stage
    f: np.ndarray  # finite population correction factor per stratum
    weight: np.ndarray  # per stratum: the product of the earlier stages' n/N above it

    def variance(
        self, last_unit: np.ndarray, domain: np.ndarray, n_domains: int, s1: np.ndarray, lonely: str
    ) -> np.ndarray:
        """This stage's variance of each domain from the scores ``s1`` of the last-stage
        (unit, domain) groups (R: ``onestage`` within each unit of the stage before, times
        ``nPSUs/fpcs`` of the stages above)."""
        n_units = len(self.unit_stratum)
        keys, group = relabel(
            self.unit_of_last[last_unit] * n_domains + domain, n_units * n_domains
        )
        z = np.bincount(group, weights=s1, minlength=len(keys))
        stratum_keys, in_stratum = relabel(
            self.unit_stratum[keys // n_domains] * n_domains + keys % n_domains,
            len(self.n) * n_domains,
        )
        size = len(stratum_keys)
        stratum = stratum_keys // n_domains
        n = self.n[stratum].astype(float)
        f = self.f[stratum]
        mean = np.bincount(in_stratum, weights=z, minlength=size) / n
        deviation = z - mean[in_stratum]
        absent = n - np.bincount(in_stratum, minlength=size)
        centred = np.bincount(in_stratum, weights=deviation * deviation, minlength=size)
        centred += absent * mean * mean
        uncentred = np.bincount(in_stratum, weights=z * z, minlength=size)
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = np.where(n > 1, f * n / (n - 1), f)
        alone = uncentred if lonely == "adjust" else np.zeros(size)
        contribution = np.where(n > 1, factor * centred, factor * alone)
        contribution = np.where(f < CERTAINTY, 0.0, contribution) * self.weight[stratum]
        return np.bincount(stratum_keys % n_domains, weights=contribution, minlength=n_domains)


@dataclass(frozen=True)
class TaylorFrame:
    """Design facts read off the cell table: stratum and PSU of each cell, n_h and f_h, and
    a multi-stage design's later stages."""

    design: Design
    stratum: np.ndarray  # stratum code of each cell
    psu: np.ndarray | None  # PSU code of each cell (None: every record is its own PSU)
    psu_stratum: np.ndarray | None  # stratum code of each PSU
    n_h: np.ndarray  # PSUs (or records) per stratum in the full design
    f_h: np.ndarray  # finite population correction factor per stratum
    stratum_labels: pd.Index
    later: tuple[LaterStage, ...] = ()  # the stages after the first (multi-stage with FPC)
    last_unit: np.ndarray | None = None  # with later stages: the last-stage unit of each cell
    psu_of_unit: np.ndarray | None = None  # with later stages: the PSU of each last-stage unit

    @property
    def n_strata(self) -> int:
        return len(self.n_h)

    @classmethod
    def from_cells(cls, design: Design, cells: pd.DataFrame) -> TaylorFrame:
        first_strata = design.stage_strata[:1]
        if first_strata:
            stratum, labels = pd.factorize(cells[first_strata[0]], sort=True)
        else:
            stratum, labels = np.zeros(len(cells), dtype=np.int64), pd.Index(["(all)"])
        stratum = stratum.astype(np.int64)
        psu = psu_stratum = None
        if design.psu:
            labels_psu, psu_levels = pd.factorize(cells[design.stage_psus[0]], sort=True)
            pairs = stratum * len(psu_levels) + labels_psu
            unique, psu = relabel(pairs, len(labels) * len(psu_levels))
            psu_stratum = unique // len(psu_levels)
            if not design.nest and design.strata:
                _check_nested(design, unique % len(psu_levels), psu_stratum, psu_levels, labels)
            n_h = np.bincount(psu_stratum, minlength=len(labels))
        else:
            n_h = np.bincount(stratum, weights=cells["__records"], minlength=len(labels))
            n_h = n_h.astype(np.int64)
        stages = [
            _Stage(
                stratum,
                stratum if psu is None else psu,
                np.arange(len(labels)) if psu_stratum is None else psu_stratum,
                n_h,
                lambda h: str(labels[h]),
            )
        ]
        if design.is_multistage and design.fpc:
            for number in range(2, len(design.stage_psus) + 1):
                stages.append(_later_stage(design, cells, number, stages[-1]))
        with_fpc = list(zip(design.stage_fpcs, stages[: len(design.stage_fpcs)], strict=True))
        ranges = [
            _fpc_range(column, number, cells, stage.stratum, stage.describe)
            for number, (column, stage) in enumerate(with_fpc, start=1)
        ]
        sizes = _fpc_kind(design, ranges)
        factors = [
            _fpc_factor(column, low_high, stage.n, stage.describe, sizes)
            for (column, stage), low_high in zip(with_fpc, ranges, strict=True)
        ] or [(np.ones(len(n_h)), np.zeros(len(n_h)))]
        f_h = factors[0][0]
        lonely = np.flatnonzero(n_h == 1)
        if len(lonely) and design.lonely_psu == "fail":
            names = ", ".join(str(labels[h]) for h in lonely[:10])
            raise EstimationError(
                f"stratum {names} has only one PSU ({len(lonely)} such stratum/strata); choose "
                "lonely_psu='remove', 'certainty', 'adjust' or 'average' (R: "
                "options(survey.lonely.psu=...))"
            )
        frame = cls(design, stratum, psu, psu_stratum, n_h, f_h, pd.Index(labels))
        if len(stages) == 1:
            return frame
        last = stages[-1]
        later = []
        weight = np.ones(len(n_h))
        for number in range(2, len(stages) + 1):
            above, stage = stages[number - 2], stages[number - 1]
            weight = (weight * factors[number - 2][1])[above.unit_stratum[stage.parent]]
            f = factors[number - 1][0]
            _check_lonely(design, number, stage, f)
            unit_of_last = _per_unit(stage.unit, last.unit, len(last.unit_stratum))
            later.append(LaterStage(number, unit_of_last, stage.unit_stratum, stage.n, f, weight))
        return dataclasses.replace(
            frame,
            later=tuple(later),
            last_unit=last.unit,
            psu_of_unit=_per_unit(stages[0].unit, last.unit, len(last.unit_stratum)),
        )

    @property
    def unit_of_cell(self) -> np.ndarray:
        """The variance unit of each cell: its PSU, or its stratum when records are PSUs, or
        its last-stage unit in a multi-stage design."""
        if self.last_unit is not None:
            return self.last_unit
        return self.stratum if self.psu is None else self.psu

    @property
    def n_units(self) -> int:
        if self.psu_of_unit is not None:
            return len(self.psu_of_unit)
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

        In a multi-stage design the groups are of last-stage units: the first stage takes
        their sums per PSU, and every later stage adds its variance (:class:`LaterStage`).
        """
        unit, domain = groups.unit, groups.domain
        later = np.zeros(n_domains)
        for stage in self.later:
            later += stage.variance(unit, domain, n_domains, s1, self.design.lonely_psu)
        if self.later:
            unit, domain, (s1, present) = self._psu_groups(unit, domain, n_domains, s1, present)
            s2 = s1 * s1
        size = self.n_strata * n_domains
        key = self._stratum_domain(unit, domain, n_domains)
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
        return np.maximum(variance + later, 0.0), _degrees_of_freedom(present), unstable

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
        unit, domain = groups.unit, groups.domain
        if self.later:
            unit, domain, (summed,) = self._psu_groups(unit, domain, n_domains, present)
            present = (summed > 0).astype(float)
        key = self._stratum_domain(unit, domain, n_domains)
        counts = np.bincount(key, weights=present, minlength=self.n_strata * n_domains)
        return _degrees_of_freedom(counts.reshape(self.n_strata, n_domains))

    def _stratum_domain(self, unit: np.ndarray, domain: np.ndarray, n_domains: int) -> np.ndarray:
        """The (stratum, domain) key of each (unit, domain) group."""
        stratum = unit if self.psu_stratum is None else self.psu_stratum[unit]
        return stratum * n_domains + domain

    def _psu_groups(
        self,
        unit: np.ndarray,
        domain: np.ndarray,
        n_domains: int,
        scores: np.ndarray,
        present: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, ...]]:
        """Last-stage (unit, domain) groups summed to (PSU, domain) groups: their PSU, domain,
        summed ``scores`` and, given ``present``, whether a record is present in the PSU."""
        assert self.psu_of_unit is not None and self.psu_stratum is not None
        keys, group = relabel(
            self.psu_of_unit[unit] * n_domains + domain, len(self.psu_stratum) * n_domains
        )
        summed = np.bincount(group, weights=scores, minlength=len(keys))
        columns: tuple[np.ndarray, ...] = (summed,)
        if present is not None:
            seen = np.bincount(group, weights=present, minlength=len(keys)) > 0
            columns = (summed, seen.astype(float))
        return keys // n_domains, keys % n_domains, columns


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
            f"PSU {psu_levels[code]} of column {design.stage_psus[0]!r} appears in strata "
            f"{', '.join(strata)}: PSU labels are reused across strata; pass nest=True if they "
            "are numbered within strata"
        )


@dataclass(frozen=True)
class _Stage:
    """One stage's codes while the frame is built: the stratum and unit of each cell, the
    stratum of each unit, units per stratum, and the unit above each stratum."""

    stratum: np.ndarray
    unit: np.ndarray  # the stratum when records are the PSUs (one stage only)
    unit_stratum: np.ndarray
    n: np.ndarray
    describe: Callable[[int], str]  # a stratum's description in messages
    parent: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0, np.int64))
    """The unit of the stage above of each stratum (none at the first stage)."""


def _later_stage(design: Design, cells: pd.DataFrame, number: int, above: _Stage) -> _Stage:
    """Stage ``number``'s codes: its strata are those of its strata column (if the design
    gives one for it) within each unit of the stage above, as R's ``svydesign`` nests them
    (``interaction(strata[, min(i, NS)], ids[, i - 1])``), and its units are nested in them."""
    n_above = len(above.unit_stratum)
    columns = design.key_columns()
    strata_column = design.stage_strata[number - 1] if len(design.stage_strata) >= number else None
    if strata_column:
        codes, levels = pd.factorize(cells[strata_column], sort=True)
        keys, stratum = relabel(above.unit * len(levels) + codes, n_above * len(levels))
        parent = keys // len(levels)
        shown = columns[: columns.index(strata_column) + 1]
    else:
        stratum, parent = above.unit, np.arange(n_above)
        shown = columns[: columns.index(design.stage_psus[number - 2]) + 1]
    codes, levels = pd.factorize(cells[design.stage_psus[number - 1]], sort=True)
    keys, unit = relabel(stratum * len(levels) + codes, (len(parent)) * len(levels))
    unit_stratum = keys // len(levels)
    first = np.zeros(len(parent), dtype=np.int64)
    first[stratum[::-1]] = np.arange(len(cells))[::-1]

    def describe(h: int) -> str:
        cell = int(first[h])
        return f"stage {number}, " + ", ".join(f"{c}={cells[c].iloc[cell]}" for c in shown)

    n = np.bincount(unit_stratum, minlength=len(parent))
    return _Stage(stratum, unit, unit_stratum, n, describe, parent)


def _per_unit(values: np.ndarray, last_unit: np.ndarray, n_last: int) -> np.ndarray:
    """Per last-stage unit, the value its cells have in ``values`` (a code of an enclosing
    unit, the same for every cell of the last-stage unit)."""
    out = np.zeros(n_last, dtype=np.int64)
    out[last_unit] = values
    return out


def _check_lonely(design: Design, number: int, stage: _Stage, f: np.ndarray) -> None:
    """Refuse a stratum of a later stage with one sampled unit that R would refuse, or that
    ``lonely_psu='average'`` would need (not offered beyond the first stage)."""
    lonely = np.flatnonzero((stage.n == 1) & (f >= CERTAINTY))
    if not len(lonely) or design.lonely_psu in ("remove", "certainty", "adjust"):
        return
    where = stage.describe(int(lonely[0]))
    if design.lonely_psu == "average":
        raise EstimationError(
            f"lonely_psu='average' is offered at the first stage only, and {len(lonely)} "
            f"stratum/strata of stage {number} have one sampled unit ({where}); choose "
            "lonely_psu='remove', 'certainty' or 'adjust', or give every stage's FPC as 1 "
            "where every unit was taken",
            parameter="lonely_psu",
            given="average",
            expected="'remove', 'certainty' or 'adjust' for a multi-stage design",
        )
    raise EstimationError(
        f"{len(lonely)} stratum/strata of stage {number} have only one sampled unit "
        f"({where}); choose lonely_psu='remove', 'certainty' or 'adjust' (R: "
        "options(survey.lonely.psu=...), which applies it at every stage)",
        parameter="lonely_psu",
        given="fail",
    )


def _fpc_range(
    column: str,
    number: int,
    cells: pd.DataFrame,
    stratum: np.ndarray,
    describe: Callable[[int], str],
) -> tuple[np.ndarray, np.ndarray]:
    """The lowest and highest value of stage ``number``'s FPC column in each of its strata,
    refusing one that varies within a stratum, is missing or is not positive."""
    prefix = fpc_prefix(number)
    low = pd.Series(cells[f"{prefix}_min"].to_numpy()).groupby(stratum).min().to_numpy()
    high = pd.Series(cells[f"{prefix}_max"].to_numpy()).groupby(stratum).max().to_numpy()
    varying = np.flatnonzero(~np.isclose(low, high, rtol=1e-12, atol=0))
    if len(varying):
        h = varying[0]
        raise EstimationError(
            f"fpc column {column!r} varies within stratum {describe(h)} "
            f"({low[h]} to {high[h]}); it must be constant within a stratum"
        )
    if np.isnan(low).any() or np.isnan(high).any():
        raise EstimationError(f"design column {column!r} has missing (NaN) values")
    if (low <= 0).any():
        raise EstimationError(f"fpc column {column!r} has values <= 0")
    return low, high


def _fpc_kind(design: Design, ranges: list[tuple[np.ndarray, np.ndarray]]) -> bool:
    """Whether the FPC columns give population sizes (True) or sampling fractions (False),
    the same at every stage (R's ``as.fpc``)."""
    if not ranges:
        return True
    columns = ", ".join(repr(c) for c in design.stage_fpcs)
    noun = "fpc column" if len(ranges) == 1 else "fpc columns"
    if all((high == 1).all() for _, high in ranges):
        raise EstimationError(
            f"{noun} {columns} is 1 everywhere: give population sizes (> 1) or "
            "sampling fractions (< 1)"
        )
    if all((high <= 1).all() for _, high in ranges):
        return False
    if any((low < 1).any() for low, _ in ranges):
        raise EstimationError(
            f"{noun} {columns} mixes sampling fractions (<= 1) and population sizes "
            "(> 1); give one or the other"
        )
    return True


def _fpc_factor(
    column: str,
    low_high: tuple[np.ndarray, np.ndarray],
    n_h: np.ndarray,
    describe: Callable[[int], str],
    sizes: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Per stratum, the finite population correction factor ``f_h`` and the sampling
    fraction ``n_h / N_h`` (0 for an infinite population)."""
    high = low_high[1]
    if not sizes:
        return 1.0 - high, high
    too_small = np.flatnonzero(high < n_h)
    if len(too_small):
        h = too_small[0]
        raise EstimationError(
            f"fpc column {column!r}: stratum {describe(h)} has population size "
            f"{high[h]} but {n_h[h]} sampled PSUs (more than 100% sampling)"
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.isinf(high), 1.0, (high - n_h) / high), np.where(
            np.isinf(high), 0.0, n_h / high
        )
