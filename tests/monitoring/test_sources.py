"""One series per source (issue 21): a progress assessment keeps to one source per area and
indicator, says which, leaves values flagged unreliable out unless asked, and never splices
two surveys; checked on a constructed two-source series and on Cambodia's real SDG 8 series
(ILOSTAT's January 2024 bulk files), whose numbers the tests read from the files themselves."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
import yaml

from decentwork.monitoring import assess, gap
from decentwork.monitoring.sources import choose, frequency, period_end
from decentwork.monitoring.tracking import NO_DATA, Tracking
from decentwork.warehouse import engine, load_file
from tests.monitoring.test_tracking import tracked as tracking_of
from tests.warehouse.conftest import ILOSTAT_HEADER, bulk_file, invoke, write_csv


def tracked(
    url: str,
    areas: tuple[str, ...],
    codes: tuple[str, ...],
    targets: Path | None = None,
    *,
    unreliable: bool = False,
) -> Tracking:
    """The Open SDG assessments of the framework codes ``codes`` in ``areas``."""
    return tracking_of(
        url, "sdg8", areas, targets, codes=codes, methods=("open-sdg",), unreliable=unreliable
    )


def row_of(found: Tracking, area: str, code: str, breakdown: str = "total"):
    [row] = [r for r in found.rows if (r.area, r.code, r.breakdown) == (area, code, breakdown)]
    return row


def bulk(name: str, area: str, sex: str = "SEX_T", classif1: str | None = None) -> pd.DataFrame:
    """One area's rows of a bulk file, as the file gives them."""
    rows = pd.read_csv(bulk_file(name), encoding="utf-8-sig", dtype={"time": str})
    rows = rows[(rows.ref_area == area) & (rows.sex == sex)]
    if classif1:
        rows = rows[rows.classif1 == classif1]
    return rows[rows.obs_value.notna()]


# The rule ------------------------------------------------------------------------------------


def test_the_rule_most_recent_then_longest_then_first_code() -> None:
    # the most recent period wins over a longer series
    assert choose({"BA:1": ["2010", "2011", "2012"], "BB:2": ["2013"]}) == "BB:2"
    # same latest period: the longer series
    assert choose({"BA:1": ["2013"], "BB:2": ["2011", "2013"]}) == "BB:2"
    # same latest period and length: the first code (a labour force survey, BA, first)
    assert choose({"BB:2": ["2012", "2013"], "BA:1": ["2011", "2013"]}) == "BA:1"
    # a month of 2024 is more recent than the year 2022, and a year ends in December
    assert choose({("BA:147", "annual"): ["2022"], ("BA:147", "monthly"): ["2024M03"]}) == (
        "BA:147",
        "monthly",
    )
    assert choose({("a",): ["2024"], ("b",): ["2024M03"]}) == ("a",)
    with pytest.raises(ValueError, match="no series"):
        choose({})


def test_frequencies_and_period_ends() -> None:
    assert [frequency(t) for t in ("2022", "2022Q1", "2022M03", "2022M13", "x")] == [
        "annual",
        "quarterly",
        "monthly",
        "other",
        "other",
    ]
    assert [period_end(t) for t in ("2022", "2024Q1", "2024M03")] == [
        (2022, 12),
        (2024, 3),
        (2024, 3),
    ]


def test_a_gap_needs_both_groups_from_one_source() -> None:
    women = assess([(2015, 8.0), (2022, 6.0)], "decrease", "open-sdg")
    men = assess([(2015, 5.0), (2022, 4.5)], "decrease", "open-sdg")
    split = gap(replace(women, source="BA:1"), replace(men, source="BB:2"))
    assert split.trend is None
    assert split.reason == "the sources differ (women BA:1, men BB:2)"
    assert gap(replace(women, source="BA:1"), replace(men, source="BA:1")).trend == "narrowing"


# A two-source series, constructed ------------------------------------------------------------

HEADER = ILOSTAT_HEADER[:8]


def two_sources(tmp_path: Path) -> str:
    """A warehouse with one area's unemployment rate from two surveys: a labour force survey
    (BA:1) at 8 % in 2015 and 2017, and a household survey (BB:2) at 1 % in 2016 and 2018,
    with a 2019 value of the household survey flagged unreliable."""
    values = [
        ("BA:1", "2015", "8.0", ""),
        ("BB:2", "2016", "1.0", ""),
        ("BA:1", "2017", "7.0", ""),
        ("BB:2", "2018", "1.2", ""),
        ("BB:2", "2019", "0.2", "U"),
    ]
    rows = [
        ("KHM", "SDG_0852_SEX_AGE_RT", source, sex, "AGE_YTHADULT_YGE15", time, value, status)
        for source, time, value, status in values
        for sex in ("SEX_T", "SEX_F")
    ]
    url = f"sqlite:///{tmp_path / 'w.sqlite'}"
    target = engine(url)
    load_file(target, write_csv(tmp_path / "une.csv", HEADER, rows))
    target.dispose()
    return url


