"""Shared fixtures of the survey tests: real data paths and small profiles."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
STATCAN_2024_01 = SHARED / "statcan_lfs" / "pumf" / "2024-01-CSV.zip"

PROFILE = """
metadata:
  name: Test survey
  ref_area: XYZ
  source: "BA:1"
  time: "2024Q1"
input:
  format: {format}
design:
  weight: w
variables:
  ilo_sex: sex
  ilo_age: age
  ilo_lfs: CASE WHEN status = 1 THEN 1 ELSE 3 END
"""


def write_profile(tmp_path: Path, text: str | None = None, format: str = "csv") -> Path:
    """Write a profile (by default the small test profile for ``format``) and return its path."""
    path = tmp_path / "test.yaml"
    path.write_text(text if text is not None else PROFILE.format(format=format))
    return path


@pytest.fixture
def statcan_file() -> Path:
    """The real Statistics Canada PUMF for January 2024, from the team's shared data folder."""
    assert STATCAN_2024_01.is_file(), f"{STATCAN_2024_01} is missing: tests need ../shared/data"
    return STATCAN_2024_01
