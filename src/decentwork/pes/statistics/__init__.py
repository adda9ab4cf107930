"""The public employment service's administrative statistics: the month's figures from the
PES database as observations, with disclosure control (docs/pes-statistics.md).

:func:`read_register` reads the register without any personal field;
:func:`month_observations` gives a month's observations (only aggregates) and
:func:`code_labels` the labels of their codes; the command
``decentwork pes statistics`` loads them into the warehouse.
"""

from decentwork.pes.statistics.labels import CodeLabel, CodeLabels, code_labels
from decentwork.pes.statistics.metadata import IndicatorInfo, indicator_info
from decentwork.pes.statistics.months import Month, months_between, parse_month
from decentwork.pes.statistics.publish import (
    CONFIDENTIAL,
    dataset,
    month_observations,
    observations,
    source,
)
from decentwork.pes.statistics.register import Register, read_register
from decentwork.pes.statistics.suppression import THRESHOLD

__all__ = [
    "CONFIDENTIAL",
    "THRESHOLD",
    "CodeLabel",
    "CodeLabels",
    "IndicatorInfo",
    "Month",
    "Register",
    "code_labels",
    "dataset",
    "indicator_info",
    "month_observations",
    "months_between",
    "observations",
    "parse_month",
    "read_register",
    "source",
]
