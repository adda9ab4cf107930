"""A brief's trend charts keep to one source (issue 21): Cambodia's NEET and unemployment
rates are drawn from the household survey alone, the census and labour force survey values
that a spliced series jumped to are not in them, and each chart names its source."""

from __future__ import annotations

import re

from decentwork.formatting import PERCENT, number
from decentwork.reports.render import html
from tests.reports.conftest import brief_of


def figure(page: str, code: str) -> str:
    """The ``<figure>`` of framework indicator ``code`` in a brief's HTML."""
    return next(
        found
        for found in re.findall(r"<figure>.*?</figure>", page, flags=re.S)
        if f'<span class="sdg">{code}</span>' in found
    )


def test_the_brief_charts_keep_to_one_source_and_name_it(brief_url: str) -> None:
    brief = brief_of(brief_url, "KHM")
    rows = {row.code: row for row in brief.headline}
    page = html(brief)
    for code, spliced in (("8.6.1", "79.2"), ("8.5.2", "7.5")):  # 79.17, 7.53
        row = rows[code]
        assert row.series.sources == ("BB:3064",) and row.source == "BB:3064"
        drawn = figure(page, code)
        assert '<span class="source">BB:3064</span></figcaption>' in drawn
        points = re.findall(r"<title>(\d{4}): ([\d.]+)</title></circle>", drawn)
        assert points == [(str(y), number(v, PERCENT)) for y, v in row.series.points]
        assert spliced not in {v for _, v in points}  # the census / 2004 LFS jump is gone
    # the change since the previous period stays within the household survey
    assert rows["8.6.1"].previous == (2020, 5.69) and rows["8.6.1"].latest == (2021, 6.19)
    assert "Each series keeps to one source, never joined to another" in page
