"""Progress of an indicator's series towards a target, by four published methods.

- ``unsd``: the UN Statistics Division's SDG progress chart, current method: the compound annual
  growth rate (CAGR) observed since the baseline projects the latest value to the target year,
  and the projected change is set against the change the target asks for;
- ``unsd-cagr``: the progress chart's earlier method, the observed CAGR over the CAGR the
  target requires;
- ``open-sdg``: Statistics Canada's progress measure, as built into Open SDG: the same ratio
  signed by the desired direction when there is a target, the CAGR itself when there is none;
- ``escap``: ESCAP's anticipated progress: will the projected value reach the target?

Every :class:`Assessment` carries its components (baseline, latest, CAGR, required CAGR,
ratio, projection) beside its status and label, or the reason why there is no assessment.
The formulas, thresholds and their sources are in docs/monitoring.md. Series in, assessments
out: this module knows nothing of the warehouse.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from types import MappingProxyType
from typing import Literal, TypedDict, Unpack, cast, get_args

from decentwork.errors import BadInput

Direction = Literal["increase", "decrease"]
Point = tuple[int, float]
Band = tuple[float, str, str]
"""A status band: its lower bound (inclusive), status code and label."""

METHODS: Mapping[str, str] = MappingProxyType(
    {
        "unsd": "UN Statistics Division SDG progress chart, current method: the latest value "
        "projected to the target year at the observed CAGR, against the change required "
        "(Progress Chart Technical Note 2023, https://unstats.un.org/sdgs/files/report/2023/"
        "Progress_Chart_Technical_Note_2023.pdf)",
        "unsd-cagr": "UN Statistics Division SDG progress chart, earlier method: observed CAGR "
        "over the CAGR required to reach the target (Progress Chart Technical Note 2022, "
        "https://unstats.un.org/sdgs/report/2022/Progress_Chart_Technical_Note_2022.pdf)",
        "open-sdg": "Statistics Canada's progress measure as built into Open SDG, with or "
        "without a target (https://open-sdg.readthedocs.io/en/latest/progress-methodology/)",
        "escap": "ESCAP anticipated progress: the value projected to the target year at the "
        "observed CAGR, against the target (Asia and the Pacific SDG Progress Report, "
        "https://data.unescap.org/resource-guides/progress-assessment-methodology)",
    }
)


class Growth(TypedDict, total=False):
    """An assessment's growth components (see :class:`Assessment`): the observed and required
    CAGR, and the projection to the target year."""

    cagr: float | None
    required_cagr: float | None
    projected_value: float | None
    projected_year: int | None


class Components(Growth, total=False):
    """An assessment's components besides its baseline, latest point and target: the growth
    components and the method's ratio."""

    ratio: float | None


NEEDS_TARGET = frozenset({"unsd", "unsd-cagr", "escap"})
"""The methods that assess a series only against a numeric target (``open-sdg`` also
assesses the direction and speed of change alone)."""
NO_ASSESSMENT = "no_assessment"
TARGET_ACHIEVED = "target_achieved"
DETERIORATION = "deterioration"

UNSD_BANDS: tuple[Band, ...] = (
    (0.95, "on_track", "Substantial progress / on track"),
    (0.5, "fair_progress", "Fair progress, but acceleration needed"),
    (-0.1, "limited_progress", "Limited or no progress"),
    (-math.inf, DETERIORATION, "Deterioration"),
)
UNSD_CAGR_BANDS: tuple[Band, ...] = (
    (0.95, "on_track", "On track"),
    (0.5, "fair_progress", "Fair progress, but acceleration needed"),
    (-0.1, "limited_progress", "Limited or no progress"),
    (-math.inf, DETERIORATION, "Deterioration"),
)
OPEN_SDG_RATIO_BANDS: tuple[Band, ...] = (
    (0.95, "substantial_progress", "Substantial progress / on track"),
    (0.6, "moderate_progress", "Moderate progress / acceleration needed"),
    (0.0, "limited_progress", "Limited progress / acceleration needed"),
    (-math.inf, DETERIORATION, "Deterioration"),
)
OPEN_SDG_CAGR_BANDS: tuple[Band, ...] = (
    (0.015, "substantial_progress", "Substantial progress / on track"),
    (0.005, "moderate_progress", "Moderate progress / acceleration needed"),
    (0.0, "limited_progress", "Limited progress / acceleration needed"),
    (-math.inf, DETERIORATION, "Deterioration"),
)
ESCAP_BANDS: tuple[Band, ...] = (
    (1.0, "on_track", "On track: maintain progress to achieve the target"),
    (0.0, "acceleration_needed", "Accelerate progress to achieve the target"),
    (-math.inf, "reverse_trend", "Reverse the trend to achieve the target"),
)

