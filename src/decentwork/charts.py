"""Charts as SVG, drawn from plain data so that they show without JavaScript: on the
dashboard's pages (inline) and in the country briefs (vector graphics in the PDF). A time
series with shaded confidence bands, a sparkline, a ranked horizontal bar chart and a
progress chart (a series with its baseline, target and projection). Each has a ``<title>``
and a ``<desc>`` (its text alternative) and uses the Okabe-Ito palette, which stays
distinguishable with the common colour-vision deficiencies.

A line never joins two sources: a time series whose points name different sources is drawn
in pieces, one per run of a source, with the break marked; a progress chart draws the
other sources of its indicator as their own lines, named in the legend. A lone point with
its interval gets an interval bar, never a band of no width.

Values are written as the pages and briefs write them (:mod:`decentwork.formatting`: by the
indicator's unit and the page's language), value axes ticked at 1, 2 or 5 times a power of
ten (:func:`nice_ticks`), and period labels shown as often as they fit without touching."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from itertools import pairwise
from types import MappingProxyType
from unicodedata import east_asian_width

from markupsafe import Markup

from decentwork.formatting import NUMBER, Style, interval, number, tick

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
"""Okabe-Ito colours, darkest contrasts first (yellow last: weak on white)."""


@dataclass(frozen=True)
class Point:
    """One value of a series, with its confidence bounds and its source where known."""

    time: str
    value: float
    lower: float | None = None
    upper: float | None = None
    source: str | None = None


@dataclass(frozen=True)
class Series:
    """A named line of a time-series chart."""

    name: str
    points: Sequence[Point] = field(default_factory=tuple)


STEPS = (1, 2, 5)
"""Axis ticks are these times a power of ten apart."""
TICKS = (3, 7)
"""The fewest and most ticks on a value axis."""


def nice_ticks(low: float, high: float, most: int = TICKS[1]) -> list[float]:
    """Ticks of a value axis covering ``[low, high]``: evenly spaced by 1, 2 or 5 times a
    power of ten, the first at or below ``low``, the last at or above ``high``, the finest
    such spacing that gives at most ``most`` of them (at least :data:`TICKS`'s three for
    any range; a flat range is widened around its value)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError(f"ticks of [{low}, {high}]: expected finite bounds")
    low, high = min(low, high), max(low, high)
    if high == low:
        spread = abs(low) * 0.1 or 1.0
        low, high = low - spread, high + spread
    power = 10.0 ** math.floor(math.log10((high - low) / (most - 1)))
    while True:
        for factor in STEPS:
            step = factor * power
            first, last = _covering(low, high, step)
            if last - first + 1 <= most:
                return [_clean(n * step, step) for n in range(first, last + 1)]
        power *= 10


def _covering(low: float, high: float, step: float) -> tuple[int, int]:
    """The multiples of ``step`` (as ``n``, ``m``: ``n * step`` to ``m * step``) that
    cover ``[low, high]`` most tightly, exactly as the ticks will be written."""
    first, last = math.floor(low / step), math.ceil(high / step)
    while _clean(first * step, step) > low:
        first -= 1
    while _clean((first + 1) * step, step) <= low:
        first += 1
    while _clean(last * step, step) < high:
        last += 1
    while _clean((last - 1) * step, step) >= high:
        last -= 1
    return first, last


def _clean(value: float, step: float) -> float:
    """``value`` without the float error of ``n * step`` (0.30000000000000004: 0.3)."""
    return round(value, max(0, -math.floor(math.log10(step))) + 1) + 0.0


def year_ticks(first: int, last: int, space: float) -> list[int]:
    """The years to label on an axis from ``first`` to ``last`` drawn ``space`` units wide:
    every 1, 2, 5, 10, 20... years (the finest whose labels do not touch), at multiples of
    that step, with ``first`` itself when no multiple falls in the range."""
    if last <= first:
        return [first]
    spacing = space / (last - first)
    need = _text_width("0000", 11) + 8
    step = next(
        n * 10**k
        for k in range(0, 6)
        for n in STEPS
        if n * 10**k * spacing >= need and (last - first) // (n * 10**k) <= 8
    )
    found = [year for year in range(first, last + 1) if year % step == 0]
    return found or [first]


