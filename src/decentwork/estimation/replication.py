"""Replicate-weight variance (bootstrap, JK1, JKn, BRR, Fay, SDR, other), as R's ``svrVar``.

``v = scale * sum_r rscale_r (theta_r - centre)^2`` with centre the mean of the replicates
whose rscale is positive (``mse=False``) or the full-sample estimate (``mse=True``);
replicates that give no estimate (an empty domain in that replicate) are left out, as R does.
"""

from __future__ import annotations

import warnings

import numpy as np

from decentwork.estimation.cells import CellPlan, gram_prefix
from decentwork.estimation.design import Design
from decentwork.estimation.domains import Groups


def replicate_variance(design: Design, estimate: np.ndarray, replicates: np.ndarray) -> np.ndarray:
    """Variance per domain from full-sample ``estimate`` (D) and ``replicates`` (D x R).

    A replicate whose estimate is 0/0 is left out; one that is infinite (a zero denominator
    under a non-zero numerator) makes the variance NA, as in R.
    """
    deviations, infinite = replicate_deviations(design, estimate, replicates)
    scale = design.replicate_scale(replicates.shape[1])
    rscales = design.replicate_rscales(replicates.shape[1])
    variance = scale * np.nansum(rscales * deviations * deviations, axis=1)
    return np.where(np.isnan(estimate) | infinite, np.nan, variance)


def replicate_deviations(
    design: Design, estimate: np.ndarray, replicates: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``theta_r - centre`` per domain and replicate (NaN where a replicate gives no estimate
    or an infinite one), and which domains have an infinite replicate.

    The centre is the mean of the replicates whose rscale is positive (``mse=False``) or the
    full-sample estimate (``mse=True``), as in R's ``svrVar``.
    """
    rscales = design.replicate_rscales(replicates.shape[1])
    infinite = np.isinf(replicates).any(axis=1)
    replicates = np.where(np.isinf(replicates), np.nan, replicates)
    if design.mse:
        centre = estimate
    else:
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            centre = np.nanmean(replicates[:, rscales > 0], axis=1)
    return replicates - centre[:, None], infinite


def replicate_df(groups: Groups, i: int, plan: CellPlan) -> np.ndarray:
    """Degrees of freedom per domain for statistic ``i``: rank of the replicate weights - 1.

    R: ``degf(subset(design, domain))`` is ``qr(repweights, tol=1e-5)$rank - 1``; the rank is
    read off the Gram matrix of the replicate weights, summed per cell in the one pass.
    """
    n_rep = len(plan.replicate_columns)
    index = np.triu_indices(n_rep)
    prefix = gram_prefix(plan, i)
    df = np.empty(groups.count)
    per_domain = np.column_stack(
        [
            np.bincount(
                groups.domain, weights=groups.sum(f"{prefix}{r}_{s}"), minlength=groups.count
            )
            for r, s in zip(*index, strict=True)
        ]
    )
    for d in range(groups.count):
        gram = np.zeros((n_rep, n_rep))
        gram[index] = per_domain[d]
        gram = gram + np.triu(gram, 1).T
        singular = np.sqrt(np.clip(np.linalg.eigvalsh(gram), 0, None))
        df[d] = int((singular > 1e-5 * singular.max()).sum()) - 1 if singular.max() > 0 else np.nan
    return df