OPEN_SDG_ZERO = 0.001
"""What Open SDG puts in place of a baseline or target value of zero."""
TOLERANCE = 1e-9
"""Slack for rounding when a ratio or rate is compared with a band's bound."""


@dataclass(frozen=True)
class Target:
    """A numeric target: reach ``value`` by ``year``, moving in ``direction``."""

    value: float
    year: int
    direction: Direction

    def __post_init__(self) -> None:
        _check_direction(self.direction)
        if isinstance(self.year, bool) or not isinstance(self.year, numbers.Integral):
            raise BadInput(
                f"target year {self.year!r}: expected an integer year",
                parameter="year",
                given=repr(self.year),
                expected="an integer year",
            )
        if (
            isinstance(self.value, bool)
            or not isinstance(self.value, numbers.Real)
            or not math.isfinite(self.value)
        ):
            raise BadInput(
                f"target value {self.value!r}: expected a finite number",
                parameter="value",
                given=repr(self.value),
                expected="a finite number",
            )
        # plain int and float (not NumPy's), for the assessments' rows
        object.__setattr__(self, "year", int(self.year))
        object.__setattr__(self, "value", float(self.value))


@dataclass(frozen=True)
class Assessment:
    """One series' progress by one method: status code, English label and components.

    ``ratio`` is the method's ratio or index (see docs/monitoring.md); components that a
    method does not use, or that could not be computed, are None. ``source`` is the one
    source the series was read from (ILOSTAT source code; None when the caller gave a bare
    series). ``reason`` says why the status is ``no_assessment``; ``notes`` record choices
    made on the way (the source and why, a baseline year moved to the next year with data,
    values dropped or replaced).
    """

    method: str
    status: str
    label: str
    direction: Direction
    baseline_year: int | None = None
    baseline_value: float | None = None
    latest_year: int | None = None
    latest_value: float | None = None
    cagr: float | None = None
    required_cagr: float | None = None
    ratio: float | None = None
    projected_value: float | None = None
    projected_year: int | None = None
    target_value: float | None = None
    target_year: int | None = None
    source: str | None = None
    reason: str | None = None
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, str | int | float | None]:
        """The assessment as one flat row (for CSV or JSON); notes joined by ``"; "``."""
        row: dict[str, str | int | float | None] = {
            key: value for key, value in asdict(self).items() if key != "notes"
        }
        row["notes"] = "; ".join(self.notes)
        return row


def assess(
    series: Iterable[Point],
    target: Target | Direction,
    method: str,
    baseline_year: int | None = None,
) -> Assessment:
    """Assess ``series`` (``(year, value)`` points, in any order) towards ``target`` by
    ``method`` (a key of :data:`METHODS`).

    ``target`` is a :class:`Target`, or only the desired direction (``"increase"`` or
    ``"decrease"``) for a series without a numeric target, which only ``open-sdg`` assesses.
    The baseline is ``baseline_year``, or the first year with data after it, or (when None)
    the series' first year; the latest point is the last year up to the target year. NaN
    values are dropped (with a note); a duplicate year, an infinite value or a point that is
    not ``(integer year, number)`` raises :class:`~decentwork.errors.BadInput` (a
    ValueError), as does an unknown method.
    """
    check_method(method)
    goal = None if isinstance(target, str) else target
    direction = _check_direction(target if isinstance(target, str) else target.direction)
    points, notes = _points(series)
    refusal = Assessment(
        method,
        NO_ASSESSMENT,
        "No assessment",
        direction,
        target_value=goal.value if goal else None,
        target_year=goal.year if goal else None,
    )

    def refuse(reason: str) -> Assessment:
        return replace(refusal, reason=reason, notes=tuple(notes))

    if goal is None and method in NEEDS_TARGET:
        return refuse(
            f"no numeric target: method {method!r} needs one "
            "('open-sdg' assesses a series without a target)"
        )
    if baseline_year is not None and points:
        points = [point for point in points if point[0] >= baseline_year]
        if not points:
            return refuse(f"no data in or after the baseline year {baseline_year}")
        if points[0][0] != baseline_year:
            notes.append(
                f"no data for the baseline year {baseline_year}: the baseline is "
                f"{points[0][0]}, the first year with data after it"
            )
    if not points:
        return refuse("no data points")
    if goal is not None:
        if goal.year <= points[0][0]:
            return refuse(
                f"the target year ({goal.year}) must be after the baseline year ({points[0][0]})"
            )
        late = [str(year) for year, _ in points if year > goal.year]
        if late:
            notes.append(f"years after the target year {goal.year} not used: {', '.join(late)}")
            points = [point for point in points if point[0] <= goal.year]
    if len(points) == 1:
        return refuse(f"a single data point ({points[0][0]}): at least two years are needed")
    span = _Span(method, direction, goal, points[0], points[-1], tuple(notes))
    return _ASSESSORS[method](span)


