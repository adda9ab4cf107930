"""The ILO indicator catalogue and its computation from survey microdata: derived variables
(19th ICLS labour force framework, 21st ICLS informality), ILOSTAT classifications and
indicators, observations with standard errors and reliability flags."""

from decentwork.indicators.catalogue import (
    Catalogue,
    CatalogueError,
    Indicator,
    load_catalogue,
    parse_catalogue,
)
from decentwork.indicators.compute import (
    Computation,
    ComputeError,
    compute,
    compute_files,
    not_computable,
    select_indicators,
)
from decentwork.indicators.reliability import ReliabilityRule

__all__ = [
    "Catalogue",
    "CatalogueError",
    "Computation",
    "ComputeError",
    "Indicator",
    "ReliabilityRule",
    "compute",
    "compute_files",
    "load_catalogue",
    "not_computable",
    "parse_catalogue",
    "select_indicators",
]
