"""What every answer gets whatever its route: ``HEAD`` on every ``GET`` route (it answered
405), and the security headers (none before): a Content-Security-Policy without inline
scripts or styles (the API documentation's one start-up script allowed by its hash), no
framing, no MIME sniffing, no referrer sent to other sites."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from fastapi.routing import APIRoute

from decentwork.web import api, pages, progress
from decentwork.web.protocol import SECURITY_HEADERS
from tests.web.conftest import Served

EXAMPLES = {
    "{ref_area}": "KHM",
    "{release}": "1",
    "{name}": "sdg8",
    "/progress/sdg8/{code}": "/progress/sdg8/8.5.2",
    "/groups/{code}": "/groups/X_MEKONG",
    "{code}": "SDG_0852_SEX_AGE_RT",
}


def addresses() -> list[str]:
    """An address of every GET route of the application (path parameters filled in)."""
    found = ["/api/docs", "/api/openapi.json", "/health", "/static/style.css"]
    for prefix, router in (("/api/v1", api.router), ("", pages.router), ("", progress.router)):
        for route in router.routes:
            assert isinstance(route, APIRoute)
            if "GET" in route.methods:
                path = prefix + route.path
                for pattern, example in EXAMPLES.items():
                    path = path.replace(pattern, example)
                found.append(path)
    return found


ADDRESSES = addresses()


def test_every_route_is_tried() -> None:
    assert len(ADDRESSES) == 27 and not [a for a in ADDRESSES if "{" in a]


@pytest.mark.parametrize("path", ADDRESSES)
def test_head_answers_as_get_without_the_body(served: Served, path: str) -> None:
    for encoding in ("identity", "gzip"):
        headers = {"Accept-Encoding": encoding}
        got = served.client.get(path, headers=headers)
        head = served.client.head(path, headers=headers)
        assert got.status_code == head.status_code == 200, (path, head.text)
        assert head.content == b""
        assert head.headers["content-type"] == got.headers["content-type"]
        assert head.headers.get("etag") == got.headers.get("etag")
        if "content-length" in got.headers:
            assert head.headers["content-length"] == got.headers["content-length"]


def test_head_of_an_error_and_of_a_missing_page(served: Served) -> None:
    assert served.client.head("/api/v1/areas/ZZZ").status_code == 404
    assert served.client.head("/nothing").status_code == 404
    assert served.client.head("/api/v1/observations?limit=0").status_code == 422


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/areas/KHM",
        "/areas/KHM.csv",
        "/api/v1/areas",
        "/api/v1/areas/ZZZ",
        "/nothing",
        "/api/v1/nothing",
        "/static/charts.js",
        "/data?limit=0",
        "/health",
    ],
)
def test_security_headers_on_every_answer(served: Served, path: str) -> None:
    answer = served.client.get(path)
    for name, value in SECURITY_HEADERS.items():
        assert answer.headers[name] == value, (path, name)
    policy = answer.headers["content-security-policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_pages_have_no_inline_script_or_style(served: Served) -> None:
    for path in (
        "/",
        "/areas/KHM",
        "/indicators/SDG_0852_SEX_AGE_RT?ref_area=KHM,LAO",
        "/data",
        "/releases",
        "/progress/sdg8",
    ):
        html = served.client.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert "<style" not in html and " style=" not in html, path
        assert not re.search(r"\son[a-z]+=", html), path


def test_the_api_documentation_allows_its_own_script_only(served: Served) -> None:
    answer = served.client.get("/api/docs")
    (inline,) = re.findall(r"<script>(.*?)</script>", answer.text, re.S)
    digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
    policy = answer.headers["content-security-policy"]
    assert f"script-src 'self' 'sha256-{digest}';" in policy
    assert "unsafe-inline" not in policy
    assert answer.headers["x-frame-options"] == "DENY"
