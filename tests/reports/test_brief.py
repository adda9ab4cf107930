"""The country brief's content, read off the warehouse: headline values equal the warehouse's,
confidence intervals from stored bounds or from standard errors, the progress tables, the
sources and releases, the area's name, and an area without data."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from decentwork import demo
from decentwork.errors import NotFound
from decentwork.monitoring.frameworks import load_framework
from decentwork.monitoring.tracking import NO_DATA, track
from decentwork.reports.brief import HEADLINE, PARTNERSHIP, SDG8, Z_95, collect
from decentwork.reports.render import html
from decentwork.warehouse import Filters, engine, view
from tests.reports.conftest import brief_of


def annual(url: str, area: str, indicator: str, **codes: str):
    """The warehouse's annual observations of one series (the latest view)."""
    target = engine(url)
    try:
        with target.connect() as connection:
            found = view(
                connection,
                Filters.parse(
                    {
                        "ref_area": [area],
                        "indicator": [indicator],
                        **{column: [code] for column, code in codes.items()},
                    },
                    None,
                ),
            )
    finally:
        target.dispose()
    return found[found["time"].str.fullmatch(r"[0-9]{4}") & found["obs_value"].notna()]


def test_the_headline_is_the_sdg8_frameworks_five_indicators(brief_url: str) -> None:
    brief = brief_of(brief_url, "KHM")
    sdg8 = load_framework(SDG8)
    assert [row.code for row in brief.headline] == list(HEADLINE)
    assert [row.indicator for row in brief.headline] == [
        sdg8.indicator(code)[2].indicator for code in HEADLINE
    ]
    assert [row.indicator for row in brief.headline] == [
        "SDG_0852_SEX_AGE_RT",
        "SDG_0861_SEX_RT",
        "SDG_0831_SEX_ECO_RT",
        "SDG_0851_SEX_OCU_NB",
        "SDG_A821_NOC_RT",
    ]


def test_latest_values_and_changes_equal_the_warehouses(brief_url: str) -> None:
    brief = brief_of(brief_url, "KHM")
    unemployment = brief.headline[0]
    rows = annual(
        brief_url, "KHM", "SDG_0852_SEX_AGE_RT", sex="SEX_T", classif1="AGE_YTHADULT_YGE15"
    )
    year = rows["time"].astype(int).max()
    latest = rows[rows["time"] == str(year)]
    assert len(latest) == 1  # one source in 2021
    assert unemployment.latest == (year, latest["obs_value"].iloc[0]) == (2021, 0.396)
    assert unemployment.source == latest["source"].iloc[0] == "BB:3064"
    assert unemployment.previous == (2020, 0.172)
    assert unemployment.change == pytest.approx(0.396 - 0.172)
    for row in brief.headline:
        years = [year for year, _ in row.series.points]
        assert years == sorted(set(years)) and row.latest == row.series.points[-1]
    # ILOSTAT's bulk files carry no uncertainty: no interval is made up
    assert all(row.interval(row.latest[0]) is None for row in brief.headline)


def test_the_progress_tables_are_the_frameworks_tracked_totals(brief_url: str) -> None:
    brief = brief_of(brief_url, "KHM")
    for status, name in ((brief.sdg8, SDG8), (brief.partnership, PARTNERSHIP)):
        framework = load_framework(name)
        # the monthly indicators (the PES's) have a section of their own, when they have data
        assert [row.code for row in status.rows] == [
            spec.code for _, _, spec in framework.indicators() if spec.frequency == "annual"
        ]
        target = engine(brief_url)
        with target.connect() as connection:
            expected = track(connection, framework, ["KHM"], breakdowns=False)
        target.dispose()
        for row in status.rows:
            for progress in (p for p in expected.rows if p.code == row.code):
                assert row.assessments[progress.assessment.method] == progress.assessment
    rows = {row.code: row for row in brief.sdg8.rows}
    assert rows["8.5.2"].main.baseline_year == 2015
    assert rows["8.5.2"].main.latest_value == 0.396
    assert rows["8.b.1"].main.status == NO_DATA and "yes/no status" in rows["8.b.1"].main.reason
    assert rows["1.1.1"].main.status == NO_DATA
    # no numeric target for KHM: only Open SDG assesses, the other methods are not shown
    assert rows["8.5.2"].targeted == {}
    assert [m.year for m in brief.partnership.framework.milestones][:2] == [1919, 2001]


