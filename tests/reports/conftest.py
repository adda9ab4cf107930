"""Shared fixtures of the report tests: the session's SDG 8 warehouse (the five ILOSTAT SDG 8
bulk files, the English area and indicator dictionaries) with the source dictionary too, a
small demo warehouse whose synthetic survey carries standard errors, and the Debian tools
that read PDF files back (poppler-utils) and the Noto fonts the briefs embed."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from decentwork import demo
from decentwork.reports.brief import Brief, collect
from decentwork.reports.render import write
from decentwork.synthetic import generate
from decentwork.warehouse import engine
from decentwork.warehouse.load import load_files
from tests.warehouse.conftest import DICTIONARY

MADE = date(2026, 11, 27)
"""The date the test briefs say they were made on."""
INSTALLED_BY_CI = (
    "{what} is missing: .ci/run installs poppler-utils (pdftotext, pdffonts, "
    "pdfinfo) and fonts-noto-core fonts-noto-cjk (the Noto fonts of the briefs)"
)
FONTS = ("Noto Sans", "Noto Sans Khmer", "Noto Sans Lao", "Noto Sans CJK SC")


@pytest.fixture(scope="session")
def brief_url(sdg8_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The session's SDG 8 warehouse (copied, it is shared) with ILOSTAT's English source
    dictionary as well, for the labels of the sources a brief lists."""
    address = f"sqlite:///{tmp_path_factory.mktemp('reports')}/w.sqlite"
    with (
        closing(sqlite3.connect(sa.make_url(sdg8_url).database)) as shared,
        closing(sqlite3.connect(sa.make_url(address).database)) as copy,
    ):
        shared.backup(copy)
    target = engine(address)
    load_files(target, [DICTIONARY / "source_en.csv"])
    target.dispose()
    return address


@pytest.fixture(scope="session")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo's synthetic survey (3,000 records) with its standard errors, in a warehouse
    of its own; the unemployment rate's stored bounds are left out, so that a brief has to
    compute its confidence interval from the standard error."""
    address = f"sqlite:///{tmp_path_factory.mktemp('demo')}/w.sqlite"
    found = demo.synthetic_indicators(generate(3000, seed=7))
    unemployment = found["indicator"] == "SDG_0852_SEX_AGE_RT"
    found.loc[unemployment, ["lower_bound", "upper_bound"]] = None
    target = engine(address)
    demo.load_synthetic(target, found, "synthetic survey for the report tests")
    target.dispose()
    return address


def brief_of(url: str, area: str, lang: str = "en") -> Brief:
    """The brief of ``area`` in ``lang`` from the warehouse at ``url``."""
    target = engine(url)
    try:
        with target.connect() as connection:
            return collect(connection, area, lang, MADE)
    finally:
        target.dispose()


@pytest.fixture(scope="session")
def rendered(brief_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """KHM's brief as PDF in every language (and as HTML in English), written once."""
    folder = tmp_path_factory.mktemp("briefs")
    files = {}
    for lang in ("en", "zh", "fr", "es", "km", "lo"):
        found = brief_of(brief_url, "KHM", lang)
        files[lang] = folder / f"khm-{lang}.pdf"
        write(found, files[lang])
    files["html"] = folder / "khm-en.html"
    write(brief_of(brief_url, "KHM"), files["html"])
    return files


def tool(name: str) -> str:
    """The path of a poppler-utils program, or a test failure saying what installs it."""
    found = shutil.which(name) or (
        f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").is_file() else None
    )
    if found is None:
        pytest.fail(INSTALLED_BY_CI.format(what=name))
    return found


def run(name: str, *args: str | Path) -> str:
    """The standard output of a poppler-utils program."""
    return subprocess.run(
        [tool(name), *map(str, args)], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture(scope="session", autouse=True)
def noto_fonts() -> None:
    """Fail (not skip) every report test when the Noto fonts are missing."""
    lister = shutil.which("fc-list")
    if lister is None:
        pytest.fail(INSTALLED_BY_CI.format(what="fc-list (fontconfig)"))
    listed = subprocess.run([lister, ":", "family"], capture_output=True, text=True).stdout
    families = {name.strip() for line in listed.splitlines() for name in line.split(",")}
    missing = [family for family in FONTS if family not in families]
    if missing:
        pytest.fail(INSTALLED_BY_CI.format(what=f"the font families {', '.join(missing)}"))
