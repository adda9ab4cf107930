"""The PES statistics on a register built through the service with known answers: people who
leave and return, a vacancy that expires partly filled, a hire recorded after its month
closed (which revises the month); suppression of small counts in the published rows; no
personal field in them; on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from decentwork.errors import BadInput
from decentwork.pes import referrals, rights, seekers, vacancies
from decentwork.pes.records import SeekerRecord, VacancyRecord
from decentwork.pes.referrals import Outcome
from decentwork.pes.registry import Registry
from decentwork.pes.statistics import Month, month_observations, read_register
from tests.pes.conftest import World, seeker_data, vacancy_data

SEPTEMBER, OCTOBER, NOVEMBER = Month(2026, 9), Month(2026, 10), Month(2026, 11)


def at(day: str) -> datetime:
    """Noon UTC of ``day`` (the registry's clock)."""
    return datetime.combine(date.fromisoformat(day), datetime.min.time().replace(hour=12), UTC)


def person(
    world: World, number: int, registered: str, sex: str, isco: str = "7531"
) -> SeekerRecord:
    return seekers.register(
        world.registry,
        world.admin,
        seeker_data(
            centre=world.centre_a,
            national_id=f"KH{number:07d}",
            given_names=f"Seeker {number}",
            birth_date=f"{1990 + number}-03-01",
            sex=sex,
            registered_on=registered,
            occupations=[{"isco": isco, "text": f"occupation {isco}"}],
        ),
    )


def set_status(world: World, seeker: SeekerRecord, when: str, status: str) -> SeekerRecord:
    world.clock.now = at(when)
    with world.registry.engine.connect() as connection:
        version = seekers.load(connection, seeker.id).version
    return seekers.update(world.registry, world.admin, seeker.id, version, {"status": status})


def post(world: World, isco: str, openings: int, posted: str, expires: str) -> VacancyRecord:
    """A vacancy of employer 1 at centre A (an ISIC section C employer in KH-12)."""
    data = vacancy_data(
        world.employer_1_id,
        world.centre_a,
        isco=isco,
        openings=openings,
        posted_on=posted,
        expires_on=expires,
    )
    return vacancies.post(world.registry, world.admin, data)


@dataclass
class Scenario:
    """The register of the module's description, and its pending late hire."""

    world: World
    late: int
    late_version: int
    seeker_5: int

    def hire_late(self) -> None:
        """Record on November 5 that s1 was hired on October 30 (after October closed)."""
        self.world.clock.now = at("2026-11-05")
        referrals.record_outcome(
            self.world.registry,
            self.world.admin,
            self.late,
            self.late_version,
            "hired",
            on=date(2026, 10, 30),
        )


@pytest.fixture
def scenario(world: World) -> Scenario:
    """Five seekers and two vacancies from August to October 2026 (see each line)."""
    world.clock.now = at("2026-09-20")
    s1 = person(world, 1, "2026-09-10", "F")  # stays registered; hired late (Oct 30)
    s3 = person(world, 3, "2026-08-01", "F")  # leaves Sep 15, returns Oct 10
    s5 = person(world, 5, "2026-09-01", "F", isco="8153")  # not selected Oct 15
    post(world, "2512", 2, "2026-09-20", "2026-10-15")  # v2: never filled
    set_status(world, s3, "2026-09-15", "inactive")
    world.clock.now = at("2026-10-01")
    v1 = post(world, "8153", 4, "2026-10-01", "2026-10-31")  # 1 filled, 2 with the late hire
    world.clock.now = at("2026-10-02")
    r5 = referrals.refer(world.registry, world.admin, s5.id, v1.id)
    world.clock.now = at("2026-10-03")
    s2 = person(world, 2, "2026-10-03", "M")  # hired Oct 20: 17 days
    world.clock.now = at("2026-10-05")
    r2 = referrals.refer(world.registry, world.admin, s2.id, v1.id)
    set_status(world, s3, "2026-10-10", "active")
    world.clock.now = at("2026-10-12")
    s4 = person(world, 4, "2026-10-12", "M")  # leaves, inactive, Oct 25
    world.clock.now = at("2026-10-15")
    referrals.record_outcome(world.registry, world.admin, r5.id, 1, Outcome.NOT_SELECTED)
    world.clock.now = at("2026-10-20")
    referrals.record_outcome(world.registry, world.admin, r2.id, 1, Outcome.HIRED)
    set_status(world, s4, "2026-10-25", "inactive")
    world.clock.now = at("2026-10-28")
    r1 = referrals.refer(world.registry, world.admin, s1.id, v1.id)
    world.clock.now = at("2026-11-02")
    return Scenario(world, r1.id, r1.version, s5.id)


def values(world: World, month: Month, threshold: int = 1) -> dict[tuple[str, str, str], object]:
    with world.registry.engine.connect() as connection:
        register = read_register(connection)
    return {
        (str(r["indicator"]), str(r["sex"]), str(r["classif1"])): r["obs_value"]
        for r in month_observations(register, month, threshold)
    }


def test_each_indicator_with_known_answers(scenario: Scenario) -> None:
    found = values(scenario.world, OCTOBER)
    expected = {
        ("PES_SKR_REG_NB", "SEX_T", ""): 3.0,  # s1, s3 (returned), s5
        ("PES_SKR_REG_NB", "SEX_F", ""): 3.0,
        ("PES_SKR_REG_NB", "SEX_M", ""): 0.0,
        ("PES_SKR_REG_NB", "SEX_T", "AGE_YTHADULT_YGE15"): 3.0,
        ("PES_SKR_REG_NB", "SEX_T", "GEO_PES_KH-12"): 3.0,
        ("PES_SKR_REG_NB", "SEX_T", "GEO_PES_KH-17"): 0.0,
        ("PES_SKR_REG_NB", "SEX_T", "EDU_ISCED11_3"): 3.0,
        ("PES_SKR_REG_NB", "SEX_T", "DSB_STATUS_NODIS"): 3.0,
        ("PES_SKR_NEW_NB", "SEX_T", ""): 3.0,  # s2, s4, and s3's return
        ("PES_SKR_NEW_NB", "SEX_M", ""): 2.0,
        ("PES_SKR_NEW_NB", "SEX_F", ""): 1.0,
        ("PES_VAC_NEW_NB", "SEX_T", ""): 1.0,  # v1 (v2 was posted in September)
        ("PES_VAC_NEW_NB", "SEX_T", "OCU_ISCO08_8"): 1.0,
        ("PES_VAC_NEW_NB", "SEX_T", "OCU_ISCO08SUB_81"): 1.0,
        ("PES_VAC_NEW_NB", "SEX_T", "ECO_ISIC4_C"): 1.0,
        ("PES_VAC_NEW_NB", "SEX_T", "GEO_PES_KH-12"): 1.0,
        ("PES_VAC_OPN_NB", "SEX_T", ""): 4.0,
        ("PES_VAC_OPN_NB", "SEX_T", "OCU_ISCO08_2"): 0.0,
        ("PES_REF_NB", "SEX_T", ""): 3.0,  # s5, s2, s1
        ("PES_PLC_NB", "SEX_T", ""): 1.0,  # s2
        ("PES_PLC_NB", "SEX_M", ""): 1.0,
        ("PES_PLC_NB", "SEX_T", "OCU_ISCO08_8"): 1.0,
        ("PES_PLC_LVR_RT", "SEX_T", ""): 50.0,  # s2 placed, s4 inactive
        ("PES_PLC_LVR_RT", "SEX_M", ""): 50.0,
        ("PES_PLC_REF_RT", "SEX_T", ""): 50.0,  # s2 hired, s5 not selected
        ("PES_PLC_DUR_MD", "SEX_T", ""): 17.0,  # Oct 3 to Oct 20
        ("PES_VSR_OCU_RT", "SEX_T", "OCU_ISCO08_8"): 3.0,  # v1's 3 openings left, s5
        ("PES_VSR_OCU_RT", "SEX_T", "OCU_ISCO08SUB_81"): 3.0,
        ("PES_VSR_OCU_RT", "SEX_T", "OCU_ISCO08_7"): 0.0,  # s1, s3; no opening
    }
    assert {key: found.get(key) for key in expected} == expected
    # no woman left the register in October: no rate; v2 (major group 2) had no seeker
    assert ("PES_PLC_LVR_RT", "SEX_F", "") not in found
    assert ("PES_VSR_OCU_RT", "SEX_T", "OCU_ISCO08_2") not in found


def test_leaving_and_returning(scenario: Scenario) -> None:
    september = values(scenario.world, SEPTEMBER)
    assert september[("PES_SKR_REG_NB", "SEX_T", "")] == 2.0  # s1, s5; s3 left Sep 15
    assert september[("PES_SKR_NEW_NB", "SEX_T", "")] == 2.0  # s1, s5
    assert september[("PES_PLC_LVR_RT", "SEX_T", "")] == 0.0  # s3 left, not placed


def test_a_vacancy_expired_partly_filled_stops_counting(scenario: Scenario) -> None:
    november = values(scenario.world, NOVEMBER)
    # v1 expired on Oct 31 with 3 openings unfilled: none open at the end of November
    assert november[("PES_VSR_OCU_RT", "SEX_T", "OCU_ISCO08_8")] == 0.0
    assert november[("PES_VAC_NEW_NB", "SEX_T", "")] == 0.0
    assert november[("PES_SKR_REG_NB", "SEX_T", "")] == 3.0


def test_a_late_hire_revises_the_closed_month(scenario: Scenario) -> None:
    world = scenario.world
    scenario.hire_late()
    october = values(world, OCTOBER)
    assert october[("PES_PLC_NB", "SEX_T", "")] == 2.0
    assert october[("PES_SKR_REG_NB", "SEX_T", "")] == 2.0  # s1 left on Oct 30
    assert october[("PES_PLC_LVR_RT", "SEX_T", "")] == 66.7  # s1, s2 of s1, s2, s4
    assert october[("PES_PLC_REF_RT", "SEX_T", "")] == 66.7
    assert october[("PES_PLC_DUR_MD", "SEX_F", "")] == 50.0  # Sep 10 to Oct 30
    assert october[("PES_VSR_OCU_RT", "SEX_T", "OCU_ISCO08_8")] == 2.0
    assert values(world, NOVEMBER)[("PES_PLC_NB", "SEX_T", "")] == 0.0


def test_small_counts_are_suppressed_and_rows_hold_no_personal_field(scenario: Scenario) -> None:
    world = scenario.world
    with world.registry.engine.connect() as connection:
        rows = month_observations(read_register(connection), OCTOBER, 5)
    assert {(r["ref_area"], r["source"], r["time"]) for r in rows} == {
        ("KHM", "PES:KHM", "2026M10")
    }
    by_key = {(r["indicator"], r["sex"], r["classif1"]): r for r in rows}
    total = by_key[("PES_SKR_REG_NB", "SEX_T", "")]
    assert (total["obs_value"], total["obs_status"]) == (None, "C")
    assert "primary" in str(total["note_source"])
    zero = by_key[("PES_SKR_REG_NB", "SEX_M", "")]
    assert (zero["obs_value"], zero["obs_status"]) == (0.0, "")
    rate = by_key[("PES_PLC_LVR_RT", "SEX_T", "")]
    assert (rate["obs_value"], rate["obs_status"]) == (None, "C")
    assert all(r["obs_value"] is None for r in rows if r["obs_status"] == "C")
    texts = " ".join(str(v) for r in rows for v in r.values())
    for personal in ("Seeker", "KH000000", "ចាន់", "example.org", "+855", "1991-03-01"):
        assert personal not in texts
    with world.registry.engine.connect() as connection, pytest.raises(BadInput, match="threshold"):
        month_observations(read_register(connection), OCTOBER, 0)


def test_no_job_centre_no_country(registry: Registry) -> None:
    with registry.engine.connect() as connection, pytest.raises(BadInput, match="no job centre"):
        read_register(connection)


def test_an_erased_seeker_leaves_and_keeps_only_their_statistical_codes(
    scenario: Scenario,
) -> None:
    world = scenario.world
    world.clock.now = at("2026-11-10")
    rights.person_erase(world.registry, world.admin, scenario.seeker_5)
    october, november = values(world, OCTOBER), values(world, NOVEMBER)
    assert october[("PES_SKR_REG_NB", "SEX_T", "")] == 3.0  # s5 still counts in October
    assert october[("PES_SKR_REG_NB", "SEX_F", "")] == 3.0  # by sex and area: kept
    assert october[("PES_SKR_REG_NB", "SEX_T", "GEO_PES_KH-12")] == 3.0
    assert october[("PES_SKR_REG_NB", "SEX_T", "EDU_ISCED11_3")] == 2.0  # education erased
    assert november[("PES_SKR_REG_NB", "SEX_T", "")] == 2.0  # left on November 10
    assert november[("PES_PLC_LVR_RT", "SEX_T", "")] == 0.0
