"""The SVG charts: text alternatives, bands, the palette, escaping, nice ticks, numbers in
the page's language and unit."""

from __future__ import annotations

import html
import itertools
import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from decentwork import charts
from decentwork.formatting import PERCENT, THOUSANDS


def test_time_series_has_title_desc_and_a_band_where_bounds_exist() -> None:
    svg = charts.time_series(
        [
            charts.Series(
                "KHM",
                [
                    charts.Point("2019", 1.0, 0.5, 1.5),
                    charts.Point("2020", 2.0, 1.5, 2.5),
                    charts.Point("2021", 2.0),
                ],
            ),
            charts.Series("<LAO>", [charts.Point("2019", 3.0)]),
        ],
        "Unemployment",
        "One line per area",
    )
    assert "<title>Unemployment</title><desc>One line per area</desc>" in svg
    assert svg.count('class="band"') == 1
    assert 'class="interval"' not in svg  # two banded points make a band, not bars
    assert charts.PALETTE[0] in svg and charts.PALETTE[1] in svg
    assert "&lt;LAO&gt;" in svg and "<LAO>" not in svg


def test_empty_charts_still_have_a_title() -> None:
    assert "<title>Nothing</title>" in charts.time_series([], "Nothing", "no data")
    assert "<title>Trend</title>" in charts.sparkline([], "Trend")


def test_sparkline_and_ranked_bars() -> None:
    line = charts.sparkline([1.0, 2.0, 1.5], "Trend")
    assert "<title>Trend</title>" in line and "<desc>1; 2; 1.5</desc>" in line
    bars = charts.ranked_bars(
        [("KHM", 1.0), ("LAO", 3.0)], "Ranking", "largest first", highlight=["KHM"]
    )
    assert bars.index("LAO: 3") < bars.index("KHM: 1")
    assert charts.PALETTE[1] in bars


def test_progress_chart_draws_the_series_baseline_target_and_projection() -> None:
    svg = charts.progress_chart(
        [(2022, 4.2), (2015, 5.0), (2019, 4.4)],
        (2015, 5.0),
        (2030, 3.0),
        (2030, 3.44),
        "Unemployment rate",
        intervals={2019: (4.0, 4.8), 2031: (1.0, 2.0)},
        milestones=[(2025, 4.0)],
    )
    assert svg.startswith('<svg class="chart progress-chart"') and 'role="img"' in svg
    assert "<title>Unemployment rate</title>" in svg
    assert (
        "<desc>Series: 2015 5; 2019 4.4; 2022 4.2. Baseline: 2015 5. Target: 2030 3. "
        "Projection: 2030 3.44. Milestone: 2025 4.</desc>"
    ) in svg
    for part in (
        'class="baseline"',
        'class="target"',
        'class="projection"',
        'class="milestone"',
        'class="interval"',
    ):
        assert svg.count(part) == 1, part
    assert "<title>2019: [4 \u2013 4.8]</title>" in svg  # a year outside the series is ignored
    assert 'stroke-dasharray="3 3"' in svg and 'stroke-dasharray="6 4"' in svg
    assert "<title>Target 2030: 3</title>" in svg
    for colour in charts.PROGRESS_COLOURS.values():
        assert colour in svg and colour in charts.PALETTE
    legend = svg.count('class="key"')
    assert legend == 6  # series, interval, baseline, target, projection, milestone


def test_progress_chart_without_target_legend_or_data() -> None:
    svg = charts.progress_chart(
        [(2015, 1.0), (2020, -2.0)],
        None,
        None,
        None,
        "Growth",
        "Custom description",
        legend=False,
        font_family='"Noto Sans Khmer", sans-serif',
    )
    assert "<desc>Custom description</desc>" in svg
    assert 'class="target"' not in svg and 'class="key"' not in svg
    assert 'class="zero"' in svg  # negative values: the zero line is drawn
    assert 'font-family="&quot;Noto Sans Khmer&quot;, sans-serif"' in svg
    empty = charts.progress_chart([], None, None, None, "Nothing")
    assert "<title>Nothing</title>" in empty and "chart-empty" in empty


