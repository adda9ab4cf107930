"""The reference lists the registry's codes are checked against: ISCO-08 unit groups, ISCED
2011 levels and ISIC Rev.4 from :mod:`decentwork.classifications`; ESCO v1.1.1 skills from
ESCO's own ``skills_en.csv``; ISO 4217 currencies and ISO 639 languages from ``pycountry``.

The classification files are read from the data directory where ``decentwork
classifications fetch`` puts them (or from ``folder``, laid out the same way); each is read
on first use only, so a record without skills never needs the ESCO file.
"""

from __future__ import annotations

import csv
import functools
import io
import zipfile
from pathlib import Path

import pycountry

from decentwork.classifications import code_list, isco08, isic4
from decentwork.classifications.sources import FetchError, located

ESCO_VERSION = "v1.1.1"
ESCO_CLASSIFICATION = (
    f"esco/{ESCO_VERSION}/ESCO dataset - {ESCO_VERSION} - classification - en - csv.zip"
)
"""ESCO's English classification as the European Commission publishes it (a zip of CSV
files), in the data directory."""
ESCO_SKILLS = "skills_en.csv"
SKILL_PREFIX = "http://data.europa.eu/esco/skill/"


class References:
    """The reference lists, read from the classification files in ``folder`` (default: the
    data directory)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder

    def occupation(self, code: str) -> str | None:
        """Why ``code`` is not an ISCO-08 unit group, or None."""
        return isco08(self.folder).problem(code, level=4)

    def occupation_title(self, code: str) -> str:
        """The ISCO-08 title of unit group ``code``."""
        return isco08(self.folder).label(code)

    def education(self, code: str) -> str | None:
        """Why ``code`` is not an ISCED 2011 level (``X``, ``0``...``9``), or None."""
        return code_list("isced11", self.folder).problem(code)

    def activity(self, code: str) -> str | None:
        """Why ``code`` is not an ISIC Rev.4 division, group or class, or None."""
        problem = isic4(self.folder).problem(code)
        if problem is None and not code.isdigit():
            return f"ISIC Rev.4: {code} is a section; give a division, group or class"
        return problem

    def skill(self, uri: str) -> str | None:
        """Why ``uri`` is not an ESCO v1.1.1 skill or knowledge concept, or None."""
        if not uri.startswith(SKILL_PREFIX):
            return f"{uri!r} is not an ESCO skill URI (expected {SKILL_PREFIX}...)"
        if uri not in self.skills():
            return f"ESCO {ESCO_VERSION} has no skill {uri}"
        return None

    def skills(self) -> dict[str, str]:
        """ESCO's skills and knowledge concepts: {URI: preferred label}.

        Raises:
            FetchError: the ESCO file is not in the data directory.
        """
        return esco_skills(located(ESCO_CLASSIFICATION, self.folder))

    @staticmethod
    def currency(code: str) -> str | None:
        """Why ``code`` is not an ISO 4217 currency code, or None."""
        if pycountry.currencies.get(alpha_3=code) is None:
            return f"{code!r} is not an ISO 4217 currency code (such as KHR, LAK, USD)"
        return None

    @staticmethod
    def language(code: str) -> str | None:
        """Why ``code`` is not an ISO 639 language code (two or three letters), or None."""
        key = "alpha_2" if len(code) == 2 else "alpha_3"
        if pycountry.languages.get(**{key: code}) is None:
            return f"{code!r} is not an ISO 639 language code (such as km, lo, en, zh)"
        return None


@functools.cache
def esco_skills(archive: Path) -> dict[str, str]:
    """The skills of ESCO's classification ``archive`` (its ``skills_en.csv``).

    Raises:
        FetchError: the archive is damaged or lacks the file.
    """
    try:
        with zipfile.ZipFile(archive) as opened, opened.open(ESCO_SKILLS) as member:
            reader = csv.DictReader(io.TextIOWrapper(member, encoding="utf-8", newline=""))
            return {row["conceptUri"]: row["preferredLabel"] for row in reader}
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError) as error:
        raise FetchError(
            f"{archive}: not ESCO's classification archive with {ESCO_SKILLS} ({error})",
            given=str(archive),
            hint="fetch the classification files again",
        ) from None
