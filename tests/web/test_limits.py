"""The limits on one request's work (issue 22): areas per request, observations the explorer
shows, rows on a data page, a bad language refused before any work, and the time limit (a
request answered 503 when it runs out, its queries interrupted, on SQLite and PostgreSQL)."""

from __future__ import annotations

import time
from collections.abc import Callable

import anyio
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from starlette.types import Message, Receive, Scope, Send

from decentwork.web import explorer, progress
from decentwork.web.app import create_app
from decentwork.web.guards import TimeLimit
from decentwork.web.limits import EXPLORER_AREAS, PAGE_ROWS, PROGRESS_AREAS, SHOWN_ROWS
from decentwork.web.requests import Connection
from tests.web.conftest import Served

INDICATOR = "/indicators/SDG_0852_SEX_AGE_RT"
FOREVER = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
"""A query that never ends."""


def areas(count: int) -> str:
    return ",".join(f"A{n:02d}" for n in range(count))


@pytest.mark.parametrize(
    ("path", "parameter", "most"),
    [
        (f"{INDICATOR}?ref_area={areas(EXPLORER_AREAS + 1)}", "ref_area", EXPLORER_AREAS),
        (f"{INDICATOR}.json?ref_area={areas(EXPLORER_AREAS + 1)}", "ref_area", EXPLORER_AREAS),
        (f"/progress/sdg8?area={areas(PROGRESS_AREAS + 1)}", "area", PROGRESS_AREAS),
        (f"/progress/sdg8/8.5.2.json?area={areas(PROGRESS_AREAS + 1)}", "area", PROGRESS_AREAS),
    ],
)
def test_too_many_areas_are_refused(served: Served, path: str, parameter: str, most: int) -> None:
    answer = served.client.get(path)
    assert answer.status_code == 422
    detail = f"{parameter}: {most + 1} areas asked for, at most {most} per request"
    assert detail in answer.text
    if ".json" in path:
        assert answer.json()["parameter"] == parameter
        assert answer.json()["expected"] == f"at most {most} areas"


def test_as_many_areas_as_allowed_are_shown(served: Served) -> None:
    found = served.client.get(f"{INDICATOR}.json", params={"ref_area": areas(EXPLORER_AREAS)})
    assert found.status_code == 200 and found.json()["total"] == 0


def test_the_explorer_shows_a_limited_number_of_observations(served: Served) -> None:
    every = served.client.get(f"{INDICATOR}.json", params={"ref_area": ""})
    assert every.status_code == 422
    total = every.json()["given"]
    assert int(total) > SHOWN_ROWS
    assert every.json()["detail"] == (
        f"the explorer shows at most {SHOWN_ROWS:,} "
        f"observations; these filters select {int(total):,}"
    )
    assert "a page at a time" in every.json()["hint"]
    fewer = served.client.get(f"{INDICATOR}.json", params={"ref_area": "", "time": "2019"})
    assert fewer.status_code == 200 and 0 < fewer.json()["total"] <= SHOWN_ROWS


def test_a_data_page_shows_a_limited_number_of_rows(served: Served) -> None:
    page = served.client.get("/data", params={"limit": PAGE_ROWS + 1})
    assert page.status_code == 422
    assert f"limit {PAGE_ROWS + 1}: a page shows at most {PAGE_ROWS:,} rows" in page.text
    assert served.client.get("/data", params={"limit": PAGE_ROWS}).status_code == 200
    twin = served.client.get("/data.json", params={"limit": 5000})
    assert twin.status_code == 200 and len(twin.json()["observations"]) == 5000


@pytest.mark.parametrize(
    "path",
    [
        "/progress/sdg8?lang=xx",
        "/progress/sdg8/8.5.2?lang=xx",
        f"{INDICATOR}?lang=xx",
        f"{INDICATOR}.json?lang=xx",
        "/areas/KHM?lang=xx",
    ],
)
def test_a_bad_language_is_refused_before_any_work(
    served: Served, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    """A bad ``lang`` on a monitoring page was answered after 101-168 s of computing."""

    def never(*_args: object, **_kwargs: object) -> None:
        pytest.fail("computed before the language was checked")

    monkeypatch.setattr(progress, "track", never)
    monkeypatch.setattr(explorer, "choices", never)
    answer = served.client.get(path)
    assert answer.status_code == 422
    assert "expected one of en, zh, fr, es, km, lo" in answer.text


async def _answered_within(app: Callable, seconds: float) -> tuple[float, int, bytes]:
    """Run one GET through ``app``: when its answer began (seconds after the request),
    its status and its body."""
    sent: list[tuple[float, Message]] = []
    start = time.monotonic()

    async def receive() -> Message:
        await anyio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append((time.monotonic() - start, message))

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/api/v1/slow",
        "query_string": b"",
        "headers": [],
        "scheme": "http",
        "server": ("localhost", 80),
    }
    with anyio.fail_after(seconds):
        await app(scope, receive, send)
    started = [(t, m) for t, m in sent if m["type"] == "http.response.start"]
    assert len(started) == 1, sent
    return (
        started[0][0],
        started[0][1]["status"],
        b"".join(m.get("body", b"") for _, m in sent if m["type"] == "http.response.body"),
    )


def test_a_slow_request_is_answered_when_its_time_runs_out() -> None:
    async def slow(scope: Scope, receive: Receive, send: Send) -> None:
        await anyio.to_thread.run_sync(time.sleep, 1.5)  # computing, out of reach
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"late"})

    answered, status, body = anyio.run(_answered_within, TimeLimit(slow, 0.3), 5)
    assert 0.3 <= answered < 1.0 and status == 503
    assert b"the request took longer than 0.3 s" in body and b"late" not in body


def test_a_quick_request_is_untouched() -> None:
    async def quick(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"done"})

    answered, status, body = anyio.run(_answered_within, TimeLimit(quick, 0.3), 5)
    assert answered < 0.3 and (status, body) == (200, b"done")


def test_a_programming_error_is_not_hidden_by_the_time_limit() -> None:
    async def failing(scope: Scope, receive: Receive, send: Send) -> None:
        raise KeyError("a bug")

    with pytest.raises(KeyError, match="a bug"):
        anyio.run(_answered_within, TimeLimit(failing, 5), 5)


def test_a_query_past_the_deadline_is_interrupted(url: str) -> None:
    """On SQLite by the progress handler, on PostgreSQL by ``statement_timeout``: the request
    ends (its connection is free again) soon after its time runs out, answered 503."""
    from decentwork.warehouse import engine

    engine(url).dispose()
    app = create_app(url, time_limit=1.0)

    def forever(connection: Connection) -> dict[str, int]:
        return {"n": connection.execute(sa.text(FOREVER)).scalar_one()}

    app.add_api_route("/api/v1/forever", forever)
    app.add_api_route("/forever", forever)
    with TestClient(app) as client:
        for path in ("/api/v1/forever", "/forever"):
            start = time.monotonic()
            answer = client.get(path)
            assert time.monotonic() - start < 5, "the query was not interrupted"
            assert answer.status_code == 503, answer.text
            assert "the request took longer than 1 s" in answer.text
        assert client.get("/api/v1/releases").status_code == 200
