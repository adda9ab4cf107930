"""Reading files strictly and within limits: a stray quote is an error naming its line, never
a field that swallows the rest of the file (whose rows a full release would then withdraw);
every required column is required; a file is read as a stream, and one too big or a
decompression bomb is refused early; text that is not UTF-8, UTF-16 text, a field too long
or fields separated by semicolons are each named with the file and the line."""

from __future__ import annotations

import gzip
import random
import re
import tracemalloc
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from decentwork.errors import BadInput
from decentwork.warehouse import LoadError, UnreadableFile, load_file, view
from decentwork.warehouse.load import load_files
from decentwork.warehouse.settings import GZIP_MAX_RATIO, LOAD_MAX_MB, Limits
from decentwork.warehouse.textfile import text_lines
from tests.warehouse.conftest import (
    ILOSTAT_HEADER,
    assert_refused,
    assert_same,
    bulk_file,
    counts,
    invoke,
    read_observations,
    write_csv,
)

IND = "SDG_0852_SEX_AGE_RT"
REAL = "SDG_0861_SEX_RT_A.csv"
"""The real file of the audit: 6,262 rows."""


def row(time: str = "2020", area: str = "KHM", value: str = "1.5") -> list[str]:
    return [area, IND, "BA:1321", "SEX_T", "AGE_YTHADULT_YGE15", time, value, "", "", "", ""]


def good(folder: Path, name: str = "good.csv", rows: int = 5) -> Path:
    return write_csv(folder / name, ILOSTAT_HEADER, [row(str(2000 + k)) for k in range(rows)])


def with_stray_quote(source: Path, target: Path, line: int, field: int) -> Path:
    """A copy of ``source`` with a ``"`` put at the start of field ``field`` (0-based) of
    line ``line`` (1-based)."""
    lines = source.read_bytes().split(b"\n")
    fields = lines[line - 1].split(b",")
    fields[field] = b'"' + fields[field]
    lines[line - 1] = b",".join(fields)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"\n".join(lines))
    return target


# A stray quote --------------------------------------------------------------------------------


def test_a_stray_quote_in_the_real_file_withdraws_nothing(
    warehouse: sa.Engine, url: str, tmp_path: Path
) -> None:
    original = tmp_path / REAL
    original.write_bytes(bulk_file(REAL).read_bytes())
    first = load_file(warehouse, original)
    assert (first.rows_read, first.added) == (6262, 6262)
    # a quote at line 6001 opening its last field (note_source): a lenient reader swallows
    # the rest of the file into that field, reads 6,000 rows, and as a full release
    # withdraws the 262 it lost (the audit's case, exit 0)
    broken = with_stray_quote(original, tmp_path / "broken" / REAL, 6001, 8)
    with pytest.raises(UnreadableFile) as refused:
        load_file(warehouse, broken)
    assert f"{broken}:6001: a quoted field opens on this line and is never closed" in str(
        refused.value
    )
    assert_refused(
        invoke("load", "--db", url, broken),
        f"{broken}:6001: a quoted field",
        "Hint: Nothing was loaded",
    )
    with warehouse.connect() as connection:
        assert_same(view(connection), read_observations(bulk_file(REAL)))
    assert counts(warehouse) == (1, 6262)


def test_a_quote_another_closes_is_a_row_over_several_lines(
    warehouse: sa.Engine, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "two.csv", ILOSTAT_HEADER, [row("2001"), row("2002")])
    lines = path.read_bytes().split(b"\n")
    lines[1] = lines[1].replace(b"BA:1321", b'"BA:1321', 1)  # opens on line 2
    lines[3] = lines[3] + b'"'  # and a second stray quote closes it on line 4
    path.write_bytes(b"\n".join(lines[:4]) + b"\n" + row_bytes("2003") + b"\n")
    with pytest.raises(LoadError) as refused:
        load_file(warehouse, path)
    assert f"{path}:2: row: a quoted field runs over lines 2 to 4" in str(refused.value)
    assert counts(warehouse) == (0, 0)


def row_bytes(time: str) -> bytes:
    return ",".join(row(time)).encode()


def test_a_quote_inside_a_field_is_not_a_code(warehouse: sa.Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "q.csv", ILOSTAT_HEADER, [row("2001")])
    path.write_bytes(path.read_bytes().replace(b"BA:1321", b'BA:13"21'))
    with pytest.raises(LoadError, match=rf"{path}:2: source: 'BA:13\"21' is not a code"):
        load_file(warehouse, path)


