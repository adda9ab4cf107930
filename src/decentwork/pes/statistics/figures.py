"""The month's figures before disclosure control: the tables of counts and the rates,
ratios and medians computed from them (definitions in docs/pes-statistics.md)."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from decentwork.pes.statistics import codes
from decentwork.pes.statistics.months import Month
from decentwork.pes.statistics.register import Register, Seeker, Vacancy
from decentwork.pes.statistics.tables import TOTAL, Breakdown, CountTable, Key, Unit, count_table

SEX_KEYS: tuple[Key, ...] = (TOTAL, *((s, "") for s in codes.SEXES.values()))


@dataclass(frozen=True)
class Derived:
    """A rate, ratio or median: its value (None when its denominator is zero), the counts
    of persons it rests on (each checked against the threshold), and the published count
    cells it derives from (suppressed with them)."""

    indicator: str
    key: Key
    value: float | None
    persons: tuple[int, ...]
    counts: tuple[tuple[str, Key], ...] = ()


@dataclass(frozen=True)
class Figures:
    """The month's tables of counts and derived figures."""

    tables: list[CountTable]
    derived: list[Derived]


def month_figures(register: Register, month: Month) -> Figures:
    """Every indicator of the PES statistics for ``month`` from ``register``."""
    end = month.last
    people = list(register.seekers.values())
    areas = tuple(codes.area(code) for code in register.subdivisions)
    seeker_breakdowns = (
        Breakdown("age", (codes.YOUTH, codes.ADULTS)),
        Breakdown("education", tuple(f"EDU_ISCED11_{level}" for level in codes.EDUCATION_LEVELS)),
        Breakdown("area", areas),
        Breakdown("disability", (codes.DISABLED, codes.NOT_DISABLED)),
    )
    registered = [s for s in people if s.registered(end)]
    new = [s for s in people if any(p.start in month for p in s.periods)]
    posted = [v for v in register.vacancies.values() if v.posted_on in month]
    vacancy_breakdowns = (
        Breakdown("major", tuple(codes.major(g) for g in codes.MAJOR_GROUPS)),
        Breakdown("sub_major", within="OCU_ISCO08_"),
        Breakdown("section", tuple(f"ECO_ISIC4_{s}" for s in codes.ISIC_SECTIONS)),
        Breakdown("area", areas),
    )
    referred = [r for r in register.referrals if r.referred_on in month]
    decided = [r for r in register.referrals if r.outcome_on in month]
    hires = [r for r in decided if r.status == "hired"]
    hired = [
        (register.seekers[r.seeker], register.vacancies[r.vacancy], r.outcome_on) for r in hires
    ]
    placements = count_table(
        "PES_PLC_NB",
        (({"sex": s.sex, "major": codes.major(v.isco), "area": s.area}, 1) for s, v, _ in hired),
        (
            Breakdown("major", tuple(codes.major(g) for g in codes.MAJOR_GROUPS)),
            Breakdown("area", areas),
        ),
        by_sex=True,
    )
    tables = [
        count_table("PES_SKR_REG_NB", _seekers(registered), seeker_breakdowns, by_sex=True),
        count_table("PES_SKR_NEW_NB", _seekers(new), seeker_breakdowns, by_sex=True),
        count_table("PES_VAC_NEW_NB", _vacancies(posted, False), vacancy_breakdowns, by_sex=False),
        count_table("PES_VAC_OPN_NB", _vacancies(posted, True), vacancy_breakdowns, by_sex=False),
        count_table(
            "PES_REF_NB",
            (({"sex": register.seekers[r.seeker].sex}, 1) for r in referred),
            (),
            by_sex=True,
        ),
        placements,
    ]
    leavers = _leavers(people, month)
    derived: list[Derived] = []
    for key in SEX_KEYS:
        left = [placed for s, placed in leavers if _in(s, key)]
        derived.append(_rate("PES_PLC_LVR_RT", key, sum(left), len(left)))
        outcomes = [r for r in decided if _in(register.seekers[r.seeker], key)]
        won = sum(1 for r in outcomes if r.status == "hired")
        derived.append(_rate("PES_PLC_REF_RT", key, won, len(outcomes)))
        days = [(day - s.spell_start(day)).days for s, _, day in hired if day and _in(s, key)]
        derived.append(
            Derived(
                "PES_PLC_DUR_MD",
                key,
                float(statistics.median(days)) if days else None,
                (len(days),),
                (("PES_PLC_NB", key),),
            )
        )
    derived += _vacancy_seeker_ratios(register.vacancies.values(), registered, month)
    return Figures(tables, derived)


def _in(seeker: Seeker, key: Key) -> bool:
    """Whether ``seeker`` counts in the cell of sex ``key``."""
    return key == TOTAL or seeker.sex == key[0]


def _seekers(people: Iterable[Seeker]) -> list[Unit]:
    return [
        (
            {
                "sex": s.sex,
                "age": s.age,
                "education": s.education,
                "area": s.area,
                "disability": s.disability,
            },
            1,
        )
        for s in people
    ]


def _vacancies(posted: Iterable[Vacancy], openings: bool) -> list[Unit]:
    return [
        (
            {
                "major": codes.major(v.isco),
                "sub_major": codes.sub_major(v.isco),
                "section": v.section,
                "area": v.area,
            },
            v.openings if openings else 1,
        )
        for v in posted
    ]


def _leavers(people: Iterable[Seeker], month: Month) -> list[tuple[Seeker, bool]]:
    """The seekers who left the register in ``month`` (once each), and whether by a
    placement (their last leaving in the month)."""
    found = []
    for seeker in people:
        ended = [p for p in seeker.periods if p.end in month]
        if ended:
            found.append((seeker, max(ended, key=lambda p: p.end or p.start).placed))
    return found


def _rate(indicator: str, key: Key, part: int, whole: int) -> Derived:
    """``part`` over ``whole`` in percent (None when ``whole`` is 0), resting on both counts
    and on the placements of ``key``."""
    value = round(100 * part / whole, 1) if whole else None
    return Derived(indicator, key, value, (part, whole), (("PES_PLC_NB", key),))


def _vacancy_seeker_ratios(
    vacancies: Iterable[Vacancy], registered: list[Seeker], month: Month
) -> list[Derived]:
    """Open openings over registered seekers wanting the occupation group, at the end of
    ``month``, for each ISCO-08 major and sub-major group with such seekers."""
    openings: dict[str, int] = {}
    for vacancy in vacancies:
        count = vacancy.open_openings(month.last)
        if count:
            for group in (codes.major(vacancy.isco), codes.sub_major(vacancy.isco)):
                openings[group] = openings.get(group, 0) + count
    wanting: dict[str, int] = {}
    for seeker in registered:
        groups = {
            g for isco in seeker.occupations for g in (codes.major(isco), codes.sub_major(isco))
        }
        for group in groups:
            wanting[group] = wanting.get(group, 0) + 1
    return [
        Derived(
            "PES_VSR_OCU_RT",
            (codes.SEX_TOTAL, group),
            round(openings.get(group, 0) / count, 2),
            (count,),
        )
        for group, count in sorted(wanting.items())
    ]
