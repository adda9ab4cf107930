"""Quantiles in ``estimate``: R's rule on small cases, missing values, empty domains and bad
input (the comparison with R's ``svyquantile`` is in ``test_oracle_quantiles.py``)."""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest

from decentwork.estimation import Design, EstimationError, estimate
from decentwork.estimation.engine import DuckDBTable
from decentwork.estimation.source import as_relation

WEIGHTS_ONLY = Design(weight="w")
TAYLOR = Design(weight="w", strata="stratum", psu="psu")


def survey(seed: int = 5, n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "stratum": rng.integers(1, 4, n),
            "psu": rng.integers(1, 6, n),
            "w": rng.uniform(1, 3, n),
            "sex": rng.integers(1, 3, n),
            "y": np.round(rng.lognormal(3, 0.5, n)),
        }
    )


def quantile_of(data: pd.DataFrame, p: float, design: Design = WEIGHTS_ONLY) -> float:
    result = estimate(data, design, quantiles={"q": ("y", p)})
    return float(result["estimate"].iloc[0])


@pytest.mark.parametrize(
    ("weights", "p", "expected"),
    [
        ([1, 1, 1, 1], 0.5, 2.0),  # C_2 = p W exactly: the lower value
        ([1, 1, 1, 1], 0.6, 3.0),  # between: the next value
        ([1, 1, 1, 1], 0.25, 1.0),
        ([5, 1, 1, 1], 0.1, 2.0),  # p W below the first weight: R's last() gives record 1,
        ([1, 1, 1, 5], 0.9, 4.0),  # and p - C_1 / W is not 0, so the second value
    ],
)
def test_the_estimate_follows_r_qrule_math(weights: list[int], p: float, expected: float) -> None:
    data = pd.DataFrame({"w": np.array(weights, dtype=float), "y": [1.0, 2.0, 3.0, 4.0]})
    assert quantile_of(data, p) == expected
    assert quantile_of(data.iloc[::-1], p) == expected  # sorted by value first


def test_ties_and_zero_weights() -> None:
    data = pd.DataFrame({"w": [1.0, 0.0, 1.0, 1.0, 1.0], "y": [5.0, 1.0, 5.0, 5.0, 7.0]})
    # the zero weight is left out (R: qrule_math): 5, 5, 5, 7 -> the median is 5
    assert quantile_of(data, 0.5) == 5.0
    assert quantile_of(data, 0.8) == 7.0


def test_quantile_rows_sit_with_the_other_statistics_in_every_grouping_set() -> None:
    data = survey()
    result = estimate(
        data,
        TAYLOR,
        means=["y"],
        quantiles={"median": ("y", 0.5), "p90": ("y", 0.9)},
        by=[(), ("sex",)],
        deff=True,
    )
    quantiles = result[result["kind"] == "quantile"]
    assert len(quantiles) == 2 * 3 and len(result) == 3 * 3
    assert set(quantiles["interval"]) == {"woodruff"}
    for column in ("numerator_total", "denominator_total", "deff", "n_effective"):
        assert quantiles[column].isna().all()
    assert (result.loc[result["kind"] == "mean", "deff"].notna()).all()
    np.testing.assert_allclose(quantiles["cv"], quantiles["se"] / quantiles["estimate"])
    assert (quantiles["lower"] <= quantiles["estimate"]).all()
    assert (quantiles["estimate"] <= quantiles["upper"]).all()
    # the bounds are values of the data, and the SE is the interval's width over 2 z
    assert set(quantiles["lower"]) | set(quantiles["upper"]) <= set(data["y"])
    np.testing.assert_allclose(
        quantiles["se"], (quantiles["upper"] - quantiles["lower"]) / (2 * 1.959963984540054)
    )
    men = quantiles[(quantiles["statistic"] == "median") & (quantiles["sex"] == 1)]
    subset = data[data["sex"] == 1]
    assert men["n"].item() == len(subset)
    alone = estimate(subset, TAYLOR, quantiles={"median": ("y", 0.5)})
    assert men["estimate"].item() == alone["estimate"].item()


def test_missing_values_are_dropped_per_statistic_with_missing_drop() -> None:
    data = survey()
    data.loc[::3, "y"] = np.nan
    with pytest.raises(EstimationError, match=r"column 'y' has 134 missing value\(s\).*drop"):
        estimate(data, TAYLOR, quantiles={"median": ("y", 0.5)})
    result = estimate(
        data, TAYLOR, quantiles={"median": ("y", 0.5)}, means=["w"], missing="drop", ci="t"
    )
    median = result[result["kind"] == "quantile"]
    assert median["n"].item() == data["y"].notna().sum()
    observed = data[data["y"].notna()]
    expected = estimate(observed, TAYLOR, quantiles={"median": ("y", 0.5)})
    assert median["estimate"].item() == expected["estimate"].item()
    assert result.loc[result["kind"] == "mean", "n"].item() == len(data)


