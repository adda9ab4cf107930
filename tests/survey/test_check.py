"""``profile check``'s checks: values enter SQL as quoted literals, and expressions that fail
on the data are reported as the profile's problem, naming the profile and the file."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from decentwork.cli import app
from decentwork.survey import ProfileError, harmonise, load_profile
from decentwork.survey.check import check_profile, record_problems
from decentwork.survey.expressions import literal
from tests.survey.conftest import PROFILE, write_profile


@pytest.mark.parametrize("value", ["O'Neil", "''", "a\\b", "'); DROP TABLE t; --", ""])
def test_literal_reads_back_as_the_value(value: str) -> None:
    assert duckdb.sql(f"SELECT {literal(value)}").fetchall() == [(value,)]


def _survey(tmp_path: Path, **columns: list[object]) -> Path:
    frame = pd.DataFrame(
        {
            "sex": [1, 2, 1],
            "age": [20, 30, 40],
            "status": [1, 1, 2],
            "w": [1.0, 1.0, 1.0],
            **columns,
        }
    )
    path = tmp_path / "s.csv"
    frame.to_csv(path, index=False)
    return path


def test_region_with_a_quote_is_named(tmp_path: Path) -> None:
    path = _survey(tmp_path, region=["O'Neil", "1", "1"])
    text = (
        PROFILE.format(format="csv").replace(
            '  time: "2024Q1"\n', '  time: "2024Q1"\n  regions: {1: XY-A}\n'
        )
        + "  ilo_region: region\n"
    )
    profile = load_profile(write_profile(tmp_path, text))
    problems = record_problems(harmonise(profile, path), profile)
    assert problems == [
        "ilo_region has values without an area in metadata.regions: O'Neil (known: 1)"
    ]


def _failing(tmp_path: Path) -> tuple[Path, Path]:
    """A profile whose ilo_lfs casts a text column to integer, and a file where it fails."""
    path = _survey(tmp_path, status=["1", "one", "2"])
    text = PROFILE.format(format="csv").replace(
        "CASE WHEN status = 1 THEN 1 ELSE 3 END", "CAST(status AS INTEGER)"
    )
    return write_profile(tmp_path, text), path


def test_expressions_failing_on_the_data_are_named(tmp_path: Path) -> None:
    profile, path = _failing(tmp_path)
    with pytest.raises(ProfileError) as raised:
        check_profile(load_profile(profile), path)
    message = str(raised.value)
    assert message.startswith(f"{profile}: the expressions fail on {path}: ")
    assert "one" in message


def test_profile_check_reports_failing_expressions_with_exit_2(tmp_path: Path) -> None:
    profile, path = _failing(tmp_path)
    result = CliRunner().invoke(app, ["profile", "check", str(profile), str(path)])
    assert result.exit_code == 2, result.output
    assert re.match(r"Error: .*the expressions fail on", " ".join(result.output.split()))
    assert "Traceback" not in result.output
