"""The answer cache (replays while the warehouse's mark stands, one computation per request at
a time, keyed on everything an answer depends on) and the admission limits (no pool deadlock
under many concurrent requests; slow pages never hold up the API)."""

from __future__ import annotations

from collections.abc import Callable

import anyio
import httpx
import pytest
from starlette.types import Message, Receive, Scope, Send

from decentwork.web.app import create_app
from decentwork.web.caching import AnswerCache
from decentwork.web.guards import Admission
from decentwork.web.requests import ORIGIN
from tests.web.conftest import Served


class Counting:
    """An ASGI app answering ``/<status>`` (or ``/api/<status>``) with that status and a body
    naming the call, after ``delay`` seconds, optionally setting a cookie; it counts calls
    and concurrent calls."""

    def __init__(self, delay: float = 0.0, cookie: str | None = None) -> None:
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
            headers.append((b"set-cookie", self.cookie.encode()))
        body = f"call {self.calls} of {scope['path']}".encode()
        await send(
            {
                "type": "http.response.start",
                "status": int(scope["path"].split("/")[-1]),
                "headers": headers,
            }
        )
        await send({"type": "http.response.body", "body": body})


async def ask(
    app: Callable,
    path: str = "/200",
    headers: dict[str, str] | None = None,
    origin: str = "http://localhost",
) -> tuple[int, dict[str, str], bytes]:
    """One GET through ``app`` (sent to ``origin``): status, headers and body."""
    path, _, query = path.partition("?")
    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "query_string": query.encode(),
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
        ORIGIN: origin,
    }
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return (
        sent[0]["status"],
        {k.decode(): v.decode() for k, v in sent[0]["headers"]},
        b"".join(m.get("body", b"") for m in sent[1:]),
    )


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
        for headers in (
            {},
            {"Cookie": "lang=km"},
            {"Cookie": "lang=km; other=1"},
            {"Accept-Encoding": "gzip, br"},
            {"Cookie": "lang=zh"},
            {"Cookie": "lang=xx"},
            {"Cookie": "lang=en"},
        ):
            await ask(cache, headers=headers)

    anyio.run(scenario)
    assert inner.calls == 4  # the other cookie does not matter; a stale one is English


def test_the_api_does_not_depend_on_the_language_cookie() -> None:
    inner = Counting()
    cache = AnswerCache(inner, lambda: 1, check_every=0)

    async def scenario() -> None:
        for cookie in ("lang=km", "lang=zh", ""):
            await ask(cache, "/api/200", headers={"Cookie": cookie})

    anyio.run(scenario)
    assert inner.calls == 1


def test_keys_on_the_origin_links_start_with() -> None:
    """One request sent to another host (its links naming that host) is never replayed to
    anyone else: the Host-header cache poisoning of issue 22."""
    inner = Counting()
    cache = AnswerCache(inner, lambda: 1, check_every=0)

    async def scenario() -> None:
        evil = await ask(cache, origin="http://evil.example")
        mine = await ask(cache, origin="http://localhost")
        assert evil[2] == b"call 1 of /200" and mine[2] == b"call 2 of /200"
        again = await ask(cache, origin="http://localhost")
        assert again[1]["x-cache"] == "hit" and again[2] == mine[2]
        assert (await ask(cache, origin="https://localhost"))[2] == b"call 3 of /200"

    anyio.run(scenario)


def test_lang_answers_are_kept_per_language() -> None:
    """``?lang=`` answers set the language cookie, the same for everyone asking the same: they
    are kept (they never were: ``/areas/KHM?lang=en`` was computed on every request)."""
    inner = Counting(cookie="lang=km; Max-Age=31536000; Path=/; SameSite=lax")
    cache = AnswerCache(inner, lambda: 1, check_every=0)

    async def scenario() -> None:
        first = await ask(cache, "/200?lang=km")
        again = await ask(cache, "/200?lang=km", headers={"Cookie": "lang=zh"})
        assert again[1]["x-cache"] == "hit" and again[2] == first[2]
        assert again[1]["set-cookie"].startswith("lang=km")
        await ask(cache, "/200?lang=zh")

    anyio.run(scenario)
    assert inner.calls == 2


@pytest.mark.parametrize(("path", "cookie"), [("/404", None), ("/200", "session=abc")])
def test_errors_and_cookie_setting_answers_are_not_kept(path: str, cookie: str | None) -> None:
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


@pytest.mark.parametrize(("path", "most"), [("/200", 2), ("/api/200", 3)])
def test_admission_lets_a_limited_number_in(path: str, most: int) -> None:
    inner = Counting(delay=0.05)
    gate = Admission(inner, api=3, pages=2)

    async def scenario() -> None:
        async with anyio.create_task_group() as group:
            for _ in range(12):
                group.start_soon(ask, gate, path)

    anyio.run(scenario)
    assert inner.calls == 12 and inner.most_inside == most


def test_slow_pages_do_not_hold_up_the_api() -> None:
    inner = Counting(delay=0.5)
    gate = Admission(inner, api=2, pages=2)

    async def scenario() -> None:
        async with anyio.create_task_group() as group:
            for _ in range(6):
                group.start_soon(ask, gate, "/200")  # three rounds of two pages: 1.5 s
            await anyio.sleep(0.05)
            with anyio.fail_after(0.9):
                await ask(gate, "/api/200")  # in the first round, beside the pages

    anyio.run(scenario)
    assert inner.calls == 7


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
                answer = await client.get(
                    "/api/v1/observations", params={"ref_area": areas[n % len(areas)], "limit": 5}
                )
                statuses.append(answer.status_code)

            with anyio.fail_after(60):
                async with anyio.create_task_group() as group:
                    for n in range(120):
                        group.start_soon(one, n)

    anyio.run(scenario)
    assert statuses == [200] * 120


def test_language_links_are_kept_and_replayed(served: Served) -> None:
    """``/areas/KHM?lang=en`` (the dashboard's own language links) was computed on every
    request: 6.6 requests/s against 7,059 without ``?lang=``."""
    try:
        for lang in ("en", "km"):
            path = f"/areas/LAO?lang={lang}"
            first = served.client.get(path)
            served.client.cookies.clear()
            again = served.client.get(path, headers={"Cookie": "lang=zh"})
            assert "x-cache" not in first.headers and again.headers["x-cache"] == "hit"
            assert again.text == first.text and f'<html lang="{lang}">' in again.text
            assert again.cookies.get("lang") == lang
        served.client.cookies.clear()
        by_cookie = served.client.get("/areas/LAO", headers={"Cookie": "lang=km"})
        assert '<html lang="km">' in by_cookie.text and "set-cookie" not in by_cookie.headers
    finally:
        served.client.cookies.clear()
