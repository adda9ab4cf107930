"""The public employment service's indicators in the bundled frameworks (placement rate,
registered job seekers, placements): monthly series read off the warehouse, each year the
mean of its months, suppressed months left out, assessed like any other series; on the
constructed statistics of tests/monitoring/pes_statistics.py, on SQLite and PostgreSQL."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
import yaml

from decentwork.monitoring.frameworks import FrameworkError, load_framework
from decentwork.monitoring.tracking import NO_DATA
from tests.monitoring.pes_statistics import warehouse_with_pes
from tests.monitoring.test_tracking import one, tracked
from tests.warehouse.conftest import url as url  # the SQLite and PostgreSQL fixture

PLACEMENTS_2025 = 20 + (66 - 1) / 11
"""2025's mean placements: months 0 and 2 to 11 (20 + i); February's is suppressed."""


@pytest.fixture
def pes_url(url: str, tmp_path: Path) -> str:
    return warehouse_with_pes(url, tmp_path)


def test_the_frameworks_have_the_pes_indicators() -> None:
    partnership = load_framework("ilo-china-partnership-2016")
    found = {
        spec.code: (spec.indicator, spec.frequency, spec.direction)
        for _, target, spec in partnership.indicators()
        if target.code == "A2.2"
    }
    assert found == {
        "A2.2.1": ("PES_PLC_NB", "monthly", "increase"),
        "A2.2.2": ("PES_PLC_LVR_RT", "monthly", "increase"),
        "A2.2.3": ("PES_SKR_REG_NB", "monthly", "increase"),
    }
    template = load_framework("dwcp-template")
    _, _, rate = template.indicator("P3.1.1")
    _, _, seekers = template.indicator("P3.1.2")
    assert (rate.indicator, rate.frequency) == ("PES_PLC_LVR_RT", "monthly")
    assert rate.target_for("XXX").value == 50.0 and rate.target_for("XXX").year == 2028
    assert (seekers.indicator, seekers.frequency, seekers.target_for("XXX")) == (
        "PES_SKR_REG_NB",
        "monthly",
        None,
    )
    # every other indicator stays annual
    sdg8 = load_framework("sdg8")
    assert {spec.frequency for _, _, spec in sdg8.indicators()} == {"annual"}


def test_a_frequency_other_than_annual_or_monthly_is_refused(tmp_path: Path) -> None:
    bundled = resources.files("decentwork.monitoring").joinpath("frameworks", "dwcp-template.yaml")
    content = yaml.safe_load(bundled.read_text(encoding="utf-8"))
    content["outcomes"][2]["targets"][0]["indicators"][0]["frequency"] = "weekly"
    path = tmp_path / "weekly.yaml"
    path.write_text(yaml.safe_dump(content), encoding="utf-8")
    with pytest.raises(FrameworkError, match=r"indicators\.0\.frequency: Input should be"):
        load_framework(path)


def test_the_partnership_assesses_the_pes_indicators(pes_url: str) -> None:
    found = tracked(pes_url, "ilo-china-partnership-2016", ("KHM", "LAO"))
    seekers = one(found, "KHM", "A2.2.3", "open-sdg")
    # each year the mean of its months: 1000 + 10 i over months 0-11 and 12-22
    assert seekers.series.points == ((2025, 1055.0), (2026, 1170.0))
    assert len(seekers.series.months) == 23
    assert seekers.series.months[-1] == ("2026M11", 1220.0)
    assert seekers.series.sources == ("PES:KHM",)
    assert seekers.series.origins == {2025: "PES:KHM", 2026: "PES:KHM"}
    a = seekers.assessment
    # the framework's 2015 baseline moves to the first year with data
    assert (a.baseline_year, a.latest_year, a.direction) == (2025, 2026, "increase")
    assert a.cagr == pytest.approx(1170 / 1055 - 1)
    assert a.status == "substantial_progress"
    rate = one(found, "KHM", "A2.2.2", "open-sdg").series
    assert rate.points == ((2025, 42.75), (2026, 48.5))
    placements = one(found, "KHM", "A2.2.1", "open-sdg").series
    # February 2025 is suppressed: the mean of the eleven other months, not a zero among 12
    assert placements.points[0] == (2025, pytest.approx(PLACEMENTS_2025))
    assert "2025M02" not in dict(placements.months)
    lao = one(found, "LAO", "A2.2.3", "open-sdg").assessment
    assert lao.status == NO_DATA and lao.reason == "no monthly data for PES_SKR_REG_NB in LAO"


def test_the_template_assesses_against_a_target(pes_url: str, tmp_path: Path) -> None:
    targets = tmp_path / "targets.yaml"
    targets.write_text(
        yaml.safe_dump({"P3.1.1": {"KHM": {"target": {"value": 60.0, "year": 2030}}}}),
        encoding="utf-8",
    )
    found = tracked(pes_url, "dwcp-template", ("KHM",), targets)
    a = one(found, "KHM", "P3.1.1", "unsd-cagr").assessment
    observed = 48.5 / 42.75 - 1
    required = (60.0 / 42.75) ** (1 / 5) - 1
    assert (a.baseline_value, a.latest_value, a.target_value) == (42.75, 48.5, 60.0)
    assert a.cagr == pytest.approx(observed)
    assert a.required_cagr == pytest.approx(required)
    assert a.ratio == pytest.approx(observed / required)
    assert a.status == "on_track"
    seekers = one(found, "KHM", "P3.1.2", "open-sdg").assessment
    assert seekers.latest_value == 1170.0 and seekers.target_value is None