@dataclass(frozen=True)
class _Span:
    """What an assessment rests on: the baseline and latest points, the target, the notes."""

    method: str
    direction: Direction
    target: Target | None
    baseline: Point
    latest: Point
    notes: tuple[str, ...]

    def result(
        self, status: str, label: str, notes: Sequence[str] = (), **components: Unpack[Components]
    ) -> Assessment:
        return Assessment(
            self.method,
            status,
            label,
            self.direction,
            baseline_year=self.baseline[0],
            baseline_value=self.baseline[1],
            latest_year=self.latest[0],
            latest_value=self.latest[1],
            target_value=self.target.value if self.target else None,
            target_year=self.target.year if self.target else None,
            notes=(*self.notes, *notes),
            **components,
        )

    def refuse(
        self, reason: str, notes: Sequence[str] = (), **components: Unpack[Components]
    ) -> Assessment:
        return replace(
            self.result(NO_ASSESSMENT, "No assessment", notes, **components), reason=reason
        )


def _unsd(span: _Span) -> Assessment:
    return _projected(span, UNSD_BANDS)


def _escap(span: _Span) -> Assessment:
    return _projected(span, ESCAP_BANDS)


def _projected(span: _Span, bands: tuple[Band, ...]) -> Assessment:
    """Status from the projected change over the required change (``unsd``, ``escap``)."""
    growth = _growth(span)
    if isinstance(growth, str):
        return span.refuse(growth)
    settled = _settled(span, growth)
    if settled:
        return settled
    base = span.baseline[1]
    ratio = (growth.projected_value - base) / (growth.target.value - base)
    return span.result(*_band(ratio, bands), ratio=ratio, **growth.components())


def _unsd_cagr(span: _Span) -> Assessment:
    growth = _growth(span)
    if isinstance(growth, str):
        return span.refuse(growth)
    settled = _settled(span, growth)
    if settled:
        return settled
    if growth.required_cagr is None:
        return span.refuse(
            f"the target ({growth.target.value}) must not be negative for a growth rate",
            **growth.components(),
        )
    ratio = growth.cagr / growth.required_cagr
    return span.result(*_band(ratio, UNSD_CAGR_BANDS), ratio=ratio, **growth.components())


def _open_sdg(span: _Span) -> Assessment:
    """Statistics Canada's progress measure, as Open SDG computes it (sdg-build's
    ``ProgressMeasure``): zeros replaced by 0.001; values all positive or all negative."""
    (base_year, base), (latest_year, latest) = span.baseline, span.latest
    notes: list[str] = []
    if base == 0:
        base = OPEN_SDG_ZERO
        notes.append(f"baseline value 0 replaced by {OPEN_SDG_ZERO}, as Open SDG does")
    if (base > 0 > latest) or (base < 0 < latest):
        return span.refuse(
            f"the baseline ({base} in {base_year}) and latest ({latest} in "
            f"{latest_year}) values have opposite signs: the growth rate needs "
            "both positive or both negative",
            notes,
        )
    sign = -1 if base < 0 else 1
    way = 1 if span.direction == "increase" else -1
    cagr = (latest / base) ** (1 / (latest_year - base_year)) - 1
    if span.target is None:
        return span.result(*_band(sign * way * cagr, OPEN_SDG_CAGR_BANDS), notes, cagr=cagr)
    goal, year = span.target.value, span.target.year
    if goal == 0:
        goal = OPEN_SDG_ZERO
        notes.append(f"target value 0 replaced by {OPEN_SDG_ZERO}, as Open SDG does")
    required = _cagr(base, goal, year - base_year)
    if required is None:
        return span.refuse(
            f"the target ({goal}) and the baseline ({base}) have opposite "
            "signs: no growth rate leads from one to the other",
            notes,
            cagr=cagr,
        )
    components: Growth = {
        "cagr": cagr,
        "required_cagr": required,
        "projected_year": year,
        "projected_value": latest * (1 + cagr) ** (year - latest_year),
    }
    if _meets(latest, goal, span.direction):
        return span.result(TARGET_ACHIEVED, "Target achieved", notes, **components)
    if required == 0:
        return span.result(
            DETERIORATION,
            "Deterioration",
            [
                *notes,
                "the baseline equals the target and the latest value no "
                "longer meets it: the ratio is undefined",
            ],
            **components,
        )
    ratio = sign * way * cagr / abs(required)
    return span.result(*_band(ratio, OPEN_SDG_RATIO_BANDS), notes, ratio=ratio, **components)


