"""A CSV file's text, read as a stream of lines: gunzipped on the fly when gzipped, each line
decoded as UTF-8 on its own, within the limits of :class:`~decentwork.warehouse.settings.
Limits`, so that memory never holds the whole file and a decompression bomb is refused after
a few megabytes. Every refusal names the file and, where there is one, the line.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterator
from pathlib import Path

from decentwork.errors import BadInput, NotFound
from decentwork.warehouse.settings import GZIP_MAX_RATIO, Limits

GZIP_MAGIC = b"\x1f\x8b"
MAX_LINE = 1 << 20
"""The longest line read (bytes); a longer one is refused."""
ALLOWANCE = 1 << 20
"""Bytes of text a gzipped file may always give, whatever its ratio (a small file compresses
well)."""
UTF16 = {b"\xff\xfe": "FF FE", b"\xfe\xff": "FE FF"}


class UnreadableFile(BadInput):
    """The file cannot be read at all (not a supported format, truncated, unreadable)."""


class MissingFile(NotFound, UnreadableFile):
    """There is no file at the path given."""


def is_gzip(path: Path) -> bool:
    """Whether the file starts as a gzip file does."""
    with path.open("rb") as handle:
        return handle.read(2) == GZIP_MAGIC


def text_lines(path: Path, limits: Limits | None = None) -> Iterator[str]:
    """The lines of the text file ``path`` (gzipped or not), each with its line break, without
    the byte-order mark; read as they are asked for.

    Raises (as the lines are read):
        MissingFile: there is no file at ``path``.
        UnreadableFile: the file cannot be read, is a damaged or cut-off gzip file, holds more
            text than ``limits`` allow (or grows more than they allow when gunzipped), has a
            line longer than :data:`MAX_LINE`, is UTF-16 or not UTF-8 (naming the line), or
            does not end with a line break (a file cut off midway).
    """
    limits = limits or Limits()
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise MissingFile(f"{path}: no such file", given=str(path)) from None
    except OSError as error:
        raise UnreadableFile(
            f"{path}: cannot be read ({error.strerror})", given=str(path)
        ) from None
    with handle:
        gzipped = handle.read(2) == GZIP_MAGIC
        handle.seek(0)
        stream: io.BufferedIOBase = gzip.GzipFile(fileobj=handle) if gzipped else handle
        total = 0
        number = 0
        while True:
            line = _read_line(path, stream)
            if not line:
                return
            number += 1
            total += len(line)
            if total > limits.max_bytes:
                raise UnreadableFile(
                    f"{path}: more than {limits.size()} of text (line {number}); split the "
                    "file, or raise the limit",
                    given=str(path),
                    expected=f"at most {limits.size()}",
                )
            if (
                gzipped
                and total > ALLOWANCE
                and total > limits.max_ratio * (consumed := handle.tell()) + ALLOWANCE
            ):  # read so far (gzip reads ahead)
                raise UnreadableFile(
                    f"{path}: grows more than {limits.max_ratio:g} times when gunzipped "
                    f"(line {number}: {total:,} bytes of text from the first {consumed:,} "
                    f"bytes of the file), as a decompression bomb does (setting "
                    f"{GZIP_MAX_RATIO})",
                    given=str(path),
                    expected=f"at most {limits.max_ratio:g} times",
                )
            yield _decoded(path, number, line)


def _read_line(path: Path, stream: io.BufferedIOBase) -> bytes:
    """The next line's bytes (empty at the end), refused when longer than :data:`MAX_LINE`
    or when the gzip stream is damaged."""
    try:
        line = stream.readline(MAX_LINE + 1)
    except (EOFError, OSError, zlib.error) as error:
        raise UnreadableFile(
            f"{path}: the gzip file is damaged or cut off ({error})", given=str(path)
        ) from None
    if len(line) > MAX_LINE:
        raise UnreadableFile(
            f"{path}: a line longer than {MAX_LINE:,} bytes; not a CSV file decentwork reads",
            given=str(path),
        )
    return line


def _decoded(path: Path, number: int, line: bytes) -> str:
    """Line ``number`` of the file as text: UTF-8, without the byte-order mark on the first
    line; refused if UTF-16, not UTF-8, or the last line without its line break."""
    if number == 1:
        mark = UTF16.get(line[:2])
        if mark is not None or b"\x00" in line:
            how = f"its byte-order mark {mark}" if mark else "NUL bytes in its first line"
            raise UnreadableFile(
                f"{path}: UTF-16 text ({how}), or not text; decentwork reads "
                "UTF-8: save the file as UTF-8 (CSV UTF-8)",
                given=str(path),
                expected="UTF-8 text",
            )
        line = line.removeprefix(b"\xef\xbb\xbf")
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            f"{path}:{number}: not UTF-8 text (byte {error.start + 1} of the "
            f"line is {line[error.start]:#04x}); save the file as UTF-8",
            given=str(path),
            expected="UTF-8 text",
        ) from None
    if not text.endswith("\n"):
        raise UnreadableFile(
            f"{path}: the file does not end with a line break (line {number} is cut short), "
            "so it may be cut off; check it is complete (and add the final line break if it "
            "is)",
            given=str(path),
        )
    return text
