"""A framework's progress on the warehouse holding ILOSTAT's SDG 8 files, checked against the
bulk files' own numbers and hand-computed growth rates; and ``decentwork progress``."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import pandas as pd
import pytest
import yaml

from decentwork.errors import BadInput
from decentwork.monitoring.frameworks import Framework, load_framework
from decentwork.monitoring.tracking import NO_DATA, Tracking, track, with_settings
from decentwork.warehouse import engine, load_file
from tests.warehouse.conftest import assert_refused, bulk_file, flat, invoke, write_csv


def tracked(
    url: str,
    framework: str = "sdg8",
    areas: tuple[str, ...] = ("KHM", "LAO"),
    targets: Path | None = None,
    *,
    codes: tuple[str, ...] | None = None,
    methods: tuple[str, ...] | None = None,
    unreliable: bool = False,
) -> Tracking:
    chosen = load_framework(framework)
    if targets is not None:
        chosen = with_settings(chosen, targets)
    target = engine(url)
    try:
        with target.connect() as connection:
            return track(
                connection, chosen, list(areas), methods, codes=codes, unreliable=unreliable
            )
    finally:
        target.dispose()


def published(area: str, sex: str = "SEX_T") -> dict[int, float]:
    """LAO's (or another area's) unemployment rate, 15+, as the bulk file gives it."""
    rows = pd.read_csv(bulk_file("SDG_0852_SEX_AGE_RT_A.csv"), encoding="utf-8-sig")
    rows = rows[
        (rows.ref_area == area) & (rows.sex == sex) & (rows.classif1 == "AGE_YTHADULT_YGE15")
    ]
    return dict(zip(rows.time.astype(int), rows.obs_value.astype(float), strict=True))


def one(found: Tracking, area: str, code: str, method: str, breakdown: str = "total"):
    [row] = [
        r
        for r in found.rows
        if (r.area, r.code, r.assessment.method, r.breakdown) == (area, code, method, breakdown)
    ]
    return row


def test_lao_unemployment_without_a_target(sdg8_url: str) -> None:
    lao = published("LAO")
    assert lao[2017] == 3.269 and lao[2022] == 1.209 and 2015 not in lao
    row = one(tracked(sdg8_url), "LAO", "8.5.2", "open-sdg")
    a = row.assessment
    # the framework's baseline year is 2015; LAO's first year with data after it is 2017
    assert (a.baseline_year, a.baseline_value, a.latest_year, a.latest_value) == (
        2017,
        3.269,
        2022,
        1.209,
    )
    assert a.cagr == pytest.approx((1.209 / 3.269) ** (1 / 5) - 1)
    # falling by 18 % a year, in the desired direction: above Open SDG's 1.5 % threshold
    assert a.status == "substantial_progress"
    assert dict(row.series.points)[2010] == lao[2010]
    # the one year of another source (a census) is its own series, not spliced in
    assert 2005 not in dict(row.series.points)
    assert row.series.others == {"AA:1338": ((2005, 1.35),)}
    assert row.series.sources == ("BA:6651",) and a.source == "BA:6651"


def test_a_targets_file_brings_the_other_methods_in(sdg8_url: str, tmp_path: Path) -> None:
    targets = tmp_path / "targets.yaml"
    targets.write_text(yaml.safe_dump({"8.5.2": {"LAO": {"target": {"value": 1.0, "year": 2030}}}}))
    found = tracked(sdg8_url, targets=targets)
    observed = (1.209 / 3.269) ** (1 / 5) - 1
    required = (1.0 / 3.269) ** (1 / 13) - 1  # from the 2017 baseline to the 2030 target
    cagr_ratio = one(found, "LAO", "8.5.2", "unsd-cagr").assessment
    assert cagr_ratio.required_cagr == pytest.approx(required)
    assert cagr_ratio.ratio == pytest.approx(observed / required)
    assert cagr_ratio.status == "on_track"  # 1.209 already fell faster than needed
    current = one(found, "LAO", "8.5.2", "unsd").assessment
    assert current.projected_year == 2030
    assert current.projected_value == pytest.approx(1.209 * (1 + observed) ** 8)
    # KHM has no target: only the Open SDG method assesses it
    khm = one(found, "KHM", "8.5.2", "unsd").assessment
    assert khm.status == "no_assessment" and "no numeric target" in khm.reason


def test_missing_data_says_no_data_and_why(sdg8_url: str) -> None:
    found = tracked(sdg8_url)
    strategy = one(found, "KHM", "8.b.1", "open-sdg").assessment
    assert strategy.status == NO_DATA and "yes/no status" in strategy.reason
    child = one(found, "KHM", "8.7.1", "unsd").assessment
    assert child.status == NO_DATA
    assert child.reason == "no annual data for SDG_A871_SEX_AGE_RT in KHM"
    assert child.target_value == 0 and child.target_year == 2025  # still said
    partnership = tracked(sdg8_url, "ilo-china-partnership-2016", ("CHN", "KHM", "LAO"))
    placements = [r.assessment for r in partnership.rows if r.code == "A2.2.1"]
    assert {a.status for a in placements} == {NO_DATA}
    assert all(a.latest_value is None for a in placements)


def test_an_official_baseline_replaces_the_warehouse_value(sdg8_url: str, tmp_path: Path) -> None:
    targets = tmp_path / "targets.yaml"
    targets.write_text(
        yaml.safe_dump(
            {
                "8.5.2": {
                    "LAO": {
                        "baseline": {"year": 2017, "value": 3.5},
                        "target": {"value": 1.0, "year": 2030},
                    }
                }
            }
        )
    )
    a = one(tracked(sdg8_url, targets=targets), "LAO", "8.5.2", "unsd-cagr").assessment
    assert a.baseline_value == 3.5
    assert a.cagr == pytest.approx((1.209 / 3.5) ** (1 / 5) - 1)
    assert any(
        "baseline 2017 = 3.5 as the framework gives it (the warehouse has 3.269)" in n
        for n in a.notes
    )


def test_breakdowns_and_their_gap(sdg8_url: str) -> None:
    found = tracked(sdg8_url, areas=("LAO",))
    women, men = published("LAO", "SEX_F"), published("LAO", "SEX_M")
    a = one(found, "LAO", "8.5.2", "open-sdg", "women").assessment
    assert (a.baseline_value, a.latest_value) == (women[2017], women[2022])
    [gap] = [
        g
        for g in found.gaps
        if g.code == "8.5.2"
        and g.gap.labels == ("women", "men")
        and g.gap.first.method == "open-sdg"
    ]
    assert gap.gap.latest_gap == pytest.approx(women[2022] - men[2022])
    assert gap.gap.baseline_gap == pytest.approx(women[2017] - men[2017])
    expected = (
        "narrowing" if abs(women[2022] - men[2022]) < abs(women[2017] - men[2017]) else "widening"
    )
    assert gap.gap.trend == expected


def test_progress_command_assesses_the_sdg8_indicators(sdg8_url: str) -> None:
    result = invoke("progress", "sdg8", "--areas", "KHM,LAO", "--db", sdg8_url)
    assert result.exit_code == 0, result.output
    text = flat(result.output)
    for code in ("8.5.2", "8.6.1", "8.3.1"):
        assert code in text
    # values written as pages write them: rates to one decimal, growth in percent a year
    assert "3.3 (2017)" in text and "1.2 (2022)" in text and "-18.04%" in text
    assert "5,117.77 (2021)" in text  # local currency: grouped, two decimals
    assert "Substantial progress / on track" in text
    assert "Gaps between groups" in text


def test_progress_as_csv_and_json(sdg8_url: str, tmp_path: Path) -> None:
    result = invoke(
        "progress",
        "sdg8",
        "--areas",
        "LAO",
        "--method",
        "open-sdg,unsd",
        "--format",
        "csv",
        "--db",
        sdg8_url,
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.output))
    assert set(table["method"]) == {"open-sdg", "unsd"}
    for column in (
        "baseline_value",
        "latest_value",
        "cagr",
        "required_cagr",
        "ratio",
        "projected_value",
        "status",
        "label",
        "reason",
        "breakdown",
    ):
        assert column in table.columns
    row = table[
        (table.code == "8.5.2") & (table.breakdown == "total") & (table.method == "open-sdg")
    ].iloc[0]
    assert math.isclose(row.cagr, (1.209 / 3.269) ** (1 / 5) - 1)
    out = tmp_path / "progress.json"
    assert (
        invoke(
            "progress",
            "ilo-china-partnership-2016",
            "--format",
            "json",
            "--out",
            out,
            "--db",
            sdg8_url,
        ).exit_code
        == 0
    )
    content = json.loads(out.read_text(encoding="utf-8"))
    assert content["areas"] == ["CHN", "KHM", "LAO"]
    assert len(content["methods"]) == 4 and content["gaps"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("sdg9",), "sdg9: neither a bundled framework"),
        (("sdg8", "--method", "fast"), "unknown progress method 'fast'"),
        (("sdg8", "--format", "xml"), "--format 'xml': expected one of table, csv, json"),
        (("dwcp-template", "--targets", "missing.yaml"), "missing.yaml: cannot be read"),
    ],
)
def test_progress_command_errors(sdg8_url: str, args: tuple[str, ...], message: str) -> None:
    result = invoke("progress", *args, "--db", sdg8_url)
    assert result.exit_code != 0
    assert message in flat(result.output)


NO_AREAS = {
    "code": "mine",
    "title": "Mine",
    "horizon": 2030,
    "baseline_year": 2015,
    "outcomes": [
        {
            "code": "O1",
            "title": "Outcome",
            "targets": [
                {
                    "code": "T1",
                    "title": "Target",
                    "indicators": [
                        {
                            "code": "I1",
                            "title": "Unemployment",
                            "indicator": "SDG_0852_SEX_AGE_RT",
                            "direction": "decrease",
                        }
                    ],
                }
            ],
        }
    ],
}
"""A framework that names no areas, and gives no settings for any."""


def test_track_refuses_an_unknown_method_or_no_areas(sdg8_url: str) -> None:
    target = engine(sdg8_url)
    try:
        with target.connect() as connection:
            with pytest.raises(BadInput, match="unknown progress method 'fast'") as raised:
                track(connection, load_framework("sdg8"), ["LAO"], ["open-sdg", "fast"])
            assert (raised.value.parameter, raised.value.given) == ("method", "fast")
            with pytest.raises(BadInput, match="framework mine: no areas given") as raised:
                track(connection, Framework.model_validate(NO_AREAS))
            assert raised.value.parameter == "areas"
    finally:
        target.dispose()


def test_progress_command_asks_for_areas_and_a_writable_file(sdg8_url: str, tmp_path: Path) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text(yaml.safe_dump(NO_AREAS), encoding="utf-8")
    assert_refused(
        invoke("progress", mine, "--db", sdg8_url),
        "--areas: framework mine: no areas given and none in the framework",
        "Hint: name the areas to assess",
    )
    out = tmp_path / "no" / "progress.csv"
    assert_refused(
        invoke(
            "progress", "sdg8", "--areas", "LAO", "--format", "csv", "--out", out, "--db", sdg8_url
        ),
        f"--out: {out}: cannot be written",
    )
    assert not out.parent.exists()


def test_progress_command_reads_the_warehouse_and_creates_none(tmp_path: Path) -> None:
    missing = tmp_path / "w.sqlite"
    assert_refused(invoke("progress", "sdg8", "--db", f"sqlite:///{missing}"), "no warehouse at")
    assert not missing.exists()


def test_urban_and_rural_series_and_their_gap(tmp_path: Path) -> None:
    """The DWCP template's urban/rural indicator on a country's own file (classif2 codes),
    with the country's target given by a --targets file."""
    header = ("ref_area", "indicator", "source", "sex", "classif1", "classif2", "time", "obs_value")
    values = {"GEO_COV_NAT": (6.0, 5.0), "GEO_COV_URB": (5.0, 4.5), "GEO_COV_RUR": (7.0, 5.5)}
    rows = [
        (
            "KHM",
            "UNE_DEAP_SEX_AGE_GEO_RT",
            "BA:1",
            "SEX_T",
            "AGE_YTHADULT_YGE15",
            geo,
            str(year),
            str(value),
        )
        for geo, pair in values.items()
        for year, value in zip((2022, 2024), pair, strict=True)
    ]
    url = f"sqlite:///{tmp_path / 'w.sqlite'}"
    target = engine(url)
    load_file(target, write_csv(tmp_path / "une.csv", header, rows))
    target.dispose()
    targets = tmp_path / "targets.yaml"
    targets.write_text(
        yaml.safe_dump({"P1.1.2": {"KHM": {"target": {"value": 4.0, "year": 2028}}}})
    )
    found = tracked(url, "dwcp-template", ("KHM",), targets)
    rural = one(found, "KHM", "P1.1.2", "unsd-cagr", "rural").assessment
    assert (rural.baseline_value, rural.latest_value) == (7.0, 5.5)
    assert rural.ratio == pytest.approx(((5.5 / 7) ** (1 / 2) - 1) / ((4.0 / 7) ** (1 / 6) - 1))
    [gap] = [g.gap for g in found.gaps if g.code == "P1.1.2" and g.gap.first.method == "open-sdg"]
    assert gap.labels == ("rural", "urban")
    assert (gap.baseline_gap, gap.latest_gap, gap.trend) == (2.0, 1.0, "narrowing")
