"""Hypothesis properties of ``estimate`` over small generated stratified cluster samples.

Every sample has 1-3 strata with 2-4 PSUs each (PSUs numbered within strata) and 1-5 records
per PSU, continuous positive weights, a labour-force indicator ``lf``, an unemployment
indicator ``unemp`` (only inside the labour force), continuous ``hours``, and two domain
variables ``sex`` and ``region``. The JK1 replicate weights ``jk_<g>`` drop one PSU at a time
(ignoring strata) and reweight the others by G / (G - 1).

A standard error that is zero in exact arithmetic (e.g. a mean in a one-record domain) comes
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
from hypothesis import Phase, given, settings
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
SPREAD = ["se", "lower", "upper"]
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
    data = pd.DataFrame(
        {
            "stratum": np.array(strata, dtype=np.int64),
            "psu": np.array(psus, dtype=np.int64),
            "w": rng.uniform(0.5, 20.0, n),
            "lf": lf,
            "unemp": lf * rng.integers(0, 2, n),
            "hours": rng.normal(38.0, 9.0, n),
            "sex": rng.choice(["female", "male"], n),
            "region": rng.choice(["north", "south", "east"], n),
        }
    )
    cluster = pd.factorize(pd.MultiIndex.from_arrays([data["stratum"], data["psu"]]))[0]
    n_clusters = int(cluster.max()) + 1
    for g in range(n_clusters):
        data[f"jk_{g}"] = data["w"] * np.where(cluster == g, 0.0, n_clusters / (n_clusters - 1))
    return data


samples = st.builds(make_sample, seed=st.integers(0, 2**32 - 1), n_strata=st.integers(1, 3))
each_design = pytest.mark.parametrize("design", list(DESIGNS))


def run(data: object, design: str, **options: object) -> pd.DataFrame:
    return estimate(
        data, DESIGNS[design], ratios=RATIOS, totals=TOTALS, means=MEANS, by=BY, **options
    )


def assert_close(
    actual: object, expected: object, rtol: float, floor: object = 0.0, what: str = ""
) -> None:
    """``|actual - expected| <= rtol * |expected| + floor`` elementwise; NaN only where NaN."""
    a, e = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    assert a.shape == e.shape, what
    np.testing.assert_array_equal(np.isnan(a), np.isnan(e), err_msg=f"NaN pattern of {what}")
    bound = rtol * np.abs(e) + np.nan_to_num(np.broadcast_to(floor, e.shape))
    bad = ~np.isnan(e) & (np.abs(a - e) > bound)
    assert not bad.any(), (
        f"{what} differs at rows {np.flatnonzero(bad).tolist()}: "
        f"{a[bad].tolist()} != {e[bad].tolist()}"
    )


def assert_same(actual: pd.DataFrame, expected: pd.DataFrame, rtol: float) -> None:
    """Same columns, rows and labels; numbers equal to ``rtol`` (NaN matches NaN)."""
    assert list(actual.columns) == list(expected.columns)
    pd.testing.assert_frame_equal(
        actual[LABELS].reset_index(drop=True), expected[LABELS].reset_index(drop=True)
    )
    floor = NOISE * np.abs(expected["estimate"].to_numpy(float))
    for column in EXACT:
        assert_close(actual[column], expected[column], rtol, what=column)
    for column in SPREAD:
        assert_close(actual[column], expected[column], rtol, floor, what=column)
    assert_close(actual["cv"], expected["cv"], rtol, NOISE, what="cv")


def population(result: pd.DataFrame) -> pd.DataFrame:
    return result[result["sex"].isna() & result["region"].isna()].set_index("statistic")


# --- weights scaled by c ---------------------------------------------------------------------


@each_design
@settings(max_examples=8, deadline=None)
@given(data=samples, c=st.floats(1e-3, 1e3).filter(lambda c: abs(c - 1) > 1e-3))
def test_scaling_weights_scales_totals_and_keeps_ratios_and_means(
    design: str, data: pd.DataFrame, c: float
) -> None:
    scaled = data.copy()
    weights = ["w", *(col for col in data.columns if col.startswith("jk_"))]
    scaled[weights] = scaled[weights] * c
    base, result = run(data, design), run(scaled, design)
    pd.testing.assert_frame_equal(result[LABELS], base[LABELS])
    factor = np.where(base["kind"] == "total", c, 1.0)
    expected = base["estimate"].to_numpy(float) * factor
    assert_close(result["estimate"], expected, 1e-9, what="estimate")
    assert_close(
        result["se"],
        base["se"].to_numpy(float) * factor,
        1e-9,
        NOISE * np.abs(expected),
        what="se",
    )
    np.testing.assert_array_equal(result["n"].to_numpy(), base["n"].to_numpy())
    assert (base["kind"] == "total").any() and (base["kind"] != "total").any()


# --- domains of a partition add up to the population ------------------------------------------


@each_design
@settings(max_examples=8, deadline=None)
@given(data=samples)
def test_domain_totals_and_counts_add_up_to_the_population(design: str, data: pd.DataFrame) -> None:
    result = run(data, design)
    whole = population(result)
    for grouping in (["sex"], ["sex", "region"]):
        mask = result[grouping].notna().all(axis=1)
        for other in {"sex", "region"} - set(grouping):
            mask &= result[other].isna()
        domains = result[mask]
        n_domains = data.groupby(grouping).ngroups
        assert (domains.groupby("statistic").size() == n_domains).all()
        sums = domains.groupby("statistic")[
            ["estimate", "numerator_total", "denominator_total"]
        ].sum(min_count=1)
        for statistic in TOTALS:
            assert_close(
                sums.loc[statistic, "estimate"],
                whole.loc[statistic, "estimate"],
                1e-12,
                what=f"{statistic} by {grouping}",
            )
        for column in ("numerator_total", "denominator_total"):
            assert_close(
                sums.loc["ur", column],
                whole.loc["ur", column],
                1e-12,
                what=f"ur {column} by {grouping}",
            )
        counts = domains.groupby("statistic")["n"].sum()
        np.testing.assert_array_equal(
            counts.sort_index().to_numpy(), whole["n"].sort_index().to_numpy()
        )
    assert whole.loc["lf", "n"] == len(data)
    assert whole.loc["ur", "n"] == int((data["lf"] != 0).sum())


# --- row order does not matter -----------------------------------------------------------------


@each_design
@settings(max_examples=8, deadline=None)
@given(data=samples, order_seed=st.integers(0, 2**32 - 1))
def test_permuting_rows_changes_nothing(design: str, data: pd.DataFrame, order_seed: int) -> None:
    order = np.random.default_rng(order_seed).permutation(len(data))
    shuffled = data.iloc[order].reset_index(drop=True)
    assert_same(run(shuffled, design), run(data, design), rtol=1e-12)


# --- every supported input gives the same answer ------------------------------------------------


@each_design
@settings(max_examples=2, deadline=None)
@given(data=samples)
def test_every_input_type_gives_the_same_result(
    design: str, data: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("sources")
    csv, parquet = folder / "sample.csv", folder / "sample.parquet"
    data.to_csv(csv, index=False)
    data.to_parquet(parquet, index=False)
    connection = duckdb.connect()
    sources: dict[str, object] = {
        "polars": pl.from_pandas(data),
        "arrow": pa.Table.from_pandas(data, preserve_index=False),
        "duckdb": connection.from_df(data),
        "csv": csv,
        "csv_str": str(csv),
        "parquet": parquet,
    }
    expected = run(data, design)
    for name, source in sources.items():
        result = run(source, design)
        try:
            assert_same(result, expected, rtol=1e-12)
        except AssertionError as error:
            raise AssertionError(f"input {name}: {error}") from error
    assert isinstance(sources["csv"], Path)


# --- each row is internally consistent -----------------------------------------------------------


@each_design
@settings(max_examples=8, deadline=None)
@given(data=samples, ci=st.sampled_from(["normal", "t"]), level=st.sampled_from([0.9, 0.95]))
def test_rows_are_internally_consistent(
    design: str, data: pd.DataFrame, ci: str, level: float
) -> None:
    result = run(data, design, ci=ci, level=level)
    ratio = result[result["kind"] == "ratio"]
    with np.errstate(divide="ignore", invalid="ignore"):
        quotient = ratio["numerator_total"] / ratio["denominator_total"]
    assert_close(
        ratio["estimate"],
        quotient.where(ratio["denominator_total"] != 0),
        1e-15,
        what="ratio estimate",
    )
    other = result[result["kind"] != "ratio"]
    assert other[["numerator_total", "denominator_total"]].isna().all().all()

    est, se = result["estimate"].to_numpy(float), result["se"].to_numpy(float)
    lower, upper = result["lower"].to_numpy(float), result["upper"].to_numpy(float)
    df = result["df"].to_numpy(float)
    if ci == "normal":
        q = np.full(len(result), stats.norm.ppf(0.5 + level / 2))
    else:
        q = np.where(df > 0, stats.t.ppf(0.5 + level / 2, np.where(df > 0, df, 1)), np.nan)
    # se > 0 beyond rounding residue, so that est +/- q * se differs from est in floating point
    positive = (se > NOISE * np.abs(est)) & np.isfinite(q)
    assert positive.any()
    assert (lower[positive] < est[positive]).all() and (est[positive] < upper[positive]).all()
    rounding = 1e-15 * np.abs(est[positive])
    assert_close(
        upper[positive] - est[positive],
        q[positive] * se[positive],
        1e-12,
        rounding,
        what="upper half-width",
    )
    # totals of variables never negative (lf and unemp are 0/1) have their lower bound at 0
    half = q * se
    total = (result["kind"] == "total").to_numpy()
    half = np.where(total, np.minimum(half, est), half)
    assert_close(
        est[positive] - lower[positive],
        half[positive],
        1e-12,
        rounding,
        what="lower half-width",
    )
    assert (lower[total & positive] >= 0).all()
    assert ((lower == 0) & total).any() or not (total & (est < q * se)).any()
    unknown = np.isnan(q) | np.isnan(se)
    assert np.isnan(lower[unknown]).all() and np.isnan(upper[unknown]).all()
    nonzero = ~np.isnan(est) & (est != 0)
    assert_close(
        result["cv"].to_numpy(float)[nonzero], se[nonzero] / np.abs(est[nonzero]), 1e-15, what="cv"
    )
    assert result["cv"][est == 0].isna().all()
    assert (se[~np.isnan(se)] >= 0).all()

    # design degrees of freedom of the population: PSUs - strata, or replicates - 1
    n_psu = data.groupby(["stratum", "psu"]).ngroups
    expected_df = {
        "stratified_clustered": n_psu - data["stratum"].nunique(),
        "weights_only": len(data) - 1,
        "stratified_records": len(data) - data["stratum"].nunique(),
        "jk1": n_psu - 1 if ci == "t" else np.nan,
    }[design]
    np.testing.assert_array_equal(population(result)["df"], np.full(4, expected_df))


# --- the three estimators agree with each other ---------------------------------------------------


@each_design
@settings(max_examples=8, deadline=None)
@given(data=samples)
def test_mean_is_a_ratio_to_one_and_total_is_a_ratio_numerator(
    design: str, data: pd.DataFrame
) -> None:
    data = data.assign(one=1.0)
    result = estimate(
        data,
        DESIGNS[design],
        ratios={"hours_per_one": ("hours", "one")},
        totals=["hours"],
        means=["hours"],
        by=BY,
    )
    rows = {
        kind: result[result["kind"] == kind].reset_index(drop=True)
        for kind in ("ratio", "total", "mean")
    }
    floor = NOISE * np.abs(rows["mean"]["estimate"].to_numpy(float))
    assert_close(rows["mean"]["estimate"], rows["ratio"]["estimate"], 1e-12, what="estimate")
    assert_close(rows["mean"]["se"], rows["ratio"]["se"], 1e-9, floor, what="se")
    np.testing.assert_array_equal(rows["mean"]["n"], rows["ratio"]["n"])
    assert_close(rows["total"]["estimate"], rows["ratio"]["numerator_total"], 1e-12, what="total")
    assert_close(
        rows["ratio"]["denominator_total"][0],
        data["w"].sum(),
        1e-12,
        what="population weight total",
    )


# --- integer storage of the same numbers ---------------------------------------------------------


@pytest.mark.parametrize("dtype", ["int64", "int32"])
@pytest.mark.parametrize("design", DESIGNS)
@settings(max_examples=5, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(data=samples)
def test_integer_columns_give_the_same_result_as_the_same_numbers_as_floats(
    dtype: str, design: str, data: pd.DataFrame
) -> None:
    replicates = [col for col in data.columns if col.startswith("jk_")]
    numbers = data.assign(
        w=np.rint(data["w"] * 300.0), income=np.rint(np.abs(data["hours"]) * 50_000.0)
    )
    numbers[replicates] = numbers[replicates] * 300.0
    integers = numbers.astype({"w": dtype, "income": dtype, "lf": dtype, "unemp": dtype})
    request = {"ratios": RATIOS, "totals": ["income", "lf"], "means": ["income"], "by": BY}
    expected = estimate(numbers, DESIGNS[design], **request)
    assert_same(estimate(integers, DESIGNS[design], **request), expected, rtol=1e-12)
    assert (expected["estimate"] > 1e6).any()
