"""``decentwork serve``: its help, what it runs, its refusal of a bad database or of a
warehouse that does not exist (creating nothing), and a program that starts without the web
libraries."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from decentwork.warehouse import engine
from tests.warehouse.conftest import assert_refused, flat, invoke


def created(folder: Path) -> str:
    """The address of a new, empty warehouse in ``folder``."""
    address = f"sqlite:///{folder}/w.sqlite"
    engine(address).dispose()
    return address


def test_serve_help() -> None:
    result = invoke("serve", "--help")
    assert result.exit_code == 0, result.output
    text = flat(result.output)
    assert "serve [OPTIONS]" in text
    assert "REST API under /api/v1" in text
    for option in ("--db", "--host", "--port", "[default: 127.0.0.1]", "[default: 8000]"):
        assert option in text


def test_serve_runs_the_app_with_uvicorn(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import uvicorn

    ran: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: ran.update(app=app, **options))
    result = invoke("serve", "--db", created(tmp_path), "--host", "0.0.0.0", "--port", "8123")
    assert result.exit_code == 0, result.output
    assert isinstance(ran["app"], FastAPI)
    assert (ran["host"], ran["port"]) == ("0.0.0.0", 8123)
    assert "http://0.0.0.0:8123/api/docs" in flat(result.output)


def test_serve_refuses_a_warehouse_it_cannot_open() -> None:
    assert_refused(invoke("serve", "--db", "nosuchdb://x"), "cannot open the warehouse")


def test_serve_refuses_a_missing_warehouse_and_creates_nothing(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda app, **options: pytest.fail("served"))
    missing = tmp_path / "no" / "such" / "w.sqlite"
    assert_refused(invoke("serve", "--db", f"sqlite:///{missing}"), "no warehouse at",
                   str(missing))
    assert list(tmp_path.iterdir()) == []


def test_the_program_starts_without_fastapi() -> None:
    code = ("import sys; import decentwork.cli; "
            "print(sorted(m for m in ('fastapi', 'uvicorn', 'starlette') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_serve_answers_over_http(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    program = Path(sys.executable).with_name("decentwork")
    server = subprocess.Popen([program, "serve", "--db", created(tmp_path),
                               "--port", str(port)], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/v1/releases")
                break
            except httpx.TransportError:
                assert server.poll() is None, server.communicate()[0]
                assert time.monotonic() < deadline, "the server did not start in 60 s"
                time.sleep(0.2)
        assert response.status_code == 200
        assert response.json()["total"] == 0 and response.headers["etag"]
    finally:
        server.terminate()
        server.wait(timeout=30)