def test_an_empty_domain_gives_na() -> None:
    data = survey()
    data.loc[data["sex"] == 2, "y"] = np.nan
    result = estimate(data, TAYLOR, quantiles={"median": ("y", 0.5)}, by=[("sex",)], missing="drop")
    empty = result[result["sex"] == 2]
    assert empty[["estimate", "se", "lower", "upper", "cv"]].isna().all(axis=None)
    assert empty["n"].item() == 0
    assert result.loc[result["sex"] == 1, "estimate"].notna().all()


@pytest.mark.parametrize(
    ("quantiles", "message"),
    [
        ({"q": ("y", 0)}, "strictly between 0 and 1"),
        ({"q": ("y", 1)}, "strictly between 0 and 1"),
        ({"q": ("y", 1.5)}, "strictly between 0 and 1"),
        ({"q": ("y", -0.1)}, "strictly between 0 and 1"),
        ({"q": ("y", "0.5")}, "strictly between 0 and 1"),
        ({"q": ("y", True)}, "strictly between 0 and 1"),
        ({"q": ("y", float("nan"))}, "strictly between 0 and 1"),
        ({"q": "y"}, r"expected \(column, probability\)"),
        ({"q": ("y", 0.5, 1)}, r"expected \(column, probability\)"),
        ({"q": (3, 0.5)}, "the column must be a name"),
        ({"": ("y", 0.5)}, "must be a non-empty string"),
        ([("y", 0.5)], "give a mapping"),
        ({"y": ("y", 0.5)}, "has the name of another statistic"),
    ],
)
def test_bad_quantiles_are_refused_naming_the_option(quantiles: Any, message: str) -> None:
    with pytest.raises(EstimationError, match=message) as raised:
        estimate(survey(), TAYLOR, means=["y"], quantiles=quantiles)
    assert raised.value.parameter == "quantiles"
    assert raised.value.expected


def test_bad_columns_are_refused_naming_the_column() -> None:
    data = survey()
    data["text"] = "a"
    data["inf"] = data["y"].where(data.index > 0, np.inf)
    with pytest.raises(EstimationError, match=r"column 'text' has type VARCHAR; expected numbers"):
        estimate(data, TAYLOR, quantiles={"q": ("text", 0.5)})
    with pytest.raises(EstimationError, match="unknown column 'nope'"):
        estimate(data, TAYLOR, quantiles={"q": ("nope", 0.5)})
    with pytest.raises(EstimationError, match=r"column 'inf' has 1 infinite value\(s\)"):
        estimate(data, TAYLOR, quantiles={"q": ("inf", 0.5)})
    with pytest.raises(EstimationError, match="reserved"):
        estimate(data.rename(columns={"y": "__y"}), TAYLOR, quantiles={"q": ("__y", 0.5)})
    data.loc[0, "sex"] = np.nan
    with pytest.raises(EstimationError, match=r"column 'sex' has 1 missing value\(s\)"):
        estimate(data, TAYLOR, quantiles={"q": ("y", 0.5)}, by=[("sex",)])


def test_quantiles_are_refused_on_spark(monkeypatch: pytest.MonkeyPatch) -> None:
    @contextlib.contextmanager
    def spark_table(data: Any, engine: Any, spark: Any) -> Iterator[DuckDBTable]:
        table = DuckDBTable(as_relation(data))
        table.dialect = "spark"
        yield table

    module = importlib.import_module("decentwork.estimation.estimate")
    monkeypatch.setattr(module, "open_table", spark_table)
    with pytest.raises(EstimationError, match="DuckDB engine only") as raised:
        estimate(survey(), TAYLOR, quantiles={"q": ("y", 0.5)})
    assert raised.value.parameter == "quantiles"


def test_equal_by_values_that_read_differently_as_text_are_one_domain() -> None:
    data = survey()
    data["g"] = np.where(data["sex"] == 1, 0.0, 1.0)
    signed = data.assign(g=np.where((data.index % 2 == 0) & (data["g"] == 0.0), -0.0, data["g"]))
    assert (np.signbit(signed["g"]) & (signed["g"] == 0)).any()
    plain = estimate(data, TAYLOR, quantiles={"q": ("y", 0.5)}, by=[("g",)])
    mixed = estimate(signed, TAYLOR, quantiles={"q": ("y", 0.5)}, by=[("g",)])
    assert len(mixed) == 2
    np.testing.assert_array_equal(mixed["estimate"], plain["estimate"])
    np.testing.assert_allclose(mixed["se"], plain["se"], rtol=1e-12)


def test_quantiles_are_refused_with_covariances() -> None:
    from decentwork.estimation import estimate_covariance

    with pytest.raises(EstimationError, match="covariances with quantiles") as raised:
        estimate_covariance(survey(), WEIGHTS_ONLY, totals=["y"], quantiles={"median": ("y", 0.5)})
    assert raised.value.parameter == "quantiles"
