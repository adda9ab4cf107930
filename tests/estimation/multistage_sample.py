"""A seeded two- and three-stage sample with finite population corrections at every stage,
for the multi-stage oracle tests (R: ``svydesign(ids=~psu+ssu+hh, fpc=~...)``)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def multistage_sample(seed: int = 2031) -> pd.DataFrame:
    """Persons of sampled households in sampled SSUs of sampled PSUs, stratified at the first
    stage (``s1``) and, within each PSU, at the second (``s2``).

    Columns: the design (``s1``, ``psu``, ``s2``, ``ssu``, ``hh``), population sizes per stage
    (``n1``: PSUs in the stratum, ``n2``: SSUs in the PSU, ``n2s``: SSUs in the PSU's ``s2``
    stratum, ``n3``: households in the SSU), first- and second-stage sampling fractions over an
    unstratified first stage (``f1_all``, ``f2``), the weight, ``sex``, ``region``, ``lf``,
    ``unemp``, ``hours``, and ``one_ssu`` (1 on the records of a sample where PSU 1 of
    stratum 1 keeps a single SSU). Stratum 1 takes all its PSUs (a certainty stratum), and
    one PSU takes all its SSUs.
    """
    rng = np.random.default_rng(seed)
    rows = []
    psus_in_strata = {h: (int(rng.integers(3, 5)), int(rng.integers(6, 12))) for h in range(1, 7)}
    psus_in_strata[1] = (3, 3)  # every PSU taken
    total_psus = sum(big for _, big in psus_in_strata.values())
    for h, (n1, big1) in psus_in_strata.items():
        for p in range(1, n1 + 1):
            level = rng.normal(0, 1)
            strata2 = {g: (int(rng.integers(2, 4)), int(rng.integers(4, 9))) for g in (1, 2)}
            if (h, p) == (2, 1):
                strata2 = {1: (2, 2), 2: (3, 3)}  # every SSU taken
            n2 = sum(m for m, _ in strata2.values())
            big2 = sum(big for _, big in strata2.values())
            ssu = 0
            for g, (m, big2s) in strata2.items():
                for _ in range(m):
                    ssu += 1
                    households = int(rng.integers(2, 4))
                    big3 = households + int(rng.integers(0, 6))
                    shift = level + rng.normal(0, 0.7)
                    for k in range(1, households + 1):
                        for _ in range(int(rng.integers(1, 5))):
                            lf = int(rng.random() < 0.6 + 0.05 * shift)
                            rows.append(
                                {
                                    "s1": h,
                                    "psu": p,
                                    "s2": g,
                                    "ssu": ssu,
                                    "hh": k,
                                    "n1": big1,
                                    "n2": big2,
                                    "n2s": big2s,
                                    "n3": big3,
                                    "f2": n2 / big2,
                                    "weight": big1 / n1 * big2s / m * big3 / households,
                                    "sex": int(rng.integers(1, 3)),
                                    "region": int(rng.integers(1, 4)),
                                    "lf": lf,
                                    "unemp": int(lf and rng.random() < 0.1 + 0.03 * shift),
                                    "hours": float(np.round(rng.gamma(4 + shift, 9), 1)),
                                    "one_ssu": int((h, p) != (3, 1) or ssu == 1),
                                }
                            )
    sample = pd.DataFrame(rows)
    sample["f1_all"] = sum(n for n, _ in psus_in_strata.values()) / total_psus
    return sample
