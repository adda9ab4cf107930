"""Writing observations: errors name the parameter (``format``, ``out``), never a flag, and a
failed write leaves nothing behind, and a written file has the user's normal mode."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from decentwork.errors import BadInput, NotFound
from decentwork.observations import frame
from decentwork.observations.writers import format_for, write


def test_format_comes_from_the_suffix_or_is_csv(tmp_path: Path) -> None:
    assert format_for(tmp_path / "x.xlsx", None) == "xlsx"
    assert format_for(tmp_path / "x.txt", None) == "csv"
    assert format_for(None, "sdmx-csv") == "sdmx-csv"


def test_unknown_format_names_the_parameter() -> None:
    with pytest.raises(BadInput, match="unknown format 'json'") as raised:
        format_for(None, "json")
    assert (raised.value.parameter, raised.value.given) == ("format", "json")
    assert "--" not in raised.value.message


def test_binary_format_needs_a_file() -> None:
    with pytest.raises(BadInput, match="parquet format writes a file") as raised:
        format_for(None, "parquet")
    assert raised.value.parameter == "out"
    assert "--" not in raised.value.message


def test_missing_folder_is_not_found(tmp_path: Path) -> None:
    out = tmp_path / "absent" / "x.csv"
    with pytest.raises(NotFound, match=r"the folder .*absent does not exist") as raised:
        write(frame(), out, "csv")
    assert raised.value.parameter == "out"


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx", "sdmx-csv"])
def test_unwritable_target_leaves_nothing(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "x.out"
    out.mkdir()
    with pytest.raises(BadInput, match=re.escape(f"cannot write {out}: Is a directory")):
        write(frame(), out, fmt)  # type: ignore[arg-type]
    assert [p.name for p in tmp_path.iterdir()] == ["x.out"]


@pytest.fixture
def umask() -> Iterator[Callable[[int], None]]:
    """Set the process's umask for one test, and put the old one back after it."""
    old = os.umask(0o022)
    os.umask(old)
    yield os.umask
    os.umask(old)


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx", "sdmx-csv"])
@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_outputs_get_the_users_file_mode(
    tmp_path: Path, umask: Callable[[int], None], fmt: str, mask: int, mode: int
) -> None:
    """The temporary file is 0600 (mkstemp); the output has the mode the umask gives."""
    umask(mask)
    out = tmp_path / f"x.{fmt}"
    write(frame(), out, fmt)  # type: ignore[arg-type]
    assert stat.S_IMODE(out.stat().st_mode) == mode
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


def test_a_replaced_output_keeps_its_mode(tmp_path: Path, umask: Callable[[int], None]) -> None:
    umask(0o022)
    out = tmp_path / "x.csv"
    out.write_text("old")
    out.chmod(0o640)
    write(frame(), out, "csv")
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert out.read_text() != "old"
