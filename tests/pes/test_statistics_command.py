"""``decentwork pes statistics``: the month's observations as CSV and JSON; ``--load`` loads
each month as a release of the service's dataset with the indicators' metadata, and a run
after a late correction revises the month with its history; ``--since`` runs several months;
bad months, a missing PES database and bad options are refused with clear messages."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from typer.testing import CliRunner

from decentwork.cli import app
from decentwork.commands.pes_statistics import load_month
from decentwork.pes.statistics import Month
from decentwork.warehouse.database import engine
from tests.pes.test_statistics import Scenario, scenario

__all__ = ["scenario"]
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["pes", "statistics", *args])
    return result.exit_code, result.stdout, result.stderr


def pes_url(scenario: Scenario) -> str:
    return scenario.world.registry.engine.url.render_as_string(hide_password=False)


def test_csv_and_json(scenario: Scenario) -> None:
    code, out, err = run("--pes-db", pes_url(scenario), "--month", "2026-10", "--threshold", "1")
    assert code == 0, err
    rows = {(r["indicator"], r["sex"], r["classif1"]): r for r in csv.DictReader(io.StringIO(out))}
    assert rows[("PES_SKR_REG_NB", "SEX_T", "")]["obs_value"] == "3.0"
    assert rows[("PES_PLC_DUR_MD", "SEX_T", "")]["obs_value"] == "17.0"
    assert rows[("PES_PLC_NB", "SEX_T", "")]["source"] == "PES:KHM"
    code, out, err = run("--pes-db", pes_url(scenario), "--month", "2026-10", "--format", "json")
    assert code == 0, err
    found = {(r["indicator"], r["sex"], r["classif1"]): r for r in json.loads(out)}
    suppressed = found[("PES_SKR_REG_NB", "SEX_T", "")]
    assert (suppressed["obs_value"], suppressed["obs_status"]) == (None, "C")


def test_load_and_revise_after_a_late_correction(scenario: Scenario, tmp_path: Path) -> None:
    warehouse = f"sqlite:///{tmp_path}/warehouse.sqlite"
    common = ("--pes-db", pes_url(scenario), "--db", warehouse, "--threshold", "1", "--load")
    code, out, err = run(
        *common, "--since", "2026-09", "--month", "2026-10", "--operator", "LMI unit"
    )
    assert code == 0, err
    assert all(line.startswith("KHM,PES_") for line in out.splitlines()[1:])  # only CSV
    assert "pes-khm" in err  # what each load did
    scenario.hire_late()
    code, _, err = run(*common, "--month", "2026-10", "--operator", "LMI unit")
    assert code == 0, err
    engine = sa.create_engine(warehouse)
    with engine.connect() as connection:
        history = connection.execute(
            sa.text(
                "SELECT o.obs_value, o.superseded, r.dataset, r.loaded_by FROM observations o "
                "JOIN releases r ON r.id = o.release_id WHERE o.indicator = 'PES_PLC_NB' "
                "AND o.sex = 'SEX_T' AND o.classif1 = '' AND o.time = '2026M10' ORDER BY o.id"
            )
        ).all()
        september = connection.execute(
            sa.text("SELECT count(*) FROM observations WHERE time = '2026M09' AND NOT superseded")
        ).scalar_one()
        described = dict(
            connection.execute(
                sa.text("SELECT code, unit FROM indicators WHERE code LIKE 'PES_%'")
            ).all()
        )
    assert [(v, bool(s), d) for v, s, d, _ in history] == [
        (1.0, True, "pes-khm"),
        (2.0, False, "pes-khm"),
    ]
    assert history[-1][3].startswith("LMI unit")
    assert september > 0  # a release of one month leaves the others as they are
    assert described["PES_PLC_LVR_RT"] == "percent" and described["PES_SKR_REG_NB"] == "persons"
    code, _, err = run(*common, "--month", "2026-10")
    assert code == 0, err
    with engine.connect() as connection:
        releases = connection.execute(
            sa.text("SELECT count(*) FROM releases WHERE format = 'pes-statistics'")
        ).scalar_one()
    assert releases == 3  # September, October, October revised: the same figures add nothing


def test_bad_months_options_and_a_missing_database(scenario: Scenario, tmp_path: Path) -> None:
    url = pes_url(scenario)
    for args, message in (
        (("--month", "2026-13"), "13 is not a month"),
        (("--month", "November"), "is not a month"),
        (("--month", f"{date.today().year + 1}-01"), "is in the future"),
        (("--month", "2026-10", "--since", "2026-11"), "after month"),
        (("--month", "2026-10", "--format", "xml"), "format 'xml'"),
        (("--month", "2026-10", "--threshold", "0"), "threshold 0"),
    ):
        code, _, err = run("--pes-db", url, *args)
        assert code == 2, (args, err)
        assert message in " ".join(err.split()), (args, err)
    code, _, err = run("--pes-db", f"sqlite:///{tmp_path}/none.sqlite", "--month", "2026-10")
    assert code != 0 and "PES database" in " ".join(err.split())


def test_a_cell_a_month_no_longer_has_is_published_as_zero_or_missing(tmp_path: Path) -> None:
    target = engine(f"sqlite:///{tmp_path}/warehouse.sqlite")

    def row(indicator: str, classif1: str, value: float) -> dict[str, object]:
        return {
            "ref_area": "KHM",
            "indicator": indicator,
            "source": "PES:KHM",
            "sex": "SEX_T",
            "classif1": classif1,
            "time": "2026M10",
            "obs_value": value,
        }

    month = Month(2026, 10)
    first = [row("PES_VAC_NEW_NB", "", 9), row("PES_VAC_NEW_NB", "OCU_ISCO08SUB_81", 9)]
    first.append(row("PES_VSR_OCU_RT", "OCU_ISCO08SUB_81", 2.5))
    load_month(target, "KHM", month, first, "test")
    report = load_month(target, "KHM", month, [row("PES_VAC_NEW_NB", "", 9)], "test")
    assert (report.changed, report.unchanged, report.withdrawn) == (2, 1, 0)
    with target.connect() as connection:
        now = connection.execute(
            sa.text(
                "SELECT indicator, obs_value, obs_status FROM observations "
                "WHERE classif1 = 'OCU_ISCO08SUB_81' AND NOT superseded ORDER BY indicator"
            )
        ).all()
    assert [tuple(r) for r in now] == [("PES_VAC_NEW_NB", 0.0, ""), ("PES_VSR_OCU_RT", None, "M")]
