"""``decentwork serve``: its help, what it runs, its refusal of a bad database or of a
warehouse that does not exist (creating nothing), and a program that starts without the web
libraries."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from typer.testing import Result

from decentwork.warehouse import engine
from decentwork.web.app import factory
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
    for option in (
        "--db",
        "--host",
        "--port",
        "[default: 127.0.0.1]",
        "[default: 8000]",
        "--base-url",
        "DECENTWORK_BASE_URL",
        "--allowed-hosts",
        "--workers",
        "--time-limit",
        "[default: 10.0]",
    ):
        assert option in text


def running(monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[Result, dict[str, Any]]:
    """``decentwork serve ARGS`` with uvicorn's run replaced: the result, what uvicorn was
    given, the settings' environment variables while it ran, and whether a worker's factory
    built the application from them."""
    import uvicorn

    ran: dict[str, Any] = {}

    def run(app: str, **options: object) -> None:
        ran.update(
            app=app,
            **options,
            environment={name: value for name, value in os.environ.items() if name in SETTINGS},
        )
        built = factory()
        ran["built"] = isinstance(built, FastAPI)
        for used in (built.state.engine, built.state.watch):
            used.dispose()

    monkeypatch.setattr(uvicorn, "run", run)
    return invoke("serve", *args), ran


SETTINGS = (
    "DECENTWORK_DB",
    "DECENTWORK_CACHE_MB",
    "DECENTWORK_BASE_URL",
    "DECENTWORK_ALLOWED_HOSTS",
    "DECENTWORK_TIME_LIMIT",
)


def test_serve_runs_worker_processes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DECENTWORK_CACHE_MB", raising=False)
    db = created(tmp_path)
    result, ran = running(
        monkeypatch,
        "--db",
        db,
        "--host",
        "0.0.0.0",
        "--port",
        "8123",
        "--workers",
        "3",
        "--time-limit",
        "4",
        "--cache-mb",
        "16",
    )
    assert result.exit_code == 0, result.output
    assert ran["app"] == "decentwork.web.app:factory" and ran["factory"] is True
    assert (ran["host"], ran["port"], ran["workers"]) == ("0.0.0.0", 8123, 3)
    assert ran["environment"] == {
        "DECENTWORK_DB": db,
        "DECENTWORK_CACHE_MB": "16.0",
        "DECENTWORK_BASE_URL": "",
        "DECENTWORK_ALLOWED_HOSTS": "localhost,127.0.0.1,::1",
        "DECENTWORK_TIME_LIMIT": "4.0",
    }
    assert ran["built"]
    text = flat(result.output)
    assert "http://0.0.0.0:8123/api/docs" in text and "3 processes" in text
    assert "Answering requests for localhost, 127.0.0.1, ::1" in text
    assert "DECENTWORK_DB" not in os.environ or os.environ["DECENTWORK_DB"] != db


def test_serve_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    result, ran = running(monkeypatch, "--db", created(tmp_path), "--host", "lmis.example.org")
    assert result.exit_code == 0, result.output
    assert ran["workers"] == (os.cpu_count() or 1)
    environment = ran["environment"]
    assert environment["DECENTWORK_ALLOWED_HOSTS"] == "lmis.example.org,localhost,127.0.0.1,::1"
    assert environment["DECENTWORK_TIME_LIMIT"] == "10.0"


def test_serve_behind_a_proxy(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DECENTWORK_BASE_URL", "https://lmis.example.gov.kh")
    result, ran = running(monkeypatch, "--db", created(tmp_path), "--host", "0.0.0.0")
    assert result.exit_code == 0, result.output
    environment = ran["environment"]
    assert environment["DECENTWORK_BASE_URL"] == "https://lmis.example.gov.kh"
    assert environment["DECENTWORK_ALLOWED_HOSTS"] == "*"
    assert "https://lmis.example.gov.kh/api/docs" in flat(result.output)
    assert os.environ["DECENTWORK_BASE_URL"] == "https://lmis.example.gov.kh"  # as it was


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--base-url", "lmis.example.gov.kh"), "--base-url 'lmis.example.gov.kh': expected http"),
        (("--base-url", "https://a.example/lmis"), "--base-url 'https://a.example/lmis'"),
        (("--allowed-hosts", "a.example:8000"), "--allowed-hosts 'a.example:8000': expected host"),
        (("--workers", "0"), "--workers"),
        (("--time-limit", "0"), "--time-limit"),
    ],
)
def test_serve_refuses_bad_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda app, **options: pytest.fail("served"))
    result = invoke("serve", "--db", created(tmp_path), *args)
    assert result.exit_code == 2, result.output
    assert message in flat(result.output)


def test_serve_refuses_a_warehouse_it_cannot_open() -> None:
    assert_refused(invoke("serve", "--db", "nosuchdb://x"), "cannot open the warehouse")


def test_serve_refuses_a_missing_warehouse_and_creates_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda app, **options: pytest.fail("served"))
    missing = tmp_path / "no" / "such" / "w.sqlite"
    assert_refused(invoke("serve", "--db", f"sqlite:///{missing}"), "no warehouse at", str(missing))
    assert list(tmp_path.iterdir()) == []


def test_the_program_starts_without_fastapi() -> None:
    code = (
        "import sys; import decentwork.cli; "
        "print(sorted(m for m in ('fastapi', 'uvicorn', 'starlette') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_serve_answers_over_http(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    program = Path(sys.executable).with_name("decentwork")
    server = subprocess.Popen(
        [program, "serve", "--db", created(tmp_path), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
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
