"""Links in answers (the next page of a listing, the ``Link`` header) start with the
configured base URL, else with the address a request was sent to, whose host must be
allowed; the answer cache keys answers on that address, so that one request sent with
``Host: evil.example`` never gives anyone else links to that host (issue 22)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from decentwork.web.app import create_app
from tests.web.conftest import Served

LISTING = "/api/v1/observations?ref_area=KHM&limit=2"


def next_link(client: TestClient, host: str | None = None, path: str = LISTING) -> str:
    """The ``next`` address of a listing's JSON, asked with ``Host: host``."""
    answer = client.get(path, headers={"Host": host} if host else None)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["next"])


def test_a_poisoned_host_is_never_replayed_to_others(served: Served) -> None:
    """Any host accepted (the application's default): each host gets answers of its own."""
    assert next_link(served.client, "evil.example").startswith("http://evil.example/")
    assert next_link(served.client, "lmis.example.org").startswith("http://lmis.example.org/")
    assert next_link(served.client).startswith("http://testserver/")
    csv = served.client.get(
        LISTING.replace("observations", "observations.csv"), headers={"Host": "evil.example"}
    )
    assert "evil.example" in csv.headers["link"]
    assert (
        "evil.example"
        not in served.client.get(LISTING.replace("observations", "observations.csv")).headers[
            "link"
        ]
    )


@pytest.fixture(scope="module")
def guarded(sdg8_url: str) -> Iterator[TestClient]:
    app = create_app(sdg8_url, allowed_hosts=["lmis.example.org", "localhost"])
    with TestClient(app, base_url="http://localhost") as client:
        yield client


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "lmis.example.org.evil.example",
        "testserver",
        "localhost@evil.example",
        "local host",
        "[::1",
        "localhost:99999",
    ],
)
def test_other_hosts_are_refused(guarded: TestClient, host: str) -> None:
    answer = guarded.get(LISTING, headers={"Host": host})
    assert answer.status_code == 400
    assert answer.json()["detail"] == f"Host {host!r}: this server does not answer to that name"
    assert answer.json()["parameter"] == "Host"
    assert answer.json()["expected"] == "one of lmis.example.org, localhost"
    page = guarded.get("/areas/KHM", headers={"Host": host})
    assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")
    assert "does not answer to that name" in page.text


@pytest.mark.parametrize(
    "host", ["lmis.example.org", "LMIS.Example.org:8443", "localhost", "localhost:8000"]
)
def test_allowed_hosts_are_answered_with_their_own_links(guarded: TestClient, host: str) -> None:
    assert next_link(guarded, host).startswith(f"http://{host.lower()}/api/v1/observations?")


def test_a_base_url_makes_every_link(sdg8_url: str) -> None:
    app = create_app(sdg8_url, base_url="https://LMIS.example.gov.kh/")
    with TestClient(app) as client:
        for host in ("evil.example", "testserver", "127.0.0.1:8000"):
            link = next_link(client, host)
            assert link == (
                "https://lmis.example.gov.kh/api/v1/observations?ref_area=KHM&limit=2&offset=2"
            )
        csv = client.get(
            "/api/v1/observations.csv?ref_area=KHM&limit=2", headers={"Host": "evil.example"}
        )
        assert csv.headers["link"].startswith("<https://lmis.example.gov.kh/api/v1/")
        page = client.get("/data.json?ref_area=KHM&limit=2", headers={"Host": "evil.example"})
        assert page.json()["next"].startswith("https://lmis.example.gov.kh/data?")
        assert client.get(LISTING, headers={"Host": "bad host"}).status_code == 400


def test_a_base_url_and_allowed_hosts_together(sdg8_url: str) -> None:
    app = create_app(
        sdg8_url, base_url="https://lmis.example.gov.kh", allowed_hosts=["lmis.example.gov.kh"]
    )
    with TestClient(app) as client:
        assert client.get(LISTING, headers={"Host": "evil.example"}).status_code == 400
        assert next_link(client, "lmis.example.gov.kh").startswith("https://lmis.example")
