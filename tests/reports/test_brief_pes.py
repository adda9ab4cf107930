"""The brief's public employment service section: the partnership framework's PES
indicators (placements, placement rate, registered job seekers) with their latest month,
change and progress when the area has PES statistics, and nothing about them when it has
none; on the constructed statistics of tests/monitoring/pes_statistics.py."""

from __future__ import annotations

import pytest

from decentwork.reports.brief import Brief
from decentwork.reports.render import html
from tests.monitoring.pes_statistics import sqlite_url, warehouse_with_pes
from tests.reports.conftest import brief_of


@pytest.fixture(scope="module")
def pes_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("brief-pes")
    return warehouse_with_pes(sqlite_url(folder), folder)


def section(page: str) -> str:
    return page[page.index('<section id="pes">') :].split("</section>")[0]


def test_the_brief_shows_the_pes_indicators(pes_url: str) -> None:
    brief: Brief = brief_of(pes_url, "KHM")
    assert [(r.code, r.indicator) for r in brief.pes] == [
        ("A2.2.1", "PES_PLC_NB"),
        ("A2.2.2", "PES_PLC_LVR_RT"),
        ("A2.2.3", "PES_SKR_REG_NB"),
    ]
    seekers = brief.pes[2]
    assert seekers.latest_month == ("2026M11", 1220.0)
    assert seekers.previous_month == ("2026M10", 1210.0)
    assert seekers.month_change == 10.0
    assert seekers.source == "PES:KHM"
    assert seekers.main.status == "substantial_progress"
    # the partnership table leaves them to their section; sources and releases name them
    assert not {"A2.2.1", "A2.2.2", "A2.2.3"} & {r.code for r in brief.partnership.rows}
    assert "PES:KHM" in brief.sources
    assert "pes-khm" in {r.dataset for r in brief.releases}
    shown = section(html(brief))
    assert "<h2>Public employment service</h2>" in shown
    assert "Job seekers registered with public employment services" in shown
    assert "<strong>1,220</strong>" in shown and "(2026M11)" in shown
    assert "+10" in shown and "since 2026M10" in shown
    assert "<strong>51.0</strong>" in shown  # the placement rate (percent), 40 + 0.5 * 22
    assert "Substantial progress" in shown


def test_the_brief_in_khmer_translates_the_section(pes_url: str) -> None:
    shown = section(html(brief_of(pes_url, "KHM", "km")))
    assert "សេវាការងារសាធារណៈ" in shown and "ខែចុងក្រោយ" in shown
    assert "Public employment service" not in shown


def test_nothing_about_the_pes_without_its_statistics(pes_url: str) -> None:
    brief = brief_of(pes_url, "LAO")
    assert brief.pes == ()
    page = html(brief)
    assert 'id="pes"' not in page and "Public employment service" not in page
    assert "A2.2.2" not in page and "PES_" not in page
