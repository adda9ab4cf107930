"""The indicator warehouse: observations with full revision history, their releases, labels and
indicator metadata, in SQLite (embedded default) or PostgreSQL; importers and views."""

from decentwork.warehouse.database import (
    Busy,
    NoWarehouse,
    OldSchema,
    WarehouseError,
    database_url,
    default_path,
    engine,
)
from decentwork.warehouse.importers import UnreadableFile
from decentwork.warehouse.load import (
    IndicatorMetadata,
    LoadError,
    LoadReport,
    load_file,
    load_files,
)
from decentwork.warehouse.migration import Migrated, migrate
from decentwork.warehouse.views import Filters, QueryError, view

__all__ = [
    "Busy",
    "Filters",
    "IndicatorMetadata",
    "LoadError",
    "LoadReport",
    "Migrated",
    "NoWarehouse",
    "OldSchema",
    "QueryError",
    "UnreadableFile",
    "WarehouseError",
    "database_url",
    "default_path",
    "engine",
    "load_file",
    "load_files",
    "migrate",
    "view",
]
