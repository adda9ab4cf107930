"""Downloading a publisher's file: streamed to a temporary name beside the target, checked,
then renamed, with retries and backoff on network and server errors, and messages that say
what happened (not found, unreachable, refused)."""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

from decentwork import errors

RETRY_DELAYS = (1.0, 2.0, 4.0)
"""Seconds to wait before the second, third and fourth attempt."""
TIMEOUT = 60.0
CHUNK = 1 << 16
SCHEMES = ("http", "https")
"""What is downloaded: web addresses only (never ``file:`` or ``ftp:``)."""

Progress = Callable[[int, int | None], None]
"""on_progress(bytes so far, total bytes or None)."""
Check = Callable[[Path], None]
"""check(downloaded file): raises DownloadError when the content is not what was expected."""


class DownloadError(errors.Unavailable):
    """A download failed; the message names the address and the reason."""


class NotFound(errors.NotFound, DownloadError):
    """The server has no such file (HTTP 404)."""


class Unwritable(errors.Unavailable):
    """The download cannot be written where it was to go (a local problem, not the
    server's: callers that skip optional downloads that fail must not skip this)."""


def download(
    url: str,
    target: Path,
    *,
    on_progress: Progress = lambda *_: None,
    check: Check = lambda _: None,
) -> Path:
    """Fetch ``url`` to ``target``; retried after :data:`RETRY_DELAYS` on network errors and
    5xx answers. ``target`` appears only once complete and checked.

    Raises:
        NotFound: 404.
        DownloadError: not an http(s) address, unreachable after the retries, another HTTP
            error, ``check`` failed, or ``target`` cannot be written.
    """
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    if scheme not in SCHEMES:
        raise DownloadError(
            f"{url}: not a web address (http or https), so not downloaded",
            given=url,
            expected="an http:// or https:// address",
        )
    for attempt, delay in enumerate((0.0, *RETRY_DELAYS)):
        time.sleep(delay)
        try:
            return _stream(url, target, on_progress, check)
        except urllib.error.HTTPError as error:
            if error.code == 404:
                raise NotFound(f"{url}: not found (404)", given=url) from None
            if error.code < 500 or attempt == len(RETRY_DELAYS):
                raise DownloadError(
                    f"{url} answered {error.code} {error.reason}", given=url
                ) from None
        except ValueError as error:  # a malformed address (http.client.InvalidURL...)
            raise DownloadError(f"{url}: not a valid address ({error})", given=url) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            if attempt == len(RETRY_DELAYS):
                reason = getattr(error, "reason", error)
                raise DownloadError(
                    f"cannot reach {urllib.parse.urlsplit(url).netloc} ({reason}) after "
                    f"{attempt + 1} attempts; are you offline?",
                    given=url,
                ) from None
    raise AssertionError("unreachable")


def _stream(url: str, target: Path, on_progress: Progress, check: Check) -> Path:
    partial = target.with_name(target.name + ".partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        sink = partial.open("wb")
    except OSError as error:
        raise Unwritable(
            f"cannot write the download of {url} to {partial} ({error.strerror})",
            given=str(partial),
        ) from None
    try:
        with sink, urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            total = response.headers.get("Content-Length")
            done = 0
            for block in iter(lambda: response.read(CHUNK), b""):
                sink.write(block)
                done += len(block)
                on_progress(done, int(total) if total else None)
        check(partial)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target