def test_progress_chart_legend_in_another_language_and_escaped() -> None:
    svg = charts.progress_chart(
        [(2015, 1.0), (2020, 2.0)],
        (2015, 1.0),
        None,
        None,
        "<b>",
        labels={"series": "ស៊េរី", "baseline": "A & B"},
    )
    assert "<title>&lt;b&gt;</title>" in svg and "<b>" not in svg
    assert "ស៊េរី" in svg and "A &amp; B" in svg and "Series" not in svg
    key = charts.progress_key("target")
    assert key.startswith('<svg class="key"') and 'aria-hidden="true"' in key
    assert charts.PROGRESS_COLOURS["target"] in key and "<text" not in key


def _keys(svg: str) -> list[tuple[int, int]]:
    """Where a time series' legend keys are: (x, y) of each key's symbol, in series order."""
    return [(int(x), int(y)) for x, y in re.findall(r'class="key" x="(\d+)" y="(\d+)"', svg)]


def test_legend_keys_with_long_names_take_a_row_each() -> None:
    def chart(*names: str) -> str:
        return charts.time_series(
            [charts.Series(name, [charts.Point("2026M12", 1.0)]) for name in names], "t", "d"
        )

    short = _keys(chart("KHM", "LAO", "VNM", "THA"))
    assert [y for _x, y in short] == [short[0][1]] * 3 + [short[0][1] + 18]
    assert len({x for x, _y in short[:3]}) == 3
    # the PES page's labels: drawn three to a row, each ran into the next (issue 15)
    long = _keys(
        chart(
            "New registrations of job seekers in the month (PES)",
            "Vacancies notified in the month (PES)",
            "Placements in the month (PES)",
        )
    )
    assert {x for x, _y in long} == {short[0][0]}
    assert [y for _x, y in long] == [long[0][1], long[0][1] + 18, long[0][1] + 36]
    # two to a row when two fit; wide (Chinese) characters count double
    assert len({y for _x, y in _keys(chart("x" * 30, "y" * 30, "z"))}) == 2
    assert len({y for _x, y in _keys(chart("x" * 16, "y", "z"))}) == 1
    assert len({y for _x, y in _keys(chart("职" * 16, "业", "率"))}) == 2


# One series per source, and the interval of a lone point (issue 21) --------------------------


def _polylines(svg: str) -> list[list[tuple[float, float]]]:
    """The points of each polyline of ``svg``."""
    return [
        [(float(x), float(y)) for x, y in re.findall(r"([\d.]+),([\d.]+)", points)]
        for points in re.findall(r'<polyline points="([^"]*)"', svg)
    ]


def test_a_two_source_series_is_never_one_line_and_the_break_is_marked() -> None:
    # Cambodia's unemployment rate as one spliced series would give it: a household survey
    # (BB:3064), then the 2004 labour force survey (BA:1321), then the household survey again
    spliced = [
        charts.Point("2003", 0.909, source="BB:3064"),
        charts.Point("2004", 7.53, source="BA:1321"),
        charts.Point("2007", 1.257, source="BB:3064"),
        charts.Point("2009", 0.579, source="BB:3064"),
    ]
    svg = charts.time_series([charts.Series("Cambodia", spliced)], "8.5.2", "d")
    lines = _polylines(svg)
    # three pieces: 2003 alone, 2004 alone, 2007-2009; no segment joins two sources
    assert [len(line) for line in lines] == [1, 1, 2]
    assert svg.count('class="break"') == 2
    assert "<title>BB:3064 | BA:1321</title>" in svg and "<title>BA:1321 | BB:3064</title>" in svg
    # each break sits halfway between the two sources' points
    x_2003, x_2004 = lines[0][0][0], lines[1][0][0]
    [middle] = re.findall(r'class="break"><line x1="([\d.]+)"', svg)[:1]
    assert float(middle) == pytest.approx((x_2003 + x_2004) / 2, abs=0.1)
    assert "Cambodia 2004: 7.53 (BA:1321)" in svg  # the point names its source
    # one source throughout: one line, no break
    one = charts.time_series(
        [charts.Series("Cambodia BB:3064", [p for p in spliced if p.source == "BB:3064"])],
        "8.5.2",
        "d",
    )
    assert [len(line) for line in _polylines(one)] == [3] and 'class="break"' not in one
    assert "Cambodia BB:3064</text>" in one  # the legend names the source


