"""The coded titles the occupation coder learns from: the BLS crosswalk's SOC titles, read
from the real file and refused, with file and line, when malformed."""

from __future__ import annotations

from pathlib import Path

import pytest

from decentwork.classifications.occupation_titles import SOC_FILE, soc_titles
from decentwork.classifications.reference import isco08
from decentwork.errors import BadInput

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
HEADER = "ISCO-08 Code,ISCO-08 Title EN,part,2010 SOC Code,2010 SOC Title,Comment 8/17/11\n"


@pytest.fixture(scope="module")
def hierarchy():
    return isco08(SHARED)


def test_soc_titles(hierarchy) -> None:
    """Every row of the BLS workbook after its notes: 1,125 titles, under unit groups
    except the two the crosswalk matches to a minor group only; a SOC occupation paired
    with several unit groups is under each."""
    titles = soc_titles(SHARED / SOC_FILE, hierarchy)
    assert len(titles) == 1125
    assert titles[0].text == "Air Crew Officers" and titles[0].path == ("0", "01", "011", "0110")
    assert titles[0].group == "soc:55-1011"
    assert sorted(t.path[-1] for t in titles if len(t.path) < 4) == ["211", "315"]
    chief = {t.path[-1] for t in titles if t.text == "Chief Executives"}
    assert chief == {"1112", "1113", "1120"}


def test_soc_titles_missing_file(hierarchy, tmp_path: Path) -> None:
    assert soc_titles(tmp_path / "absent.csv", hierarchy) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a,b\n1,2\n", r"no header row with the columns ISCO-08 Code, 2010 SOC Code"),
        (
            f"notes,,,\n{HEADER}0110,x,*,55-1011,Air Crew Officers,\n9999,y,*,1-1,Nobody,\n",
            r"crosswalk.csv:4: ISCO-08 Code: '9999' with title 'Nobody'",
        ),
        (f"{HEADER}\n0110,x,*,55-1011,,\n", r"crosswalk.csv:3: 2010 SOC Title: '0110'"),
    ],
)
def test_soc_titles_malformed(hierarchy, tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "crosswalk.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BadInput, match=message):
        soc_titles(path, hierarchy)