def test_sources_and_releases_are_those_of_the_figures(brief_url: str) -> None:
    brief = brief_of(brief_url, "KHM")
    assert brief.sources["BB:3064"] == "HIES - Household Socio-Economic Survey"
    assert brief.sources["BA:1321"] == "LFS - Labour Force Survey"
    used = {
        source
        for status in (brief.sdg8, brief.partnership)
        for row in status.rows
        for source in row.series.sources
    }
    assert set(brief.sources) == used
    assert [r.dataset for r in brief.releases] == [
        "SDG_0831_SEX_ECO_RT_A",
        "SDG_0851_SEX_OCU_NB_A",
        "SDG_0852_SEX_AGE_RT_A",
        "SDG_0861_SEX_RT_A",
        "SDG_A821_NOC_RT_A",
    ]
    assert all(r.loaded_at is not None for r in brief.releases)


@pytest.mark.parametrize(
    ("lang", "name", "named_in"),
    [
        ("en", "Cambodia", "en"),
        ("km", "កម្ពុជា", "km"),
        ("lo", "ກຳປູເຈຍ", "lo"),
        ("zh", "柬埔寨", "zh"),
        ("fr", "Cambodge", "fr"),
        ("es", "Camboya", "es"),
    ],
)
def test_the_area_is_named_in_the_briefs_language(
    brief_url: str, lang: str, name: str, named_in: str
) -> None:
    brief = brief_of(brief_url, "KHM", lang)
    assert (brief.label, brief.label_lang) == (name, named_in)


def test_a_group_is_named_from_the_names_catalogue(brief_url: str) -> None:
    brief = brief_of(brief_url, "X01", "km")  # ILOSTAT's code of the world, not a country
    assert (brief.label, brief.label_lang) == ("ពិភពលោក", "km")
    assert brief_of(brief_url, "X01").label == "World"


def test_an_area_without_any_data_is_refused(brief_url: str) -> None:
    target = engine(brief_url)
    with target.connect() as connection, pytest.raises(NotFound, match=r"'XYZ'.*no obs") as raised:
        collect(connection, "XYZ")
    target.dispose()
    assert raised.value.given == "XYZ" and "decentwork info" in (raised.value.hint or "")


def test_confidence_intervals_come_from_the_standard_error_or_the_stored_bounds(
    demo_url: str,
) -> None:
    brief = brief_of(demo_url, demo.DEMO_AREA)
    unemployment, neet = brief.headline[0], brief.headline[1]
    rows = annual(
        demo_url, demo.DEMO_AREA, "SDG_0852_SEX_AGE_RT", sex="SEX_T", classif1="AGE_YTHADULT_YGE15"
    )
    value, se = rows["obs_value"].iloc[0], rows["se"].iloc[0]
    assert se > 0 and math.isnan(rows["lower_bound"].iloc[0])
    year = unemployment.latest[0]
    assert unemployment.interval(year) == (value - Z_95 * se, value + Z_95 * se)
    stored = annual(demo_url, demo.DEMO_AREA, "SDG_0861_SEX_RT", sex="SEX_T")
    assert neet.interval(year) == (stored["lower_bound"].iloc[0], stored["upper_bound"].iloc[0])
    assert unemployment.change is None  # one survey year: nothing to compare with


def test_national_targets_bring_the_other_methods_and_the_projection(
    brief_url: str, tmp_path: Path
) -> None:
    targets = tmp_path / "targets.yaml"
    targets.write_text(
        '"8.5.2":\n  KHM:\n    target: {value: 0.3, year: 2030}\n'
        "    milestones: [{year: 2025, value: 0.35}]\n",
        encoding="utf-8",
    )
    target = engine(brief_url)
    with target.connect() as connection:
        brief = collect(connection, "KHM", targets=targets)
    target.dispose()
    unemployment = brief.headline[0]
    assert unemployment.main.target_value == 0.3 and unemployment.main.projected_year == 2030
    assert set(unemployment.targeted) == {"unsd", "unsd-cagr", "escap"}
    assert unemployment.milestones == ((2025, 0.35),)
    page = html(brief)
    chart = re.search(r'<svg class="chart progress-chart".*?</svg>', page, re.DOTALL).group()
    for part in ('class="target"', 'class="projection"', 'class="milestone"'):
        assert part in chart, part
    assert "Target: 0.3 by 2030" in page and "ESCAP:" in page


def test_the_brief_s_95_percent_quantile_is_the_kernel_s() -> None:
    from decentwork.estimation.intervals import normal_quantile
    from decentwork.reports.brief import Z_95

    assert pytest.approx(normal_quantile(0.95), abs=1e-12) == Z_95
    assert Z_95 != 1.96
