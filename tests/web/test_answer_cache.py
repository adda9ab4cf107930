"""The answer cache (replays while the warehouse's mark stands, one computation per request at
a time) and the admission limit (no pool deadlock under many concurrent requests)."""

from __future__ import annotations

from collections.abc import Callable

import anyio
import httpx
import pytest
from starlette.types import Message, Receive, Scope, Send

from decentwork.web.app import create_app
from decentwork.web.caching import Admission, AnswerCache
from tests.web.conftest import Served


class Counting:
    """An ASGI app answering ``/<status>`` with that status and a body naming the call, after
    ``delay`` seconds, optionally setting a cookie; it counts calls and concurrent calls."""

    def __init__(self, delay: float = 0.0, cookie: bool = False) -> None:
        self.calls = 0
        self.inside = 0
        self.most_inside = 0
        self.delay = delay
        self.cookie = cookie

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.calls += 1
        self.inside += 1
        self.most_inside = max(self.most_inside, self.inside)
        await anyio.sleep(self.delay)
        self.inside -= 1
        headers = [(b"content-type", b"text/plain"), (b"etag", b'W/"tag"')]
        if self.cookie:
            headers.append((b"set-cookie", b"lang=km"))
        body = f"call {self.calls} of {scope['path']}".encode()
        await send({"type": "http.response.start", "status": int(scope["path"][1:]),
                    "headers": headers})
        await send({"type": "http.response.body", "body": body})


async def ask(app: Callable, path: str = "/200", headers: dict[str, str] | None = None
              ) -> tuple[int, dict[str, str], bytes]:
    """One GET through ``app``: status, headers and body."""
    path, _, query = path.partition("?")
    scope = {"type": "http", "method": "GET", "path": path, "query_string": query.encode(),
             "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]}
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return (sent[0]["status"], {k.decode(): v.decode() for k, v in sent[0]["headers"]},
            b"".join(m.get("body", b"") for m in sent[1:]))


def test_replays_until_the_mark_changes() -> None:
    inner = Counting()
    mark = [1]
    cache = AnswerCache(inner, lambda: mark[0], check_every=0)

    async def scenario() -> None:
        first = await ask(cache)
        again = await ask(cache)
        assert first[2] == again[2] == b"call 1 of /200"
        assert "x-cache" not in first[1] and again[1]["x-cache"] == "hit"
        not_modified = await ask(cache, headers={"If-None-Match": 'W/"tag"'})
        assert not_modified[0] == 304 and not_modified[2] == b""
        mark[0] = 2  # a load
        assert (await ask(cache))[2] == b"call 2 of /200"

    anyio.run(scenario)
    assert inner.calls == 2


def test_keys_on_language_cookie_and_gzip() -> None:
    inner = Counting()
    cache = AnswerCache(inner, lambda: 1, check_every=0)

    async def scenario() -> None:
        for headers in ({}, {"Cookie": "lang=km"}, {"Cookie": "lang=km; other=1"},
                        {"Accept-Encoding": "gzip, br"}, {"Cookie": "lang=zh"}):
            await ask(cache, headers=headers)

    anyio.run(scenario)
    assert inner.calls == 4  # the other cookie does not matter


@pytest.mark.parametrize(("path", "cookie"), [("/404", False), ("/200", True)])
def test_errors_and_cookie_setting_answers_are_not_kept(path: str, cookie: bool) -> None:
    inner = Counting(cookie=cookie)
    cache = AnswerCache(inner, lambda: 1, check_every=0)

    async def scenario() -> None:
        await ask(cache, path)
        assert "x-cache" not in (await ask(cache, path))[1]

    anyio.run(scenario)
    assert inner.calls == 2


def test_least_recently_used_answers_go_beyond_the_size_limit() -> None:
    inner = Counting()
    one = len(b"call 1 of /200") + len('content-typetext/plainetagW/"tag"')
    cache = AnswerCache(inner, lambda: 1, check_every=0, max_bytes=8 * one + 4)

    async def scenario() -> None:
        for n in range(9):  # nine answers, room for eight
            await ask(cache, f"/200?n={n}")
        assert "x-cache" not in (await ask(cache, "/200?n=0"))[1]  # the oldest went
        assert (await ask(cache, "/200?n=8"))[1]["x-cache"] == "hit"

    anyio.run(scenario)
    assert len(cache.answers) == 8 and cache.size <= cache.max_bytes


def test_the_same_request_is_computed_once_at_a_time() -> None:
    inner = Counting(delay=0.2)
    cache = AnswerCache(inner, lambda: 1, check_every=0)
    answers: list[bytes] = []

    async def scenario() -> None:
        async def one() -> None:
            answers.append((await ask(cache))[2])

        async with anyio.create_task_group() as group:
            for _ in range(50):
                group.start_soon(one)

    anyio.run(scenario)
    assert inner.calls == 1 and answers == [b"call 1 of /200"] * 50


def test_admission_lets_a_limited_number_in() -> None:
    inner = Counting(delay=0.05)
    gate = Admission(inner, limit=3)

    async def scenario() -> None:
        async with anyio.create_task_group() as group:
            for _ in range(12):
                group.start_soon(ask, gate)

    anyio.run(scenario)
    assert inner.calls == 12 and inner.most_inside == 3


def test_many_concurrent_cold_requests_all_get_answers(served: Served) -> None:
    """More concurrent requests than warehouse connections and worker threads: the admission
    limit keeps the routes from waiting on each other (this hung for 30 s before)."""
    app = create_app(served.url, cache_bytes=0)
    areas = ["KHM", "LAO", "THA", "VNM", "IDN", "PHL", "MYS", "CHN"]
    statuses: list[int] = []

    async def scenario() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            async def one(n: int) -> None:
                answer = await client.get("/api/v1/observations",
                                          params={"ref_area": areas[n % len(areas)],
                                                  "limit": 5})
                statuses.append(answer.status_code)

            with anyio.fail_after(60):
                async with anyio.create_task_group() as group:
                    for n in range(120):
                        group.start_soon(one, n)

    anyio.run(scenario)
    assert statuses == [200] * 120
