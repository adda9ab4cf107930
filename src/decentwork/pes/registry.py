"""The registry every operation works on: the PES database, the reference lists codes are
checked against, and the clock (which tests set)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from decentwork.pes import areas
from decentwork.pes.database import engine
from decentwork.pes.models import Checks
from decentwork.pes.references import References
from decentwork.pes.times import utc_now


@dataclass
class Registry:
    """The PES database (``engine``), the reference lists and the clock."""

    engine: sa.Engine
    references: References = field(default_factory=References)
    clock: Callable[[], datetime] = utc_now

    def checks(self, connection: sa.Connection) -> Checks:
        """What records written through ``connection`` are checked against."""
        return Checks(self.references, frozenset(areas.districts(connection)))

    def close(self) -> None:
        """Close the database connections."""
        self.engine.dispose()


def open_registry(
    url: str | None = None, *, create: bool = True, classifications: Path | None = None
) -> Registry:
    """The registry in the PES database at ``url`` (see
    :func:`decentwork.pes.database.database_url`), created or upgraded if need be unless
    ``create`` is False; codes are checked against the classification files in
    ``classifications`` (default: the data directory).

    Raises:
        NoPesDatabase: not ``create`` and there is no PES database.
        PesDatabaseError: the database cannot be opened.
    """
    return Registry(engine(url, create=create), References(classifications))
