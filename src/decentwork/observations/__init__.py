"""Observations, the lingua franca between layers: ILOSTAT's columns plus the uncertainty of
survey estimates (see docs/architecture.md), and their file formats (CSV, Parquet, Excel,
SDMX-CSV). The indicator layer produces them; the warehouse stores and serves them."""

from decentwork.observations.schema import (
    CHANGE_COLUMNS,
    COLUMNS,
    FLOAT_COLUMNS,
    KEY_COLUMNS,
    SORT_ORDER,
    TEXT_COLUMNS,
    frame,
    sort,
)

__all__ = [
    "CHANGE_COLUMNS",
    "COLUMNS",
    "FLOAT_COLUMNS",
    "KEY_COLUMNS",
    "SORT_ORDER",
    "TEXT_COLUMNS",
    "frame",
    "sort",
]
