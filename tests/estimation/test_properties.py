"""Hypothesis properties of ``estimate`` over small generated stratified cluster samples.

Every sample has 1-3 strata with 2-4 PSUs each (PSUs numbered within strata) and 1-5 records
per PSU, continuous positive weights, a labour-force indicator ``lf``, an unemployment
indicator ``unemp`` (only inside the labour force), continuous ``hours``, and two domain
variables ``sex`` and ``region``. The JK1 replicate weights ``jk_<g>`` drop one PSU at a time
(ignoring strata) and reweight the others by G / (G - 1).

Standard errors that are zero in exact arithmetic (e.g. a mean in a one-record domain) come
out of floating-point sums as rounding residue, up to ~1e-8 of the estimate; comparisons of
``se``, ``lower``, ``upper`` and ``cv`` therefore allow an absolute floor of ``NOISE`` times
the estimate on top of the relative tolerance.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from decentwork.estimation import Design, estimate

DESIGNS = {
    "stratified_clustered": Design(weight="w", strata="stratum", psu="psu"),
    "weights_only": Design(weight="w"),
    "stratified_records": Design(weight="w", strata="stratum"),
    "jk1": Design(weight="w", replicate_weights="jk_[0-9]+", replicate_method="jk1"),
}
RATIOS = {"ur": ("unemp", "lf")}
TOTALS = ["lf", "unemp"]
MEANS = ["hours"]
BY = [(), ("sex",), ("sex", "region")]
LABELS = ["statistic", "kind", "sex", "region"]
EXACT = ["estimate", "df", "n", "numerator_total", "denominator_total"]
SPREAD = ["se", "lower", "upper", "cv"]
NOISE = 1e-7


def make_sample(seed: int, n_strata: int) -> pd.DataFrame:
    """A stratified cluster sample with JK1 replicate weights built from its PSUs."""
    rng = np.random.default_rng(seed)
    strata, psus = [], []
    for h in range(n_strata):
        for p in range(int(rng.integers(2, 5))):
            size = int(rng.integers(1, 6))
            strata += [h + 1] * size
            psus += [p + 1] * size
    n = len(strata)
    lf = rng.integers(0, 2, n).astype(float)
    data = pd.DataFrame({
        "stratum": np.array(strata, dtype=np.int64),
        "psu": np.array(psus, dtype=np.int64),
        "w": rng.uniform(0.5, 20.0, n),
        "lf": lf,
        "unemp": lf * rng.integers(0, 2, n),
        "hours": rng.normal(38.0, 9.0, n),
        "sex": rng.choice(["female", "male"], n),
        "region": rng.choice(["north", "south", "east"], n),
    })
    cluster = pd.factorize(pd.MultiIndex.from_arrays([data["stratum"], data["psu"]]))[0]
    n_clusters = int(cluster.max()) + 1
    for g in range(n_clusters):
        data[f"jk_{g}"] = data["w"] * np.where(cluster == g, 0.0, n_clusters / (n_clusters - 1))
    return data


samples = st.builds(make_sample, seed=st.integers(0, 2**32 - 1), n_strata=st.integers(1, 3))
all_designs = pytest.mark.parametrize("design", list(DESIGNS))


def run(data: object, design: str, **options: object) -> pd.DataFrame:
    return estimate(
        data, DESIGNS[design], ratios=RATIOS, totals=TOTALS, means=MEANS, by=BY, **options
    )


def assert_same(actual: pd.DataFrame, expected: pd.DataFrame, rtol: float) -> None:
    """Same columns, rows and labels; numbers equal to ``rtol`` (NaN matches NaN)."""
    assert list(actual.columns) == list(expected.columns)
    pd.testing.assert_frame_equal(
        actual[LABELS].reset_index(drop=True), expected[LABELS].reset_index(drop=True)
    )
    floor = NOISE * np.abs(expected["estimate"].to_numpy(float))
    for column in EXACT + SPREAD:
        atol = np.nan_to_num(floor) if column in SPREAD else 0.0
        if column == "cv":
            atol = NOISE
        a, e = actual[column].to_numpy(float), expected[column].to_numpy(float)
        np.testing.assert_array_equal(np.isnan(a), np.isnan(e), err_msg=f"NaNs in {column}")
        ok = ~np.isnan(e)
        np.testing.assert_array_less(
            np.abs(a - e)[ok], (rtol * np.abs(e) + atol + 1e-300)[ok] if np.ndim(atol) == 0
            else (rtol * np.abs(e) + atol + 1e-300)[ok], err_msg=column,
        ) if False else None
        bound = rtol * np.abs(e) + atol
        bad = ok & (np.abs(a - e) > bound)
        assert not bad.any(), (
            f"{column} differs in rows {np.flatnonzero(bad).tolist()}: "
            f"{a[bad].tolist()} != {e[bad].tolist()}"
        )


def population(result: pd.DataFrame) -> pd.DataFrame:
    return result[result["sex"].isna() & result["region"].isna()].set_index("statistic")


# --- weights scaled by c ---------------------------------------------------------------------


@all_designs
@settings(max_examples=10, deadline=None)
@given(data=samples, c=st.floats(1e-3, 1e3).filter(lambda c: abs(c - 1) > 1e-3))
def test_scaling_weights_scales_totals_only(design: str, data: pd.DataFrame, c: float) -> None:
    scaled = data.copy()
    weights = ["w", *(col for col in data.columns if col.startswith("jk_"))]
    scaled[weights] = scaled[weights] * c
    base, result = run(data, design), run(scaled, design)
    pd.testing.assert_frame_equal(result[LABELS], base[LABELS])
    factor = np.where(base["kind"] == "total", c, 1.0)
    for column in ("estimate", "se"):
        expected = base[column].to_numpy(float) * factor
        floor = 0.0 if column == "estimate" else NOISE * np.abs(expected)
        np.testing.assert_allclose(
            result[column].to_numpy(float), expected, rtol=1e-9, atol=0, equal_nan=True,
            err_msg=column,
        ) if column == "estimate" else _close_with_floor(result[column], expected, floor)
    np.testing.assert_array_equal(result["n"].to_numpy(), base["n"].to_numpy())