def test_a_two_source_series_is_assessed_on_one_source_never_spliced(tmp_path: Path) -> None:
    url = two_sources(tmp_path)
    row = row_of(tracked(url, ("KHM",), ("8.5.2",)), "KHM", "8.5.2")
    a = row.assessment
    # spliced, 8.0 (2015, BA) -> 1.2 (2018, BB) would read as a fall of 85 %: substantial
    # progress. Kept apart, BB:2 has the more recent reliable year (2018).
    assert row.series.points == ((2016, 1.0), (2018, 1.2))
    assert row.series.others == {"BA:1": ((2015, 8.0), (2017, 7.0))}
    assert (a.source, a.baseline_value, a.latest_value) == ("BB:2", 1.0, 1.2)
    assert a.cagr == pytest.approx((1.2 / 1.0) ** (1 / 2) - 1)
    assert a.status == "deterioration"  # rising unemployment, within one survey
    assert a.notes[0] == (
        "source BB:2 (the source with the most recent period, then the longest series, then "
        "the first code); other sources not assessed, not joined to it: BA:1"
    )
    assert "values flagged unreliable (U) left out: 2019" in a.notes
    flat = row.as_dict()
    assert (flat["source"], flat["other_sources"]) == ("BB:2", "BA:1")
    # the breakdown keeps to the total's source
    women = row_of(tracked(url, ("KHM",), ("8.5.2",)), "KHM", "8.5.2", "women").assessment
    assert women.source == "BB:2" and "(the source of the total)" in women.notes[0]


def test_unreliable_values_count_only_when_asked(tmp_path: Path) -> None:
    url = two_sources(tmp_path)
    asked = row_of(tracked(url, ("KHM",), ("8.5.2",), unreliable=True), "KHM", "8.5.2")
    assert asked.series.points[-1] == (2019, 0.2)
    assert asked.assessment.latest_value == 0.2
    assert asked.assessment.status == "substantial_progress"  # from the unreliable 0.2
    assert not any("unreliable" in n for n in asked.assessment.notes)


def test_a_source_named_by_the_framework_is_kept_to(tmp_path: Path) -> None:
    url = two_sources(tmp_path)
    settings = tmp_path / "targets.yaml"
    settings.write_text(yaml.safe_dump({"8.5.2": {"KHM": {"source": "BA:1"}}}))
    row = row_of(tracked(url, ("KHM",), ("8.5.2",), settings), "KHM", "8.5.2")
    assert row.series.points == ((2015, 8.0), (2017, 7.0))
    assert row.assessment.source == "BA:1"
    assert "source BA:1 (named by the framework for KHM)" in row.assessment.notes[0]
    assert row.assessment.status == "substantial_progress"  # 8 -> 7 in two years
    settings.write_text(yaml.safe_dump({"8.5.2": {"KHM": {"source": "BC:9"}}}))
    missing = row_of(tracked(url, ("KHM",), ("8.5.2",), settings), "KHM", "8.5.2").assessment
    assert missing.status == NO_DATA
    assert missing.reason == (
        "no annual data for SDG_0852_SEX_AGE_RT (AGE_YTHADULT_YGE15) in KHM from source "
        "BC:9 (named by the framework for KHM); the warehouse has BA:1, BB:2"
    )


# Cambodia on the real SDG 8 warehouse ----------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name", "classif1", "census", "lfs"),
    [
        # the census value of 2008 (ages 10-24, AA:1320) and the LFS' 2012 value
        ("8.6.1", "SDG_0861_SEX_RT_A.csv", None, 79.17, 12.72),
        # the census value of 2008, and the 2004 LFS (ages 10+) value 7.53
        ("8.5.2", "SDG_0852_SEX_AGE_RT_A.csv", "AGE_YTHADULT_YGE15", 1.64, 7.53),
    ],
)
def test_cambodia_keeps_to_one_survey(
    sdg8_url: str, code: str, name: str, classif1: str | None, census: float, lfs: float
) -> None:
    found = tracked(sdg8_url, ("KHM",), (code,))
    row = row_of(found, "KHM", code)
    published = bulk(name, "KHM", classif1=classif1)
    hies = published[(published.source == "BB:3064") & (published.obs_status != "U")]
    # the series is exactly the household survey's reliable values, nothing else
    assert row.series.points == tuple(
        (int(t), float(v)) for t, v in sorted(zip(hies.time, hies.obs_value, strict=True))
    )
    assert row.series.sources == ("BB:3064",)
    values = dict(row.series.points)
    assert census not in values.values() and lfs not in values.values()
    assert census in dict(row.series.others["AA:1320"]).values()
    assert lfs in dict(row.series.others["BA:1321"]).values()
    flat = row.as_dict()
    assert flat["source"] == "BB:3064" and flat["other_sources"] == "AA:1320 BA:1321"
    assert "AA:1320 BA:1321 BB:3064" not in str(flat)
    for breakdown in ("women", "men"):
        assert row_of(found, "KHM", code, breakdown).assessment.source == "BB:3064"


