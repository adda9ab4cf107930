"""The browser tests' fixtures: the demo warehouse (``decentwork demo --no-serve``, built once
per session), ``decentwork serve`` on it in a subprocess, and pytest-playwright driving
Debian's Chromium (``/usr/bin/chromium``, which ``.ci/run`` installs; Playwright's own
browser builds are not used). Helpers open a page as a visitor would and collect what went
wrong on the way (console errors, uncaught exceptions, failed requests)."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from babel.messages.pofile import read_po
from playwright.sync_api import Browser, Page, Playwright, Response

from decentwork.web import languages
from tests.warehouse.conftest import SHARED

REPO = Path(__file__).resolve().parents[3]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = REPO / "build" / "screenshots"
RECORDS = 20_000
"""Synthetic survey records of the demo: enough for every indicator, built in seconds."""
STARTUP = 60.0
"""Seconds the server may take to answer its first request."""


@dataclass(frozen=True)
class Dashboard:
    """The served demo warehouse: its database URL and the server's address."""

    db: str
    url: str


def _command(*args: str) -> list[str]:
    """``decentwork ARGS`` with the command of this Python's environment."""
    found = shutil.which("decentwork", path=str(Path(sys.executable).parent))
    assert found, f"no decentwork command beside {sys.executable}"
    return [found, *args]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_answering(server: subprocess.Popen[bytes], url: str, log: Path) -> None:
    """Returns once ``url`` answers; fails if the server exits or stays silent."""
    deadline = time.monotonic() + STARTUP
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"decentwork serve exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/api/v1/releases", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"decentwork serve did not answer within {STARTUP:.0f} s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dashboard]:
    folder = tmp_path_factory.mktemp("browser")
    db = f"sqlite:///{folder}/demo.sqlite"
    built = subprocess.run(
        _command(
            "demo",
            "--no-serve",
            "--db",
            db,
            "--from",
            str(SHARED.resolve()),
            "--records",
            str(RECORDS),
        ),
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, f"decentwork demo failed:\n{built.stdout}\n{built.stderr}"
    with served(db, folder / "serve.log") as url:
        yield Dashboard(db, url)


@contextlib.contextmanager
def served(
    db: str, log: Path, *options: str, env: Mapping[str, str] | None = None
) -> Iterator[str]:
    """``decentwork serve --db DB OPTIONS`` on a free port (its output in ``log``, its
    environment ``env``, else this process's), once it answers; its address. Stopped on
    leaving."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as output:
        server = subprocess.Popen(
            _command("serve", "--db", db, "--port", str(port), *options),
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        _wait_until_answering(server, url, log)
        yield url
    finally:
        server.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=10)
        server.kill()  # only if it did not stop: once it has, this does nothing
        server.wait()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium; its absence is a failure, not a reason to skip."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests drive Debian's Chromium, which "
            ".ci/run installs (apt-get install chromium)",
            pytrace=False,
        )
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM)}


@pytest.fixture(scope="package")
def browser(launch_browser: Callable[[], Browser], playwright: Playwright) -> Iterator[Browser]:
    """pytest-playwright's browser, closed with Playwright itself once this folder's tests are
    done: between its calls, Playwright's sync API marks its asyncio loop as running in the
    main thread, so that the session's later tests could not run asyncio themselves."""
    chromium = launch_browser()
    yield chromium
    chromium.close()
    playwright.stop()  # the plugin's own stop at the end of the session then does nothing


@pytest.fixture(scope="session")
def base_url(dashboard: Dashboard) -> str:
    """The address pages are opened at (pytest-playwright's fixture, here the server's)."""
    return dashboard.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_context_args,
        "accept_downloads": True,
        "viewport": {"width": 1280, "height": 900},
    }


@dataclass
class Visit:
    """What went wrong while a page was open: console errors, uncaught exceptions,
    requests that failed (but for those that became downloads) or were answered with an
    error status."""

    seen: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    downloads: set[str] = field(default_factory=set)

    def watch(self, page: Page) -> None:
        page.on(
            "console",
            lambda m: (
                m.type == "error"
                and self.seen.append(f"console: {m.text} ({m.location.get('url')})")
            ),
        )
        page.on("pageerror", lambda error: self.seen.append(f"exception: {error}"))
        page.on("requestfailed", lambda r: self.failed.__setitem__(r.url, str(r.failure)))
        page.on("download", lambda d: self.downloads.add(d.url))
        page.on("response", self._status)

    def _status(self, response: Response) -> None:
        if response.status >= 400:
            self.seen.append(f"{response.status}: {response.url}")

    @property
    def problems(self) -> list[str]:
        return [
            *self.seen,
            *(
                f"request failed: {url} {why}"
                for url, why in self.failed.items()
                if url not in self.downloads
            ),
        ]


@pytest.fixture
def visit(page: Page) -> Visit:
    """The problems seen on ``page`` from now on."""
    seen = Visit()
    seen.watch(page)
    return seen


def settle(page: Page) -> None:
    """Waits until the page, its scripts and the fonts it uses have loaded."""
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready.then(() => true)")


def screenshot(page: Page, name: str) -> Path:
    """A full-page screenshot in ``build/screenshots/NAME.png`` (a test artefact)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def serious_violations(page: Page) -> list[str]:
    """The serious and critical axe-core violations on ``page``, each with its first places."""
    results = Axe().run(page)
    return [
        f"{v['impact']} {v['id']}: {v['help']} at {[node['target'] for node in v['nodes'][:5]]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@cache
def translated(lang: str, message: str) -> str:
    """``message`` as the ``.po`` catalogue of ``lang`` translates it."""
    with languages.catalogue_path(lang).open("rb") as po:
        found = read_po(po, locale=lang).get(message)
    assert found is not None and found.string, f"{lang}: no translation of {message!r}"
    return str(found.string)
