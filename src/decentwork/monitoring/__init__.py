"""Monitoring the decent work agenda: progress of indicators towards targets by the standard
progress-assessment methods (UNSD progress chart, Open SDG / Statistics Canada, ESCAP), on
whole series and on disaggregated ones, with the gap between two groups. See
docs/monitoring.md."""

from decentwork.monitoring.gaps import Gap, gap
from decentwork.monitoring.progress import (
    METHODS,
    Assessment,
    Direction,
    Point,
    Target,
    assess,
)

__all__ = ["METHODS", "Assessment", "Direction", "Gap", "Point", "Target", "assess", "gap"]
