"""Calibrated designs against R: ``postStratify``, ``rake`` and ``calibrate`` (linear).

A seeded synthetic survey (60 PSUs in 12 strata), as a stratified cluster design, as a
stratified design whose records are the PSUs and as 30 bootstrap replicate weights (each
recalibrated, as R does), post-stratified by region x sex x age band, raked on region,
sex x age band and urban, and linear-calibrated on region, sex and age band; and the cluster
design with a finite population correction, post-stratified. Totals, a mean with missing
values and a ratio by (), sex and urban x sex (domains that cut across the post-strata).
R's script: ``oracle/calibration.R``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from decentwork.estimation import Design, EstimationError, estimate
from decentwork.estimation.calibration import Calibration
from tests.estimation.r_oracle import RTOL, read_oracle, rows_of, run_r, write_persons

pytestmark = pytest.mark.oracle

BY = [(), ("sex",), ("urban", "sex")]
MARGINS = {
    "post": ["region", "sex", "ageband"],
    "region": ["region"],
    "sexage": ["sex", "ageband"],
    "urban": ["urban"],
    "sex": ["sex"],
    "ageband": ["ageband"],
}
CASES = [
    *(
        f"{base}_{method}"
        for base in ("cluster", "records", "replicate")
        for method in ("poststratify", "rake", "linear")
    ),
    "fpc_poststratify",
]


class Oracle:
    """The persons, the controls tables (R's ``Freq`` is ``total`` here) and R's answers."""

    def __init__(self, workdir: Path) -> None:
        write_persons(workdir / "all.csv", seed=2033, min_age=15)
        persons = pd.read_csv(workdir / "all.csv")
        self.data = persons[persons["psu"] % 2 == 0].reset_index(drop=True)
        self.data["fpc"] = 4 * self.data.groupby("stratum")["psu"].transform("nunique")
        self.data.to_csv(workdir / "calibration.csv", index=False)
        rng = np.random.default_rng(11)
        joint = self.data.groupby(MARGINS["post"])["weight"].sum().rename("Freq").reset_index()
        joint["Freq"] = (joint["Freq"] * rng.uniform(0.9, 1.2, len(joint))).round()
        self.tables = {}
        for name, variables in MARGINS.items():
            if name == "urban":  # urban shares of the sample, on the joint table's population
                weight = self.data.groupby("urban")["weight"].sum()
                table = (weight / weight.sum() * joint["Freq"].sum()).rename("Freq").reset_index()
            else:
                table = joint.groupby(variables)["Freq"].sum().reset_index()
            table.to_csv(workdir / f"calibration_{name}.csv", index=False)
            self.tables[name] = table.rename(columns={"Freq": "total"})
        run_r("calibration.R", workdir)
        self.expected = read_oracle(workdir / "calibration_oracle.csv")
        self.replicates = pd.read_csv(workdir / "calibration_data.csv")
        self.scale = float((workdir / "calibration_scale.txt").read_text())

    def calibration(self, method: str) -> Calibration:
        names = {"poststratify": ["post"], "rake": ["region", "sexage", "urban"]}
        margins = names.get(method, ["region", "sex", "ageband"])
        return Calibration(method, [self.tables[name] for name in margins])  # type: ignore[arg-type]

    def design(self, case: str) -> Design:
        base, method = case.split("_")
        if base == "replicate":
            return Design(
                weight="weight",
                replicate_weights="boot_",
                replicate_method="bootstrap",
                scale=self.scale,
                calibration=self.calibration(method),
            )
        psu = None if base == "records" else "psu"
        fpc = "fpc" if base == "fpc" else None
        calibration = self.calibration(method)
        return Design(weight="weight", strata="stratum", psu=psu, fpc=fpc, calibration=calibration)


@pytest.fixture(scope="module")
def oracle(tmp_path_factory: pytest.TempPathFactory) -> Oracle:
    return Oracle(tmp_path_factory.mktemp("calibration"))


def run(oracle: Oracle, design: Design, data: pd.DataFrame | None = None) -> pd.DataFrame:
    """The statistics R computes; for replicate weights, the degrees of freedom of ``lf``
    (R's degf, from the recalibrated replicate weights) by a second call with t intervals."""
    frame = oracle.data if data is None else data
    result = estimate(
        frame,
        design,
        ratios={"ur": ("unemp", "lf")},
        totals=["lf", "pop"],
        means=["hours"],
        by=BY,
        missing="drop",
    )
    if design.is_replicate:
        lf = result["statistic"] == "lf"
        t = estimate(frame, design, totals=["lf"], by=BY, ci="t")
        result.loc[lf, "df"] = t["df"].to_numpy()
    return result


@pytest.mark.parametrize("case", CASES)
def test_calibrated_estimates_match_r(oracle: Oracle, case: str) -> None:
    data = oracle.replicates if case.startswith("replicate") else None
    result = run(oracle, oracle.design(case), data)
    expected = oracle.expected[oracle.expected["case"] == case]
    compared = 0
    for (name, kind, grouping), rows in expected.groupby(["statistic", "kind", "grouping"]):
        variables = [v for v in str(grouping).split("+") if v]
        ours = rows_of(result, name, kind, variables)
        assert sorted(ours.index) == sorted(rows["key"].fillna("")), (name, grouping)
        ours = ours.loc[rows["key"].fillna("")]
        where = f"{name} by {grouping} ({case})"
        np.testing.assert_allclose(ours["estimate"], rows["estimate"], rtol=RTOL, err_msg=where)
        # a total the calibration fixes has an SE of rounding noise (1e-11) in R and here
        ours_se, r_se = ours["se"].to_numpy(float), rows["se"].to_numpy(float)
        noise = 1e-12 * rows["estimate"].abs().to_numpy()
        assert (np.abs(ours_se - r_se) <= RTOL * r_se + noise).all(), (where, ours_se, r_se)
        if rows["df"].notna().any():
            np.testing.assert_array_equal(ours["df"], rows["df"], err_msg=where)
        compared += 2 * len(rows)
    assert compared == 2 * len(expected) == 2 * 4 * (1 + 2 + 4)


def test_calibrated_totals_meet_the_controls(oracle: Oracle) -> None:
    """The population total by a control variable is its control, with an SE of 0 (raked
    to convergence, with a trace left by R's 10 projections of the scores)."""
    tight = Calibration(
        "rake", [oracle.tables[m] for m in ("region", "sexage", "urban")], maxit=100, epsilon=1e-12
    )
    for method, margin in (("poststratify", "post"), ("rake", "sexage"), ("linear", "sex")):
        calibration = tight if method == "rake" else oracle.calibration(method)
        design = Design(weight="weight", strata="stratum", calibration=calibration)
        variables = tuple(MARGINS[margin])
        result = estimate(oracle.data, design, totals=["pop"], by=[variables])
        table = oracle.tables[margin].set_index(list(variables))["total"]
        got = result.set_index(list(variables))
        np.testing.assert_allclose(got["estimate"], table.loc[got.index], rtol=1e-9)
        # R's variance projects the scores on the margins 10 times, leaving a trace for rake
        assert (got["se"] < (1e-6 if method == "rake" else 1e-9) * got["estimate"]).all()


def test_records_as_psus_match_each_record_as_a_psu(oracle: Oracle) -> None:
    """The one-pass moments of the calibration-aware variance (records as PSUs) equal the
    PSU computation with a PSU per record, also for a variable whose spread is tiny next to
    its mean (the kernel then reads the data a second time, one PSU per record)."""
    data = oracle.data.assign(
        record=np.arange(len(oracle.data)), big=1e7 + (oracle.data["age"] % 3)
    )
    for method in ("poststratify", "rake", "linear"):
        calibration = oracle.calibration(method)
        both = [
            estimate(
                data,
                Design(weight="weight", strata="stratum", psu=psu, calibration=calibration),
                ratios={"ur": ("unemp", "lf")},
                totals=["lf", "big"],
                by=BY,
            )
            for psu in (None, "record")
        ]
        np.testing.assert_allclose(both[0]["estimate"], both[1]["estimate"], rtol=1e-12)
        np.testing.assert_allclose(both[0]["se"], both[1]["se"], rtol=1e-9, err_msg=method)


@pytest.mark.parametrize("method", ["poststratify", "rake", "linear"])
def test_a_calibrated_population_count_is_exact_in_one_pass(oracle: Oracle, method: str) -> None:
    """Records as PSUs: a count the calibration fixes gets an SE of 0 (to 1e-15 of the
    count; raking keeps the trace of R's 10 projections) from the one-pass moments, without
    the second reading that a precision loss would need (a one-shot stream cannot be read
    twice)."""
    table = pa.Table.from_pandas(oracle.data)
    stream = pa.RecordBatchReader.from_batches(table.schema, table.to_batches(max_chunksize=999))
    design = Design(weight="weight", strata="stratum", calibration=oracle.calibration(method))
    result = estimate(stream, design, totals=["pop", "lf"], by=[(), ("sex",)])
    pop = result[result["statistic"] == "pop"]
    assert (pop["se"] < (1e-6 if method == "rake" else 1e-15) * pop["estimate"]).all()
    assert (result.loc[result["statistic"] == "lf", "se"] > 1000).all()


def test_domains_keep_the_design_df(oracle: Oracle) -> None:
    """Degrees of freedom are those of the domain, as R's degf of the subset (compared to
    R for post-stratification in the oracle); calibration does not change them."""
    plain = Design(weight="weight", strata="stratum", psu="psu")
    calibrated = oracle.design("cluster_poststratify")
    both = [estimate(oracle.data, d, totals=["lf"], by=BY)["df"] for d in (plain, calibrated)]
    np.testing.assert_array_equal(both[0], both[1])


# --- bad input -------------------------------------------------------------------------


def table(**columns: list[object]) -> pd.DataFrame:
    return pd.DataFrame(columns)


@pytest.mark.parametrize(
    ("arguments", "parameter", "message"),
    [
        (("weights", table(sex=[1, 2], total=[1.0, 2.0])), "method", "one of poststratify"),
        (("poststratify", []), "controls", "a DataFrame or a list"),
        (("poststratify", "sex"), "controls", "a DataFrame or a list"),
        (("poststratify", table(sex=[1, 2], N=[1.0, 2.0])), "controls", "'total'"),
        (("poststratify", table(total=[1.0])), "controls", "'total'"),
        (("poststratify", table(sex=[1, 2], total=[1.0, -2.0])), "controls", "not negative"),
        (("poststratify", table(sex=[1, 2], total=[1.0, None])), "controls", "not negative"),
        (("poststratify", table(sex=[1, 2], total=["a", 2])), "controls", "not a number"),
        (("poststratify", table(sex=[1, None], total=[1.0, 2.0])), "controls", "missing"),
        (("poststratify", table(sex=[1, 1], total=[1.0, 2.0])), "controls", "twice"),
        (
            ("poststratify", [table(sex=[1], total=[1.0]), table(age=[1], total=[1.0])]),
            "controls",
            "one table of post-strata",
        ),
        (
            ("rake", [table(sex=[1, 2], total=[1.0, 2.0]), table(age=[1], total=[4.0])]),
            "controls",
            "add up to the same population",
        ),
        (("linear", table(sex=[1], total=[1.0]), 5), "maxit", "applies to method='rake'"),
        (("rake", table(sex=[1], total=[1.0]), 0), "maxit", "positive whole number"),
        (("rake", table(sex=[1], total=[1.0]), None, -1.0), "epsilon", "positive number"),
    ],
)
def test_bad_calibrations_are_refused(
    arguments: tuple[object, ...], parameter: str, message: str
) -> None:
    with pytest.raises(EstimationError, match=message) as raised:
        Calibration(*arguments)  # type: ignore[arg-type]
    assert raised.value.parameter == parameter


def test_calibration_is_a_calibration_without_deff(oracle: Oracle) -> None:
    with pytest.raises(EstimationError, match="a Calibration") as raised:
        Design(weight="w", calibration="poststratify")  # type: ignore[arg-type]
    assert raised.value.parameter == "calibration"
    with pytest.raises(EstimationError, match="deff=True") as raised:
        estimate(oracle.data, oracle.design("cluster_poststratify"), totals=["lf"], deff=True)
    assert raised.value.parameter == "deff"


def test_calibration_is_refused_with_two_stages_and_with_covariances(oracle: Oracle) -> None:
    from decentwork.estimation import estimate_covariance

    calibration = oracle.design("cluster_poststratify").calibration
    with pytest.raises(EstimationError, match="multi-stage") as raised:
        Design(weight="w", psu=("psu", "ssu"), calibration=calibration)
    assert raised.value.parameter == "calibration"
    with pytest.raises(EstimationError, match="covariances are not computed") as raised:
        estimate_covariance(oracle.data, oracle.design("cluster_poststratify"), totals=["lf"])
    assert raised.value.parameter == "calibration"


def post(cells: pd.DataFrame) -> Design:
    return Design(weight="weight", calibration=Calibration("poststratify", cells))


def sex_totals(oracle: Oracle) -> pd.DataFrame:
    return oracle.tables["sex"].copy()


def test_controls_that_do_not_fit_the_sample_are_refused(oracle: Oracle) -> None:
    data = oracle.data
    cases = [
        (
            post(table(gender=[1, 2], total=[1.0, 2.0])),
            data,
            "control variable 'gender' is not a column",
        ),
        (
            post(sex_totals(oracle).iloc[:1]),
            data,
            r"no row for the sample cell \{'sex': 2\}",
        ),
        (
            post(pd.concat([sex_totals(oracle), table(sex=[3], total=[5.0])])),
            data,
            r"the cell \{'sex': 3\} has a positive total but no sample record",
        ),
        (
            post(sex_totals(oracle).assign(total=[0.0, 1.0])),
            data,
            r"the cell \{'sex': 1\} has sample records but a total of 0",
        ),
        (
            post(sex_totals(oracle)),
            data.assign(sex=data["sex"].astype(float).where(data.index > 0)),
            "'sex' has 1 missing value",
        ),
        (
            post(sex_totals(oracle)),
            data.assign(weight=data["weight"].where(data["sex"] == 1, 0.0)),
            r"the sample cell \{'sex': 2\} has a weight total of 0",
        ),
    ]
    for design, frame, message in cases:
        with pytest.raises(EstimationError, match=message) as raised:
            estimate(frame, design, totals=["lf"], missing="drop")
        assert raised.value.parameter in ("calibration", "controls"), message


def test_text_control_values_match_text_tables(oracle: Oracle) -> None:
    """Control values are matched by value; numbers in the data and text in the table (a
    CSV read as text) are compared as text."""
    numbers = estimate(oracle.data, post(sex_totals(oracle)), totals=["lf"])
    text = estimate(oracle.data, post(sex_totals(oracle).astype({"sex": str})), totals=["lf"])
    np.testing.assert_allclose(numbers[["estimate", "se"]], text[["estimate", "se"]], rtol=1e-15)


def test_raking_that_does_not_converge_is_refused(oracle: Oracle) -> None:
    margins = [oracle.tables["region"], oracle.tables["sexage"], oracle.tables["urban"]]
    design = Design(weight="weight", calibration=Calibration("rake", margins, maxit=1))
    with pytest.raises(EstimationError, match="did not converge after 1 iterations") as raised:
        estimate(oracle.data, design, totals=["lf"])
    assert raised.value.parameter == "maxit"
    loose = Design(weight="weight", calibration=Calibration("rake", margins, maxit=1, epsilon=1e9))
    assert estimate(oracle.data, loose, totals=["lf"])["estimate"].notna().all()


def test_canadian_lfs_post_stratified_as_in_r() -> None:
    """Issue 20's figures: the Canadian LFS of March 2024 (weights only) post-stratified by
    province x sex x age group (12 groups), the controls being the file's own weighted
    totals, as R's ``postStratify(svydesign(ids=~1, weights=~FINALWT), ~PROV+SEX+AGE_12,
    totals)``: population 15+ gets an SE of 0 (91,061 before) and employment 53,192.87
    (88,404.97 before); R's figures, written out to 17 digits."""
    from decentwork.survey import harmonise, load_profile
    from tests.survey.conftest import SHARED

    people = harmonise(load_profile("statcan-lfs"), SHARED / "statcan_lfs/pumf/2024-03-CSV.zip")
    data = people.query(
        "p",
        "SELECT ilo_region, ilo_sex, ilo_age, weight, 1 AS pop, "
        "CAST(ilo_lfs = 1 AS INTEGER) AS employed FROM p",
    ).df()
    cells = ["ilo_region", "ilo_sex", "ilo_age"]
    controls = data.groupby(cells)["weight"].sum().rename("total").reset_index()
    assert len(controls) == 10 * 2 * 12
    r_se = {None: [91060.934782008975, 88404.973860551836], "post": [0.0, 53192.868822741853]}
    for case, calibration in (("post", Calibration("poststratify", controls)), (None, None)):
        design = Design(weight="weight", calibration=calibration)
        result = estimate(data, design, totals=["pop", "employed"]).set_index("statistic")
        np.testing.assert_allclose(result["estimate"], [33252443, 20194889], rtol=1e-15)
        np.testing.assert_allclose(result["se"], r_se[case], rtol=RTOL, atol=1e-6)
