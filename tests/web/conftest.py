"""Shared fixtures of the web tests: an API client on the session's SDG 8 warehouse
(``sdg8_url``: the five ILOSTAT SDG 8 bulk files and the English dictionaries)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from decentwork import observations
from decentwork.warehouse import engine, view
from decentwork.warehouse.views import Filters
from decentwork.web.app import create_app
from tests.warehouse.conftest import DICTIONARIES as DICTIONARIES
from tests.warehouse.conftest import url as url  # the SQLite and PostgreSQL fixture


@dataclass(frozen=True)
class Served:
    """The loaded warehouse and a client of the application on it."""

    url: str
    client: TestClient

    def view(self, filters: Filters | None = None, as_of: str | None = None) -> pd.DataFrame:
        """The warehouse's own answer (``decentwork query``'s function) to compare with."""
        target = engine(self.url)
        try:
            with target.connect() as connection:
                return view(connection, filters, as_of)
        finally:
            target.dispose()


@pytest.fixture(scope="session")
def served(sdg8_url: str) -> Iterator[Served]:
    with TestClient(create_app(sdg8_url)) as client:
        yield Served(sdg8_url, client)


def from_json(rows: list[dict[str, object]]) -> pd.DataFrame:
    """The API's JSON observation rows as an observation table."""
    return observations.frame(pd.DataFrame(rows, columns=list(observations.COLUMNS)))