def test_a_quote_in_the_wrong_place_names_its_line(warehouse: sa.Engine, tmp_path: Path) -> None:
    path = good(tmp_path)
    lines = path.read_bytes().split(b"\n")
    lines[3] = lines[3].replace(b"BA:1321", b'"BA:13"21', 1)
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(UnreadableFile, match=rf"{path}:4: not valid CSV \(',' expected"):
        load_file(warehouse, path)


# Required columns -----------------------------------------------------------------------------


def test_a_file_without_obs_value_is_refused(
    warehouse: sa.Engine, url: str, tmp_path: Path
) -> None:
    header = tuple(c for c in ILOSTAT_HEADER if c != "obs_value")
    rows = [[v for c, v in zip(ILOSTAT_HEADER, row(), strict=True) if c != "obs_value"]]
    rows[0][header.index("obs_status")] = "B"
    path = write_csv(tmp_path / "novalue.csv", header, rows)
    with pytest.raises(UnreadableFile, match=f"{path}: no obs_value column"):
        load_file(warehouse, path)
    assert_refused(invoke("load", "--db", url, path), f"{path}: no obs_value column")
    parquet = tmp_path / "novalue.parquet"
    pd.DataFrame(rows, columns=list(header)).to_parquet(parquet)
    with pytest.raises(UnreadableFile, match=f"{parquet}: no obs_value column"):
        load_file(warehouse, parquet)
    sdmx = write_csv(
        tmp_path / "sdmx.csv",
        ("STRUCTURE", "STRUCTURE_ID", "ACTION", "REF_AREA", "SEX", "TIME_PERIOD", "OBS_STATUS"),
        [["dataflow", f"ILO:DF_{IND}(1.0)", "I", "KHM", "SEX_T", "2020", "B"]],
    )
    with pytest.raises(UnreadableFile, match=f"{sdmx}: no OBS_VALUE column"):
        load_file(warehouse, sdmx)
    assert counts(warehouse) == (0, 0)


# Messages with the line -----------------------------------------------------------------------


def test_text_that_is_not_utf8_names_its_line(warehouse: sa.Engine, tmp_path: Path) -> None:
    path = good(tmp_path)
    path.write_bytes(path.read_bytes().replace(b"2003", b"2003" + b"\xe9", 1))
    with pytest.raises(
        UnreadableFile,
        match=rf"{path}:5: not UTF-8 text \(byte \d+ of the "
        r"line is 0xe9\)",
    ):
        load_file(warehouse, path)


@pytest.mark.parametrize("bom", [True, False])
def test_utf16_is_said_to_be_utf16(warehouse: sa.Engine, tmp_path: Path, bom: bool) -> None:
    text = good(tmp_path).read_text("utf-8-sig")
    path = tmp_path / "utf16.csv"
    path.write_bytes(text.encode("utf-16" if bom else "utf-16-le"))
    how = "its byte-order mark FF FE" if bom else "NUL bytes in its first line"
    with pytest.raises(UnreadableFile, match=f"{path}: UTF-16 text \\({how}\\)"):
        load_file(warehouse, path)


def test_a_field_too_long_names_its_line(warehouse: sa.Engine, tmp_path: Path) -> None:
    long = row("2001")
    long[-1] = "x" * 200_000
    path = write_csv(tmp_path / "long.csv", ILOSTAT_HEADER, [row("2000"), long])
    with pytest.raises(UnreadableFile, match=f"{path}:3: a field longer than 131,072 characters"):
        load_file(warehouse, path)
    huge = tmp_path / "huge.csv"
    huge.write_bytes(b"ref_area," + b"y" * (2 << 20) + b"\n")
    with pytest.raises(UnreadableFile, match=f"{huge}: a line longer than 1,048,576 bytes"):
        load_file(warehouse, huge)


@pytest.mark.parametrize(("separator", "said"), [(";", "semicolons (;)"), ("\t", "tabs")])
def test_another_separator_is_named(
    warehouse: sa.Engine, url: str, tmp_path: Path, separator: str, said: str
) -> None:
    path = tmp_path / "excel.csv"
    path.write_text("\n".join(separator.join(r) for r in [ILOSTAT_HEADER, row()]) + "\n")
    with pytest.raises(
        UnreadableFile,
        match=rf"{path}:1: the fields are separated by "
        rf"{re.escape(said)}",
    ):
        load_file(warehouse, path)
    assert_refused(
        invoke("load", "--db", url, path),
        f"{path}:1: the fields are separated by {said}, not commas",
    )


