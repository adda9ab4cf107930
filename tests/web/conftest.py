"""Shared fixtures of the web tests: one SQLite warehouse holding the five ILOSTAT SDG 8 bulk
files and the English area and indicator dictionaries, loaded once for the whole session,
and an API client on it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from decentwork import observations
from decentwork.warehouse import engine, view
from decentwork.warehouse.load import load_files
from decentwork.warehouse.views import Filters
from decentwork.web.app import create_app
from tests.warehouse.conftest import BULK_FILES, DICTIONARY, bulk_file
from tests.warehouse.conftest import url as url  # the SQLite and PostgreSQL fixture

DICTIONARIES = ("ref_area_en.csv", "indicator_en.csv")


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
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    address = f"sqlite:///{tmp_path_factory.mktemp('web')}/w.sqlite"
    target = engine(address)
    load_files(target, [*(bulk_file(name) for name in BULK_FILES),
                        *(DICTIONARY / name for name in DICTIONARIES)])
    target.dispose()
    with TestClient(create_app(address)) as client:
        yield Served(address, client)


def from_json(rows: list[dict[str, object]]) -> pd.DataFrame:
    """The API's JSON observation rows as an observation table."""
    return observations.frame(pd.DataFrame(rows, columns=list(observations.COLUMNS)))
