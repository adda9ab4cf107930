"""The ``decentwork`` command line: help texts, ``synth`` and ``demo`` end to end."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from decentwork.cli import app
from decentwork.synthetic import generate

runner = CliRunner()


@pytest.mark.parametrize("command", [[], ["synth"], ["demo"], ["serve"]])
def test_every_command_has_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_synth_writes_the_seeded_survey(tmp_path: Path) -> None:
    out = tmp_path / "lfs.parquet"
    result = runner.invoke(app, ["synth", "--records", "3000", "--seed", "5", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Wrote 3,000 synthetic records" in result.output
    assert pq.read_table(out).equals(generate(3000, seed=5))


def test_synth_refuses_bad_sizes_with_a_message(tmp_path: Path) -> None:
    out = tmp_path / "x.parquet"
    result = runner.invoke(app, ["synth", "--records", "100", "--psus", "101", "--out", str(out)])
    assert result.exit_code == 2
    assert "Error: psus" in result.output
    assert not out.exists()


def test_demo_prints_rates_with_standard_errors() -> None:
    result = runner.invoke(app, ["demo", "--records", "20000", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "SYNTHETIC survey, fictional area X_DW" in result.output
    for label in ("Unemployment", "Participation", "Total", "Women", "Age 15-24", "Rural"):
        assert label in result.output
