"""The CSV files users give the coder and get from it: every problem names the file (and the
line), and a file is written whole or not at all."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from decentwork.classifications.text_files import csv_rows, read_utf8, write_csv
from decentwork.errors import BadInput, NotFound, Unavailable


def test_utf8_with_or_without_a_byte_order_mark(tmp_path: Path) -> None:
    plain, marked = tmp_path / "plain.csv", tmp_path / "marked.csv"
    plain.write_bytes("title\nmaçon\n".encode())
    marked.write_bytes(b"\xef\xbb\xbf" + "title\nmaçon\n".encode())
    assert read_utf8(plain) == read_utf8(marked) == "title\nmaçon\n"
    assert [row["title"] for row in csv_rows(marked)] == ["maçon"]


def test_not_utf8_names_the_line_and_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"\xef\xbb\xbftitle\ncook\nma\xe7on\n")
    with pytest.raises(
        BadInput, match=r"latin1\.csv:3: not UTF-8 text \(.* at byte 16\)"
    ) as raised:
        read_utf8(path)
    assert raised.value.hint == "save it as CSV UTF-8"


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match=r"none\.csv: no such file"):
        read_utf8(tmp_path / "none.csv")
    with pytest.raises(BadInput, match=rf"{re.escape(str(tmp_path))}: cannot be read"):
        csv_rows(tmp_path)


def test_write_csv_whole(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    write_csv(path, ["a", "b"], [{"a": "1", "b": "x"}, {"a": "2", "b": ""}], parameter="out")
    assert path.read_bytes() == b"a,b\r\n1,x\r\n2,\r\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_a_file_the_user_named_that_cannot_be_written(tmp_path: Path) -> None:
    path = tmp_path / "missing" / "out.csv"
    with pytest.raises(BadInput, match=r"missing/out\.csv: cannot be written") as raised:
        write_csv(path, ["a"], [{"a": "1"}], parameter="out")
    assert raised.value.parameter == "out"
    assert not (tmp_path / "missing").exists()
    (tmp_path / "folder").mkdir()
    with pytest.raises(BadInput, match=r"folder: cannot be written \(Is a directory\)"):
        write_csv(tmp_path / "folder", ["a"], [{"a": "1"}], parameter="out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder"]  # no partial file left


def test_decentworks_own_files(tmp_path: Path) -> None:
    kept = tmp_path / "examples" / "isco08.csv"
    write_csv(kept, ["a"], [{"a": "1"}])
    assert kept.read_bytes() == b"a\r\n1\r\n"
    (tmp_path / "file").write_text("")
    with pytest.raises(Unavailable, match=r"file/examples/isco08\.csv: cannot be written"):
        write_csv(tmp_path / "file" / "examples" / "isco08.csv", ["a"], [{"a": "1"}])
