"""ETags, ``If-None-Match`` and gzip on the API's responses."""

from __future__ import annotations

import gzip

import pytest

from decentwork.web.caching import etag, matches
from tests.web.conftest import Served

PATHS = [
    "/api/v1/observations?ref_area=KHM",
    "/api/v1/observations.csv?ref_area=KHM",
    "/api/v1/indicators",
    "/api/v1/indicators/SDG_0861_SEX_RT",
    "/api/v1/areas",
    "/api/v1/areas/KHM",
    "/api/v1/groups",
    "/api/v1/groups/X_MEKONG",
    "/api/v1/releases",
    "/api/openapi.json",
]


@pytest.mark.parametrize("path", PATHS)
def test_every_get_has_an_etag_and_if_none_match_gives_304(served: Served, path: str) -> None:
    first = served.client.get(path)
    assert first.status_code == 200
    tag = first.headers["etag"]
    assert tag == etag(first.content)
    assert first.headers["cache-control"] == "no-cache"
    assert "Cookie" in first.headers["vary"]
    again = served.client.get(path, headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == tag


def test_if_none_match_forms(served: Served) -> None:
    path = PATHS[0]
    tag = served.client.get(path).headers["etag"]
    for header, status in (
        (tag.removeprefix("W/"), 304),
        (f'"other", {tag}', 304),
        ("*", 304),
        ('W/"other"', 200),
    ):
        assert served.client.get(path, headers={"If-None-Match": header}).status_code == status


def test_the_etag_follows_the_body(served: Served) -> None:
    khm = served.client.get("/api/v1/observations", params={"ref_area": "KHM"})
    lao = served.client.get("/api/v1/observations", params={"ref_area": "LAO"})
    assert khm.headers["etag"] != lao.headers["etag"]
    stale = served.client.get(
        "/api/v1/observations",
        params={"ref_area": "LAO"},
        headers={"If-None-Match": khm.headers["etag"]},
    )
    assert stale.status_code == 200 and stale.json() == lao.json()


def test_errors_have_no_etag(served: Served) -> None:
    assert "etag" not in served.client.get("/api/v1/areas/ZZZ").headers
    assert "etag" not in served.client.get("/api/v1/observations?limit=0").headers


def test_gzip_when_the_client_accepts_it(served: Served) -> None:
    path = "/api/v1/observations.csv?ref_area=KHM"
    packed = served.client.get(path, headers={"Accept-Encoding": "gzip"})
    plain = served.client.get(path, headers={"Accept-Encoding": "identity"})
    assert packed.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers
    assert packed.text == plain.text
    assert packed.headers["etag"] == plain.headers["etag"]
    raw = served.client.stream("GET", path, headers={"Accept-Encoding": "gzip"})
    with raw as response:
        body = b"".join(response.iter_raw())
    assert len(body) < len(plain.content) / 3
    assert gzip.decompress(body) == plain.content


def test_matches() -> None:
    assert matches('W/"a", "b"', '"b"') and matches('"a"', 'W/"a"')
    assert not matches(None, 'W/"a"') and not matches('"ab"', 'W/"a"')
