"""The README's examples run as written on a new install (issue 21).

Every ``.venv/bin/decentwork ...`` line of README.md's shell code blocks is run, in the
README's order, by ``bash`` in a fresh folder laid out like a checkout (``.venv`` beside it,
``../shared/data`` above it), with an empty user data directory (``XDG_DATA_HOME``), no
terminal, and ``DECENTWORK_MIRROR=../shared/data`` (ILOSTAT's files and the classifications
come from the team's mirror instead of the network); each must exit 0. The files the examples
name as the user's own (a survey file, job titles, a framework) are put in the folder first,
from the shared data. The commands that serve until stopped are run with ``--help`` only.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared" / "data"
README = ROOT / "README.md"
PROGRAM = ".venv/bin/decentwork"
SERVING = ("serve", "demo")
"""Commands that serve until stopped (unless --no-serve): checked with --help only."""


def readme_commands(text: str) -> list[str]:
    """The ``.venv/bin/decentwork`` command lines of the shell code blocks of ``text``, in
    order, without their trailing comments."""
    blocks = re.findall(r"^```sh\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)
    found = []
    for block in blocks:
        for line in block.splitlines():
            if line.startswith(PROGRAM + " "):
                found.append(_uncommented(line))
    return found


def _uncommented(line: str) -> str:
    """``line`` without a trailing ``# comment``: from the first ``#`` after white space,
    outside quotes."""
    cut = len(line)
    quoted = None
    for position, char in enumerate(line):
        if quoted:
            quoted = None if char == quoted else quoted
        elif char in "'\"":
            quoted = char
        elif char == "#" and (position == 0 or line[position - 1].isspace()):
            cut = position
            break
    return line[:cut].rstrip()


def served(command: str) -> bool:
    """Whether ``command`` serves until stopped."""
    words = shlex.split(command)
    return words[1] in SERVING and "--no-serve" not in words


def test_readme_commands_are_found() -> None:
    found = readme_commands(README.read_text(encoding="utf-8"))
    assert len(found) >= 20, found
    assert all(not c.rstrip().endswith("#") and "  #" not in c for c in found)
    assert f"{PROGRAM} info" in found


def _stage(folder: Path) -> Path:
    """A checkout-like folder: ``work/.venv`` (this checkout's), ``shared`` (the team's data)
    beside ``work``, and the user's own files the README names, in ``work``."""
    work = folder / "work"
    work.mkdir()
    (work / ".venv").symlink_to(ROOT / ".venv")
    (folder / "shared").symlink_to(SHARED.parent.resolve())
    statcan = SHARED / "statcan_lfs" / "pumf" / "2024-01-CSV.zip"
    shutil.copy(statcan, work / "2024-01-CSV.zip")
    for suffix in (".F2", ".dcf"):
        name = f"LFS_PUF_March_2022{suffix}"
        shutil.copy(SHARED / "psa_lfs" / "2022" / name, work / name)
    (work / "titles.csv").write_text(
        "id,title\n1,sewing machine operator\n2,primary school teacher\n3,truck driver\n",
        encoding="utf-8",
    )
    (work / "our_coding.csv").write_text(
        "title,code,lang\nsewing machine operator,8153,en\nគ្រូបង្រៀនបឋមសិក្សា,2341,km\n",
        encoding="utf-8",
    )
    (work / "national-targets.yaml").write_text(TARGETS, encoding="utf-8")
    template = ROOT / "src" / "decentwork" / "monitoring" / "frameworks" / "dwcp-template.yaml"
    programme = template.read_text(encoding="utf-8").replace("XXX", "KHM")
    (work / "my-dwcp.yaml").write_text(programme, encoding="utf-8")
    _seekers(work / "seekers.xlsx")
    return work


TARGETS = """\
"8.5.2":
  KHM:
    baseline_year: 2015
    target: {value: 0.3, year: 2030}
    milestones: [{year: 2025, value: 0.35}]
"""
"""A national targets file, as docs/monitoring.md shows one."""
SEEKER = {
    "centre": "KH-12-01",
    "family_name": "ចាន់",
    "given_names": "សុភា",
    "national_id": "010203040",
    "birth_date": "1998-04-12",
    "sex": "F",
    "area": "KH-12",
    "education": "3",
    "languages": "km en",
    "occupation_1": "7531",
    "occupation_1_text": "ជាងកាត់ដេរ",
    "skills": "",
    "work_history": "8153:3",
    "phone": "012 345 678",
    "address": "",
    "consent_purpose": "registration",
    "consent_date": "2025-11-02",
    "not_duplicate": "",
}
"""A job seeker of the centre the README adds (the columns of docs/pes.md)."""


def _seekers(path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(SEEKER))
    sheet.append(list(SEEKER.values()))
    book.save(path)


@pytest.fixture(scope="module")
def workplace(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("readme")
    work = _stage(folder)
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("DECENTWORK_")
    }
    environment.update(
        DECENTWORK_MIRROR="../shared/data",
        XDG_DATA_HOME=str(folder / "data"),
        XDG_CACHE_HOME=str(folder / "cache"),
        HOME=str(folder / "home"),
        COLUMNS="120",
    )
    return work, environment


def test_every_readme_command_exits_0(workplace: tuple[Path, dict[str, str]]) -> None:
    work, environment = workplace
    failed = []
    for command in readme_commands(README.read_text(encoding="utf-8")):
        run = f"{command} --help" if served(command) else command
        done = subprocess.run(
            ["bash", "-c", run],
            cwd=work,
            env=environment,
            input="a long enough password\na long enough password\n",
            capture_output=True,
            text=True,
            start_new_session=True,  # no terminal: a password prompt reads standard input
            timeout=1800,
            check=False,
        )
        print(f"$ {run}  -> {done.returncode}", file=sys.stderr)
        if done.returncode != 0:
            failed.append(
                f"$ {run}\nexit {done.returncode}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
            )
    assert not failed, "\n\n".join(failed)
