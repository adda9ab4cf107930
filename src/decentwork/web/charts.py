"""Charts as inline SVG, drawn on the server so that they show without JavaScript: a time
series with shaded confidence bands, a sparkline and a ranked horizontal bar chart. Each has a
``<title>`` and a ``<desc>`` (its text alternative) and uses the Okabe-Ito palette, which
stays distinguishable with the common colour-vision deficiencies."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape

from markupsafe import Markup

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
           "#000000")
"""Okabe-Ito colours, darkest contrasts first (yellow last: weak on white)."""


@dataclass(frozen=True)
class Point:
    """One value of a series, with its confidence bounds where known."""

    time: str
    value: float
    lower: float | None = None
    upper: float | None = None


@dataclass(frozen=True)
class Series:
    """A named line of a time-series chart."""

    name: str
    points: Sequence[Point] = field(default_factory=tuple)


def _number(value: float) -> str:
    """A value as a short label (up to 4 significant digits)."""
    return f"{value:.4g}"


def _svg(width: int, height: int, title: str, desc: str, body: str, css: str) -> Markup:
    """An accessible SVG element: role img, labelled by its title and described by desc."""
    return Markup(
        f'<svg class="{css}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>{body}</svg>")


def _scale(low: float, high: float, start: float, end: float) -> Callable[[float], float]:
    """A linear map from [low, high] to [start, end] (a flat range maps to the middle)."""
    if high == low:
        return lambda _v: (start + end) / 2
    return lambda v: start + (v - low) * (end - start) / (high - low)


def time_series(series: Sequence[Series], title: str, desc: str, width: int = 640,
                height: int = 300) -> Markup:
    """Lines over time, one per series, with a shaded band between the lower and upper
    bounds where a series has them, a legend and labelled axes."""
    times = sorted({p.time for s in series for p in s.points})
    values = [v for s in series for p in s.points
              for v in (p.value, p.lower, p.upper) if v is not None]
    if not times or not values:
        return _svg(width, 40, title, desc, "", "chart chart-empty")
    left, right, top, bottom = 56, 16, 12, 40 + 18 * ((len(series) + 2) // 3)
    low, high = min(min(values), 0.0), max(values)
    x = _scale(0, max(len(times) - 1, 1), left, width - right)
    y = _scale(low, high, height - bottom, top)
    where = {t: i for i, t in enumerate(times)}
    parts = [f'<line class="axis" x1="{left}" y1="{y(low):.1f}" x2="{width - right}" '
             f'y2="{y(low):.1f}" stroke="#555"/>']
    for tick in (low, (low + high) / 2, high):
        parts.append(f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" '
                     f'font-size="11">{_number(tick)}</text>')
    step = max(1, len(times) // 8)
    for i, t in enumerate(times):
        if i % step == 0 or i == len(times) - 1:
            parts.append(f'<text x="{x(i):.1f}" y="{y(low) + 16:.1f}" text-anchor="middle" '
                         f'font-size="11">{escape(t)}</text>')
    for n, line in enumerate(series):
        colour = PALETTE[n % len(PALETTE)]
        points = sorted(line.points, key=lambda p: p.time)
        group = [f'<g class="series" data-series="{n}">']
        banded = [p for p in points if p.lower is not None and p.upper is not None]
        if banded:
            edge = [f"{x(where[p.time]):.1f},{y(p.upper):.1f}" for p in banded]  # type: ignore[arg-type]
            edge += [f"{x(where[p.time]):.1f},{y(p.lower):.1f}" for p in reversed(banded)]  # type: ignore[arg-type]
            group.append(f'<polygon class="band" points="{" ".join(edge)}" fill="{colour}" '
                         'fill-opacity="0.2" stroke="none"/>')
        path = " ".join(f"{x(where[p.time]):.1f},{y(p.value):.1f}" for p in points)
        group.append(f'<polyline points="{path}" fill="none" stroke="{colour}" '
                     'stroke-width="2"/>')
        for p in points:
            bounds = (f" [{_number(p.lower)}, {_number(p.upper)}]"
                      if p.lower is not None and p.upper is not None else "")
            group.append(f'<circle cx="{x(where[p.time]):.1f}" cy="{y(p.value):.1f}" r="3" '
                         f'fill="{colour}"><title>{escape(line.name)} {escape(p.time)}: '
                         f"{_number(p.value)}{bounds}</title></circle>")
        column, row = n % 3, n // 3
        lx, ly = left + column * (width - left) // 3, height - bottom + 34 + 18 * row
        group.append(f'<rect class="key" x="{lx}" y="{ly - 9}" width="12" height="12" '
                     f'fill="{colour}"/><text x="{lx + 16}" y="{ly + 1}" font-size="12">'
                     f"{escape(line.name)}</text></g>")
        parts.append("".join(group))
    return _svg(width, height, title, desc, "".join(parts), "chart time-series")


def sparkline(values: Sequence[float], title: str, width: int = 100,
              height: int = 24) -> Markup:
    """A small line of ``values`` in time order, without axes; the title is its text."""
    if not values:
        return _svg(width, height, title, title, "", "sparkline")
    x = _scale(0, max(len(values) - 1, 1), 2, width - 2)
    y = _scale(min(values), max(values), height - 2, 2)
    path = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
    last = (f'<circle cx="{x(len(values) - 1):.1f}" cy="{y(values[-1]):.1f}" r="2" '
            f'fill="{PALETTE[0]}"/>')
    body = (f'<polyline points="{path}" fill="none" stroke="{PALETTE[0]}" '
            f'stroke-width="1.5"/>{last}')
    return _svg(width, height, title, ", ".join(map(_number, values)), body, "sparkline")


def ranked_bars(bars: Sequence[tuple[str, float]], title: str, desc: str,
                width: int = 640, highlight: Sequence[str] = ()) -> Markup:
    """Horizontal bars, largest first, each labelled with its name and value; names in
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
            f'font-size="11">{escape(name[:28])}</text><rect x="{start:.1f}" y="{top}" '
            f'width="{max(end - start, 1):.1f}" height="{row - 4}" fill="{colour}">'
            f"<title>{escape(name)}: {_number(value)}</title></rect>"
            f'<text x="{end + 4:.1f}" y="{top + 11}" font-size="11">{_number(value)}</text></g>')
    return _svg(width, height, title, desc, "".join(parts), "chart ranked-bars")
