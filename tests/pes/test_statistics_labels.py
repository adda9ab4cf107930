"""``decentwork pes statistics --load`` loads the English labels of every code its
observations use (the country, source, sexes, sub-national areas by their ISO 3166-2 names,
ISCO-08 groups, ISIC sections, education, age and disability categories) as a labels release
of the service's dataset: loading again adds no release, ILOSTAT's own labels are kept, the
dataset's own labels are revised with their history, and the public page shows the names
instead of the codes; a code that cannot be labelled is said, never guessed."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from decentwork.classifications import code_list, isco08, isic4
from decentwork.cli import app
from decentwork.pes.statistics import labels as pes_labels
from decentwork.pes.statistics.labels import code_labels
from decentwork.warehouse.database import engine
from decentwork.warehouse.load import load_file
from decentwork.web.app import create_app
from tests.pes.conftest import SHARED
from tests.pes.test_commands import data_directory
from tests.pes.test_statistics import Scenario, scenario

__all__ = ["data_directory", "scenario"]  # the shared data folder as the data directory
runner = CliRunner()
ILOSTAT_CLASSIF1 = SHARED / "ilostat" / "dictionary" / "classif1_en.csv"
EXPECTED = {
    ("ref_area", "KHM"): "Cambodia",
    ("source", "PES:KHM"): "PES - Public employment service register",
    ("sex", "SEX_F"): "Sex: Female",
    ("classif1", "GEO_PES_KH-12"): "Phnom Penh",
    ("classif1", "GEO_PES_KH-17"): "Siem Reab",
    ("classif1", "OCU_ISCO08_8"): (
        "Occupation (ISCO-08): 8. Plant and Machine Operators, and Assemblers"
    ),
    ("classif1", "OCU_ISCO08SUB_81"): (
        "Occupation (ISCO-08), 2 digit level: 81 - Stationary Plant and Machine Operators"
    ),
    ("classif1", "ECO_ISIC4_C"): "Economic activity (ISIC-Rev.4): C. Manufacturing",
    ("classif1", "EDU_ISCED11_3"): "Education (ISCED-11): 3. Upper secondary education",
    ("classif1", "EDU_ISCED11_X"): "Education (ISCED-11): X. No schooling",
    ("classif1", "AGE_YTHADULT_Y15-24"): "Age (Youth, adults): 15-24",
    ("classif1", "DSB_STATUS_NODIS"): "Disability status (Aggregate): Persons without disability",
}


def load(scenario: Scenario, warehouse: str, *extra: str) -> str:
    """``pes statistics --load`` of October 2026 (nothing suppressed); its standard error."""
    pes_db = scenario.world.registry.engine.url.render_as_string(hide_password=False)
    args = ["pes", "statistics", "--pes-db", pes_db, "--db", warehouse, "--load"]
    result = runner.invoke(app, [*args, "--month", "2026-10", "--threshold", "1", *extra])
    assert result.exit_code == 0, (result.stderr, result.exception)
    return result.stderr


def labels_of(warehouse: str) -> dict[tuple[str, str], str]:
    with sa.create_engine(warehouse).connect() as connection:
        rows = connection.execute(
            sa.text("SELECT kind, code, label FROM labels WHERE lang = 'en'")
        ).all()
    return {(kind, code): label for kind, code, label in rows}


def count(warehouse: str, query: str) -> int:
    with sa.create_engine(warehouse).connect() as connection:
        return int(connection.execute(sa.text(query)).scalar_one())


def test_every_code_of_the_observations_has_its_label(scenario: Scenario, tmp_path: Path) -> None:
    warehouse = f"sqlite:///{tmp_path}/warehouse.sqlite"
    said = load(scenario, warehouse)
    assert "No label" not in said and "pes-labels" in " ".join(said.split())
    found = labels_of(warehouse)
    with sa.create_engine(warehouse).connect() as connection:
        used = {
            (kind, code)
            for kind in ("ref_area", "indicator", "source", "sex", "classif1", "classif2")
            for (code,) in connection.execute(
                sa.text(f"SELECT DISTINCT {kind} FROM observations WHERE NOT superseded")
            )
            if code
        }
    assert len(used) > 60 and ("classif1", "OCU_ISCO08SUB_81") in used
    assert sorted(used - set(found)) == []  # no code without a label
    assert {key: found[key] for key in EXPECTED} == EXPECTED
    # indicators are labelled by their metadata
    assert found[("indicator", "PES_PLC_NB")] == "Placements in the month (PES)"
    # every label came with a labels release of the service's dataset, in the history
    releases = count(
        warehouse,
        "SELECT count(*) FROM releases WHERE dataset = 'pes-khm' AND format = 'pes-labels'",
    )
    history = count(
        warehouse,
        "SELECT count(*) FROM label_history h JOIN releases r ON r.id = h.release_id "
        "WHERE r.format = 'pes-labels' AND r.dataset = 'pes-khm'",
    )
    assert releases == 1 and history == len(found) - count(
        warehouse, "SELECT count(*) FROM labels WHERE kind = 'indicator'"
    )
    everything = count(warehouse, "SELECT count(*) FROM releases")
    load(scenario, warehouse)  # the same labels again: nothing added
    assert count(warehouse, "SELECT count(*) FROM releases") == everything
    assert count(warehouse, "SELECT count(*) FROM label_history") == len(found)
    assert labels_of(warehouse) == found


def test_ilostat_labels_are_kept_and_the_dataset_s_own_are_revised(
    scenario: Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = f"sqlite:///{tmp_path}/warehouse.sqlite"
    target = engine(warehouse)
    load_file(target, ILOSTAT_CLASSIF1)
    target.dispose()
    ilostat = labels_of(warehouse)
    monkeypatch.setattr(pes_labels, "SOURCE_LABEL", "Public employment service (old name)")
    load(scenario, warehouse)
    found = labels_of(warehouse)
    # ILOSTAT's text (sentence case) stays; codes ILOSTAT lacks get the PES labels
    assert (
        found[("classif1", "OCU_ISCO08_8")]
        == ilostat[("classif1", "OCU_ISCO08_8")]
        == ("Occupation (ISCO-08): 8. Plant and machine operators, and assemblers")
    )
    assert found[("classif1", "ECO_ISIC4_C")] == ilostat[("classif1", "ECO_ISIC4_C")]
    assert found[("classif1", "OCU_ISCO08SUB_81")] == EXPECTED[("classif1", "OCU_ISCO08SUB_81")]
    assert found[("classif1", "GEO_PES_KH-12")] == "Phnom Penh"
    assert found[("source", "PES:KHM")] == "Public employment service (old name)"
    monkeypatch.undo()
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    load(scenario, warehouse)  # the dataset's own label has changed: revised
    revised = labels_of(warehouse)
    assert revised[("source", "PES:KHM")] == "PES - Public employment service register"
    assert {k: v for k, v in revised.items() if k[0] != "source"} == {
        k: v for k, v in found.items() if k[0] != "source"
    }
    with sa.create_engine(warehouse).connect() as connection:
        history = connection.execute(
            sa.text(
                "SELECT h.label, r.format FROM label_history h JOIN releases r "
                "ON r.id = h.release_id WHERE h.kind = 'source' AND h.code = 'PES:KHM' "
                "ORDER BY h.id"
            )
        ).all()
    assert [tuple(r) for r in history] == [
        ("Public employment service (old name)", "pes-labels"),
        ("PES - Public employment service register", "pes-labels"),
    ]


def test_the_public_page_shows_names_not_codes(scenario: Scenario, tmp_path: Path) -> None:
    warehouse = f"sqlite:///{tmp_path}/warehouse.sqlite"
    load(scenario, warehouse)
    with TestClient(create_app(warehouse)) as client:
        page = client.get("/pes-statistics/KHM.json").json()
        html = client.get("/pes-statistics/KHM").text
    assert page["label"] == "Cambodia"
    areas = {a["code"]: a["label"] for a in page["areas"]}
    assert areas["GEO_PES_KH-12"] == "Phnom Penh" and areas["GEO_PES_KH-17"] == "Siem Reab"
    listed = page["occupations"]["shortage"] + page["occupations"]["surplus"]
    named = {o["code"]: o["label"] for o in listed}
    assert named["OCU_ISCO08_8"] == EXPECTED[("classif1", "OCU_ISCO08_8")]
    assert all(label != code for code, label in named.items())
    heading = html[html.index("<h1>") : html.index("</h1>")]
    assert "Cambodia" in heading and "KHM KHM" not in heading
    table = html[html.index('id="areas"') :].split("</table>")[0]
    assert "Phnom Penh <small>GEO_PES_KH-12</small>" in table
    assert "GEO_PES_KH-12 <small>" not in table
    shortage = html[html.index('id="shortage"') :].split("</table>")[0]
    surplus = html[html.index('id="surplus"') :].split("</table>")[0]
    assert "Plant and Machine Operators, and Assemblers" in shortage + surplus


def test_a_code_that_cannot_be_labelled_is_said(scenario: Scenario, tmp_path: Path) -> None:
    rows = [
        {"ref_area": "KHM", "sex": "SEX_T", "classif1": code, "classif2": ""}
        for code in ("OCU_ISCO08_8", "GEO_PES_KH-12", "OCU_ISCO08SUB_99", "XYZ_1")
    ]
    found = code_labels(rows, SHARED)
    assert {(lab.kind, lab.code) for lab in found.labels} == {
        ("ref_area", "KHM"),
        ("sex", "SEX_T"),
        ("classif1", "OCU_ISCO08_8"),
        ("classif1", "GEO_PES_KH-12"),
    }
    assert sorted(found.unlabelled) == [("classif1", "OCU_ISCO08SUB_99"), ("classif1", "XYZ_1")]
    assert "has no group '99'" in found.unlabelled[("classif1", "OCU_ISCO08SUB_99")]
    # without the classification files: said, and the other labels still loaded
    empty = tmp_path / "empty-home"
    (empty / "decentwork" / "classifications").mkdir(parents=True)
    warehouse = f"sqlite:///{tmp_path}/warehouse.sqlite"
    said = " ".join(load_without_files(scenario, warehouse, empty).split())
    assert "No label for classif1 OCU_ISCO08_8" in said and "have not been fetched" in said
    assert "decentwork classifications fetch" in said
    loaded = labels_of(warehouse)
    assert loaded[("classif1", "GEO_PES_KH-12")] == "Phnom Penh"
    assert ("classif1", "OCU_ISCO08_8") not in loaded


def load_without_files(scenario: Scenario, warehouse: str, home: Path) -> str:
    """``load`` with ``home`` as the data directory, the classifications read afresh (they
    are cached by folder, and the default folder is None whatever the directory)."""
    readers = (isco08, isic4, code_list)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_DATA_HOME", str(home))
        for reader in readers:
            reader.cache_clear()
        try:
            return load(scenario, warehouse)
        finally:
            for reader in readers:
                reader.cache_clear()
