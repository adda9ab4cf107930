"""Sub-national areas: the ISO 3166-2 subdivisions ``pycountry`` knows for every country
(``KH-12`` Phnom Penh, ``LA-VT`` Vientiane Prefecture), and the lower levels (districts) a
ministry adds to its registry from a CSV file of its own (``code``, ``name``, ``parent``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

import pycountry
import sqlalchemy as sa

from decentwork.errors import BadInput
from decentwork.pes.tables import areas


@dataclass(frozen=True)
class Area:
    """An area: its code, name, the area it lies in (None for a top-level subdivision) and
    whether a ministry added it."""

    code: str
    name: str
    parent: str | None
    added: bool


@functools.cache
def _subdivisions() -> dict[str, Area]:
    return {s.code: Area(s.code, s.name, s.parent_code, False) for s in pycountry.subdivisions}


def is_subdivision(code: str) -> bool:
    """Whether ``code`` is an ISO 3166-2 subdivision."""
    return code in _subdivisions()


def area_problem(code: str, districts: Iterable[str] = ()) -> str | None:
    """Why ``code`` is not an area (an ISO 3166-2 subdivision, or one of ``districts``), or
    None."""
    if is_subdivision(code) or code in districts:
        return None
    if pycountry.countries.get(alpha_2=code[:2]) is None or code[2:3] != "-":
        return (
            f"{code!r} is not an area code (an ISO 3166-2 subdivision such as KH-12, or a "
            "district added to the registry)"
        )
    return f"{code!r} is neither an ISO 3166-2 subdivision of {code[:2]} nor a district added"


def country_subdivisions(country: str) -> list[Area]:
    """The top-level ISO 3166-2 subdivisions of ``country`` (ISO 3166-1 alpha-2 or alpha-3),
    by code.

    Raises:
        BadInput: no such country.
    """
    found = (
        pycountry.countries.get(alpha_3=country)
        if len(country) == 3
        else pycountry.countries.get(alpha_2=country)
    )
    if found is None:
        raise BadInput(
            f"{country!r} is not an ISO 3166-1 country code",
            parameter="country",
            given=country,
            expected="an ISO 3166-1 alpha-3 code such as KHM",
        )
    return sorted(
        (
            a
            for a in _subdivisions().values()
            if a.code.startswith(found.alpha_2 + "-") and a.parent is None
        ),
        key=lambda a: a.code,
    )


def districts(connection: sa.Connection) -> dict[str, Area]:
    """The districts added to the registry, by code."""
    return {
        row.code: Area(row.code, row.name, row.parent, True)
        for row in connection.execute(sa.select(areas))
    }


def area_name(connection: sa.Connection, code: str) -> str | None:
    """The name of area ``code`` (a subdivision or a district), or None."""
    if is_subdivision(code):
        return _subdivisions()[code].name
    return connection.execute(sa.select(areas.c.name).where(areas.c.code == code)).scalar()
