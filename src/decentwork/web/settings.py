"""How the web application is set up: the warehouse, the answer cache's memory, the public
address its links are built from, and the time one request may take.

``decentwork serve`` takes them as options; its worker processes, each of which builds the
application (:func:`decentwork.web.app.factory`), read them from environment variables
(:meth:`Settings.environment`, :meth:`Settings.from_environment`), which also serve anyone
running the factory under another ASGI server.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from decentwork.errors import BadInput

DATABASE = "DECENTWORK_DB"
CACHE_MB = "DECENTWORK_CACHE_MB"
BASE_URL = "DECENTWORK_BASE_URL"
ALLOWED_HOSTS = "DECENTWORK_ALLOWED_HOSTS"
TIME_LIMIT = "DECENTWORK_TIME_LIMIT"
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
"""The names this machine answers to whatever its network: the default allowed hosts."""
EVERY_INTERFACE = ("0.0.0.0", "::", "")
"""Listening addresses that stand for every network interface, not a name clients use."""
DEFAULT_TIME_LIMIT = 10.0
ANY = "*"
"""The allowed hosts that stand for any host."""


def public_origin(base_url: str) -> str:
    """The origin (``https://lmis.example.gov.kh``, ``http://host:8080``) of a public base
    URL, lower-cased, without a trailing slash.

    Raises:
        BadInput: not an http or https URL with a host, or one with a path, query, fragment
            or user name (the dashboard is served at the root of its host).
    """
    expected = "http:// or https:// and a host name, with an optional port and nothing after"
    try:
        parts = urlsplit(base_url.strip())
        parts.port  # noqa: B018 (a malformed port raises here)
    except ValueError as error:
        raise BadInput(
            f"base_url {base_url!r}: {error}",
            parameter="base_url",
            given=base_url,
            expected=expected,
        ) from None
    if (
        parts.scheme.lower() not in ("http", "https")
        or not parts.hostname
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or parts.username is not None
    ):
        raise BadInput(
            f"base_url {base_url!r}: expected {expected} (the dashboard is served "
            "at the root of its host)",
            parameter="base_url",
            given=base_url,
            expected=expected,
        )
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def host_names(hosts: str | Collection[str]) -> tuple[str, ...]:
    """Host names (comma-separated, or a collection), lower-cased, without brackets around an
    IPv6 address.

    Raises:
        BadInput: a name with a port, a path or a space (parameter ``allowed_hosts``).
    """
    listed = hosts.split(",") if isinstance(hosts, str) else list(hosts)
    names = tuple(
        name.strip().lower().removeprefix("[").removesuffix("]") for name in listed if name.strip()
    )
    bad = [name for name in names if any(c in name for c in "/ ?#@[]") or (name.count(":") == 1)]
    if bad or not names:
        raise BadInput(
            f"allowed_hosts {', '.join(map(repr, bad)) or repr(hosts)}: expected "
            "host names, comma-separated, without ports",
            parameter="allowed_hosts",
            given=hosts if isinstance(hosts, str) else ",".join(hosts),
            expected="host names such as lmis.example.gov.kh,localhost",
        )
    return names


def allowed(hosts: str) -> tuple[str, ...] | None:
    """The allowed host names of a setting: :func:`host_names`, or None (any host) for
    ``*``.

    Raises:
        BadInput: as :func:`host_names`.
    """
    return None if hosts.strip() == ANY else host_names(hosts)


def default_hosts(listening: str) -> tuple[str, ...]:
    """The hosts a server listening on ``listening`` accepts by default: that address
    (unless it stands for every interface) and this machine's own names."""
    own = () if listening in EVERY_INTERFACE else host_names(listening)
    return tuple(dict.fromkeys((*own, *LOCAL_HOSTS)))


@dataclass(frozen=True)
class Settings:
    """The web application's settings.

    Attributes:
        url: the warehouse (None: ``$DECENTWORK_DB``, else the embedded SQLite file).
        cache_bytes: memory for the answer cache (0: none).
        base_url: the public address (``https://lmis.example.gov.kh``) that links in answers
            start with; None: the address the request was sent to (its ``Host``).
        allowed_hosts: the host names a request may be sent to (others are answered 400);
            None accepts any (each host gets answers of its own, whose links name it).
        time_limit: seconds one request may take before it is answered 503.
    """

    url: str | None = None
    cache_bytes: int = 64 * 2**20
    base_url: str | None = None
    allowed_hosts: tuple[str, ...] | None = None
    time_limit: float = DEFAULT_TIME_LIMIT

    def __post_init__(self) -> None:
        if self.base_url is not None:
            object.__setattr__(self, "base_url", public_origin(self.base_url))
        if self.allowed_hosts is not None:
            object.__setattr__(self, "allowed_hosts", host_names(self.allowed_hosts))
        if self.cache_bytes < 0:
            raise BadInput(
                f"cache_bytes {self.cache_bytes}: expected 0 or more",
                parameter="cache_bytes",
                given=self.cache_bytes,
                expected="0 or more",
            )
        if not 0 < self.time_limit <= 3600:
            raise BadInput(
                f"time_limit {self.time_limit:g}: expected seconds, more than 0 and at most 3600",
                parameter="time_limit",
                given=self.time_limit,
                expected="more than 0 and at most 3600 seconds",
            )

    def environment(self) -> dict[str, str]:
        """The settings as the environment variables :meth:`from_environment` reads (every
        one of them, empty for None, so that none is left from elsewhere)."""
        return {
            DATABASE: self.url or "",
            CACHE_MB: str(self.cache_bytes / 2**20),
            BASE_URL: self.base_url or "",
            ALLOWED_HOSTS: ANY if self.allowed_hosts is None else ",".join(self.allowed_hosts),
            TIME_LIMIT: str(self.time_limit),
        }

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings from environment variables (``DECENTWORK_DB``,
        ``DECENTWORK_CACHE_MB``, ``DECENTWORK_BASE_URL``, ``DECENTWORK_ALLOWED_HOSTS``,
        ``DECENTWORK_TIME_LIMIT``); allowed hosts ``*`` accepts any host; without
        ``DECENTWORK_BASE_URL`` or ``DECENTWORK_ALLOWED_HOSTS``, only this machine's own
        names are accepted.

        Raises:
            BadInput: a variable's value is not what it should be (the message names it).
        """
        environ = os.environ if environ is None else environ
        hosts = environ.get(ALLOWED_HOSTS)
        base_url = environ.get(BASE_URL) or None
        return cls(
            url=environ.get(DATABASE) or None,
            cache_bytes=round(_number(environ, CACHE_MB, 64) * 2**20),
            base_url=base_url,
            allowed_hosts=(allowed(hosts) if hosts else None if base_url else LOCAL_HOSTS),
            time_limit=_number(environ, TIME_LIMIT, DEFAULT_TIME_LIMIT),
        )


def _number(environ: Mapping[str, str], name: str, default: float) -> float:
    """The number in the environment variable ``name`` (``default`` when unset).

    Raises:
        BadInput: the variable holds something else.
    """
    text = environ.get(name)
    if not text:
        return default
    try:
        return float(text)
    except ValueError:
        raise BadInput(
            f"{name} {text!r}: expected a number", given=text, expected="a number"
        ) from None