_ASSESSORS: Mapping[str, Callable[[_Span], Assessment]] = {
    "unsd": _unsd,
    "unsd-cagr": _unsd_cagr,
    "open-sdg": _open_sdg,
    "escap": _escap,
}


@dataclass(frozen=True)
class _Growth:
    """The growth components of ``unsd``, ``unsd-cagr`` and ``escap``."""

    target: Target
    cagr: float
    required_cagr: float | None
    projected_value: float

    def components(self) -> Growth:
        return {
            "cagr": self.cagr,
            "required_cagr": self.required_cagr,
            "projected_value": self.projected_value,
            "projected_year": self.target.year,
        }


def _growth(span: _Span) -> _Growth | str:
    """The growth components, or the reason why there are none (a value that is not
    positive)."""
    target = span.target
    assert target is not None, "assess() refuses these methods without a target"
    for year, value in (span.baseline, span.latest):
        if value <= 0:
            return f"values must be positive for a growth rate (found {value} in {year})"
    (base_year, base), (latest_year, latest) = span.baseline, span.latest
    cagr = (latest / base) ** (1 / (latest_year - base_year)) - 1
    return _Growth(
        target,
        cagr,
        _cagr(base, target.value, target.year - base_year),
        latest * (1 + cagr) ** (target.year - latest_year),
    )


def _settled(span: _Span, growth: _Growth) -> Assessment | None:
    """Target achieved at the latest point; or deterioration when the baseline met the target
    and the latest value no longer does (the ratios would mislead there); else None."""
    goal = growth.target.value
    if _meets(span.latest[1], goal, span.direction):
        return span.result(TARGET_ACHIEVED, "Target achieved", **growth.components())
    if _meets(span.baseline[1], goal, span.direction):
        return span.result(
            DETERIORATION,
            "Deterioration",
            ["the baseline met the target and the latest value no longer does"],
            **growth.components(),
        )
    return None


def _cagr(start: float, end: float, years: int) -> float | None:
    """Compound annual growth rate from ``start`` to ``end`` over ``years`` years; None when the
    two have opposite signs (no real rate)."""
    if end / start < 0:
        return None
    return float((end / start) ** (1 / years) - 1)


def _meets(value: float, target: float, direction: Direction) -> bool:
    return value >= target if direction == "increase" else value <= target


def _band(value: float, bands: tuple[Band, ...]) -> tuple[str, str]:
    """The status and label of the first band whose lower bound ``value`` reaches."""
    return next((status, label) for lower, status, label in bands if value >= lower - TOLERANCE)


def check_method(method: str) -> str:
    """``method``, when it is one of the :data:`METHODS`.

    Raises:
        BadInput: an unknown method (about the parameter ``method``).
    """
    if method not in METHODS:
        raise BadInput(
            f"unknown progress method {method!r}: expected one of {', '.join(METHODS)}",
            parameter="method",
            given=method,
            expected=", ".join(METHODS),
        )
    return method


def _check_direction(direction: str) -> Direction:
    if direction not in get_args(Direction):
        raise BadInput(
            f"direction {direction!r}: expected 'increase' or 'decrease'",
            parameter="direction",
            given=direction,
            expected="increase or decrease",
        )
    return cast(Direction, direction)


def _points(series: Iterable[Point]) -> tuple[list[Point], list[str]]:
    """The series sorted by year, NaN values dropped (and noted); bad points refused."""
    seen: set[int] = set()
    points: list[Point] = []
    missing: list[int] = []
    for point in series:
        try:
            year, raw = point
        except (TypeError, ValueError):
            raise _bad_point(point, "expected (year, value)") from None
        if isinstance(year, bool) or not isinstance(year, numbers.Integral):
            raise _bad_point(point, "the year must be an integer")
        year = int(year)
        if year in seen:
            raise BadInput(
                f"the series has two values for {year}",
                parameter="series",
                given=year,
                expected="one value per year",
            )
        seen.add(year)
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise _bad_point(point, "the value must be a number") from None
        if math.isnan(value):
            missing.append(year)
        elif math.isinf(value):
            raise _bad_point(point, "the value is infinite")
        else:
            points.append((year, value))
    notes = (
        [f"missing (NaN) values dropped: {', '.join(map(str, sorted(missing)))}"] if missing else []
    )
    return sorted(points), notes


def _bad_point(point: object, problem: str) -> BadInput:
    """The error of a series point that is not ``(integer year, finite number)``."""
    return BadInput(
        f"series point {point!r}: {problem}",
        parameter="series",
        given=repr(point),
        expected="(integer year, finite number)",
    )
