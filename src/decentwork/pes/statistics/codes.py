"""The registry's codes as the ILOSTAT classification codes the PES statistics publish:
sex, age band, education (ISCED 2011 levels), disability, area (the ISO 3166-2 subdivision an
area lies in), occupation (ISCO-08 major and sub-major groups) and economic activity (ISIC
Rev.4 sections). ``None`` means the record has no such code (it counts in the total only)."""

from __future__ import annotations

from collections.abc import Mapping

import pycountry

from decentwork.errors import BadInput
from decentwork.pes.areas import Area

SEX_TOTAL = "SEX_T"
SEXES = {"M": "SEX_M", "F": "SEX_F"}
"""The registry's sexes with a code of their own (``O``, other, counts in the total)."""

AGE_TOTAL = "AGE_YTHADULT_YGE15"
YOUTH, ADULTS = "AGE_YTHADULT_Y15-24", "AGE_YTHADULT_YGE25"
EDUCATION_LEVELS = ("X", *"0123456789")
"""ISCED 2011 levels as the registry records them (``X`` no schooling, ``9`` not elsewhere
classified)."""
DISABLED, NOT_DISABLED = "DSB_STATUS_DIS", "DSB_STATUS_NODIS"
MAJOR_GROUPS = tuple("0123456789")
ISIC_SECTIONS = {
    "A": (1, 3),
    "B": (5, 9),
    "C": (10, 33),
    "D": (35, 35),
    "E": (36, 39),
    "F": (41, 43),
    "G": (45, 47),
    "H": (49, 53),
    "I": (55, 56),
    "J": (58, 63),
    "K": (64, 66),
    "L": (68, 68),
    "M": (69, 75),
    "N": (77, 82),
    "O": (84, 84),
    "P": (85, 85),
    "Q": (86, 88),
    "R": (90, 93),
    "S": (94, 96),
    "T": (97, 98),
    "U": (99, 99),
}
"""ISIC Rev.4 sections and the divisions (first and last) they hold."""


def sex(code: str) -> str | None:
    """``SEX_M``, ``SEX_F``, or None (other)."""
    return SEXES.get(code)


def age(band: str) -> str | None:
    """The youth/adult band of an age band at registration (None below 15)."""
    if band.startswith("<"):
        return None
    return YOUTH if band == "15-24" else ADULTS


def education(level: str | None) -> str | None:
    """``EDU_ISCED11_<level>``, or None when not recorded."""
    return None if level is None else f"EDU_ISCED11_{level}"


def disability(disabled: bool | None) -> str | None:
    """``DSB_STATUS_DIS`` / ``DSB_STATUS_NODIS``, or None when not recorded."""
    return None if disabled is None else DISABLED if disabled else NOT_DISABLED


def area(code: str) -> str:
    """``GEO_PES_<subdivision>`` of a top-level ISO 3166-2 subdivision."""
    return f"GEO_PES_{code}"


def major(isco: str) -> str:
    """The ISCO-08 major group of an occupation code: ``OCU_ISCO08_2``."""
    return f"OCU_ISCO08_{isco[0]}"


def sub_major(isco: str) -> str:
    """The ISCO-08 sub-major group of an occupation code: ``OCU_ISCO08SUB_21``."""
    return f"OCU_ISCO08SUB_{isco[:2]}"


def section(isic: str) -> str | None:
    """The ISIC Rev.4 section (``ECO_ISIC4_C``) of a division, group or class; None if its
    first two digits are no division."""
    if len(isic) < 2 or not isic[:2].isdigit():
        return None
    division = int(isic[:2])
    for letter, (first, last) in ISIC_SECTIONS.items():
        if first <= division <= last:
            return f"ECO_ISIC4_{letter}"
    return None


def top_area(code: str, districts: Mapping[str, Area]) -> str:
    """The top-level ISO 3166-2 subdivision that area ``code`` (a subdivision or a district
    added to the registry) lies in."""
    seen = set()
    while code not in seen:
        seen.add(code)
        if code in districts:
            code = districts[code].parent or code
            continue
        found = pycountry.subdivisions.get(code=code)
        if found is None or found.parent_code is None:
            return code
        code = found.parent_code
    return code


def country(area_codes: set[str]) -> str:
    """The ISO 3166-1 alpha-3 code of the country all ``area_codes`` (ISO 3166-2) are in.

    Raises:
        BadInput: no areas, or areas of several countries.
    """
    countries = {code[:2] for code in area_codes}
    if len(countries) != 1:
        raise BadInput(
            "the job centres are in no country (the PES database has no job centre)"
            if not countries
            else f"the job centres are in several countries ({', '.join(sorted(countries))})",
            parameter="pes_db",
            expected="the job centres of one country's public employment service",
        )
    found = pycountry.countries.get(alpha_2=countries.pop())
    if found is None:
        raise BadInput(
            f"job centre areas {sorted(area_codes)} are of no ISO 3166-1 country",
            parameter="pes_db",
        )
    return str(found.alpha_3)
