"""Tests of the seeded synthetic labour force survey generator."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from decentwork.errors import BadInput
from decentwork.synthetic import generate, write_parquet
from decentwork.synthetic.classifications import DIVISION_CODES, OCCUPATIONS
from decentwork.synthetic.schema import COLUMNS

QUESTIONS = [
    "worked",
    "absent",
    "looked",
    "available",
    "wants_more_hours",
    "hours",
    "earnings",
    "isco",
    "isic",
    "status",
    "registered",
    "social_security",
]
JOB_COLUMNS = ["wants_more_hours", "hours", "isco", "isic", "status"]
YES_NO_COLUMNS = [
    "attending",
    "worked",
    "absent",
    "looked",
    "available",
    "wants_more_hours",
    "registered",
    "social_security",
]


@pytest.fixture(scope="module")
def survey() -> pa.Table:
    return generate(200_000, seed=11)


@pytest.fixture(scope="module")
def frame(survey: pa.Table) -> pd.DataFrame:
    return survey.to_pandas()


def labour_status(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Working age, employed and unemployed flags from the raw questions."""
    working_age = frame.age >= 15
    employed = (frame.worked == 1) | (frame.absent == 1)
    unemployed = working_age & ~employed & (frame.looked == 1) & (frame.available == 1)
    return working_age, employed, unemployed


def weighted_rate(frame: pd.DataFrame, numerator: pd.Series, denominator: pd.Series) -> float:
    return frame.weight[numerator & denominator].sum() / frame.weight[denominator].sum()


def test_same_seed_gives_the_same_table() -> None:
    assert generate(3_000, seed=5).equals(generate(3_000, seed=5))
    assert not generate(3_000, seed=5).equals(generate(3_000, seed=6))


def test_schema_is_the_documented_one(survey: pa.Table) -> None:
    assert [(f.name, f.type) for f in survey.schema] == [(n, t) for n, t, _ in COLUMNS]
    assert survey.num_rows == 200_000


@pytest.mark.parametrize(("records", "chunk_records"), [(70_000, 9_999), (500, 64), (500, 10**6)])
def test_chunked_write_equals_generate(tmp_path, records: int, chunk_records: int) -> None:
    path = tmp_path / "survey.parquet"
    progress: list[int] = []
    write_parquet(
        path,
        records,
        seed=3,
        strata=3,
        psus=17,
        on_progress=progress.append,
        chunk_records=chunk_records,
    )
    assert pq.read_table(path).equals(generate(records, seed=3, strata=3, psus=17))
    assert progress == [*range(chunk_records, records, chunk_records), records]
    assert pq.ParquetFile(path).num_row_groups == len(progress)


@pytest.mark.parametrize(
    ("records", "strata", "psus"),
    [(20_000, 7, 41), (2, 1, 2), (300, 4, 300), (65_600, 1, 2), (12_000, None, None)],
)
def test_design_structure(records: int, strata: int | None, psus: int | None) -> None:
    frame = generate(records, seed=2, strata=strata, psus=psus).to_pandas()
    strata = strata or records // 5_000
    psus = psus or records // 100
    assert len(frame) == records
    assert sorted(frame.stratum.unique()) == list(range(1, strata + 1))
    assert sorted(frame.psu.unique()) == list(range(1, psus + 1))
    assert frame.groupby("psu").stratum.nunique().max() == 1
    assert frame.groupby("stratum").psu.nunique().min() >= 2
    assert frame.groupby("psu").urban.nunique().max() == 1
    assert frame.groupby("stratum").region.nunique().max() == 1
    assert frame.region.between(1, 10).all()
    assert frame.groupby("household").psu.nunique().max() == 1
    assert frame.groupby("household").weight.nunique().max() == 1
    lines = frame.groupby("household").person
    assert (lines.min() == 1).all()
    assert (lines.max() == lines.size()).all()
    assert (frame.weight > 0).all()
    assert frame.weight.sum() == pytest.approx(200 * records)


def test_strata_spread_over_regions_and_weights_vary(frame: pd.DataFrame) -> None:
    assert frame.region.nunique() == 10
    psu_weights = frame.groupby(["stratum", "psu"]).weight.first()
    stratum_means = psu_weights.groupby(level="stratum").mean()
    assert stratum_means.std() / stratum_means.mean() > 0.1
    assert (psu_weights.groupby(level="stratum").std() > 0).all()


def test_demography_is_plausible(frame: pd.DataFrame) -> None:
    assert frame.age.between(0, 95).all()
    assert frame.sex.isin([1, 2]).all()
    assert frame.urban.isin([1, 2]).all()
    children = weighted_rate(frame, frame.age < 15, frame.age >= 0)
    assert 0.25 < children < 0.45
    heads = frame[frame.person == 1]
    assert (heads.age >= 15).all()
    assert 3.5 < frame.groupby("household").size().mean() < 6


