"""``decentwork profile check``: tables, problems (exit 1) and errors (exit 2, no traceback)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
from typer.testing import CliRunner

from decentwork.cli import app
from decentwork.synthetic import generate
from tests.survey.conftest import PROFILE, SHARED, write_profile

runner = CliRunner()


def test_profile_commands_have_help() -> None:
    for command in (["profile"], ["profile", "check"]):
        result = runner.invoke(app, [*command, "--help"])
        assert result.exit_code == 0, result.output
        assert "Usage" in result.output


def test_check_statcan_file_passes(statcan_file: Path) -> None:
    result = runner.invoke(app, ["profile", "check", "statcan-lfs", str(statcan_file)])
    assert result.exit_code == 0, result.output
    assert "109,278 records" in result.output
    assert "ilo_lfs" in result.output and "LFSSTAT" in result.output
    assert "2024M01" in result.output and "(100.0%)" in result.output
    assert "Raw columns not used" in result.output and "MARSTAT" in result.output
    assert "No problems found" in result.output


def test_check_synthetic_file_passes(tmp_path: Path) -> None:
    path = tmp_path / "lfs.parquet"
    pq.write_table(generate(2000, seed=3), path)
    result = runner.invoke(app, ["profile", "check", "synthetic", str(path)])
    assert result.exit_code == 0, result.output
    assert "stratum" in result.output


def test_check_reports_problems_with_exit_1(tmp_path: Path) -> None:
    pd.DataFrame(
        {"sex": [1, 2, 1], "age": [None, None, None], "status": [1, 1, 2], "w": [1.0, 0.0, -2.0]}
    ).to_csv(tmp_path / "s.csv", index=False)
    text = PROFILE.format(format="csv").replace("  ilo_sex: sex\n", "  ilo_geo: sex\n")
    profile = write_profile(tmp_path, text)
    result = runner.invoke(app, ["profile", "check", str(profile), str(tmp_path / "s.csv")])
    assert result.exit_code == 1, result.output
    assert "ilo_sex: required standard variable not mapped" in result.output
    assert "ilo_age: expression is NULL for every record" in result.output
    assert "weight: zero or negative for 2 records" in result.output


def test_check_errors_exit_2_without_traceback(tmp_path: Path) -> None:
    pd.DataFrame({"sex": [1], "age": [20], "w": [1.0]}).to_csv(tmp_path / "s.csv", index=False)
    bad = write_profile(tmp_path, PROFILE.format(format="csv").replace("status", "stat; x"))
    for arguments in (
        [str(bad), str(tmp_path / "s.csv")],
        ["synthetic", str(tmp_path / "s.csv")],
        ["statcan-lfs", str(tmp_path / "absent.zip")],
    ):
        result = runner.invoke(app, ["profile", "check", *arguments])
        assert result.exit_code == 2, result.output
        assert result.output.startswith("Error:"), result.output
        assert "Traceback" not in result.output


def test_missing_files_are_named_without_an_option(tmp_path: Path) -> None:
    """The profile and the survey file are arguments: the message names them, no option."""
    absent = tmp_path / "absent.zip"
    for arguments, message in (
        (["statcan-lfs", str(absent)], f"Error: {absent}: no such file"),
        (
            [str(tmp_path / "p.yaml"), str(absent)],
            f"Error: {tmp_path / 'p.yaml'}: no such profile file",
        ),
        (
            ["no-such-profile", str(absent)],
            "Error: no-such-profile: no such profile file or bundled profile",
        ),
    ):
        result = runner.invoke(app, ["profile", "check", *arguments])
        assert result.exit_code == 2, result.output
        assert " ".join(result.output.split()).startswith(message), result.output


PSA_SEPTEMBER = SHARED / "psa_lfs" / "2022" / "LFS_PUF_September_2022.F2"
WIDE = {"COLUMNS": "250"}
"""A terminal wide enough that Rich's tables do not wrap the values checked."""


def test_check_psa_file_labels_values_and_lists_what_it_cannot_give() -> None:
    result = runner.invoke(app, ["profile", "check", "psa-lfs", str(PSA_SEPTEMBER)], env=WIDE)
    assert result.exit_code == 0, result.output
    assert "45,534 records in scope, 727 outside metadata.scope" in " ".join(result.output.split())
    assert "1 Male: 22,901 (50.5%)  2 Female: 22,633 (49.5%)" in result.output
    assert "13 National Capital Region  (NCR): 6,145 (12.7%)" in result.output
    assert "ilo_lfs (national)" in result.output and "PUFC26_WYNOT" in result.output
    assert "Not computable from this profile" in result.output
    for indicator, needs in (
        ("EMP_NIFL_SEX_RT", "ilo_job1_ife_nature"),
        ("SDG_0861_SEX_RT", "ilo_edu_attendance"),
        ("SDG_0851_SEX_OCU_NB", "ilo_job1_lri_ees"),
    ):
        line = next(line for line in result.output.splitlines() if indicator in line)
        assert needs in line, line
    assert "UNE_DEAP_SEX_AGE_RT" not in result.output
    assert "No problems found" in result.output


def test_check_with_a_dictionary_from_elsewhere(tmp_path: Path) -> None:
    """A data file whose dictionary is not beside it under its name: --dictionary."""
    data = tmp_path / "september.F2"
    data.symlink_to(PSA_SEPTEMBER)
    result = runner.invoke(app, ["profile", "check", "psa-lfs", str(data)], env=WIDE)
    assert result.exit_code == 2, result.output
    assert " ".join(result.output.split()).startswith(
        f"Error: --dictionary: {data}: no CSPro dictionary beside it (september.dcf)"
    )
    dictionary = PSA_SEPTEMBER.with_suffix(".dcf")
    result = runner.invoke(
        app, ["profile", "check", "psa-lfs", str(data), "--dictionary", str(dictionary)], env=WIDE
    )
    assert result.exit_code == 0, result.output
    assert "45,534 records in scope" in " ".join(result.output.split())
    wrong = PSA_SEPTEMBER.with_name("LFS_PUF_March_2022.dcf")
    result = runner.invoke(
        app, ["profile", "check", "psa-lfs", str(data), "--dictionary", str(wrong)], env=WIDE
    )
    assert result.exit_code == 2, result.output
    assert (
        "line 1 is 93 characters long, longer than record HHMEM of dictionary "
        "LFS_PUF_March_2022.dcf (92)" in " ".join(result.output.split())
    )
