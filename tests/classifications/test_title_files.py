"""Coding a CSV file of titles: reading it (with the file and line of any problem), the rows
that are not coded, the columns added. A stand-in coder keeps these tests quick; the command
line tests in test_occupation_coder.py run the real one."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import cast

import pytest

from decentwork.classifications.occupation_coder import (
    Candidate,
    Coding,
    Decision,
    OccupationCoder,
)
from decentwork.classifications.title_files import TitleTable, code_titles, read_titles
from decentwork.errors import BadInput, NotFound


class _Coder:
    """Codes "cook" to 5120 and anything else to review, and remembers what it was given."""

    classification = "isco08"

    def __init__(self) -> None:
        self.given: list[str] = []

    def code(self, texts: Sequence[str], k: int = 5, lang: str | None = None) -> list[Coding]:
        self.given += texts
        return [
            Coding(
                text,
                "isco08",
                (
                    Candidate("5120", "Cooks", 4, 1.0, 0.95),
                    Candidate("9411", "Food Preparers", 4, 0.5, 0.03),
                ),
                Decision("auto-coded", "5120", 4, 0.95)
                if text == "cook"
                else Decision("needs review", "5", 1, 0.91),
            )
            for text in texts
        ]


def _table(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "titles.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_read_titles(tmp_path: Path) -> None:
    table = read_titles(_table(tmp_path, "id,job\n1,cook\n2,\n"), column="job")
    assert table.columns == ["id", "job"]
    assert table.rows == [{"id": "1", "job": "cook"}, {"id": "2", "job": ""}]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id,job\n1,cook\n", r"titles\.csv: no column 'title' \(columns: id, job\)"),
        ("", r"titles\.csv: no column 'title' \(columns: none\)"),
        ("id,title\n1,cook\n2,baker,extra\n", r"titles\.csv:3: 3 fields; the header has 2"),
    ],
)
def test_bad_title_files(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(BadInput, match=message):
        read_titles(_table(tmp_path, text))


def test_a_missing_column_is_about_the_column_parameter(tmp_path: Path) -> None:
    with pytest.raises(BadInput) as raised:
        read_titles(_table(tmp_path, "id,job\n1,cook\n"))
    assert (raised.value.parameter, raised.value.given) == ("column", "title")
    assert raised.value.expected == "one of id, job"


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match=r"none\.csv: no such file"):
        read_titles(tmp_path / "none.csv")


def test_code_titles(tmp_path: Path) -> None:
    table = TitleTable(
        tmp_path / "t.csv",
        ["id", "job"],
        [
            {"id": "1", "job": "cook"},
            {"id": "2", "job": " -- "},
            {"id": "3", "job": "x" * 10_001},
            {"id": "4", "job": "assistant"},
        ],
    )
    coder = _Coder()
    told: list[tuple[int, int]] = []
    counts = code_titles(
        cast(OccupationCoder, coder), table, "job", progress=lambda *done: told.append(done)
    )
    assert coder.given == ["cook", "assistant"]
    assert told == [(0, 2), (2, 2)]
    assert counts == {"auto-coded": 1, "needs review": 1, "no text": 1, "too long": 1}
    assert table.columns == [
        "id",
        "job",
        "isco08_status",
        "isco08_code",
        "isco08_level",
        "isco08_confidence",
        "isco08_candidates",
    ]
    cook, empty, long, assistant = table.rows
    assert cook["isco08_code"] == "5120" and cook["isco08_level"] == "4"
    assert cook["isco08_candidates"] == "5120 0.9500; 9411 0.0300"
    assert empty["isco08_status"] == "no text" and empty["isco08_code"] == ""
    assert long["isco08_status"] == "too long"
    assert (assistant["isco08_status"], assistant["isco08_code"]) == ("needs review", "5")


def test_a_coded_file_can_be_coded_again(tmp_path: Path) -> None:
    table = TitleTable(tmp_path / "t.csv", ["job"], [{"job": "cook"}])
    code_titles(cast(OccupationCoder, _Coder()), table, "job")
    columns = list(table.columns)
    table.rows[0]["job"] = "baker"
    coder = _Coder()
    assert code_titles(cast(OccupationCoder, coder), table, "job") == {"needs review": 1}
    assert coder.given == ["baker"] and table.columns == columns
