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
from decentwork.indicators.compute import Computation, ComputeError, compute, select_indicators
from decentwork.indicators.reliability import ReliabilityRule

__all__ = [
    "Catalogue",
    "CatalogueError",
    "Computation",
    "ComputeError",
    "Indicator",
    "ReliabilityRule",
    "compute",
    "load_catalogue",
    "parse_catalogue",
    "select_indicators",
]
