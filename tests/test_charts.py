"""The SVG charts: text alternatives, bands, the palette, escaping."""

from __future__ import annotations

from decentwork import charts


def test_time_series_has_title_desc_and_a_band_where_bounds_exist() -> None:
    svg = charts.time_series([
        charts.Series("KHM", [charts.Point("2019", 1.0, 0.5, 1.5), charts.Point("2020", 2.0)]),
        charts.Series("<LAO>", [charts.Point("2019", 3.0)]),
    ], "Unemployment", "One line per area")
    assert "<title>Unemployment</title><desc>One line per area</desc>" in svg
    assert svg.count('class="band"') == 1
    assert charts.PALETTE[0] in svg and charts.PALETTE[1] in svg
    assert "&lt;LAO&gt;" in svg and "<LAO>" not in svg


def test_empty_charts_still_have_a_title() -> None:
    assert "<title>Nothing</title>" in charts.time_series([], "Nothing", "no data")
    assert "<title>Trend</title>" in charts.sparkline([], "Trend")


def test_sparkline_and_ranked_bars() -> None:
    line = charts.sparkline([1.0, 2.0, 1.5], "Trend")
    assert "<title>Trend</title>" in line and "1, 2, 1.5" in line
    bars = charts.ranked_bars([("KHM", 1.0), ("LAO", 3.0)], "Ranking", "largest first",
                              highlight=["KHM"])
    assert bars.index("LAO: 3") < bars.index("KHM: 1")
    assert charts.PALETTE[1] in bars
