"""Vectorised random draws shared by the person-level models."""

from __future__ import annotations

import numpy as np

YES, NO = 1, 2
NOT_ASKED = -1
URBAN_CODES = np.array([2, 1], dtype=np.int32)  # indexed by the urban flag: rural 2, urban 1


def logistic(x: np.ndarray) -> np.ndarray:
    """The inverse logit ``1 / (1 + exp(-x))``."""
    return 1.0 / (1.0 + np.exp(-x))


def bernoulli(rng: np.random.Generator, probability: np.ndarray | float, size: int) -> np.ndarray:
    """``size`` independent booleans, True with the given probability (scalar or per draw)."""
    return rng.random(size) < probability


def yes_no(flag: np.ndarray) -> np.ndarray:
    """Questionnaire coding of a boolean: 1 yes, 2 no."""
    return np.where(flag, YES, NO).astype(np.int32)


def cumulative(weights: np.ndarray) -> np.ndarray:
    """Row-wise cumulative probabilities of non-negative weights (rows of a 2-D array).

    Each row ends exactly at 1.0, as do the trailing zero-weight entries, so a uniform draw
    in [0, 1) can never pick a category of weight zero.
    """
    sums = np.cumsum(weights, axis=-1)
    totals = sums[..., -1:]
    return np.where(sums == totals, 1.0, sums / totals)


def categories(rng: np.random.Generator, cumulative_rows: np.ndarray) -> np.ndarray:
    """One category index per row of ``cumulative_rows`` (from :func:`cumulative`)."""
    u = rng.random(len(cumulative_rows))
    return (u[:, None] >= cumulative_rows[:, :-1]).sum(axis=1)


def apportion(total: int, weights: np.ndarray) -> np.ndarray:
    """Integers proportional to ``weights`` that sum exactly to ``total`` (largest remainder)."""
    share = weights * (total / weights.sum())
    counts = np.floor(share).astype(np.int64)
    short = total - int(counts.sum())
    if short > 0:
        counts[np.argpartition(counts - share, short - 1)[:short]] += 1
    return counts
