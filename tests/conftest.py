"""Session-wide test settings.

The CLI's Rich console is created when ``decentwork.cli`` is imported and takes its width
from ``COLUMNS``; fixing it here, before any test module imports the CLI, keeps the CLI tests'
output independent of how long the checkout's path is (Rich wraps long lines).
"""

from __future__ import annotations

import os

import pytest

os.environ["COLUMNS"] = "200"


@pytest.fixture(scope="session")
def sdg8_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite warehouse holding ILOSTAT's five SDG 8 bulk files and the English area and
    indicator dictionaries (from ../shared/data), loaded once for the whole session; treat
    it as read-only."""
    from decentwork.commands.warehouse import catalogue_metadata
    from decentwork.warehouse import engine
    from decentwork.warehouse.load import load_files
    from tests.warehouse.conftest import BULK_FILES, DICTIONARIES, DICTIONARY, bulk_file

    address = f"sqlite:///{tmp_path_factory.mktemp('sdg8')}/w.sqlite"
    target = engine(address)
    load_files(
        target,
        [*(bulk_file(name) for name in BULK_FILES), *(DICTIONARY / name for name in DICTIONARIES)],
        metadata=catalogue_metadata(),
    )
    target.dispose()
    return address