def test_a_file_cut_off_names_its_last_line(warehouse: sa.Engine, tmp_path: Path) -> None:
    path = good(tmp_path)
    path.write_bytes(path.read_bytes()[:-5])
    with pytest.raises(
        UnreadableFile, match="does not end with a line break \\(line 6 is cut short\\)"
    ):
        load_file(warehouse, path)


def test_a_multiline_field_is_refused_with_its_lines(warehouse: sa.Engine, tmp_path: Path) -> None:
    noted = row("2001")
    noted[-1] = "a note\non two lines"
    path = write_csv(tmp_path / "notes.csv", ILOSTAT_HEADER, [row("2000"), noted, row("2002")])
    with pytest.raises(LoadError) as refused:
        load_file(warehouse, path)
    assert f"{path}:3: row: a quoted field runs over lines 3 to 4" in str(refused.value)
    assert "1 problem(s)" in str(refused.value)


# Limits -----------------------------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused(
    warehouse: sa.Engine, url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = good(tmp_path, rows=100)
    with pytest.raises(
        UnreadableFile,
        match=rf"{path}: more than 0.001 MB \(setting "
        rf"{LOAD_MAX_MB}\) of text \(line 1\d\)",
    ):
        load_file(warehouse, path, limits=Limits(max_mb=0.001))
    monkeypatch.setenv(LOAD_MAX_MB, "0.001")
    assert_refused(
        invoke("load", "--db", url, path),
        f"more than 0.001 MB (setting {LOAD_MAX_MB})",
        "Hint: Nothing was loaded",
    )
    monkeypatch.setenv(LOAD_MAX_MB, "lots")
    with pytest.raises(BadInput, match=f"{LOAD_MAX_MB}='lots': expected a positive number"):
        load_file(warehouse, path)
    monkeypatch.delenv(LOAD_MAX_MB)
    assert counts(warehouse) == (0, 0)
    assert load_file(warehouse, path).added == 100


def test_a_decompression_bomb_is_refused_early(warehouse: sa.Engine, tmp_path: Path) -> None:
    line = (",".join(row()) + "\n").encode()
    header = (",".join(ILOSTAT_HEADER) + "\n").encode()
    bomb = tmp_path / "bomb.csv.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as handle:
        handle.write(header)
        for _ in range(40):
            handle.write(line * 50_000)  # 100 MB of text in half a megabyte
    assert bomb.stat().st_size < 1_000_000
    with pytest.raises(UnreadableFile) as refused:
        load_file(warehouse, bomb)
    message = str(refused.value)
    assert f"{bomb}: grows more than 100 times when gunzipped" in message
    assert f"as a decompression bomb does (setting {GZIP_MAX_RATIO})" in message
    read = int(re.search(r"([0-9,]+) bytes of text", message).group(1).replace(",", ""))
    assert read < 20_000_000  # refused early, long before its 100 MB
    assert counts(warehouse) == (0, 0)


@pytest.mark.parametrize("packed", [False, True])
def test_lines_are_read_as_a_stream(tmp_path: Path, packed: bool) -> None:
    """Reading a file never holds it whole: 8 MB of text read with well under 8 MB held."""
    draw = random.Random(1)
    text = "".join(
        [
            ",".join(ILOSTAT_HEADER) + "\n",
            *(",".join(row(value=f"{draw.random():.9f}")) + "\n" for _ in range(160_000)),
        ]
    ).encode()
    path = tmp_path / ("big.csv.gz" if packed else "big.csv")
    path.write_bytes(gzip.compress(text) if packed else text)
    tracemalloc.start()
    lines = sum(1 for _ in text_lines(path))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert lines == 160_001 and len(text) > 8_000_000
    assert peak < 2_000_000, peak


def test_gzip_and_plain_files_within_the_limits_load(warehouse: sa.Engine, tmp_path: Path) -> None:
    plain = good(tmp_path, rows=50)
    packed = tmp_path / "packed" / "good.csv.gz"
    packed.parent.mkdir()
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    tight = Limits(max_mb=0.01, max_ratio=20)
    assert plain.stat().st_size < tight.max_bytes
    first, again = load_files(warehouse, [plain, packed], full=False, limits=tight)
    assert (first.added, again.already_loaded, again.release) == (50, True, first.release)
