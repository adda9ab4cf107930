"""The warehouse's settings, from the environment: the limits on a file to load, how long a
writer waits for another's write lock, and who the operator loading files is.

| variable | default | what |
|---|---|---|
| ``DECENTWORK_LOAD_MAX_MB`` | 512 | the most text (MB, after gunzipping) a file to load may hold |
| ``DECENTWORK_GZIP_MAX_RATIO`` | 100 | the most a gzipped file may grow when gunzipped |
| ``DECENTWORK_LOCK_WAIT`` | 60 | seconds a writer waits for the warehouse's write lock |
| ``DECENTWORK_OPERATOR`` | none | the operator recorded with each release |
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from decentwork.errors import BadInput

LOAD_MAX_MB = "DECENTWORK_LOAD_MAX_MB"
GZIP_MAX_RATIO = "DECENTWORK_GZIP_MAX_RATIO"
LOCK_WAIT = "DECENTWORK_LOCK_WAIT"
OPERATOR = "DECENTWORK_OPERATOR"
MB = 1 << 20
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
"""Control characters (NUL, tab, line breaks...), refused in every code, note and name."""
MAX_OPERATOR = 200


def _setting(name: str, default: float) -> float:
    """The positive number in the environment variable ``name`` (``default`` when unset).

    Raises:
        BadInput: the variable is set to something else.
    """
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0 or value == float("inf"):
        raise BadInput(
            f"{name}={text!r}: expected a positive number",
            given=text,
            expected="a positive number",
            hint=f"unset {name} for its default ({default:g})",
        )
    return value


@dataclass(frozen=True)
class Limits:
    """How much a file to load may hold (see :func:`Limits.from_environment`)."""

    max_mb: float = 512.0
    """The most text (MB, after gunzipping) in one file: a load takes about 9 times as much
    memory at its peak (a 174 MB file, 1.9 million rows: 1.5 GB)."""
    max_ratio: float = 100.0
    """The most a gzipped file may grow when gunzipped, measured as it is read (ILOSTAT's
    files grow about 13 times); more is a decompression bomb."""

    @classmethod
    def from_environment(cls) -> Limits:
        """The limits set by ``DECENTWORK_LOAD_MAX_MB`` and ``DECENTWORK_GZIP_MAX_RATIO``
        (the defaults where unset).

        Raises:
            BadInput: a variable set to something other than a positive number.
        """
        default = cls()
        return cls(
            _setting(LOAD_MAX_MB, default.max_mb), _setting(GZIP_MAX_RATIO, default.max_ratio)
        )

    @property
    def max_bytes(self) -> int:
        """The most bytes of text in one file."""
        return int(self.max_mb * MB)

    def size(self) -> str:
        """The size limit in words, naming its setting."""
        return f"{self.max_mb:g} MB (setting {LOAD_MAX_MB})"


def lock_wait() -> float:
    """Seconds a writer waits for the warehouse's write lock: ``DECENTWORK_LOCK_WAIT``, else
    60.

    Raises:
        BadInput: the variable is set to something other than a positive number.
    """
    return _setting(LOCK_WAIT, 60.0)


def operator(given: str | None = None) -> str:
    """The operator a release records: ``given`` (a command's ``--operator``), else
    ``DECENTWORK_OPERATOR``, else ``unknown operator`` with the operating system's account
    the process runs as, marked as such (looked up from the process's user id, never from
    ``LOGNAME`` or ``USER``, which anyone can set).

    Raises:
        BadInput: an empty name, one with control characters or longer than 200 characters.
    """
    source = "operator" if given is not None else OPERATOR
    name = given if given is not None else os.environ.get(OPERATOR)
    if name is None:
        return f"unknown operator [OS account {_account()}]"
    name = name.strip()
    problem = (
        "is empty"
        if not name
        else "contains a control character"
        if CONTROL.search(name)
        else f"is longer than {MAX_OPERATOR} characters"
        if len(name) > MAX_OPERATOR
        else None
    )
    if problem:
        raise BadInput(
            f"{source} {name!r} {problem}",
            given=name,
            parameter="operator" if given is not None else None,
            expected=f"a name of 1 to {MAX_OPERATOR} printable characters",
        )
    return name


def _account() -> str:
    """The operating system's account of the process, from its user id."""
    try:
        import pwd
    except ImportError:  # not a POSIX system
        return "not known"
    uid = os.getuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"
