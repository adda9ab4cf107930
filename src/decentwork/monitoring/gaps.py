"""The gap between two groups' progress on one indicator by one method (women and men, youth
and adults, rural and urban): both statuses, the differences in ratio and in growth rate, and
whether the gap between their values narrowed or widened from the baseline to the latest
year."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from decentwork.errors import BadInput
from decentwork.monitoring.progress import Assessment

Trend = Literal["narrowing", "widening", "unchanged"]


@dataclass(frozen=True)
class Gap:
    """Two groups' assessments side by side. Differences are first minus second (None when
    either side lacks the component); ``baseline_gap`` and ``latest_gap`` are the differences
    between the groups' values; ``trend`` compares their sizes (``narrowing`` when the latest
    gap is smaller in absolute value), or is None with ``reason`` saying why."""

    labels: tuple[str, str]
    first: Assessment
    second: Assessment
    ratio_difference: float | None
    cagr_difference: float | None
    baseline_gap: float | None
    latest_gap: float | None
    trend: Trend | None
    reason: str | None = None

    def summary(self) -> str:
        """One or two English sentences for a brief, e.g. ``women: Deterioration (ratio -0.2);
        men: On track (ratio 1.1). The gap (women - men) widened from 1 to 2.5 between 2015
        and 2022.``"""
        text = "; ".join(
            f"{label}: {assessment.label}"
            + ("" if assessment.ratio is None else f" (ratio {assessment.ratio:.3g})")
            for label, assessment in zip(self.labels, (self.first, self.second), strict=True)
        )
        if self.trend is None or self.baseline_gap is None or self.latest_gap is None:
            return f"{text}. No trend in the gap: {self.reason}."
        years = f"between {self.first.baseline_year} and {self.first.latest_year}"
        which = f"The gap ({self.labels[0]} - {self.labels[1]})"
        if self.trend == "unchanged":
            return f"{text}. {which} stayed at {self.latest_gap:.3g} {years}."
        verb = "narrowed" if self.trend == "narrowing" else "widened"
        return (
            f"{text}. {which} {verb} from {self.baseline_gap:.3g} to {self.latest_gap:.3g} {years}."
        )

    def as_dict(self) -> dict[str, str | int | float | None]:
        """The gap as one flat row (for CSV or JSON)."""
        return {
            "method": self.first.method,
            "group_1": self.labels[0],
            "group_2": self.labels[1],
            "status_1": self.first.status,
            "status_2": self.second.status,
            "source_1": self.first.source,
            "source_2": self.second.source,
            "ratio_1": self.first.ratio,
            "ratio_2": self.second.ratio,
            "ratio_difference": self.ratio_difference,
            "cagr_difference": self.cagr_difference,
            "baseline_year": self.first.baseline_year,
            "latest_year": self.first.latest_year,
            "baseline_gap": self.baseline_gap,
            "latest_gap": self.latest_gap,
            "trend": self.trend,
            "reason": self.reason,
        }


def gap(first: Assessment, second: Assessment, labels: tuple[str, str] = ("women", "men")) -> Gap:
    """The gap between two groups' assessments of the same indicator by the same method. The
    trend needs both groups' baseline and latest values, in the same years and from the same
    source (two surveys' values differ by design, not by change).

    Raises:
        BadInput: the assessments use different methods.
    """
    if first.method != second.method:
        raise BadInput(
            f"the assessments use different methods ({first.method!r} and {second.method!r})",
            parameter="second",
            given=second.method,
            expected=f"an assessment by {first.method!r}",
        )
    baseline_gap = _difference(first.baseline_value, second.baseline_value)
    latest_gap = _difference(first.latest_value, second.latest_value)
    trend: Trend | None = None
    reason = None
    if baseline_gap is None or latest_gap is None:
        lacking = first if first.baseline_value is None or first.latest_value is None else second
        reason = f"no values for {labels[0] if lacking is first else labels[1]}: {lacking.reason}"
    elif first.source != second.source:
        reason = f"the sources differ ({labels[0]} {first.source}, {labels[1]} {second.source})"
    elif first.baseline_year != second.baseline_year:
        reason = (
            f"the baseline years differ ({labels[0]} {first.baseline_year}, "
            f"{labels[1]} {second.baseline_year})"
        )
    elif first.latest_year != second.latest_year:
        reason = (
            f"the latest years differ ({labels[0]} {first.latest_year}, "
            f"{labels[1]} {second.latest_year})"
        )
    elif math.isclose(abs(latest_gap), abs(baseline_gap), rel_tol=1e-9, abs_tol=1e-12):
        trend = "unchanged"
    else:
        trend = "narrowing" if abs(latest_gap) < abs(baseline_gap) else "widening"
    return Gap(
        labels,
        first,
        second,
        _difference(first.ratio, second.ratio),
        _difference(first.cagr, second.cagr),
        baseline_gap,
        latest_gap,
        trend,
        reason,
    )


def _difference(first: float | None, second: float | None) -> float | None:
    return None if first is None or second is None else first - second
