"""Bad input to ``estimate`` gets an ``EstimationError`` naming what is wrong; missing data
under ``missing="drop"`` and empty domains give the documented answers."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

from decentwork.errors import BadInput, NotFound
from decentwork.estimation import Design, EstimationError, estimate

CLUSTERED = Design(weight="w", strata="stratum", psu="psu")
DESIGNS = {
    "stratified_clustered": CLUSTERED,
    "stratified_records": Design(weight="w", strata="stratum"),
    "weights_only": Design(weight="w"),
    "jk1": Design(weight="w", replicate_weights="jk_[0-9]+", replicate_method="jk1"),
}
BY = [(), ("sex",), ("sex", "region")]
RESULT = ["estimate", "se", "lower", "upper", "cv", "n", "numerator_total", "denominator_total"]


def with_jk1(data: pd.DataFrame) -> pd.DataFrame:
    """Replace the JK1 replicate weights: drop one (stratum, PSU) at a time."""
    data = data.drop(columns=[c for c in data.columns if c.startswith("jk_")])
    cluster = pd.factorize(pd.MultiIndex.from_arrays([data["stratum"], data["psu"]]))[0]
    g_count = int(cluster.max()) + 1
    replicates = {
        f"jk_{g}": data["w"].to_numpy() * np.where(cluster == g, 0.0, g_count / (g_count - 1))
        for g in range(g_count)
    }
    return pd.concat([data, pd.DataFrame(replicates, index=data.index)], axis=1)


def sample() -> pd.DataFrame:
    """3 strata (A, B, C) x 3 PSUs (p1-p3, numbered within strata) x 4 records."""
    rng = np.random.default_rng(20240501)
    n = 36
    lf = rng.integers(0, 2, n).astype(float)
    data = pd.DataFrame(
        {
            "stratum": np.repeat(["A", "B", "C"], 12),
            "psu": np.tile(np.repeat(["p1", "p2", "p3"], 4), 3),
            "w": rng.uniform(1.0, 5.0, n),
            "lf": lf,
            "unemp": lf * rng.integers(0, 2, n),
            "hours": rng.normal(40.0, 6.0, n),
            "sex": np.tile(["female", "male"], 18).astype(object),
            "region": np.tile(["north", "south", "east"], 12).astype(object),
        }
    )
    return with_jk1(data)


def names(*parts: str) -> str:
    """A ``match`` pattern: every part appears in the message, in any order."""
    return "(?s)^" + "".join(f"(?=.*{part})" for part in parts)


def assert_rows_equal(
    actual: pd.DataFrame, expected: pd.DataFrame, columns: list[str], rtol: float = 1e-12
) -> None:
    assert len(actual) == len(expected)
    for column in columns:
        np.testing.assert_allclose(
            actual[column].to_numpy(float),
            expected[column].to_numpy(float),
            rtol=rtol,
            atol=1e-13,
            equal_nan=True,
            err_msg=column,
        )


# --- unknown and non-numeric columns ------------------------------------------------------------


@pytest.mark.parametrize(
    ("design", "request_"),
    [
        (CLUSTERED, {"ratios": {"ur": ("nope", "lf")}}),
        (CLUSTERED, {"ratios": {"ur": ("unemp", "nope")}}),
        (CLUSTERED, {"totals": ["lf", "nope"]}),
        (CLUSTERED, {"means": ["nope"]}),
        (CLUSTERED, {"totals": ["lf"], "by": [(), ("nope",)]}),
        (CLUSTERED, {"totals": ["lf"], "by": [("sex", "nope")]}),
        (Design(weight="nope"), {"totals": ["lf"]}),
        (Design(weight="w", strata="nope"), {"totals": ["lf"]}),
        (Design(weight="w", strata="stratum", psu="nope"), {"totals": ["lf"]}),
        (Design(weight="w", strata="stratum", psu="psu", fpc="nope"), {"totals": ["lf"]}),
        (
            Design(weight="w", replicate_weights=["jk_0", "nope"], replicate_method="jk1"),
            {"totals": ["lf"]},
        ),
    ],
    ids=[
        "ratio-numerator",
        "ratio-denominator",
        "total",
        "mean",
        "by",
        "by-pair",
        "weight",
        "strata",
        "psu",
        "fpc",
        "replicate-weight",
    ],
)
def test_unknown_column_is_named(design: Design, request_: dict) -> None:
    with pytest.raises(EstimationError, match=r"unknown column 'nope'"):
        estimate(sample(), design, **request_)


@pytest.mark.parametrize(
    ("design", "request_"),
    [
        (CLUSTERED, {"totals": ["sex"]}),
        (CLUSTERED, {"means": ["sex"]}),
        (CLUSTERED, {"ratios": {"share": ("sex", "lf")}}),
        (CLUSTERED, {"ratios": {"share": ("lf", "sex")}}),
        (Design(weight="sex"), {"totals": ["lf"]}),
    ],
    ids=["total", "mean", "ratio-numerator", "ratio-denominator", "weight"],
)
def test_string_analysis_or_weight_column_is_refused(design: Design, request_: dict) -> None:
    with pytest.raises(EstimationError, match=names("'sex'", "expected numbers")):
        estimate(sample(), design, **request_)


@pytest.mark.parametrize("column", ["stratum", "psu"])
def test_string_design_key_used_as_analysis_variable_is_refused(column: str) -> None:
    with pytest.raises(EstimationError, match=names(f"'{column}'", "expected numbers")):
        estimate(sample(), CLUSTERED, means=[column])


def test_reserved_column_name_is_refused() -> None:
    with pytest.raises(EstimationError, match=names("'__x'", "reserved")):
        estimate(sample().assign(__x=1.0), CLUSTERED, totals=["__x"])


# --- weights ---------------------------------------------------------------------------------


@pytest.mark.parametrize("missing", ["error", "drop"])
def test_negative_weight_is_refused(missing: str) -> None:
    data = sample()
    data.loc[7, "w"] = -0.5
    with pytest.raises(EstimationError, match=names("'w'", "negative")):
        estimate(data, CLUSTERED, totals=["lf"], missing=missing)


@pytest.mark.parametrize("missing", ["error", "drop"])
@pytest.mark.parametrize("column", ["w", "stratum", "psu", "jk_2"])
def test_missing_design_values_are_refused_even_with_drop(column: str, missing: str) -> None:
    data = sample()
    numeric = pd.api.types.is_numeric_dtype(data[column])
    data[column] = data[column].astype(float if numeric else object)
    data.loc[[3, 30], column] = None
    design = DESIGNS["jk1"] if column == "jk_2" else CLUSTERED
    with pytest.raises(EstimationError, match=names(f"design column '{column}'", "2 missing")):
        estimate(data, design, totals=["lf"], missing=missing)


@pytest.mark.parametrize("missing", ["error", "drop"])
@pytest.mark.parametrize(
    ("column", "request_"),
    [
        ("w", {"totals": ["w", "lf"]}),
        ("stratum", {"totals": ["lf"], "by": [(), ("stratum",)]}),
        ("psu", {"totals": ["lf"], "by": [(), ("psu",)]}),
    ],
    ids=["weight-also-total", "strata-also-by", "psu-also-by"],
)
def test_missing_design_values_are_refused_when_the_column_has_a_second_role(
    column: str, request_: dict, missing: str
) -> None:
    data = sample()
    numeric = pd.api.types.is_numeric_dtype(data[column])
    data[column] = data[column].astype(float if numeric else object)
    data.loc[[3, 30], column] = None
    with pytest.raises(EstimationError, match=names(f"design column '{column}'", "2 missing")):
        estimate(data, CLUSTERED, missing=missing, **request_)


def test_zero_weights_are_allowed_and_give_nan_mean_in_an_empty_domain() -> None:
    data = sample()
    data.loc[data["region"] == "east", "w"] = 0.0
    result = estimate(data, CLUSTERED, totals=["lf"], means=["hours"], by=[("region",)])
    east = result[result["region"] == "east"].set_index("statistic")
    assert east.loc["lf", "estimate"] == 0.0 and east.loc["lf", "se"] == 0.0
    assert np.isnan(east.loc["hours", ["estimate", "se", "lower", "upper"]].to_numpy(float)).all()
    others = result[result["region"] != "east"]
    assert np.isfinite(others[["estimate", "se"]].to_numpy(float)).all()


@pytest.mark.parametrize("source", ["frame", "stream"])
def test_weights_only_total_with_zero_variance(source: str) -> None:
    """Every record counts the same: the SE of the population total is exactly 0. The
    one-pass moments flag it (zero next to a large magnitude), and the exact second read must
    settle it instead of flagging it again. A domain's total keeps its variance: n/(n-1) x the
    sum of squared deviations of w x 1{domain} (10 records of 2 and 20 of 0, mean 2/3)."""
    data = pd.DataFrame({"w": [2.0] * 30, "one": [1.0] * 30, "sex": [1, 2, 3] * 10})
    table = pa.Table.from_pandas(data)
    given = (
        table
        if source == "frame"
        else pa.RecordBatchReader.from_batches(table.schema, table.to_batches())
    )
    if source == "stream":
        with pytest.raises(EstimationError, match="one-shot stream"):
            estimate(given, Design(weight="w"), totals=["one"], by=[(), ("sex",)])
        return
    result = estimate(given, Design(weight="w"), totals=["one"], by=[(), ("sex",)])
    assert result["estimate"].tolist() == [60.0, 20.0, 20.0, 20.0]
    domain = np.sqrt(30 / 29 * (10 * (4 / 3) ** 2 + 20 * (2 / 3) ** 2))
    assert result["se"].tolist()[0] == 0.0
    np.testing.assert_allclose(result["se"].to_numpy()[1:], domain, rtol=1e-12)


# --- missing analysis values ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "request_"),
    [
        ("hours", {"means": ["hours"]}),
        ("hours", {"totals": ["hours"]}),
        ("lf", {"ratios": {"ur": ("unemp", "lf")}}),
        ("sex", {"totals": ["lf"], "by": [(), ("sex",)]}),
    ],
    ids=["mean", "total", "ratio-denominator", "by"],
)
def test_missing_values_with_missing_error_name_column_and_count(
    column: str, request_: dict
) -> None:
    data = sample()
    data.loc[[2, 11, 25], column] = None
    with pytest.raises(EstimationError, match=names(f"'{column}'", "3 missing")):
        estimate(data, CLUSTERED, **request_)
    with pytest.raises(EstimationError, match=names(f"'{column}'", "3 missing")):
        estimate(data, CLUSTERED, missing="error", **request_)


def test_nan_and_null_are_both_missing() -> None:
    data = sample()
    data.loc[[2, 11, 25], "hours"] = np.nan
    nan = pl.from_pandas(data, nan_to_null=False)
    null = pl.from_pandas(data, nan_to_null=True)
    assert nan["hours"].is_nan().sum() == 3 and null["hours"].null_count() == 3
    for frame in (nan, null):
        with pytest.raises(EstimationError, match=names("'hours'", "3 missing")):
            estimate(frame, CLUSTERED, means=["hours"])
    dropped = [
        estimate(frame, CLUSTERED, means=["hours"], by=BY, missing="drop") for frame in (nan, null)
    ]
    assert_rows_equal(dropped[0], dropped[1], RESULT)
    assert dropped[0]["n"].iloc[0] == len(data) - 3


def with_missing_hours() -> pd.DataFrame:
    data = sample()
    data.loc[[1, 14, 15, 27], "hours"] = np.nan  # no PSU loses all its records
    return data


@pytest.mark.parametrize("design", DESIGNS)
def test_drop_total_equals_total_of_zero_filled_variable(design: str) -> None:
    data = with_missing_hours()
    dropped = estimate(data, DESIGNS[design], totals=["hours"], by=BY, missing="drop")
    filled = estimate(data.fillna({"hours": 0.0}), DESIGNS[design], totals=["hours"], by=BY)
    assert_rows_equal(dropped, filled, ["estimate", "se", "lower", "upper", "cv"])
    assert dropped["n"].iloc[0] == len(data) - 4
    np.testing.assert_array_equal(
        dropped["n"].to_numpy(), filled["n"].to_numpy() - _missing_per_domain(data, "hours")
    )


def _missing_per_domain(data: pd.DataFrame, column: str) -> np.ndarray:
    """Records with ``column`` missing in each row of a result over BY (sorted labels)."""
    absent = data[column].isna()
    counts = [int(absent.sum())]
    for grouping in BY[1:]:
        counts += absent.groupby([data[g] for g in grouping]).sum().astype(int).tolist()
    return np.array(counts)


@pytest.mark.parametrize("design", DESIGNS)
def test_drop_mean_equals_ratio_of_zero_filled_variable_to_observed_indicator(
    design: str,
) -> None:
    data = with_missing_hours()
    dropped = estimate(data, DESIGNS[design], means=["hours"], by=BY, missing="drop")
    ratio_data = data.assign(
        hours=data["hours"].fillna(0.0), observed=data["hours"].notna().astype(float)
    )
    expected = estimate(ratio_data, DESIGNS[design], ratios={"hours": ("hours", "observed")}, by=BY)
    assert_rows_equal(dropped, expected, ["estimate", "se", "lower", "upper", "cv", "n"])
    # the estimate (not the SE: the dropped records stay in the design) is the mean of the
    # fully observed records
    filtered = estimate(data.dropna(subset=["hours"]), DESIGNS[design], means=["hours"], by=BY)
    assert_rows_equal(dropped, filtered, ["estimate"])


@pytest.mark.parametrize("design", DESIGNS)
def test_drop_ratio_leaves_out_records_missing_either_variable(design: str) -> None:
    data = sample()
    data.loc[[4, 20], "unemp"] = np.nan
    data.loc[[9, 33], "lf"] = np.nan
    dropped = estimate(data, DESIGNS[design], ratios={"ur": ("unemp", "lf")}, by=BY, missing="drop")
    both = data[["unemp", "lf"]].notna().all(axis=1).astype(float)
    expected = estimate(
        data.assign(unemp=data["unemp"].fillna(0.0) * both, lf=data["lf"].fillna(0.0) * both),
        DESIGNS[design],
        ratios={"ur": ("unemp", "lf")},
        by=BY,
    )
    assert_rows_equal(dropped, expected, RESULT)
    complete = data.dropna(subset=["unemp", "lf"])
    assert dropped["n"].iloc[0] == int((complete["lf"] != 0).sum())


@pytest.mark.parametrize("design", DESIGNS)
def test_missing_by_value_with_drop_leaves_record_out_of_domains_only(design: str) -> None:
    data = sample()
    data.loc[[0, 13, 22], "sex"] = None
    request = {"ratios": {"ur": ("unemp", "lf")}, "totals": ["lf"], "means": ["hours"]}
    result = estimate(data, DESIGNS[design], by=BY, missing="drop", **request)

    whole = result[result["sex"].isna()].reset_index(drop=True)
    without_by = estimate(sample(), DESIGNS[design], by=[()], **request)
    assert_rows_equal(whole, without_by, RESULT)

    labelled = estimate(data.fillna({"sex": "unknown"}), DESIGNS[design], by=BY[1:], **request)
    labelled = labelled[labelled["sex"] != "unknown"].reset_index(drop=True)
    domains = result[result["sex"].notna()].reset_index(drop=True)
    assert set(domains["sex"]) == {"female", "male"}
    pd.testing.assert_frame_equal(
        domains[["statistic", "sex", "region"]], labelled[["statistic", "sex", "region"]]
    )
    assert_rows_equal(domains, labelled, RESULT)
    lf_by_sex = domains[(domains["statistic"] == "lf") & domains["region"].isna()]
    assert lf_by_sex["n"].sum() == len(data) - 3


# --- design structure ------------------------------------------------------------------------


def test_psu_labels_reused_across_strata_with_nest_false_name_the_psu() -> None:
    design = Design(weight="w", strata="stratum", psu="psu", nest=False)
    with pytest.raises(EstimationError, match=names(r"PSU '?p1'?\b", "'psu'", "nest=True")):
        estimate(sample(), design, totals=["lf"])


def test_unique_psu_labels_with_nest_false_equal_nest_true() -> None:
    data = sample()
    data["psu"] = data["stratum"] + data["psu"]
    flat = estimate(
        data, Design(weight="w", strata="stratum", psu="psu", nest=False), totals=["lf"], by=BY
    )
    nested = estimate(data, CLUSTERED, totals=["lf"], by=BY)
    assert_rows_equal(flat, nested, [*RESULT, "df"])


def test_lonely_psu_with_fail_names_the_stratum() -> None:
    data = sample()
    data.loc[data["stratum"] == "C", "psu"] = "p1"
    with pytest.raises(EstimationError, match=names(r"stratum '?C'?\b", "one PSU", "lonely")):
        estimate(data, CLUSTERED, totals=["lf"])


def test_lonely_record_stratum_with_fail_names_the_stratum() -> None:
    data = sample()
    data.loc[35, "stratum"] = "D"
    with pytest.raises(EstimationError, match=names(r"stratum '?D'?\b", "one PSU")):
        estimate(data, Design(weight="w", strata="stratum"), totals=["lf"])


def test_fpc_varying_within_a_stratum_names_the_stratum() -> None:
    data = sample().assign(fpc=100.0)
    data.loc[data.index[data["stratum"] == "B"][2], "fpc"] = 120.0
    design = Design(weight="w", strata="stratum", psu="psu", fpc="fpc")
    with pytest.raises(EstimationError, match=names("'fpc'", r"stratum '?B'?\b", "varies")):
        estimate(data, design, totals=["lf"])


def test_fpc_smaller_than_the_number_of_psus_names_the_stratum() -> None:
    data = sample().assign(fpc=100.0)
    data.loc[data["stratum"] == "B", "fpc"] = 2.0
    design = Design(weight="w", strata="stratum", psu="psu", fpc="fpc")
    with pytest.raises(EstimationError, match=names("'fpc'", r"stratum '?B'?\b", "3 sampled")):
        estimate(data, design, totals=["lf"])


def test_non_positive_fpc_is_refused() -> None:
    design = Design(weight="w", strata="stratum", psu="psu", fpc="fpc")
    with pytest.raises(EstimationError, match=names("'fpc'", "<= 0")):
        estimate(sample().assign(fpc=0.0), design, totals=["lf"])


def integer_labels(data: pd.DataFrame) -> pd.DataFrame:
    return data.assign(
        stratum=pd.factorize(data["stratum"], sort=True)[0] + 1,
        psu=pd.factorize(data["psu"], sort=True)[0] + 1,
    )


@pytest.mark.parametrize("case", ["fpc-varies", "fpc-too-small", "nest-false"])
def test_integer_stratum_and_psu_labels_read_plainly_in_messages(case: str) -> None:
    data = integer_labels(sample()).assign(fpc=100.0)
    design = Design(weight="w", strata="stratum", psu="psu", fpc="fpc")
    if case == "fpc-varies":
        data.loc[data.index[data["stratum"] == 2][2], "fpc"] = 120.0
        pattern = names("'fpc'", r"stratum '?2'?\b", "varies")
    elif case == "fpc-too-small":
        data.loc[data["stratum"] == 2, "fpc"] = 2.0
        pattern = names("'fpc'", r"stratum '?2'?\b", "3 sampled")
    else:
        design = Design(weight="w", strata="stratum", psu="psu", nest=False)
        pattern = names(r"PSU '?1'?\b", "'psu'", r"strata 1, 2, 3\b")
    with pytest.raises(EstimationError, match=pattern):
        estimate(data, design, totals=["lf"])


# --- options -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "pattern"),
    [
        ({"ci": "bootstrap"}, r"ci='bootstrap'"),
        ({"missing": "ignore"}, r"missing='ignore'"),
        ({"level": 1.5}, r"level=1\.5"),
        ({"level": 0.0}, r"level=0\.0"),
        ({"by": "sex"}, r"by='sex'"),
        ({"by": []}, r"by is empty"),
        ({"by": [("sex", "sex")]}, names(r"\('sex', 'sex'\)", "repeats")),
    ],
    ids=["ci", "missing", "level-high", "level-zero", "by-string", "by-empty", "by-repeat"],
)
def test_invalid_estimate_option_is_named(option: dict, pattern: str) -> None:
    with pytest.raises(EstimationError, match=pattern) as raised:
        estimate(sample(), CLUSTERED, **{"totals": ["lf"], **option})
    assert raised.value.parameter == next(iter(option))
    assert isinstance(raised.value, BadInput) and raised.value.status == 422


@pytest.mark.parametrize(
    ("options", "pattern", "parameter"),
    [
        ({"lonely_psu": "skip"}, r"lonely_psu='skip'", "lonely_psu"),
        (
            {"replicate_weights": ["jk_0", "jk_1"], "replicate_method": "jackknife"},
            r"replicate_method='jackknife'",
            "replicate_method",
        ),
        ({"replicate_weights": ["jk_0", "jk_1"]}, r"replicate_method=None", "replicate_method"),
        (
            {"replicate_weights": ["jk_0", "jk_1"], "replicate_method": "fay"},
            names("'fay'", "fay_rho"),
            "fay_rho",
        ),
        (
            {"replicate_weights": ["jk_0", "jk_1"], "replicate_method": "fay", "fay_rho": 1.0},
            names("'fay'", "fay_rho"),
            "fay_rho",
        ),
        (
            {"replicate_weights": ["jk_0", "jk_1"], "replicate_method": "jk1", "fay_rho": 0.5},
            names("fay_rho", "'jk1'"),
            "fay_rho",
        ),
        (
            {"replicate_weights": ["jk_0", "jk_1"], "replicate_method": "jk1", "strata": "stratum"},
            names("replicate_weights", "strata"),
            "replicate_weights",
        ),
        (
            {"replicate_weights": ["jk_0", "jk_1"], "replicate_method": "jk1", "psu": "psu"},
            names("replicate_weights", "psu"),
            "replicate_weights",
        ),
        (
            {"replicate_method": "jk1"},
            names("replicate_method", "without replicate_weights"),
            "replicate_method",
        ),
        ({"weight": ""}, r"weight='' must be a column name", "weight"),
    ],
    ids=[
        "lonely_psu",
        "replicate_method",
        "no-method",
        "fay-no-rho",
        "fay-rho-1",
        "rho-not-fay",
        "replicates-and-strata",
        "replicates-and-psu",
        "method-no-weights",
        "empty-weight",
    ],
)
def test_invalid_design_option_is_named(options: dict, pattern: str, parameter: str) -> None:
    with pytest.raises(EstimationError, match=pattern) as raised:
        Design(**{"weight": "w", **options})
    assert raised.value.parameter == parameter


def test_design_option_errors_say_what_was_expected() -> None:
    with pytest.raises(EstimationError) as raised:
        Design(weight="w", lonely_psu="skip")
    error = raised.value
    assert (error.parameter, error.given) == ("lonely_psu", "'skip'")
    assert error.expected == "one of fail, remove, certainty, adjust, average"


def test_too_few_replicate_weights_are_refused() -> None:
    design = Design(weight="w", replicate_weights=["jk_0"], replicate_method="jk1")
    with pytest.raises(EstimationError, match=names("1 replicate weight", "at least 2")):
        estimate(sample(), design, totals=["lf"])


def test_replicate_pattern_matching_nothing_is_named() -> None:
    design = Design(weight="w", replicate_weights="repw[0-9]+", replicate_method="jk1")
    with pytest.raises(EstimationError, match=re.escape("'repw[0-9]+'")):
        estimate(sample(), design, totals=["lf"])


@pytest.mark.parametrize(
    "request_",
    [{}, {"ratios": {}, "totals": [], "means": []}, {"ratios": None, "totals": ()}],
    ids=["nothing", "empty-lists", "none-and-empty-tuple"],
)
def test_empty_statistic_lists_are_refused(request_: dict) -> None:
    with pytest.raises(EstimationError, match="nothing to estimate"):
        estimate(sample(), CLUSTERED, **request_)


@pytest.mark.parametrize(
    ("request_", "pattern"),
    [
        ({"ratios": {"ur": "unemp"}}, r"ratio 'ur'"),
        ({"ratios": {"ur": ("unemp", "lf", "w")}}, r"ratio 'ur'"),
        ({"totals": "lf"}, r"totals and means take a list"),
        ({"means": "hours"}, r"totals and means take a list"),
    ],
    ids=["ratio-string", "ratio-triple", "totals-string", "means-string"],
)
def test_malformed_statistic_request_is_named(request_: dict, pattern: str) -> None:
    with pytest.raises(EstimationError, match=pattern):
        estimate(sample(), CLUSTERED, **request_)


# --- data sources --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "type_name"),
    [([1, 2, 3], "list"), ({"w": [1.0]}, "dict"), (np.ones((3, 2)), "ndarray"), (None, "NoneType")],
    ids=["list", "dict", "ndarray", "None"],
)
def test_unsupported_data_type_is_named(data: object, type_name: str) -> None:
    with pytest.raises(EstimationError, match=names(f"unsupported data of type {type_name}")):
        estimate(data, CLUSTERED, totals=["lf"])


def test_data_without_records_are_refused() -> None:
    with pytest.raises(EstimationError, match="no records"):
        estimate(sample().iloc[:0], CLUSTERED, totals=["lf"])


@pytest.mark.parametrize("name", ["absent.csv", "absent.parquet"])
def test_missing_file_is_named(tmp_path: Path, name: str) -> None:
    with pytest.raises(NotFound, match=names(re.escape(name), "no such file")):
        estimate(tmp_path / name, CLUSTERED, totals=["lf"])
    with pytest.raises(NotFound, match=names(re.escape(name), "no such file")) as raised:
        estimate(str(tmp_path / name), CLUSTERED, totals=["lf"])
    assert raised.value.parameter == "data"


def test_unreadable_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "sample.parquet"
    path.write_text("w,lf\n1,0\n")
    with pytest.raises(EstimationError, match=names(re.escape(str(path)), "cannot read")):
        estimate(path, CLUSTERED, totals=["lf"])


def test_file_of_unknown_format_is_named(tmp_path: Path) -> None:
    path = tmp_path / "sample.xlsx"
    path.write_bytes(b"not a spreadsheet")
    with pytest.raises(EstimationError, match=names(re.escape("sample.xlsx"), r"\.csv")):
        estimate(path, CLUSTERED, totals=["lf"])


# --- infinite values -----------------------------------------------------------------------------


@pytest.mark.parametrize("missing", ["error", "drop"])
@pytest.mark.parametrize(
    ("column", "value", "request_"),
    [
        ("hours", np.inf, {"means": ["hours"]}),
        ("hours", -np.inf, {"totals": ["hours"]}),
        ("lf", np.inf, {"ratios": {"ur": ("unemp", "lf")}}),
        ("w", np.inf, {"totals": ["lf"]}),
    ],
    ids=["mean", "total", "ratio-denominator", "weight"],
)
def test_infinite_values_are_refused(
    column: str, value: float, request_: dict, missing: str
) -> None:
    data = sample()
    data.loc[5, column] = value
    with pytest.raises(EstimationError, match=names(f"'{column}'", "infinite")):
        estimate(data, CLUSTERED, missing=missing, **request_)


# --- empty denominators give NA rows, not errors -------------------------------------------------


@pytest.mark.parametrize("design", DESIGNS)
def test_domain_with_zero_denominator_gives_na_row(design: str) -> None:
    data = sample()
    east = data["region"] == "east"
    data.loc[east, ["lf", "unemp"]] = 0.0
    result = estimate(data, DESIGNS[design], ratios={"ur": ("unemp", "lf")}, by=[(), ("region",)])
    row = result[result["region"] == "east"].iloc[0]
    assert np.isnan(row[["estimate", "se", "lower", "upper", "cv"]].to_numpy(float)).all()
    assert row["n"] == 0
    assert row["numerator_total"] == 0.0 and row["denominator_total"] == 0.0
    others = result[result["region"] != "east"]
    assert len(others) == 3
    assert np.isfinite(others[["estimate", "se", "lower", "upper"]].to_numpy(float)).all()


# --- by-variables named like result columns ------------------------------------------------------


@pytest.mark.parametrize("name", ["statistic", "kind", "n", "estimate"])
def test_by_variable_named_like_a_result_column_is_refused(name: str) -> None:
    data = sample()
    data[name] = data["sex"]
    with pytest.raises(EstimationError, match=f"'{name}'"):
        estimate(data, CLUSTERED, totals=["lf"], by=[(name,)])


# --- an infinite population size -----------------------------------------------------------------


def test_infinite_fpc_is_an_infinite_population() -> None:
    data = sample().assign(fpc=np.inf)
    request = {"totals": ["lf"], "means": ["hours"], "by": BY}
    with_fpc = estimate(data, Design(weight="w", strata="stratum", psu="psu", fpc="fpc"), **request)
    assert_rows_equal(with_fpc, estimate(data, CLUSTERED, **request), [*RESULT, "df"])


# --- found in review ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fpc", "message"),
    [
        ({"A": 0.5, "B": 10.0, "C": 10.0}, "mixes sampling fractions"),
        ({"A": 1.0, "B": 1.0, "C": 1.0}, "is 1 everywhere"),
    ],
    ids=["mixed", "all-ones"],
)
def test_ambiguous_fpc_is_refused(fpc: dict, message: str) -> None:
    data = sample().assign(fpc=lambda d: d["stratum"].map(fpc).astype(float))
    design = Design(weight="w", strata="stratum", psu="psu", fpc="fpc")
    with pytest.raises(EstimationError, match=names("fpc column 'fpc'", message)):
        estimate(data, design, totals=["lf"])


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        ({"totals": [None]}, "column names must be strings"),
        ({"totals": ["lf", "lf"]}, "total 'lf' is requested twice"),
        ({"totals": ["lf"], "by": [("sex", None)]}, r"grouping set \('sex', None\)"),
        ({"totals": ["lf"], "by": [3]}, "grouping set 3"),
        ({"totals": ["lf"], "level": 95}, "level=95"),
    ],
    ids=["none-total", "duplicate", "none-in-by", "int-by", "level-percent"],
)
def test_malformed_requests_are_refused(request_: dict, message: str) -> None:
    with pytest.raises(EstimationError, match=message):
        estimate(sample(), CLUSTERED, **request_)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"replicate_weights": "jk[", "replicate_method": "jk1"}, "not a valid regular"),
        (
            {"replicate_weights": "jk_", "replicate_method": "fay", "fay_rho": "0.5"},
            "fay_rho='0.5' must be a number",
        ),
        ({"strata": 3}, "strata=3 must be a column name"),
    ],
    ids=["bad-regex", "rho-string", "strata-int"],
)
def test_malformed_design_options_are_refused(options: dict, message: str) -> None:
    with pytest.raises(EstimationError, match=message):
        estimate(sample(), Design(weight="w", **options), totals=["lf"])


def test_list_valued_by_variable_is_refused() -> None:
    data = pa.Table.from_pandas(sample()).append_column(
        "codes", pa.array([[1, 2]] * 36, type=pa.list_(pa.int64()))
    )
    with pytest.raises(EstimationError, match=r"column 'codes' has type BIGINT.*single values"):
        estimate(data, CLUSTERED, totals=["lf"], by=[("codes",)])
