"""Estimation on a calibrated design: the calibrated cell table and the calibration-aware
variance, from sums per (unit, domain, joint cell of the control variables).

R's ``svyrecvar`` replaces each record's score ``z_k`` by its residual after the calibration
(``postStrata``), ``e_k = z_k - w*_k H_jd`` with ``H`` from
:meth:`~decentwork.estimation.calibration.Calibrated.adjustment`; records outside a domain
(``z_k = 0``) get a residual too, so every PSU of the design, and every stratum, enters a
domain's variance (R keeps them: a subset of a calibrated design only zeroes weights).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from decentwork.estimation.calibration import JOINT, Calibrated, calibrate_cells
from decentwork.estimation.cells import FULL, CellPlan, weights_in
from decentwork.estimation.domains import Groups, unique_rows
from decentwork.estimation.taylor import TaylorFrame

DENSE_CELLS = 4_000_000
"""Most (PSU x domain) residual sums held at once; more domains are taken in slices."""


def calibrate_table(plan: CellPlan, cells: pd.DataFrame) -> tuple[pd.DataFrame, Calibrated]:
    """The cell table with calibrated weights and each cell's joint cell in column
    ``__joint``; the calibration.

    Every weighted sum is multiplied by the factor ``g`` of each weight in it (``g^2`` for
    squared weights); replicate weights are recalibrated each with its own factors, as R
    does for a replicate design.
    """
    assert plan.design.calibration is not None
    calibrated, joint = calibrate_cells(plan.design.calibration, cells)
    factors = {FULL: calibrated.g[joint]}
    for r in range(len(plan.replicate_columns)):
        weight = np.bincount(joint, weights=cells[f"__w_r{r}"], minlength=len(calibrated.g))
        factors[r] = calibrated.factors(weight)[joint]
    products: dict[tuple[int, ...], np.ndarray] = {}
    scaled: dict[str, np.ndarray] = {}
    with np.errstate(invalid="ignore"):
        for column in cells.columns:
            weights = weights_in(column)
            if weights:
                if weights not in products:
                    products[weights] = np.prod([factors[w] for w in weights], axis=0)
                scaled[column] = cells[column].to_numpy(dtype=float) * products[weights]
    scaled[JOINT] = joint
    kept = cells.drop(columns=[c for c in scaled if c in cells.columns])
    return pd.concat([kept, pd.DataFrame(scaled, index=cells.index)], axis=1), calibrated


@dataclass(frozen=True)
class FineScores:
    """One statistic's sums per (unit, domain, joint cell) group, on calibrated weights.

    ``score``: the sum of the scores ``z_k``; ``unweighted``: of ``z_k / w*_k`` (raking);
    ``square``, ``cross``, ``complete`` and ``magnitude`` (records as PSUs): of ``z_k^2``,
    ``z_k w*_k`` and ``w*_k^2`` over the records entering the statistic, and the absolute
    terms behind the square.
    """

    groups: Groups
    domain: np.ndarray
    joint: np.ndarray
    score: np.ndarray
    unweighted: np.ndarray | None
    square: np.ndarray | None = None
    cross: np.ndarray | None = None
    complete: np.ndarray | None = None
    magnitude: np.ndarray | None = None


def fine_domains(fine: Groups, grouping: tuple[str, ...], sizes: dict[str, int]) -> np.ndarray:
    """The domain of ``grouping`` of each group of ``fine`` (grouping x joint cell), numbered
    as :meth:`~decentwork.estimation.domains.Cube.groups` numbers them."""
    if not grouping:
        return np.zeros(len(fine.unit), dtype=np.int64)
    codes = [fine.codes(c) for c in grouping]
    return unique_rows(codes, [sizes[c] for c in grouping])[1]


def calibrated_variance(
    frame: TaylorFrame,
    calibrated: Calibrated,
    scores: FineScores,
    units: Groups,
    n_domains: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Variance and precision warning per domain of the calibration-aware scores.

    ``units`` are the (unit, joint cell) groups with the sums of the calibrated weights
    (``__w``, and ``__ww`` of their squares when records are the PSUs).
    """
    n_joint = len(calibrated.g)
    flat = scores.joint * n_domains + scores.domain
    size = n_joint * n_domains

    def per_joint(values: np.ndarray) -> np.ndarray:
        return np.bincount(flat, weights=values, minlength=size).reshape(n_joint, n_domains)

    unweighted = None if scores.unweighted is None else per_joint(scores.unweighted)
    adjustment = calibrated.adjustment(per_joint(scores.score), unweighted)
    unit_joint = units.codes(JOINT)
    strata_in = np.ones((frame.n_strata, n_domains), dtype=bool)
    if frame.psu_stratum is None:
        return _moments_variance(frame, scores, units, unit_joint, adjustment, strata_in)
    weights = sparse.csr_matrix(
        (units.sum("__w"), (units.unit, unit_joint)), shape=(frame.n_units, n_joint)
    )
    stratum = frame.psu_stratum
    strata = _indicator(stratum, frame.n_strata)
    n = frame.n_h[:, None].astype(float)
    centred = np.empty((frame.n_strata, n_domains))
    second = np.empty((frame.n_strata, n_domains))
    step = max(1, DENSE_CELLS // frame.n_units)
    for start in range(0, n_domains, step):
        stop = min(start + step, n_domains)
        chosen = (scores.domain >= start) & (scores.domain < stop)
        where = (scores.groups.unit[chosen], scores.domain[chosen] - start)
        shape = (frame.n_units, stop - start)
        residual = sparse.coo_matrix((scores.score[chosen], where), shape=shape).toarray()
        residual -= weights @ adjustment[:, start:stop]
        first = strata @ residual
        deviation = residual - (first / n)[stratum]
        centred[:, start:stop] = strata @ (deviation * deviation)
        second[:, start:stop] = strata @ (residual * residual)
    return frame.combine(centred, second, strata_in)


def _moments_variance(
    frame: TaylorFrame,
    scores: FineScores,
    units: Groups,
    unit_joint: np.ndarray,
    adjustment: np.ndarray,
    strata_in: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Records as PSUs (units are strata): ``sum e^2 - (sum e)^2 / n_h`` per stratum from
    sums per (stratum, joint cell, domain), each a sum of non-negative terms so that a
    variance the calibration makes zero comes out zero, not rounding noise.

    In stratum ``h`` and joint cell ``j`` with ``T = sum w*^2`` over all its records, the
    records entering the statistic in domain ``d`` (``C = sum w*^2``, mean score per weight
    ``a = sum z w* / C``) give ``within + C (a - H)^2`` and the others ``(T - C) H^2``, where
    ``within = sum z^2 - a sum z w*`` is their spread around ``a`` (exactly 0 when they
    share one value, as a population count does); a cell without such records gives
    ``T H^2``. Digits are lost only in ``within`` and in the centring, which the precision
    warning measures.
    """
    assert scores.square is not None and scores.cross is not None
    assert scores.complete is not None and scores.magnitude is not None
    n_strata, n_domains = strata_in.shape
    n_joint = len(adjustment)
    pair, pair_of_unit = np.unique(units.unit * n_joint + unit_joint, return_inverse=True)
    total = np.bincount(pair_of_unit, weights=units.sum("__ww"), minlength=len(pair))
    pair_stratum, pair_joint = pair // n_joint, pair % n_joint
    fine_pair = np.searchsorted(pair, scores.groups.unit * n_joint + scores.joint)
    fitted = adjustment[scores.joint, scores.domain]
    complete = scores.complete
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(complete > 0, scores.cross / complete, 0.0)
    explained = mean * scores.cross
    within = np.maximum(scores.square - explained, 0.0)
    spread = scores.square != explained  # exactly 0 when the records share one value
    outside = total[fine_pair] - complete
    outside = np.where(np.abs(outside) <= 1e-12 * total[fine_pair], 0.0, outside)
    inside = within + complete * (mean - fitted) ** 2 + outside * fitted * fitted
    strata = _indicator(pair_stratum, n_strata)
    second = np.empty((n_strata, n_domains))
    step = max(1, DENSE_CELLS // len(pair))
    for start in range(0, n_domains, step):
        stop = min(start + step, n_domains)
        terms = total[:, None] * adjustment[pair_joint, start:stop] ** 2  # records outside
        chosen = (scores.domain >= start) & (scores.domain < stop)
        terms[fine_pair[chosen], scores.domain[chosen] - start] = inside[chosen]
        second[:, start:stop] = strata @ terms
    key = scores.groups.unit * n_domains + scores.domain
    size = n_strata * n_domains

    def per_stratum(values: np.ndarray) -> np.ndarray:
        return np.bincount(key, weights=values, minlength=size).reshape(n_strata, n_domains)

    weights = sparse.csr_matrix(
        (units.sum("__w"), (units.unit, unit_joint)), shape=(n_strata, n_joint)
    )
    first = per_stratum(scores.score) - weights @ adjustment
    centring = first * first / frame.n_h[:, None].astype(float)
    scale = per_stratum(np.where(spread, scores.magnitude, 0.0))
    noise = centring <= 1e-15 * (second + per_stratum(scores.magnitude))
    centred = np.where(noise, np.maximum(second - centring, 0.0), second - centring)
    scale = scale + np.where(noise, 0.0, centring)
    return frame.combine(centred, second, strata_in, scale)


def _indicator(group: np.ndarray, n_groups: int) -> sparse.csr_matrix:
    """The (groups x items) 0/1 matrix of each item's group: its product sums per group."""
    items = np.arange(len(group))
    return sparse.csr_matrix((np.ones(len(group)), (group, items)), shape=(n_groups, len(group)))
