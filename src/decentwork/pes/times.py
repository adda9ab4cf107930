"""Times and ages: the registry stores times in UTC and ages as bands."""

from __future__ import annotations

from datetime import UTC, date, datetime

AGE_BANDS = ((15, 24), (25, 34), (35, 44), (45, 54), (55, 64))
"""The ILO's ten-year age bands (with 15-24 for youth); 65 and over is ``65+``."""


def utc_now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive time (as SQLite returns them) is taken to be UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def age(born: date, on: date) -> int:
    """Age in completed years on ``on`` of someone born on ``born``."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def age_band(born: date, on: date) -> str:
    """The age band (``15-24`` ... ``55-64``, ``65+``, or ``<15``) on ``on``."""
    years = age(born, on)
    if years < AGE_BANDS[0][0]:
        return f"<{AGE_BANDS[0][0]}"
    for low, high in AGE_BANDS:
        if years <= high:
            return f"{low}-{high}"
    return f"{AGE_BANDS[-1][1] + 1}+"
