"""Readers: CSV, Parquet, zip members, Stata and SPSS (with value labels); clear file errors."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest

from decentwork.errors import NotFound
from decentwork.survey import ProfileError, readers, value_labels
from decentwork.survey.profile import Input

FRAME = pd.DataFrame({"sex": [1.0, 2.0, 2.0], "age": [30.0, 41.0, 15.0], "w": [1.5, 2.0, 3.0]})
LABELS = {"sex": {1.0: "Male", 2.0: "Female"}}


def _read(spec: Input, path: Path, needed: list[str]) -> pd.DataFrame:
    relation = readers.read(spec, path, needed)
    assert relation.columns == needed
    return relation.df()


def test_csv_and_parquet_read_only_the_needed_columns(tmp_path: Path) -> None:
    FRAME.to_csv(tmp_path / "s.csv", index=False)
    FRAME.to_parquet(tmp_path / "s.parquet")
    for format, name in (("csv", "s.csv"), ("parquet", "s.parquet")):
        spec = Input(format=format)
        assert readers.columns(spec, tmp_path / name) == ["sex", "age", "w"]
        assert _read(spec, tmp_path / name, ["w", "sex"])["w"].tolist() == [1.5, 2.0, 3.0]


def test_csv_delimiter(tmp_path: Path) -> None:
    FRAME.to_csv(tmp_path / "s.csv", index=False, sep=";")
    assert readers.columns(Input(format="csv", delimiter=";"), tmp_path / "s.csv") == [
        "sex",
        "age",
        "w",
    ]


@pytest.mark.parametrize(
    ("format", "writer"), [("dta", pyreadstat.write_dta), ("sav", pyreadstat.write_sav)]
)
def test_stata_and_spss_keep_value_labels(tmp_path: Path, format: str, writer: object) -> None:
    path = tmp_path / f"s.{format}"
    writer(FRAME, str(path), variable_value_labels=LABELS)  # type: ignore[operator]
    spec = Input(format=format)
    assert readers.columns(spec, path) == ["sex", "age", "w"]
    assert _read(spec, path, ["age"])["age"].tolist() == [30.0, 41.0, 15.0]
    labels = value_labels(spec, path)
    assert {float(k): v for k, v in labels["sex"].items()} == LABELS["sex"]


def test_zip_member_by_glob(tmp_path: Path) -> None:
    FRAME.to_csv(tmp_path / "pub0124.csv", index=False)
    archive = tmp_path / "data.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.write(tmp_path / "pub0124.csv", "pub0124.csv")
        out.writestr("codebook.csv", "a,b\n")
    spec = Input(format="csv", zip_member="pub*.csv")
    assert _read(spec, archive, ["age"])["age"].tolist() == [30.0, 41.0, 15.0]
    with pytest.raises(ProfileError, match=r"data.zip: 2 members is a csv file.*codebook.csv"):
        readers.columns(Input(format="csv"), archive)


def test_zip_without_matching_member_lists_members(tmp_path: Path) -> None:
    archive = tmp_path / "data.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("readme.txt", "x")
    with pytest.raises(ProfileError, match=r"data.zip: no member matches .*pub\*.csv.*readme"):
        readers.columns(Input(format="csv", zip_member="pub*.csv"), archive)


def test_corrupt_zip_names_the_file(tmp_path: Path) -> None:
    archive = tmp_path / "broken.zip"
    archive.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(ProfileError, match=r"broken.zip: not a readable zip archive"):
        readers.columns(Input(format="csv"), archive)


def test_file_that_is_not_the_profile_format(tmp_path: Path) -> None:
    FRAME.to_parquet(tmp_path / "s.parquet")
    with pytest.raises(ProfileError, match=r"s.parquet: the profile reads csv files"):
        readers.columns(Input(format="csv"), tmp_path / "s.parquet")
    (tmp_path / "fake.dta").write_text("not stata")
    with pytest.raises(ProfileError, match=r"fake.dta: cannot read as dta"):
        readers.columns(Input(format="dta"), tmp_path / "fake.dta")
    (tmp_path / "fake.parquet").write_text("not parquet")
    with pytest.raises(ProfileError, match=r"fake.parquet: cannot read as parquet"):
        readers.columns(Input(format="parquet"), tmp_path / "fake.parquet")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match=r"absent\.csv: no such file"):
        readers.columns(Input(format="csv"), tmp_path / "absent.csv")
