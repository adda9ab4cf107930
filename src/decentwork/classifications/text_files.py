"""The CSV files users give the coder and get from it (UTF-8): reading and writing them, with
problems reported as :mod:`decentwork.errors` that name the file (and the line where there
is one)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from decentwork.errors import BadInput, DecentworkError, NotFound, Unavailable

UTF8_HINT = "save it as CSV UTF-8"


def read_utf8(path: Path) -> str:
    """The text of ``path``: UTF-8, with or without a byte-order mark.

    Raises:
        NotFound: no file ``path``.
        BadInput: it cannot be read (a folder, no permission), or is not UTF-8 (the message
            gives the line and byte).
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotFound(f"{path}: no such file") from None
    except OSError as error:
        raise BadInput(f"{path}: cannot be read ({error.strerror or error})") from None
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise BadInput(
            f"{path}:{line}: not UTF-8 text ({error.reason} at byte {error.start})",
            expected="UTF-8 text",
            hint=UTF8_HINT,
        ) from None


def csv_rows(path: Path) -> csv.DictReader[str]:
    """A reader of the CSV file ``path`` (UTF-8, header first); its ``line_num`` is the line
    a row ends on.

    Raises:
        NotFound, BadInput: see :func:`read_utf8`.
    """
    return csv.DictReader(io.StringIO(read_utf8(path), newline=""))


def write_csv(
    path: Path,
    columns: Sequence[str],
    rows: Iterable[Mapping[str, object]],
    *,
    parameter: str | None = None,
) -> None:
    """Write ``rows`` under ``columns`` to the CSV file ``path`` (UTF-8), which appears only
    once complete. ``parameter``: the parameter a caller named ``path`` with, when its user
    chose it; otherwise ``path`` is one of decentwork's own files, and its folder is created.

    Raises:
        BadInput: ``path``, chosen by the user, cannot be written (about ``parameter``).
        Unavailable: ``path``, decentwork's own, cannot be written.
    """
    partial = path.with_name(path.name + ".partial")
    try:
        if parameter is None:
            path.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(columns))
            writer.writeheader()
            writer.writerows(rows)
        partial.replace(path)
    except OSError as error:
        if partial.is_file():
            partial.unlink()
        kind: type[DecentworkError] = Unavailable if parameter is None else BadInput
        raise kind(
            f"{path}: cannot be written ({error.strerror or error})", parameter=parameter
        ) from None