def test_a_one_period_series_shows_its_interval_as_a_bar() -> None:
    svg = charts.time_series(
        [charts.Series("Canada BA:147 M", [charts.Point("2024M03", 6.442, 6.2, 6.7)])],
        "Unemployment rate",
        "d",
    )
    assert 'class="band"' not in svg  # no polygon of zero width
    [bar] = re.findall(r'<g class="interval"[^>]*>(.*?)</g>', svg)
    ends = [tuple(map(float, m)) for m in re.findall(r'x1="([\d.]+)" y1="([\d.]+)"', bar)]
    ys = sorted(float(y) for y in re.findall(r'y[12]="([\d.]+)"', bar))
    assert len(ends) == 3  # the bar and its two whiskers
    assert ys[-1] - ys[0] > 10  # it spans the interval, visibly
    assert "<title>2024M03: [6.2 \u2013 6.7]</title>" in bar
    # the point sits inside the bar
    [cy] = re.findall(r'<circle cx="[\d.]+" cy="([\d.]+)"', svg)
    assert ys[0] < float(cy) < ys[-1]


def test_a_progress_chart_draws_other_sources_apart_and_names_them() -> None:
    svg = charts.progress_chart(
        [(2015, 6.59), (2020, 5.69), (2021, 6.19)],
        (2015, 6.59),
        None,
        None,
        "8.6.1",
        source="BB:3064",
        others={"AA:1320": [(2008, 79.17)], "BA:1321": [(2012, 12.72), (2019, 11.38)]},
    )
    [series] = re.findall(r'<g class="series"><polyline points="([^"]*)"', svg)
    assert len(series.split()) == 3  # the assessed source only: no census value in it
    others = re.findall(r'<g class="other-source" data-source="([^"]+)">', svg)
    assert others == ["AA:1320", "BA:1321"]
    # the census' single value is a marker, not a line; the LFS's two values are a line
    census = svg[svg.index('data-source="AA:1320"') : svg.index('data-source="BA:1321"')]
    assert "<polyline" not in census and "AA:1320 2008: 79.17" in census
    assert ">Series BB:3064</text>" in svg  # the legend names the series' source
    assert ">AA:1320</text>" in svg and ">BA:1321</text>" in svg
    assert "AA:1320: 2008 79.17." in svg and "BA:1321: 2012 12.72; 2019 11.38." in svg  # desc


# Ticks, labels and numbers a statistical office would print (issue 21) -----------------------

finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)


@given(finite, finite)
def test_nice_ticks_cover_the_range_in_1_2_5_steps(a: float, b: float) -> None:
    low, high = min(a, b), max(a, b)
    ticks = charts.nice_ticks(low, high)
    assert 3 <= len(ticks) <= 7
    assert ticks[0] <= low and ticks[-1] >= high
    steps = [after - before for before, after in itertools.pairwise(ticks)]
    step = steps[0]
    assert all(s == pytest.approx(step, rel=1e-6) for s in steps)  # evenly spaced
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert any(mantissa == pytest.approx(m, rel=1e-6) for m in (1, 2, 5, 10))
    for t in ticks:  # each a multiple of the step
        assert t / step == pytest.approx(round(t / step), abs=1e-6)


def test_nice_ticks_of_the_ranges_the_dashboard_showed() -> None:
    # the explorer's axis went 0, 3.765, 5.837 (low, middle, high of the data)
    assert charts.nice_ticks(0, 5.837) == [0, 1, 2, 3, 4, 5, 6]
    assert charts.nice_ticks(0, 16_740) == [0, 5_000, 10_000, 15_000, 20_000]
    assert charts.nice_ticks(0, 0.396) == [0, 0.1, 0.2, 0.3, 0.4]
    assert charts.nice_ticks(4, 4) == pytest.approx([3.6, 3.8, 4.0, 4.2, 4.4])


def _ticks(svg: str) -> list[str]:
    return re.findall(r'<text class="tick"[^>]*>([^<]*)</text>', svg)


