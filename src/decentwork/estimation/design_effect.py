"""Design effects and effective sample sizes, as R ``survey``'s ``deff=TRUE``.

The design effect is the design-based variance over the variance the estimate would have
under simple random sampling without replacement of the domain's ``n`` records from a
population of ``N`` (the sum of their weights), R's default ``deff=TRUE`` (not
``deff="replace"``)::

    s2 = n / (n - 1) * sum_i w_i (z_i - zbar)^2 / N        (R: svyvar)
    v_srs = s2 / n * (N - n) / N                            (mean)
    v_srs = s2 * N^2 / n * (N - n) / N                      (total)

For a ratio ``R = Y / X`` the variable is ``z = (y - R x) / X`` and its total's ``v_srs``
(R's ``svyratio``: ``deff(svytotal(z))``). ``N < n`` (weights not scaled to the population)
gives NA, as in R. The effective sample size is ``n / deff``.
"""

from __future__ import annotations

import numpy as np

from decentwork.estimation.cells import Kind


def design_effect(
    kind: Kind,
    variance: np.ndarray,
    n: np.ndarray,
    weight_total: np.ndarray,
    moments: tuple[np.ndarray, np.ndarray],
    ratio: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """``deff`` and ``n_effective`` per domain.

    Args:
        kind: the statistic's kind.
        variance: its design-based variance per domain.
        n: records entering the statistic per domain.
        weight_total: their sum of weights ``N``.
        moments: ``(sum w y, sum w y^2)`` per domain.
        ratio: for a ratio, ``(estimate, sum w x, sum w x y, sum w x^2)`` per domain.
    """
    y_total, wyy = moments
    with np.errstate(divide="ignore", invalid="ignore"):
        if ratio is None:
            spread = wyy - y_total * y_total / weight_total  # sum w (y - ybar)^2
            scale = 1.0
        else:
            estimate, x_total, wxy, wxx = ratio
            spread = wyy - 2 * estimate * wxy + estimate * estimate * wxx  # sum w (y - R x)^2
            scale = 1.0 / (x_total * x_total)
        s2 = n / (n - 1) * np.maximum(spread, 0.0) * scale / weight_total
        srs = s2 / n * (weight_total - n) / weight_total
        if kind != "mean":
            srs = srs * weight_total * weight_total
        srs = np.where(weight_total < n, np.nan, srs)
        deff = variance / srs
        return {"deff": deff, "n_effective": n / deff}
