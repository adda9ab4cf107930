"""``decentwork serve`` (its workers' ``factory``) serves the PES when a PES database exists,
and only then."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from decentwork.cli import app as program
from decentwork.web.app import create_app


def test_the_pes_is_served_when_its_database_exists(
    sdg8_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pes_url = f"sqlite:///{tmp_path / 'pes.sqlite'}"
    monkeypatch.setenv("DECENTWORK_PES_DB", pes_url)
    without = TestClient(create_app(sdg8_url, pes=True))
    assert without.get("/pes/login").status_code == 404
    assert not (tmp_path / "pes.sqlite").exists()  # nothing created
    (tmp_path / "password").write_text("a long enough password\n")
    made = CliRunner().invoke(
        program, ["pes", "init", "--password-file", str(tmp_path / "password")]
    )
    assert made.exit_code == 0, made.output
    served = TestClient(create_app(sdg8_url, pes=True))
    assert served.get("/pes/login").status_code == 200
    assert served.get("/api/v1/pes/seekers").status_code == 401
    assert served.get("/api/v1/observations?ref_area=KHM&limit=1").status_code == 200
    assert TestClient(create_app(sdg8_url)).get("/pes/login").status_code == 404