def test_cambodia_unemployment_leaves_its_unreliable_values_out(sdg8_url: str) -> None:
    published = bulk("SDG_0852_SEX_AGE_RT_A.csv", "KHM", classif1="AGE_YTHADULT_YGE15")
    flagged = published[(published.source == "BB:3064") & (published.obs_status == "U")]
    assert dict(zip(flagged.time, flagged.obs_value, strict=True)) == {"2017": 0.141, "1999": 0.039}
    row = row_of(tracked(sdg8_url, ("KHM",), ("8.5.2",)), "KHM", "8.5.2")
    assert 2017 not in dict(row.series.points) and 1999 not in dict(row.series.points)
    assert row.series.unreliable == ("1999", "2017")
    assert "values flagged unreliable (U) left out: 1999, 2017" in row.assessment.notes
    asked = row_of(tracked(sdg8_url, ("KHM",), ("8.5.2",), unreliable=True), "KHM", "8.5.2")
    assert dict(asked.series.points)[2017] == 0.141
    # The status from 2015 to 2021 rests on 0.393 and 0.396, both from BB:3064 and neither
    # flagged in the bulk file: the Open SDG method reads the small rise as a deterioration.
    a = row.assessment
    assert {a.baseline_year: a.baseline_value, a.latest_year: a.latest_value} == {
        2015: 0.393,
        2021: 0.396,
    }
    assert a.status == "deterioration"
    ends = published[(published.source == "BB:3064") & published.time.isin(["2015", "2021"])]
    assert ends.obs_status.isna().all()


def test_a_status_from_two_unreliable_values_of_two_surveys_is_gone(sdg8_url: str) -> None:
    """The Cook Islands' unemployment rate: a census series to 2011 (AA:1013), then one
    household survey value (2016, BB:14048) and one LFS value (2019, BA:15665), both flagged
    unreliable. Spliced, 2016 -> 2019 made a status of two unreliable values of two surveys."""
    published = bulk("SDG_0852_SEX_AGE_RT_A.csv", "COK", classif1="AGE_YTHADULT_YGE15")
    late = published[published.time.astype(int) >= 2015]
    assert set(late.obs_status) == {"U"} and set(late.source) == {"BB:14048", "BA:15665"}
    a = row_of(tracked(sdg8_url, ("COK",), ("8.5.2",)), "COK", "8.5.2").assessment
    assert a.source == "AA:1013" and a.status == "no_assessment"
    assert a.reason == "no data in or after the baseline year 2015"
    asked = row_of(tracked(sdg8_url, ("COK",), ("8.5.2",), unreliable=True), "COK", "8.5.2")
    assert asked.assessment.source == "BA:15665" and asked.assessment.status == "no_assessment"
    assert asked.series.points == ((2019, 1.258),)


def test_the_progress_command_says_the_source_and_counts_unreliable_values_when_asked(
    sdg8_url: str,
) -> None:
    def totals(*extra: str) -> dict[str, dict]:
        result = invoke(
            "progress", "sdg8", "--areas", "COK", "--method", "open-sdg", "-f", "json",
            "--db", sdg8_url, *extra,
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        rows = json.loads(result.stdout)["assessments"]
        return {r["code"]: r for r in rows if r["breakdown"] == "total"}

    plain, asked = totals()["8.5.2"], totals("--unreliable")["8.5.2"]
    assert (plain["source"], plain["other_sources"]) == ("AA:1013", "")
    assert asked["source"] == "BA:15665"
    assert asked["reason"] == "a single data point (2019): at least two years are needed"
    assert asked["other_sources"] == "AA:1013 BB:14048"


def test_a_series_of_unreliable_values_only_is_no_data_and_says_why(sdg8_url: str) -> None:
    neet = pd.read_csv(bulk_file("SDG_0861_SEX_RT_A.csv"), encoding="utf-8-sig", dtype=str)
    tokelau = neet[(neet.ref_area == "TKL") & (neet.sex == "SEX_T")]
    assert list(zip(tokelau.time, tokelau.obs_value, tokelau.obs_status, strict=True)) == [
        ("2016", "9.1", "U")
    ]
    a = row_of(tracked(sdg8_url, ("TKL",), ("8.6.1",)), "TKL", "8.6.1").assessment
    assert a.status == NO_DATA
    assert a.reason == (
        "no annual data for SDG_0861_SEX_RT in TKL other than values flagged unreliable (U), "
        "in 2016 (the unreliable option counts them)"
    )
    asked = row_of(tracked(sdg8_url, ("TKL",), ("8.6.1",), unreliable=True), "TKL", "8.6.1")
    assert asked.series.points == ((2016, 9.1),) and asked.assessment.source == "BB:16122"