def test_nulls_follow_the_skip_logic(survey: pa.Table, frame: pd.DataFrame) -> None:
    for name in ("hours", "earnings", "weight"):
        assert not pc.any(pc.is_nan(survey.column(name))).as_py()
    under_15 = frame[frame.age < 15]
    assert under_15[QUESTIONS].isna().all().all()
    assert frame.education.isna().eq(frame.age < 5).all()
    assert frame.attending.isna().eq((frame.age < 5) | (frame.age > 40)).all()
    assert frame.education.dropna().between(0, 8).all()

    working_age, employed, _ = labour_status(frame)
    assert frame.worked.notna().eq(working_age).all()
    assert frame.absent.notna().eq(frame.worked == 2).all()
    not_employed = working_age & ~employed
    for name in ("looked", "available"):
        assert frame[name].notna().eq(not_employed).all()
    for name in JOB_COLUMNS:
        assert frame[name].notna().eq(employed).all()
    assert frame.hours.eq(0).eq(frame.absent == 1).all()
    assert frame.hours[frame.worked == 1].between(1, 98).all()
    employee = frame.status == 1
    assert frame.social_security.notna().eq(employee).all()
    assert frame.registered.notna().eq(employed & ~employee).all()
    assert frame.earnings[~employee].isna().all()
    refused = frame.earnings[employee].isna().mean()
    assert 0 < refused < 0.15
    assert (frame.earnings.dropna() > 0).all()
    for name in YES_NO_COLUMNS:
        assert frame[name].dropna().isin([1, 2]).all()


def test_job_codes_are_valid(frame: pd.DataFrame) -> None:
    isco = {code for rows in OCCUPATIONS.values() for code, _, _ in rows}
    assert frame.isco.dropna().isin(isco).all()
    assert frame.isco.dropna().between(1000, 9999).all()
    assert frame.isic.dropna().isin(DIVISION_CODES).all()
    assert frame.status.dropna().isin([1, 2, 3, 4, 5, 6]).all()
    assert frame.status.dropna().nunique() >= 5


def test_labour_market_rates_are_plausible(frame: pd.DataFrame) -> None:
    working_age, employed, unemployed = labour_status(frame)
    labour_force = employed | unemployed
    men, women = working_age & (frame.sex == 1), working_age & (frame.sex == 2)
    youth, adults = frame.age.between(15, 24), frame.age >= 25
    assert 0.58 < weighted_rate(frame, labour_force, working_age) < 0.72
    assert 0.04 < weighted_rate(frame, unemployed, labour_force) < 0.09
    assert weighted_rate(frame, labour_force, women) < weighted_rate(frame, labour_force, men) - 0.1
    assert weighted_rate(frame, unemployed, labour_force & youth) > weighted_rate(
        frame, unemployed, labour_force & adults
    )

    informal = employed & (
        (frame.social_security == 2) | (frame.registered == 2) | (frame.status == 5)
    )
    urban, rural = employed & (frame.urban == 1), employed & (frame.urban == 2)
    assert weighted_rate(frame, informal, rural) > weighted_rate(frame, informal, urban) + 0.15
    agriculture = employed & (frame.isic <= 3)
    assert weighted_rate(frame, informal, agriculture) > 0.85


def test_rates_cluster_within_psus_and_differ_between_strata(frame: pd.DataFrame) -> None:
    working_age, employed, unemployed = labour_status(frame)
    people = frame[working_age].assign(active=(employed | unemployed)[working_age])
    for level in ("psu", "stratum"):
        groups = people.groupby(level).active
        rate, size = groups.mean(), groups.size()
        p = people.active.mean()
        binomial = (p * (1 - p) / size).mean()
        assert rate.var() > 1.5 * binomial, level  # no clustering: about 1.0


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"records": 1}, "records"),
        ({"records": 0}, "records"),
        ({"records": 100, "strata": 0}, "strata"),
        ({"records": 100, "strata": 51}, "strata"),
        ({"records": 100, "psus": 1}, "psus"),
        ({"records": 100, "psus": 101}, "psus"),
        ({"records": 100, "strata": 5, "psus": 9}, "psus"),
        ({"records": 100, "seed": -1}, "seed"),
    ],
)
def test_bad_arguments_are_bad_input_naming_the_argument(arguments: dict, message: str) -> None:
    arguments = {"seed": 1, **arguments}
    with pytest.raises(BadInput, match=message) as raised:
        generate(**arguments)
    assert raised.value.parameter == message


def test_bad_chunk_size_writes_nothing(tmp_path) -> None:
    path = tmp_path / "survey.parquet"
    with pytest.raises(BadInput, match="chunk_records") as raised:
        write_parquet(path, 100, seed=1, chunk_records=0)
    assert raised.value.parameter == "chunk_records"
    assert not path.exists()


@pytest.mark.parametrize("records", [1.5e3, "100", True, None])
def test_non_integer_sizes_are_refused(records: object) -> None:
    with pytest.raises(BadInput, match=r"records must be an integer, got") as raised:
        generate(records, seed=1)  # type: ignore[arg-type]
    assert (raised.value.parameter, raised.value.given) == ("records", repr(records))


def test_numpy_integers_are_sizes() -> None:
    assert generate(np.int64(100), seed=np.int32(1)).num_rows == 100


def test_a_file_that_cannot_be_written_is_named(tmp_path) -> None:
    with pytest.raises(BadInput, match=r"cannot write .*absent.*No such file"):
        write_parquet(tmp_path / "absent" / "survey.parquet", 100, seed=1)