def test_value_axes_are_ticked_nicely_in_the_language() -> None:
    level = [charts.Point("2023", 16_510.2), charts.Point("2024", 16_740.3, 16_400.0, 17_080.0)]
    svg = charts.time_series([charts.Series("Canada", level)], "Employment", "d", style=THOUSANDS)
    assert _ticks(svg) == ["0", "5,000", "10,000", "15,000", "20,000"]
    assert "Canada 2024: 16,740.3 [16,400.0 \u2013 17,080.0]" in svg
    assert "e+0" not in svg
    french = charts.time_series(
        [charts.Series("Canada", level)], "Emploi", "d", style=THOUSANDS, lang="fr"
    )
    assert _ticks(french) == ["0", "5\u202f000", "10\u202f000", "15\u202f000", "20\u202f000"]
    assert "Canada 2024: 16\u202f740,3 [16\u202f400,0 \u2013 17\u202f080,0]" in french
    rates = charts.progress_chart(
        [(2015, 6.59), (2020, 5.69), (2021, 6.19)], None, None, None, "NEET", style=PERCENT
    )
    assert _ticks(rates) == ["0", "2", "4", "6", "8"]
    assert "<title>2020: 5.7</title>" in rates and "Series: 2015 6.6; 2020 5.7; 2021 6.2." in rates
    lao = charts.progress_chart([(2015, 0.5), (2020, 1.25)], None, None, None, "t", lang="lo")
    assert _ticks(lao) == ["0,0", "0,5", "1,0", "1,5"]  # Lao: a decimal comma
    assert "<title>2020: 1,25</title>" in lao


def _labels(svg: str) -> list[tuple[float, str]]:
    """The period labels under a chart's axis: (x, text)."""
    return [
        (float(x), text)
        for x, text in re.findall(
            r'<text x="([\d.]+)" y="[\d.]+" text-anchor="middle"[^>]*>([^<]*)<', svg
        )
    ]


@pytest.mark.parametrize("width", [340, 640])
def test_period_labels_never_collide(width: int) -> None:
    months = [f"{year}M{month:02}" for year in range(2020, 2025) for month in range(1, 13)]
    svg = charts.time_series(
        [charts.Series("PES", [charts.Point(t, float(n)) for n, t in enumerate(months)])],
        "t",
        "d",
        width=width,
    )
    labels = _labels(svg)
    assert labels[0][1] == months[-1]  # the latest period is always labelled
    xs = sorted(x for x, _text in labels)
    width_of = charts._text_width("2024M12", 11)
    assert all(b - a >= width_of for a, b in itertools.pairwise(xs))
    years = charts.progress_chart(
        [(year, 1.0) for year in range(2000, 2024)], None, (2030, 0.5), None, "t", width=width
    )
    found = sorted(_labels(years))
    assert all(b[0] - a[0] >= charts._text_width("2000", 11) for a, b in itertools.pairwise(found))
    step = int(found[1][1]) - int(found[0][1])
    assert step in (1, 2, 5, 10) and all(int(text) % step == 0 for _x, text in found)


def test_progress_legend_keys_with_long_names_do_not_run_into_each_other() -> None:
    french = {
        "series": "Série",
        "interval": "Intervalle de confiance à 95 %",
        "baseline": "Valeur de référence",
        "target": "Cible",
        "projection": "Projection",
        "milestone": "Jalon",
    }
    svg = charts.progress_chart(
        [(2015, 5.0), (2020, 4.0)],
        (2015, 5.0),
        (2030, 3.0),
        (2030, 3.5),
        "t",
        labels=french,
        intervals={2020: (3.5, 4.5)},
        milestones=[(2025, 3.8)],
    )
    keys = re.findall(r'<g class="key">.*?<text x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)</text>', svg)
    rows: dict[str, list[tuple[float, str]]] = {}
    for x, y, text in keys:
        rows.setdefault(y, []).append((float(x), text))
    for row in rows.values():
        for (x, text), (after, _next) in itertools.pairwise(row):
            assert x + charts._text_width(text, 12) < after - 26, (text, _next)


def test_ranked_bars_name_fits_the_margin_and_values_their_unit() -> None:
    long = "Lao People's Democratic Republic and its neighbours"
    svg = charts.ranked_bars(
        [(long, 16_740.25), ("Cambodia", 1_220.0)], "t", "d", style=THOUSANDS, lang="fr"
    )
    names = re.findall(r'text-anchor="end" font-size="11">([^<]*)</text>', svg)
    assert names[0].endswith("\u2026") and names[1] == "Cambodia"
    assert all(charts._text_width(html.unescape(name), 11) <= 170 - 12 for name in names)
    assert f"<title>{long.replace(chr(39), '&#x27;')}: 16\u202f740,3</title>" in svg
    assert ">1\u202f220,0</text>" in svg
