"""Area codes the warehouse accepts: ISO 3166-1 alpha-3 (current and historic), ISO 3166-2
subdivisions (``CA-NL``, for sub-national estimates), ILOSTAT's aggregate codes (``X01`` ...
``X99``) and area codes outside ISO (``CHA``, ``KOS``), and group codes (``X_`` followed by
capitals, digits, ``_`` or ``-``), as ILOSTAT and decentwork write them."""

from __future__ import annotations

import functools
import re

import pycountry

ILOSTAT_AREAS = {"CHA": "Channel Islands", "KOS": "Kosovo"}
"""ILOSTAT reference areas without an ISO 3166-1 code (ILOSTAT ref_area dictionary)."""
AGGREGATE = re.compile(r"^X\d{2}$")
GROUP = re.compile(r"^X_[A-Z0-9_]+(-[A-Z0-9_]+)?$")


@functools.cache
def _iso() -> frozenset[str]:
    codes = {c.alpha_3 for c in pycountry.countries}
    codes |= {c.alpha_3 for c in pycountry.historic_countries}
    codes |= {s.code for s in pycountry.subdivisions}
    return frozenset(codes)


def is_known_area(code: str, extra: frozenset[str] = frozenset()) -> bool:
    """Whether ``code`` is an area or group code the warehouse accepts; ``extra`` adds codes
    (the groups defined in a warehouse)."""
    return (
        code in _iso()
        or code in ILOSTAT_AREAS
        or code in extra
        or bool(AGGREGATE.match(code))
        or bool(GROUP.match(code))
    )
