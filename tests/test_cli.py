"""The ``decentwork`` command line: help texts, ``synth`` and ``demo`` end to end (``demo``
loading its warehouse from the shared data folder, without a network or a running server)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from decentwork.cli import app
from decentwork.demo import (
    DEMO_AREA,
    DEMO_DATASET,
    DICTIONARIES,
    HEADLINE,
    ILOSTAT_DATASETS,
    PES_MONTHS,
    SURVEY_INDICATORS,
    demo_url,
    survey_files,
)
from decentwork.synthetic import generate
from decentwork.warehouse import engine, ilostat, view
from decentwork.warehouse.tables import observations as observation_table
from decentwork.warehouse.tables import releases
from tests.warehouse.conftest import BULK_ROWS, SHARED, flat

runner = CliRunner()


@pytest.mark.parametrize("command", [[], ["synth"], ["demo"], ["serve"], ["brief"]])
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


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--records", "100", "--psus", "101"], "Error: --psus 101 must not exceed records=100"),
        (["--records", "1"], "Error: --records must be at least 2"),
        (["--records", "100", "--strata", "0"], "Error: --strata must be at least 1"),
        (["--records", "100", "--seed", "-1"], "Error: --seed must be a non-negative integer"),
    ],
    ids=["psus", "records", "strata", "seed"],
)
def test_synth_refuses_bad_sizes_with_a_message(
    tmp_path: Path, arguments: list[str], message: str
) -> None:
    out = tmp_path / "x.parquet"
    result = runner.invoke(app, ["synth", *arguments, "--out", str(out)])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_synth_names_a_file_it_cannot_write(tmp_path: Path) -> None:
    out = tmp_path / "absent" / "x.parquet"
    result = runner.invoke(app, ["synth", "--records", "100", "--out", str(out)])
    assert result.exit_code == 2
    assert f"Error: cannot write {out}" in flat(result.output)
    assert "No such file or directory" in flat(result.output)


def _count(url: str, table: sa.Table) -> int:
    target = engine(url)
    try:
        with target.connect() as connection:
            return connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
    finally:
        target.dispose()


def _latest(url: str, datasets: list[str]) -> pd.DataFrame:
    target = engine(url)
    try:
        with target.connect() as connection:
            return view(connection, datasets=datasets)
    finally:
        target.dispose()


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No mirror, an empty download cache and a private user data directory."""
    monkeypatch.delenv(ilostat.MIRROR, raising=False)
    monkeypatch.delenv("DECENTWORK_DB", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path


def test_demo_loads_the_synthetic_indicators_and_ilostat_once(offline: Path) -> None:
    url = f"sqlite:///{offline}/demo.sqlite"
    command = [
        "demo",
        "--records",
        "20000",
        "--seed",
        "3",
        "--no-serve",
        "--db",
        url,
        "--from",
        str(SHARED),
        "--no-surveys",
    ]
    result = runner.invoke(app, command)
    assert result.exit_code == 0, result.output
    assert "SYNTHETIC survey, fictional area X_DW" in result.output
    for label in ("Unemployment", "Participation", "Total", "Women", "Age 15-24", "Rural"):
        assert label in result.output
    assert "Officer login at /pes/: demo-officer / " in flat(result.output)
    synthetic = _latest(url, [DEMO_DATASET])
    assert set(synthetic["source"]) == {"SYNTHETIC"}
    assert {code.split("-")[0] for code in synthetic["ref_area"]} == {DEMO_AREA}
    assert synthetic["indicator"].nunique() > len(HEADLINE)  # the whole catalogue
    assert synthetic["se"].notna().any()
    bulk = [ilostat.dataset_id(code) for code in ILOSTAT_DATASETS]
    assert len(_latest(url, bulk)) == BULK_ROWS
    rows, count = _count(url, observation_table), _count(url, releases)
    pes = PES_MONTHS + 1  # pes-khm: a release per month and one of its codes' labels
    assert count == 1 + len(ILOSTAT_DATASETS) + len(DICTIONARIES) + pes

    again = runner.invoke(app, command)
    assert again.exit_code == 0, again.output
    assert "already loaded" in flat(again.output)
    assert (_count(url, observation_table), _count(url, releases)) == (rows, count)


def test_demo_computes_the_real_survey_months_a_mirror_has(offline: Path) -> None:
    mirror = offline / "mirror"
    for part in (
        "statcan_lfs/pumf/2024-03-CSV.zip",
        "psa_lfs/2022/LFS_PUF_March_2022.F2",
        "psa_lfs/2022/LFS_PUF_March_2022.dcf",
    ):
        (mirror / part).parent.mkdir(parents=True, exist_ok=True)
        (mirror / part).symlink_to((SHARED / part).resolve())
    assert {
        profile: [f.name for f in files] for profile, files in survey_files(str(mirror)).items()
    } == {"statcan-lfs": ["2024-03-CSV.zip"], "psa-lfs": ["LFS_PUF_March_2022.F2"]}
    assert survey_files(None) == {} and survey_files("https://example.org/mirror") == {}
    url = f"sqlite:///{offline}/demo.sqlite"
    command = ["demo", "--records", "20000", "--no-serve", "--db", url, "--from", str(mirror)]
    result = runner.invoke(app, command)
    assert result.exit_code == 0, result.output
    for profile, area, time in (("statcan-lfs", "CAN", "2024M03"), ("psa-lfs", "PHL", "2022M03")):
        rows = _latest(url, [f"decentwork-demo-{profile}"])
        national = rows[
            (rows["ref_area"] == area)
            & (rows["sex"] == "SEX_T")
            & (rows["indicator"] == "UNE_DEAP_SEX_AGE_RT")
        ]
        assert set(rows["indicator"]) <= set(SURVEY_INDICATORS), profile
        assert set(national["time"]) == {time}
        assert national["se"].notna().all() and (national["obs_value"] > 0).all()
    again = runner.invoke(app, command)
    assert again.exit_code == 0, again.output
    assert flat(again.output).count("already loaded") >= 3


def test_demo_without_a_mirror_says_how_to_get_ilostat(offline: Path) -> None:
    url = f"sqlite:///{offline}/demo.sqlite"
    result = runner.invoke(app, ["demo", "--records", "20000", "--no-serve", "--db", url])
    assert result.exit_code == 0, result.output
    assert "No demo PES" in flat(result.stderr)
    hint = [line for line in result.stderr.splitlines() if "No ILOSTAT files" in line]
    assert len(hint) == 1
    assert "decentwork ilostat pull SDG_0831_SEX_ECO_RT" in hint[0]
    assert "--from DIR" in hint[0]
    assert len(_latest(url, [DEMO_DATASET])) > 0
    assert _count(url, releases) == 1


def test_demo_serves_its_own_warehouse(offline: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    ran: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: ran.update(app=app, **options))
    result = runner.invoke(app, ["demo", "--records", "20000", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert (ran["host"], ran["port"]) == ("127.0.0.1", 8123)
    demo_file = offline / "data" / "decentwork" / "demo.sqlite"
    assert demo_url() == f"sqlite:///{demo_file}"
    assert demo_file.is_file()
    assert not (offline / "data" / "decentwork" / "warehouse.sqlite").exists()
    assert "http://127.0.0.1:8123/" in flat(result.output)
