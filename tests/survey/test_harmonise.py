"""Harmonisation on real and synthetic data, estimated with the kernel."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from decentwork.estimation import estimate
from decentwork.survey import ProfileError, design_of, harmonise, load_profile
from decentwork.synthetic import generate
from tests.survey.conftest import write_profile

LABOUR = (
    "*, 1 AS pop, CASE WHEN ilo_lfs IN (1, 2) THEN 1 ELSE 0 END AS lf, "
    "CASE WHEN ilo_lfs = 1 THEN 1 ELSE 0 END AS emp, "
    "CASE WHEN ilo_lfs = 2 THEN 1 ELSE 0 END AS une"
)


def _headline(relation: object, profile_name: str) -> pd.Series:
    result = estimate(
        relation.project(LABOUR),  # type: ignore[attr-defined]
        design_of(load_profile(profile_name)),
        totals=["pop", "lf", "emp", "une"],
        ratios={"ur": ("une", "lf")},
    )
    return result.set_index("statistic")["estimate"]


def test_statcan_january_2024_matches_published_figures(statcan_file: Path) -> None:
    relation = harmonise(load_profile("statcan-lfs"), statcan_file)
    assert {"ilo_sex", "ilo_age", "ilo_lfs", "ilo_region", "time", "weight"} <= set(
        relation.columns
    )
    assert relation.aggregate(
        "COUNT(*), MIN(ilo_age), MAX(ilo_age), MIN(time), MAX(time)"
    ).fetchall() == [(109_278, 15, 70, "2024M01", "2024M01")]
    figures = _headline(relation, "statcan-lfs")
    for name, thousands in (
        ("pop", 33_078.3),
        ("lf", 21_351.8),
        ("emp", 20_040.5),
        ("une", 1_311.3),
    ):
        assert figures[name] / 1000 == pytest.approx(thousands, abs=0.05), name
    assert 100 * figures["ur"] == pytest.approx(6.14, abs=0.005)


def test_weight_scale_multiplies_the_weight(statcan_file: Path, tmp_path: Path) -> None:
    yaml = resources.files("decentwork.survey.profiles").joinpath("statcan-lfs.yaml").read_text()
    scaled = write_profile(
        tmp_path, yaml.replace("weight: FINALWT", "weight: FINALWT\n  weight_scale: 0.001")
    )
    relation = harmonise(load_profile(scaled), statcan_file)
    total = relation.aggregate("SUM(weight)").fetchall()[0][0]
    assert total == pytest.approx(33_078.3, abs=0.05)


def test_synthetic_profile_full_design(tmp_path: Path) -> None:
    table = generate(5000, seed=1)
    path = tmp_path / "synthetic.parquet"
    pq.write_table(table, path)
    profile = load_profile("synthetic")
    relation = harmonise(profile, path)
    assert {"weight", "strata", "psu", "ilo_lfs", "time"} <= set(relation.columns)
    people = table.to_pandas()
    adults = people[people["age"] >= 15]
    employed = (adults["worked"] == 1) | (adults["absent"] == 1)
    unemployed = ~employed & (adults["looked"] == 1) & (adults["available"] == 1)
    expected = (adults["weight"] * unemployed).sum() / (
        adults["weight"] * (employed | unemployed)
    ).sum()
    result = estimate(
        relation.filter("ilo_age >= 15").project(LABOUR),
        design_of(profile),
        ratios={"ur": ("une", "lf")},
    )
    assert result["estimate"].iloc[0] == pytest.approx(expected, rel=1e-12)
    assert result["se"].iloc[0] > 0


def test_file_lacking_profile_columns_names_file_and_variable(tmp_path: Path) -> None:
    pd.DataFrame({"sex": [1], "AGE": [20], "w": [1.0]}).to_csv(tmp_path / "s.csv", index=False)
    profile = load_profile(write_profile(tmp_path))
    with pytest.raises(ProfileError) as caught:
        harmonise(profile, tmp_path / "s.csv")
    message = str(caught.value)
    assert "test.yaml: ilo_lfs: no column 'status' in" in message and "s.csv" in message
    assert "ilo_age" not in message  # 'age' matches 'AGE' regardless of case
