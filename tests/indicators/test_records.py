"""Records that cannot give labour statistics are refused by ``compute`` and reported by
``profile check`` (one shared check), and non-UTF-8 CSV files are read in their encoding."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from decentwork.cli import app
from decentwork.indicators import ComputeError, compute
from decentwork.survey import ProfileError, load_profile
from tests.survey.conftest import PROFILE, write_profile

runner = CliRunner()


def _survey(tmp_path: Path, **changes: object) -> Path:
    frame = pd.DataFrame(
        {
            "sex": [1, 2, 1, 2] * 5,
            "age": [20.0, 30.0, 40.0, 70.0] * 5,
            "status": [1, 1, 2, 1] * 5,
            "w": [1.0] * 20,
        }
    )
    for column, values in changes.items():
        frame[column] = values
    path = tmp_path / "s.csv"
    frame.to_csv(path, index=False)
    return path


def test_clean_records_compute(tmp_path: Path) -> None:
    result = compute(
        load_profile(write_profile(tmp_path)), _survey(tmp_path), indicators=["UNE_DEAP_SEX_AGE_RT"]
    )
    total = result.observations.query("sex == 'SEX_T' and classif1 == 'AGE_YTHADULT_YGE15'")
    assert total["obs_value"].tolist() == [0.0]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"age": [np.nan] + [20.0] * 19}, "ilo_age is missing or NaN: 1 records"),
        ({"sex": [3] + [1] * 19}, "ilo_sex is not 1 (male) or 2 (female) (working age): 1 records"),
    ],
)
def test_bad_records_are_refused_with_counts(tmp_path: Path, changes: dict, message: str) -> None:
    path = _survey(tmp_path, **changes)
    with pytest.raises(ComputeError, match=None) as raised:
        compute(load_profile(write_profile(tmp_path)), path, indicators=["UNE_DEAP_SEX_AGE_RT"])
    assert message in str(raised.value) and str(path) in str(raised.value)


def test_nan_age_in_parquet_is_refused(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {"sex": [1, 2] * 10, "age": [np.nan] + [30.0] * 19, "status": [1] * 20, "w": [1.0] * 20}
    )
    path = tmp_path / "s.parquet"
    frame.to_parquet(path)
    profile = load_profile(write_profile(tmp_path, format="parquet"))
    with pytest.raises(ComputeError, match="ilo_age is missing or NaN: 1 records"):
        compute(profile, path, indicators=["POP_XWAP_SEX_AGE_NB"])


def test_time_that_is_not_a_period_is_refused(tmp_path: Path) -> None:
    text = PROFILE.format(format="csv").replace(
        'time: "2024Q1"', "time: CAST(2024.0 AS VARCHAR) || 'M01'"
    )
    with pytest.raises(
        ComputeError,
        match=r"time is not YYYY, YYYYQn or YYYYMmm: 20 records "
        r"\(e\.g\. '2024\.0M01'\)",
    ):
        compute(
            load_profile(write_profile(tmp_path, text)),
            _survey(tmp_path),
            indicators=["UNE_DEAP_SEX_AGE_RT"],
        )


def test_text_region_codes_give_a_clean_error(tmp_path: Path) -> None:
    text = PROFILE.format(format="csv") + (
        "  ilo_region: CASE WHEN sex = 1 THEN 'ON' ELSE 'QC' END\n"
    )
    text = text.replace('  time: "2024Q1"\n', '  time: "2024Q1"\n  regions: {35: CA-ON}\n')
    result = runner.invoke(
        app,
        [
            "compute",
            str(write_profile(tmp_path, text)),
            str(_survey(tmp_path)),
            "--out",
            str(tmp_path / "o.csv"),
        ],
    )
    assert result.exit_code == 2, result.output
    output = " ".join(result.output.split())
    assert "ilo_region has values without an area in metadata.regions: ON, QC" in output
    assert "Traceback" not in result.output and not (tmp_path / "o.csv").exists()


def test_profile_check_reports_what_compute_refuses(tmp_path: Path) -> None:
    path = _survey(tmp_path, status=[9] + [1] * 19)
    text = PROFILE.format(format="csv").replace(
        "CASE WHEN status = 1 THEN 1 ELSE 3 END",
        "CASE WHEN status = 1 THEN 1 WHEN status = 2 THEN 3 END",
    )
    result = runner.invoke(app, ["profile", "check", str(write_profile(tmp_path, text)), str(path)])
    assert result.exit_code == 1, result.output
    assert "ilo_lfs is missing (working age): 1 records" in result.output


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "utf-16"])
def test_csv_in_another_encoding(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "s.csv"
    rows = ["sex,age,status,w,région"] + [f"{1 + k % 2},{20 + k},1,1.0,Montréal" for k in range(20)]
    path.write_bytes(("\n".join(rows) + "\n").encode(encoding))
    text = PROFILE.format(format="csv").replace(
        "  format: csv\n", f"  format: csv\n  encoding: {encoding}\n"
    )
    result = compute(
        load_profile(write_profile(tmp_path, text)), path, indicators=["POP_XWAP_SEX_AGE_NB"]
    )
    total = result.observations.query("sex == 'SEX_T' and classif1 == 'AGE_YTHADULT_YGE15'")
    assert total["obs_value"].tolist() == [pytest.approx(0.020)]
    assert total["sample_count"].tolist() == [20]


def test_text_that_is_not_in_the_encoding_is_named(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes(b"sex,age,status,w\n1,20,1,\xff\xfe\x00\n")
    text = PROFILE.format(format="csv").replace(
        "  format: csv\n", "  format: csv\n  encoding: utf-16\n"
    )
    with pytest.raises(ProfileError, match="not utf-16 text") as raised:
        compute(
            load_profile(write_profile(tmp_path, text)), path, indicators=["POP_XWAP_SEX_AGE_NB"]
        )
    assert "input.encoding" in str(raised.value)


def test_a_multistage_profile_computes_with_every_stage(tmp_path: Path) -> None:
    from decentwork.estimation import Design, estimate
    from tests.estimation.multistage_sample import multistage_sample

    data = multistage_sample().assign(age=30)
    path = tmp_path / "multistage.csv"
    data.to_csv(path, index=False)
    profile = PROFILE.format(format="csv").replace(
        "  weight: w\n",
        "  weight: weight\n  strata: s1\n  psu: [psu, ssu]\n  fpc: [n1, n2]\n",
    )
    profile = profile.replace(
        "CASE WHEN status = 1 THEN 1 ELSE 3 END",
        "CASE WHEN unemp = 1 THEN 2 WHEN lf = 1 THEN 1 ELSE 3 END",
    )
    result = compute(
        load_profile(write_profile(tmp_path, profile)), path, indicators=["UNE_DEAP_SEX_AGE_RT"]
    )
    total = result.observations.query("sex == 'SEX_T' and classif1 == 'AGE_YTHADULT_YGE15'")
    kernel = estimate(
        data,
        Design(weight="weight", strata="s1", psu=("psu", "ssu"), fpc=("n1", "n2")),
        ratios={"ur": ("unemp", "lf")},
    )
    np.testing.assert_allclose(total["se"], 100 * kernel["se"], rtol=1e-9)
