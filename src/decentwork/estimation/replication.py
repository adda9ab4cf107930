"""Replicate-weight variance (bootstrap, JK1, BRR, Fay, SDR), as R's ``svrVar``.

``v = scale * sum_r rscale_r (theta_r - centre)^2`` with centre the mean of the replicates
(``mse=False``) or the full-sample estimate (``mse=True``); replicates that give no estimate
(an empty domain in that replicate) are left out, as R does.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from decentwork.estimation.design import Design


def replicate_variance(
    design: Design, estimate: np.ndarray, replicates: np.ndarray
) -> np.ndarray:
    """Variance per domain from full-sample ``estimate`` (D) and ``replicates`` (D x R)."""
    scale = design.replicate_scale(replicates.shape[1])
    if design.mse:
        centre = estimate
    else:
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            centre = np.nanmean(replicates, axis=1)
    deviations = replicates - centre[:, None]
    variance = scale * np.nansum(deviations * deviations, axis=1)
    return np.where(np.isnan(estimate), np.nan, variance)


def replicate_df(cells: pd.DataFrame, domain: np.ndarray, n_domains: int, n_rep: int) -> np.ndarray:
    """Degrees of freedom per domain: rank of the domain's replicate weights minus one.

    R: ``degf(subset(design, domain))`` is ``qr(repweights, tol=1e-5)$rank - 1``; the rank is
    read off the Gram matrix of the replicate weights, summed per cell in the one pass.
    """
    inside = domain >= 0
    index = np.triu_indices(n_rep)
    columns = [f"__g{r}_{s}" for r, s in zip(*index, strict=True)]
    sums = cells[columns].to_numpy(dtype=float)[inside]
    per_domain = np.zeros((n_domains, len(columns)))
    np.add.at(per_domain, domain[inside], sums)
    df = np.empty(n_domains)
    for d in range(n_domains):
        gram = np.zeros((n_rep, n_rep))
        gram[index] = per_domain[d]
        gram = gram + np.triu(gram, 1).T
        eigen = np.linalg.eigvalsh(gram)
        singular = np.sqrt(np.clip(eigen, 0, None))
        df[d] = int((singular > 1e-5 * singular.max()).sum()) - 1 if singular.max() > 0 else np.nan
    return df