def _fitting(labels: Sequence[str], spacing: float, size: float = 11) -> int:
    """Every how many of evenly spaced axis labels (``spacing`` units apart, at font size
    ``size``) to show so that none overlaps its neighbour: each needs its width and 6 units
    of gap."""
    widest = max((_text_width(label, size) for label in labels), default=0.0) + 6
    return max(1, math.ceil(widest / spacing)) if spacing > 0 else 1


def _svg(
    width: int,
    height: int,
    title: str,
    desc: str,
    body: str,
    css: str,
    font_family: str | None = None,
) -> Markup:
    """An accessible SVG element: role img, labelled by its title and described by desc;
    its text in ``font_family`` when given (else in the page's font)."""
    font = "" if font_family is None else f' font-family="{escape(font_family)}"'
    return Markup(
        f'<svg class="{css}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img"{font}>'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>{body}</svg>"
    )


def _scale(low: float, high: float, start: float, end: float) -> Callable[[float], float]:
    """A linear map from [low, high] to [start, end] (a flat range maps to the middle)."""
    if high == low:
        return lambda _v: (start + end) / 2
    return lambda v: start + (v - low) * (end - start) / (high - low)


def time_series(
    series: Sequence[Series],
    title: str,
    desc: str,
    width: int = 640,
    height: int = 300,
    *,
    style: Style = NUMBER,
    lang: str = "en",
) -> Markup:
    """Lines over time, one per series, with a shaded band between the lower and upper
    bounds where a series has them, a legend and labelled axes: values ticked at 1, 2 or 5
    times a power of ten, periods labelled as often as they fit. Values are written in
    ``style`` for ``lang`` (:func:`decentwork.formatting.number`), as the pages write them."""
    times = sorted({p.time for s in series for p in s.points})
    values = [
        v for s in series for p in s.points for v in (p.value, p.lower, p.upper) if v is not None
    ]
    if not times or not values:
        return _svg(width, 40, title, desc, "", "chart chart-empty")
    left, right, top = 56, 16, 12
    columns = _legend_columns([line.name for line in series], width - left)
    bottom = 40 + 18 * -(-len(series) // columns)  # a row of keys per `columns` series
    ticks = nice_ticks(min(min(values), 0.0), max(max(values), 0.0))
    low, high = ticks[0], ticks[-1]
    x = _scale(0, max(len(times) - 1, 1), left, width - right)
    y = _scale(low, high, height - bottom, top)
    where = {t: i for i, t in enumerate(times)}
    parts = [_value_axis(ticks, left, width - right, y, lang)]
    step = _fitting(times, (width - left - right) / max(len(times) - 1, 1))
    for i in range(len(times) - 1, -1, -step):  # the latest period always labelled
        parts.append(
            f'<text x="{x(i):.1f}" y="{y(low) + 16:.1f}" text-anchor="middle" '
            f'font-size="11">{escape(times[i])}</text>'
        )
    for n, line in enumerate(series):
        colour = PALETTE[n % len(PALETTE)]
        points = sorted(line.points, key=lambda p: p.time)
        group = [f'<g class="series" data-series="{n}">']
        pieces = _pieces(points)
        for piece in pieces:
            group.extend(_uncertainty(piece, x, y, where, colour, style, lang))
        for piece in pieces:
            path = " ".join(f"{x(where[p.time]):.1f},{y(p.value):.1f}" for p in piece)
            group.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
        for before, after in pairwise(pieces):
            group.append(_break(before[-1], after[0], x, y, where, (y(high), y(low)), colour))
        for p in points:
            bounds = (
                f" [{interval(p.lower, p.upper, style, lang)}]"
                if p.lower is not None and p.upper is not None
                else ""
            )
            origin = f" ({escape(p.source)})" if p.source else ""
            group.append(
                f'<circle cx="{x(where[p.time]):.1f}" cy="{y(p.value):.1f}" r="3" '
                f'fill="{colour}"><title>{escape(line.name)} {escape(p.time)}: '
                f"{number(p.value, style, lang)}{bounds}{origin}</title></circle>"
            )
        column, row = n % columns, n // columns
        lx, ly = left + column * (width - left) // columns, height - bottom + 34 + 18 * row
        group.append(
            f'<rect class="key" x="{lx}" y="{ly - 9}" width="12" height="12" '
            f'fill="{colour}"/><text x="{lx + 16}" y="{ly + 1}" font-size="12">'
            f"{escape(line.name)}</text></g>"
        )
        parts.append("".join(group))
    return _svg(width, height, title, desc, "".join(parts), "chart time-series")


def _value_axis(
    ticks: Sequence[float], left: float, right: float, y: Callable[[float], float], lang: str
) -> str:
    """The value axis: the base line at the lowest tick, a light grid line and a label at
    each tick."""
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    parts = [
        f'<line class="axis" x1="{left}" y1="{y(ticks[0]):.1f}" x2="{right}" '
        f'y2="{y(ticks[0]):.1f}" stroke="#555"/>'
    ]
    for value in ticks:
        if value != ticks[0]:
            parts.append(
                f'<line class="grid" x1="{left}" y1="{y(value):.1f}" x2="{right}" '
                f'y2="{y(value):.1f}" stroke="#ddd" stroke-width="0.5"/>'
            )
        parts.append(
            f'<text class="tick" x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end" '
            f'font-size="11">{escape(tick(value, step, lang))}</text>'
        )
    return "".join(parts)


def _pieces(points: Sequence[Point]) -> list[list[Point]]:
    """``points`` (in time order) cut where the source changes: each piece is one source's
    run, drawn as its own line."""
    pieces: list[list[Point]] = []
    for point in points:
        if pieces and pieces[-1][-1].source == point.source:
            pieces[-1].append(point)
        else:
            pieces.append([point])
    return pieces


def _uncertainty(
    piece: Sequence[Point],
    x: Callable[[float], float],
    y: Callable[[float], float],
    where: Mapping[str, int],
    colour: str,
    style: Style = NUMBER,
    lang: str = "en",
) -> list[str]:
    """The confidence intervals of one source's run: a shaded band over each stretch of
    consecutive points with bounds, an interval bar (whiskers) for a point with bounds
    alone, so that one period still shows its interval."""
    stretches: list[list[Point]] = [[]]
    for p in piece:
        if p.lower is not None and p.upper is not None:
            stretches[-1].append(p)
        elif stretches[-1]:
            stretches.append([])
    drawn = []
    for stretch in stretches:
        if len(stretch) == 1:
            [p] = stretch
            assert p.lower is not None and p.upper is not None
            cx = x(where[p.time])
            drawn.append(
                f'<g class="interval" stroke="{colour}" stroke-width="1.5">'
                f'<line x1="{cx:.1f}" y1="{y(p.lower):.1f}" x2="{cx:.1f}" y2="{y(p.upper):.1f}"/>'
                + "".join(
                    f'<line x1="{cx - 5:.1f}" y1="{y(v):.1f}" x2="{cx + 5:.1f}" y2="{y(v):.1f}"/>'
                    for v in (p.lower, p.upper)
                )
                + f"<title>{escape(p.time)}: [{interval(p.lower, p.upper, style, lang)}]"
                + "</title></g>"
            )
        elif stretch:
            edge = [f"{x(where[p.time]):.1f},{y(p.upper):.1f}" for p in stretch]  # type: ignore[arg-type]
            edge += [f"{x(where[p.time]):.1f},{y(p.lower):.1f}" for p in reversed(stretch)]  # type: ignore[arg-type]
            drawn.append(
                f'<polygon class="band" points="{" ".join(edge)}" fill="{colour}" '
                'fill-opacity="0.2" stroke="none"/>'
            )
    return drawn


def _break(
    before: Point,
    after: Point,
    x: Callable[[float], float],
    y: Callable[[float], float],
    where: Mapping[str, int],
    span: tuple[float, float],
    colour: str,
) -> str:
    """The mark of a break in series between two sources: a dashed vertical line halfway
    between the last point of one and the first of the next, titled with both sources
    (``BA:1321 | BB:3064``)."""
    middle = (x(where[before.time]) + x(where[after.time])) / 2
    top, bottom = span
    return (
        f'<g class="break"><line x1="{middle:.1f}" y1="{top:.1f}" x2="{middle:.1f}" '
        f'y2="{bottom:.1f}" stroke="{colour}" stroke-width="1" stroke-dasharray="2 3"/>'
        f"<title>{escape(before.source or '?')} | {escape(after.source or '?')}</title></g>"
    )


def _legend_columns(names: Sequence[str], space: int, symbol: int = 16) -> int:
    """How many columns of legend keys (3, 2 or 1) share ``space`` units: the most whose
    widest key (its ``symbol`` units of symbol and gap, its name at font size 12 and 8 units
    before the next) fits its column, so that long names do not run into the next key."""
    widest = symbol + max((_text_width(name, 12) for name in names), default=0.0) + 8
    return next((count for count in (3, 2) if widest <= space // count), 1)


def _text_width(text: str, size: float) -> float:
    """A generous estimate of the width of ``text`` at font size ``size``: an em for a wide
    (East Asian) character, 0.55 em for any other (Noto Sans averages under 0.5 em)."""
    return sum(size if east_asian_width(c) in "WF" else 0.55 * size for c in text)


def sparkline(
    values: Sequence[float],
    title: str,
    width: int = 100,
    height: int = 24,
    *,
    style: Style = NUMBER,
    lang: str = "en",
) -> Markup:
    """A small line of ``values`` in time order, without axes; the title is its text, the
    values (in ``style`` for ``lang``, separated by semicolons) its description."""
    if not values:
        return _svg(width, height, title, title, "", "sparkline")
    x = _scale(0, max(len(values) - 1, 1), 2, width - 2)
    y = _scale(min(values), max(values), height - 2, 2)
    path = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
    last = (
        f'<circle cx="{x(len(values) - 1):.1f}" cy="{y(values[-1]):.1f}" r="2" '
        f'fill="{PALETTE[0]}"/>'
    )
    body = f'<polyline points="{path}" fill="none" stroke="{PALETTE[0]}" stroke-width="1.5"/>{last}'
    desc = "; ".join(number(value, style, lang) for value in values)
    return _svg(width, height, title, desc, body, "sparkline")


def ranked_bars(
    bars: Sequence[tuple[str, float]],
    title: str,
    desc: str,
    width: int = 640,
    highlight: Sequence[str] = (),
    *,
    style: Style = NUMBER,
    lang: str = "en",
) -> Markup:
    """Horizontal bars, largest first, each labelled with its name (shortened with an
    ellipsis where too long for the margin) and value (in ``style`` for ``lang``); names in
    ``highlight`` drawn in a second colour."""
    ranked = sorted(bars, key=lambda bar: (-bar[1], bar[0]))
    row, left, right = 16, 170, 60
    height = row * len(ranked) + 8
    values = [v for _name, v in ranked]
    low = min([0.0, *values])
    x = _scale(low, max([*values, low + 1e-9]), left, width - right)
    parts = []
    for i, (name, value) in enumerate(ranked):
        top = 4 + i * row
        colour = PALETTE[1] if name in highlight else PALETTE[0]
        start, end = sorted((x(0.0), x(value)))
        parts.append(
            f'<g class="bar"><text x="{left - 6}" y="{top + 11}" text-anchor="end" '
            f'font-size="11">{escape(_shortened(name, left - 12))}</text>'
            f'<rect x="{start:.1f}" y="{top}" '
            f'width="{max(end - start, 1):.1f}" height="{row - 4}" fill="{colour}">'
            f"<title>{escape(name)}: {number(value, style, lang)}</title></rect>"
            f'<text x="{end + 4:.1f}" y="{top + 11}" font-size="11">'
            f"{number(value, style, lang)}</text></g>"
        )
    return _svg(width, height, title, desc, "".join(parts), "chart ranked-bars")


def _shortened(name: str, space: float, size: float = 11) -> str:
    """``name``, cut with an ellipsis where it would not fit ``space`` units at font size
    ``size`` (its full text is the bar's title)."""
    if _text_width(name, size) <= space:
        return name
    while name and _text_width(name + "\u2026", size) > space:
        name = name[:-1]
    return name.rstrip() + "\u2026"


YearValue = tuple[int, float]
"""A value in a year: a point of a progress chart's series, its baseline, target..."""
PROGRESS_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "series": "Series",
        "interval": "95% confidence interval",
        "baseline": "Baseline",
        "target": "Target",
        "projection": "Projection",
        "milestone": "Milestone",
    }
)
"""The progress chart's legend, in English (give ``labels`` for another language)."""
PROGRESS_COLOURS: Mapping[str, str] = MappingProxyType(
    {
        "series": PALETTE[0],
        "interval": PALETTE[0],
        "baseline": PALETTE[2],
        "target": PALETTE[3],
        "projection": PALETTE[1],
        "milestone": PALETTE[4],
    }
)
"""The colour of each element of a progress chart (shapes and dashes differ too)."""
OTHER_COLOURS = (PALETTE[5], PALETTE[7], PALETTE[6])
"""The colours of the other sources' lines on a progress chart (dotted, square points)."""


def progress_chart(
    points: Sequence[YearValue],
    baseline: YearValue | None,
    target: YearValue | None,
    projected: YearValue | None,
    title: str,
    desc: str | None = None,
    *,
    labels: Mapping[str, str] | None = None,
    intervals: Mapping[int, tuple[float, float]] | None = None,
    milestones: Sequence[YearValue] = (),
    source: str | None = None,
    others: Mapping[str, Sequence[YearValue]] | None = None,
    width: int = 640,
    height: int = 300,
    font_family: str | None = None,
    legend: bool = True,
    style: Style = NUMBER,
    lang: str = "en",
) -> Markup:
    """An indicator's progress towards its target: the series (``(year, value)`` points,
    with 95% confidence intervals as whiskers where ``intervals`` gives them by year), the
    baseline marked, the target as a dashed line up to a point at the target year, interim
    milestones, and the projection from the latest point to the target year, dashed.

    ``source`` names the series' source beside its key. ``others`` are the indicator's other
    sources (source code → points): each is drawn as its own dotted line, named by its code
    in the legend, never joined to the series (two sources are not one series).

    ``baseline``, ``target`` and ``projected`` are ``(year, value)`` or None. ``labels``
    names the legend's keys (:data:`PROGRESS_LABELS`'s, in the chart's language); ``desc``
    (default: every value of the chart, written out with those names) is the text
    alternative. ``font_family`` (a CSS font-family list) sets the text's fonts where the
    page's do not reach the chart, as in a PDF. Without ``legend``, the page gives the
    legend itself (see :func:`progress_key`): SVG renderers that place text letter by
    letter, as WeasyPrint does, cannot shape scripts such as Khmer and Lao. Values are
    written in ``style`` for ``lang`` (:func:`decentwork.formatting.number`), ticked at 1, 2
    or 5 times a power of ten; years as often as they fit."""
    names = {**PROGRESS_LABELS, **(labels or {})}
    if source:
        names["series"] = f"{names['series']} {source}"
    apart = {
        f"other:{code}": sorted((int(year), float(value)) for year, value in found)
        for code, found in sorted((others or {}).items())
        if found
    }
    names.update({key: key.removeprefix("other:") for key in apart})
    drawn = {
        **PROGRESS_COLOURS,
        **{key: OTHER_COLOURS[n % len(OTHER_COLOURS)] for n, key in enumerate(apart)},
    }
    series = sorted((int(year), float(value)) for year, value in points)
    bounds = {year: bound for year, bound in (intervals or {}).items() if year in dict(series)}
    marks = {"baseline": baseline, "target": target, "projection": projected}
    extra = [point for point in (*marks.values(), *milestones) if point is not None]
    if desc is None:
        desc = _progress_text(series, marks, milestones, names, apart, style, lang)
    if not series:
        return _svg(width, 40, title, desc, "", "chart chart-empty", font_family)
    keys = [
        "series",
        *(["interval"] if bounds else []),
        *(key for key, point in marks.items() if point is not None),
        *(["milestone"] if milestones else []),
        *apart,
    ]
    columns = _legend_columns([names[key] for key in keys], width - 56, symbol=26)
    rows = -(-len(keys) // columns) if legend else 0
    left, right, top, bottom = 56, 16, 12, 22 + 18 * (rows + 1 if legend else 0)
    elsewhere = [point for found in apart.values() for point in found]
    years = [year for year, _ in (*series, *extra, *elsewhere)]
    values = [
        0.0,
        *(value for _, value in (*series, *extra, *elsewhere)),
        *(v for bound in bounds.values() for v in bound),
    ]
    ticks = nice_ticks(min(values), max(values))
    low, high = ticks[0], ticks[-1]
    x = _scale(min(years), max(years), left + 8, width - right - 8)
    y = _scale(low, high, height - bottom, top)
    parts = [_value_axis(ticks, left, width - right, y, lang)]
    if low < 0 < high:
        parts.append(
            f'<line class="zero" x1="{left}" y1="{y(0):.1f}" x2="{width - right}" '
            f'y2="{y(0):.1f}" stroke="#999" stroke-width="0.5"/>'
        )
    parts.extend(
        f'<text x="{x(year):.1f}" y="{y(low) + 16:.1f}" text-anchor="middle" '
        f'font-size="11">{year}</text>'
        for year in year_ticks(min(years), max(years), width - left - right - 16)
    )
    for key, found in apart.items():
        path = " ".join(f"{x(year):.1f},{y(value):.1f}" for year, value in found)
        parts.append(
            f'<g class="other-source" data-source="{escape(names[key])}">'
            + (
                f'<polyline points="{path}" fill="none" stroke="{drawn[key]}" '
                'stroke-width="1.5" stroke-dasharray="1 3"/>'
                if len(found) > 1
                else ""
            )
            + "".join(
                f"{_progress_shape('other', x(year), y(value), drawn[key])}"
                f"<title>{escape(names[key])} {year}: {number(value, style, lang)}</title>"
                for year, value in found
            )
            + "</g>"
        )
    for year, (lower, upper) in sorted(bounds.items()):
        parts.append(
            f'<g class="interval" stroke="{PALETTE[0]}"><line x1="{x(year):.1f}" '
            f'y1="{y(lower):.1f}" x2="{x(year):.1f}" y2="{y(upper):.1f}"/>'
            + "".join(
                f'<line x1="{x(year) - 3:.1f}" y1="{y(v):.1f}" x2="{x(year) + 3:.1f}" '
                f'y2="{y(v):.1f}"/>'
                for v in (lower, upper)
            )
            + f"<title>{year}: [{interval(lower, upper, style, lang)}]</title></g>"
        )

    def mark(key: str, point: YearValue, line: str = "") -> str:
        """A marked point (after the ``line`` leading to it), with its value as title."""
        return (
            f'<g class="{key}">{line}'
            f"{_progress_shape(key, x(point[0]), y(point[1]), drawn[key])}"
            f"<title>{escape(names[key])} {point[0]}: {number(point[1], style, lang)}</title></g>"
        )

    def dashed(start: YearValue, end: YearValue, key: str, dash: str) -> str:
        return (
            f'<line x1="{x(start[0]):.1f}" y1="{y(start[1]):.1f}" x2="{x(end[0]):.1f}" '
            f'y2="{y(end[1]):.1f}" stroke="{drawn[key]}" stroke-width="2" '
            f'stroke-dasharray="{dash}"/>'
        )

    if target is not None:
        start = baseline[0] if baseline is not None else series[0][0]
        parts.append(mark("target", target, dashed((start, target[1]), target, "target", "6 4")))
    if projected is not None:
        latest = next((p for p in reversed(series) if p[0] <= projected[0]), series[-1])
        parts.append(mark("projection", projected, dashed(latest, projected, "projection", "3 3")))
    path = " ".join(f"{x(year):.1f},{y(value):.1f}" for year, value in series)
    parts.append(
        f'<g class="series"><polyline points="{path}" fill="none" '
        f'stroke="{drawn["series"]}" stroke-width="2"/>'
        + "".join(
            f'<circle cx="{x(year):.1f}" cy="{y(value):.1f}" r="3" '
            f'fill="{drawn["series"]}"><title>{year}: {number(value, style, lang)}</title>'
            "</circle>"
            for year, value in series
        )
        + "</g>"
    )
    if baseline is not None:
        parts.append(mark("baseline", baseline))
    parts.extend(mark("milestone", milestone) for milestone in milestones)
    for n, key in enumerate(keys if legend else ()):
        lx = left + (n % columns) * (width - left) // columns
        ly = height - bottom + 34 + 18 * (n // columns)
        parts.append(
            f'<g class="key">{_progress_key(key, lx, ly - 3, drawn[key])}'
            f'<text x="{lx + 26}" y="{ly + 1}" font-size="12">'
            f"{escape(names[key])}</text></g>"
        )
    return _svg(width, height, title, desc, "".join(parts), "chart progress-chart", font_family)


def _progress_shape(key: str, cx: float, cy: float, colour: str) -> str:
    """The marker of a baseline (ring), target (square), projection (hollow circle) or
    milestone (diamond) centred on (cx, cy): shapes differ, so colour is not the only cue."""
    if key == "target":
        return f'<rect x="{cx - 4:.1f}" y="{cy - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if key.startswith("other"):
        return f'<rect x="{cx - 3:.1f}" y="{cy - 3:.1f}" width="6" height="6" fill="{colour}"/>'
    if key == "milestone":
        return (
            f'<polygon points="{cx:.1f},{cy - 5:.1f} {cx + 5:.1f},{cy:.1f} {cx:.1f},'
            f'{cy + 5:.1f} {cx - 5:.1f},{cy:.1f}" fill="{colour}"/>'
        )
    radius = 6 if key == "baseline" else 4
    return (
        f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{radius}" fill="none" stroke="{colour}" '
        'stroke-width="2"/>'
    )


def progress_key(key: str) -> Markup:
    """The symbol of ``key`` (a key of :data:`PROGRESS_LABELS`) in a progress chart's
    legend, as a small SVG without text, for a legend written in the page."""
    return Markup(
        f'<svg class="key" viewBox="0 0 30 14" width="30" height="14" '
        f'aria-hidden="true">{_progress_key(key, 4, 7, PROGRESS_COLOURS[key])}</svg>'
    )


def _progress_key(key: str, lx: float, ly: float, colour: str) -> str:
    """The legend's symbol of ``key``, 18 units wide, centred at height ``ly``."""
    if key in ("series", "projection", "target"):
        dash = {
            "series": "",
            "projection": ' stroke-dasharray="3 3"',
            "target": ' stroke-dasharray="6 4"',
        }[key]
        line = (
            f'<line x1="{lx}" y1="{ly:.1f}" x2="{lx + 18}" y2="{ly:.1f}" '
            f'stroke="{colour}" stroke-width="2"{dash}/>'
        )
        return line if key == "series" else line + _progress_shape(key, lx + 18, ly, colour)
    if key == "interval":
        return (
            f'<g stroke="{colour}"><line x1="{lx + 9}" y1="{ly - 6:.1f}" x2="{lx + 9}" '
            f'y2="{ly + 6:.1f}"/><line x1="{lx + 6}" y1="{ly - 6:.1f}" x2="{lx + 12}" '
            f'y2="{ly - 6:.1f}"/><line x1="{lx + 6}" y1="{ly + 6:.1f}" x2="{lx + 12}" '
            f'y2="{ly + 6:.1f}"/></g>'
        )
    if key.startswith("other"):
        return (
            f'<line x1="{lx}" y1="{ly:.1f}" x2="{lx + 18}" y2="{ly:.1f}" stroke="{colour}" '
            f'stroke-width="1.5" stroke-dasharray="1 3"/>'
            + _progress_shape(key, lx + 9, ly, colour)
        )
    return _progress_shape(key, lx + 9, ly, colour)


def _progress_text(
    series: Sequence[YearValue],
    marks: Mapping[str, YearValue | None],
    milestones: Sequence[YearValue],
    names: Mapping[str, str],
    others: Mapping[str, Sequence[YearValue]] | None = None,
    style: Style = NUMBER,
    lang: str = "en",
) -> str:
    """Every value of a progress chart in words: ``Series: 2015 5.0; 2022 4.2. Baseline:
    2015 5.0. Target: 2030 3.0.`` (semicolons between points: a decimal comma would make
    commas ambiguous)."""
    shown = [
        ("series", series),
        *((key, [p]) for key, p in marks.items() if p is not None),
        *([("milestone", milestones)] if milestones else []),
        *(others or {}).items(),
    ]
    return " ".join(
        f"{names[key]}: "
        + "; ".join(f"{year} {number(value, style, lang)}" for year, value in found)
        + "."
        for key, found in shown
    )
