"""Calendar months, the period of the PES statistics: ``2026-11`` as the user writes it,
``2026M11`` as an observation's ``time``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from decentwork.errors import BadInput

PATTERN = re.compile(r"^([0-9]{4})-([0-9]{2})$")


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month."""

    year: int
    month: int

    @property
    def first(self) -> date:
        """Its first day."""
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        """Its last day."""
        return self.next().first - timedelta(days=1)

    @property
    def time(self) -> str:
        """As an observation's ``time``: ``2026M11``."""
        return f"{self.year}M{self.month:02d}"

    def next(self) -> Month:
        """The month after."""
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def back(self, count: int) -> Month:
        """The month ``count`` months before."""
        index = self.year * 12 + self.month - 1 - count
        return Month(index // 12, index % 12 + 1)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"


def parse_month(text: str, parameter: str = "month", *, today: date | None = None) -> Month:
    """The month ``text`` (``YYYY-MM``); with ``today``, a month not after today's.

    Raises:
        BadInput: not ``YYYY-MM``, a month number outside 1-12, or a month in the future.
    """
    found = PATTERN.match(text.strip())
    expected = "a month as YYYY-MM, such as 2026-11"
    if found is None:
        raise BadInput(
            f"{parameter} {text!r} is not a month",
            parameter=parameter,
            given=text,
            expected=expected,
        )
    year, number = int(found.group(1)), int(found.group(2))
    if not 1 <= number <= 12 or year < 1900:
        raise BadInput(
            f"{parameter} {text!r}: {number:02d} is not a month of the year"
            if not 1 <= number <= 12
            else f"{parameter} {text!r} is before 1900",
            parameter=parameter,
            given=text,
            expected=expected,
        )
    month = Month(year, number)
    if today is not None and month.first > today:
        raise BadInput(
            f"{parameter} {month} is in the future (today is {today})",
            parameter=parameter,
            given=text,
            expected=f"{Month(today.year, today.month)} or earlier",
        )
    return month


def months_between(first: Month, last: Month) -> list[Month]:
    """The months from ``first`` to ``last``, both included.

    Raises:
        BadInput: ``first`` is after ``last``.
    """
    if first > last:
        raise BadInput(
            f"since {first} is after month {last}",
            parameter="since",
            given=str(first),
            expected=f"{last} or earlier",
        )
    months = [first]
    while months[-1] < last:
        months.append(months[-1].next())
    return months
