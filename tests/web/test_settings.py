"""The web application's settings: the public base URL, the allowed hosts, the limits, and
their environment variables (how ``decentwork serve`` passes them to its workers)."""

from __future__ import annotations

import pytest

from decentwork.errors import BadInput
from decentwork.web.settings import (
    LOCAL_HOSTS,
    Settings,
    allowed,
    default_hosts,
    host_names,
    public_origin,
)


@pytest.mark.parametrize(
    ("given", "origin"),
    [
        ("https://lmis.example.gov.kh", "https://lmis.example.gov.kh"),
        ("HTTPS://LMIS.Example.gov.kh/", "https://lmis.example.gov.kh"),
        ("http://10.0.0.5:8080", "http://10.0.0.5:8080"),
        ("http://[2001:db8::1]:8080", "http://[2001:db8::1]:8080"),
    ],
)
def test_a_base_url_is_an_origin(given: str, origin: str) -> None:
    assert public_origin(given) == origin


@pytest.mark.parametrize(
    "given",
    [
        "lmis.example.gov.kh",
        "ftp://lmis.example.gov.kh",
        "https://",
        "https://host/lmis",
        "https://host/?a=1",
        "https://host/#top",
        "https://user@host",
        "https://host:99999",
        "https://host:port",
    ],
)
def test_other_base_urls_are_refused(given: str) -> None:
    with pytest.raises(BadInput, match=r"^base_url ") as raised:
        public_origin(given)
    assert (raised.value.parameter, raised.value.given) == ("base_url", given)


def test_host_names() -> None:
    assert host_names("LMIS.example.org, localhost,,[::1]") == (
        "lmis.example.org",
        "localhost",
        "::1",
    )
    assert host_names(["a.example"]) == ("a.example",)
    for bad in ("localhost:8000", "a.example/x", "", "a b", "user@host", "[::1]:80"):
        with pytest.raises(BadInput, match=r"^allowed_hosts ") as raised:
            host_names(bad)
        assert raised.value.parameter == "allowed_hosts"
    assert allowed("*") is None and allowed("a.example") == ("a.example",)


def test_default_hosts() -> None:
    assert set(default_hosts("127.0.0.1")) == set(LOCAL_HOSTS)
    assert default_hosts("0.0.0.0") == LOCAL_HOSTS
    assert default_hosts("lmis.example.org") == ("lmis.example.org", *LOCAL_HOSTS)


def test_settings_through_the_environment() -> None:
    settings = Settings(
        "sqlite:////srv/w.sqlite",
        32 * 2**20,
        "https://lmis.example.gov.kh/",
        ("lmis.example.gov.kh",),
        5.0,
    )
    assert settings.base_url == "https://lmis.example.gov.kh"
    assert Settings.from_environment(settings.environment()) == settings
    anyone = Settings(allowed_hosts=None)
    assert Settings.from_environment(anyone.environment()) == anyone
    assert Settings.from_environment({}) == Settings(allowed_hosts=LOCAL_HOSTS)
    assert Settings.from_environment({"DECENTWORK_BASE_URL": "https://a.example"}) == Settings(
        base_url="https://a.example", allowed_hosts=None
    )


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"DECENTWORK_CACHE_MB": "lots"}, "DECENTWORK_CACHE_MB 'lots': expected a number"),
        ({"DECENTWORK_TIME_LIMIT": "0"}, "time_limit 0: expected seconds"),
        ({"DECENTWORK_CACHE_MB": "-1"}, "cache_bytes -1048576: expected 0 or more"),
        ({"DECENTWORK_BASE_URL": "lmis"}, "base_url 'lmis': expected http://"),
        ({"DECENTWORK_ALLOWED_HOSTS": "a:80"}, "allowed_hosts 'a:80': expected host names"),
    ],
)
def test_bad_variables_are_refused(environ: dict[str, str], message: str) -> None:
    with pytest.raises(BadInput, match="^" + message.replace("(", r"\(")):
        Settings.from_environment(environ)
