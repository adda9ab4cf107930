"""A seeded synthetic public employment service, for demonstrations and tests: job centres,
employers, job seekers and vacancies of Cambodia (``KHM``) or Lao PDR (``LAO``), written into
a PES database or as CSV files in the import formats (:mod:`decentwork.pes.imports`).

Plausibility comes from the synthetic labour force survey (:mod:`decentwork.synthetic`):
seekers are drawn from its persons aged 15-64, the unemployed, the young and those wanting
more work most often, keeping their sex, age, education, region and (for the employed) their
occupation; others want the occupations of employed people of their sex and education
(farm work less often). Each region becomes ISO 3166-2 subdivisions weighted by population,
the first region being the capital. Employers' industries follow the survey's employees, and
vacancies the occupations found in each industry. Names are written in the country's script
(:mod:`decentwork.pes.country_profiles`); job titles are ESCO's labels (and ISCO-08's titles)
of the occupations, as people might type them. Registration and posting dates fall in the
two years (one for vacancies) before ``until``; about a fifth of the seekers registered more
than three months before are placed (the rate of Cambodia's National Employment Agency in
2024). In a registry, those placed or inactive leave the register two to twenty-six weeks
after registering (the day of their record's last change), each placed one through a hire
on a referral to a vacancy posted in the sixty days before (of their wanted major group when
there is one), and one other seeker in four has a referral that came to nothing, so that the
monthly statistics (:mod:`decentwork.pes.statistics`) have movement.

The same arguments give the same records. Synthetic people are distinct by construction, so
the generator writes them without duplicate detection (the files mark them
``not_duplicate``).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy as sa

from decentwork.errors import BadInput
from decentwork.pes import audit, centres, employers, seekers, tables, vacancies
from decentwork.pes.access import Interface
from decentwork.pes.areas import country_subdivisions
from decentwork.pes.country_profiles import PROFILES, CountryProfile
from decentwork.pes.imports import (
    CENTRE_COLUMNS,
    SEEKER_OPTIONAL,
    SEEKER_REQUIRED,
    VACANCY_OPTIONAL,
    VACANCY_REQUIRED,
)
from decentwork.pes.models import CentreIn, EmployerIn, SeekerIn, VacancyIn, validated
from decentwork.pes.registry import Registry

UNTIL = date(2025, 12, 31)
"""The default last day of the synthetic registry (a fixed day, so that a seed gives the same
records whenever it runs)."""
CHUNK = 5_000
CONSENT = "Registration with the public employment service and referral to vacancies"
SECTOR_WORDS = (
    ("Agro", "Plantation", "Farm"),
    ("Garment", "Manufacturing", "Industrial", "Factory"),
    ("Power", "Water Supply"),
    ("Construction", "Engineering", "Builders"),
    ("Trading", "Mart", "Import Export"),
    ("Logistics", "Transport", "Express"),
    ("Hotel", "Restaurant", "Resort"),
    ("Microfinance", "Digital", "Consulting"),
    ("School", "Clinic", "Hospital"),
    ("Services", "Beauty Salon", "Repair"),
    ("Home Services",),
)
"""Words of employers' names by the synthetic survey's sectors."""
NAME_WORDS = (
    "Mekong",
    "Angkor",
    "Golden",
    "Royal",
    "Lucky",
    "Asia",
    "Sunrise",
    "Lotus",
    "Diamond",
    "Star",
    "Green",
    "Pacific",
    "Unity",
    "Prosperity",
    "Champa",
    "Naga",
)
CONTRACTS = (
    ("permanent", 0.38),
    ("fixed-term", 0.34),
    ("casual", 0.12),
    ("seasonal", 0.06),
    ("apprenticeship", 0.05),
    ("internship", 0.05),
)


@dataclass
class SyntheticPes:
    """What was generated: the counts, and the files written (when written to a folder)."""

    country: str
    centres: int = 0
    employers: int = 0
    seekers: int = 0
    vacancies: int = 0
    files: list[Path] = field(default_factory=list)


@dataclass
class _Draw:
    """The records drawn, as the import files' rows (before they are written somewhere)."""

    centres: list[dict[str, Any]]
    employers: list[dict[str, Any]]
    seekers: list[dict[str, Any]]
    vacancies: list[dict[str, Any]]


def generate(
    country: str = "KHM",
    seekers: int = 50_000,
    vacancies: int = 5_000,
    seed: int = 7,
    *,
    registry: Registry | None = None,
    out: Path | None = None,
    until: date = UNTIL,
    classifications: Path | None = None,
    on_progress: Callable[[int, int], None] = lambda *_: None,
) -> SyntheticPes:
    """Generate a synthetic PES of ``country`` (``KHM`` or ``LAO``) with ``seekers`` job
    seekers and ``vacancies`` vacancies (see the module's description), into ``registry`` or
    as CSV files in the folder ``out`` (``centres.csv``, ``seekers.csv``, ``vacancies.csv``).
    Job titles come from the classification files in ``classifications`` (default: the
    registry's, else the data directory); ``on_progress(done, total)`` reports the records.

    Raises:
        BadInput: an unknown country, a negative count, or neither or both of ``registry``
            and ``out``.
        Conflict: the registry has job centres of the same codes (generated before).
    """
    profile = PROFILES.get(country.upper())
    if profile is None:
        raise BadInput(
            f"no synthetic PES for {country!r}",
            parameter="country",
            given=country,
            expected=", ".join(PROFILES),
        )
    for name, value in (("seekers", seekers), ("vacancies", vacancies), ("seed", seed)):
        if value < 0:
            raise BadInput(
                f"{name} {value} is negative", parameter=name, given=value, expected="0 or more"
            )
    if (registry is None) == (out is None):
        raise BadInput("give either a registry or a folder to write to", parameter="out")
    folder = classifications if registry is None else registry.references.folder
    drawn = _draw(profile, seekers, vacancies, seed, until, _titles(folder))
    summary = SyntheticPes(
        country.upper(),
        len(drawn.centres),
        len(drawn.employers),
        len(drawn.seekers),
        len(drawn.vacancies),
    )
    if registry is not None:
        _into_registry(registry, drawn, on_progress, _History(seed, until))
    else:
        assert out is not None
        summary.files = _into_files(out, drawn)
        on_progress(
            len(drawn.seekers) + len(drawn.vacancies), len(drawn.seekers) + len(drawn.vacancies)
        )
    return summary


# Drawing ------------------------------------------------------------------------------------


def _titles(folder: Path | None) -> dict[str, list[str]]:
    """Job titles people might type, by ISCO-08 unit group: ESCO's English preferred and
    alternative labels (where fetched) and ISCO-08's unit group titles."""
    from decentwork.classifications import isco08
    from decentwork.classifications.occupation_titles import ESCO_FILES, esco_titles
    from decentwork.classifications.sources import data_dir

    hierarchy = isco08(folder)
    found: dict[str, set[str]] = {node.code: {node.title} for node in hierarchy if node.level == 4}
    for title in esco_titles((folder or data_dir()) / ESCO_FILES["en"], hierarchy, "en"):
        if len(title.text) <= 60 and title.path[-1] in found:
            found[title.path[-1]].add(title.text)
    return {code: sorted(texts) for code, texts in found.items()}


def _draw(
    profile: CountryProfile,
    count: int,
    vacancy_count: int,
    seed: int,
    until: date,
    titles: Mapping[str, list[str]],
) -> _Draw:
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(13,)))
    places = country_subdivisions(profile.alpha_2)
    centre_rows = [
        {"code": f"{a.code}-JC", "name": f"{a.name} job centre", "area": a.code} for a in places
    ]
    seeker_rows = _seekers(rng, profile, _people(rng, profile, count, seed), titles, until)
    employer_rows, vacancy_rows = _vacancies(
        rng, profile, vacancy_count, titles, until, {a.code: a.name for a in places}
    )
    return _Draw(centre_rows, employer_rows, seeker_rows, vacancy_rows)


def _people(
    rng: np.random.Generator, profile: CountryProfile, count: int, seed: int
) -> dict[str, np.ndarray]:
    """``count`` persons of the synthetic survey aged 15-64: sex (1 male, 2 female), age,
    education (-1 unknown), area, occupation (-1 not employed), and an occupation wanted
    (their own, else one of people like them) and another one (people like them)."""
    from decentwork.synthetic import generate as survey

    table = survey(max(5 * count, 10_000), seed)
    column = {
        name: table.column(name).fill_null(-1).to_numpy()
        for name in (
            "age",
            "sex",
            "education",
            "region",
            "isco",
            "looked",
            "available",
            "wants_more_hours",
        )
    }
    age, isco = column["age"], column["isco"]
    employed = isco >= 0
    weight = np.where(
        ~employed & (column["looked"] == 1) & (column["available"] == 1),
        10.0,
        np.where(employed & (column["wants_more_hours"] == 1), 3.0, np.where(employed, 0.6, 0.4)),
    )
    weight *= np.select([age < 25, age < 35, age < 45, age < 55], [2.5, 1.8, 1.0, 0.6], 0.3)
    weight[(age < 15) | (age > 64)] = 0
    eligible = np.flatnonzero(weight)
    chosen = rng.choice(
        eligible,
        size=count,
        replace=count > len(eligible),
        p=weight[eligible] / weight[eligible].sum(),
    )
    group = column["sex"] * 3 + np.clip(column["education"], 0, 8) // 3
    wanted = np.where(employed, np.char.zfill(isco.astype(str), 4), "")[chosen]
    extra = np.empty(count, dtype=object)
    for key in np.unique(group[chosen]):
        like = employed & (group == key)
        codes, counts = np.unique(
            np.char.zfill(isco[like if like.any() else employed].astype(str), 4), return_counts=True
        )
        farm = np.char.startswith(codes, "6") | np.char.startswith(codes, "921")
        odds = counts * np.where(farm, 0.2, 1.0)
        here = np.flatnonzero(group[chosen] == key)
        draws = rng.choice(codes, size=(len(here), 2), p=odds / odds.sum())
        wanted[here] = np.where(wanted[here] == "", draws[:, 0], wanted[here])
        extra[here] = draws[:, 1]
    return {
        "sex": column["sex"][chosen],
        "age": age[chosen],
        "education": column["education"][chosen],
        "employed": employed[chosen],
        "area": _areas(rng, profile, column["region"][chosen]),
        "wanted": wanted,
        "extra": extra,
    }


def _areas(rng: np.random.Generator, profile: CountryProfile, regions: np.ndarray) -> np.ndarray:
    """An ISO 3166-2 subdivision for each survey region: region 1 is the capital, the other
    regions share the other subdivisions, each drawn by population."""
    others = sorted(code for code in profile.population if code != profile.capital)
    found = np.empty(len(regions), dtype=object)
    for region in range(1, 11):
        where = np.flatnonzero(regions == region)
        group = [profile.capital] if region == 1 else others[region - 2 :: 9]
        weights = np.array([profile.population[c] for c in group], dtype=float)
        found[where] = rng.choice(group, size=len(where), p=weights / weights.sum())
    return found


def _title(titles: Mapping[str, list[str]], code: str, pick: float, form: float) -> str:
    """A job title for ``code`` as someone might type it (``pick`` and ``form`` are uniform
    draws choosing the title and its capitals)."""
    text = titles[code][int(pick * len(titles[code]))]
    return text.capitalize() if form < 0.5 else text.title() if form < 0.6 else text


def _seekers(
    rng: np.random.Generator,
    profile: CountryProfile,
    people: dict[str, np.ndarray],
    titles: Mapping[str, list[str]],
    until: date,
) -> list[dict[str, Any]]:
    """The seekers, as rows of the seekers file (see :mod:`decentwork.pes.imports`)."""
    count = len(people["age"])
    back = rng.integers(0, 730, count)
    born_back = rng.integers(0, 365, count)
    family = rng.integers(0, len(profile.family_names), count)
    given = rng.random(count)
    second = rng.random(count) < 0.25
    worked = rng.random(count) < 0.5
    years = rng.exponential(4, count).astype(int) + 1
    fate = rng.random(count)
    disability = rng.choice(["yes", "no", ""], size=count, p=[0.04, 0.80, 0.16])
    speaks = rng.random((count, len(profile.other_languages)))
    confirmed = rng.random((count, 2)) < 0.8
    picks, forms = rng.random((count, 2)), rng.random((count, 2))
    available = rng.integers(0, 31, count)
    wage = profile.wage * np.exp(
        0.12 * (np.maximum(people["education"], 0) - 2) + rng.normal(0, 0.25, count)
    )
    wage_given = rng.random(count) < 0.6
    identity = rng.random(count) < 0.85
    suffix = rng.integers(0, 1000, count)
    phone = rng.random(count) < 0.7
    network = rng.integers(0, len(profile.phone_networks), count)
    digits = rng.integers(10 ** (profile.phone_digits - 1), 10**profile.phone_digits, count)
    email = rng.random(count) < 0.15
    step = 10 if profile.currency == "USD" else 100_000
    rows = []
    for i in range(count):
        registered = until - timedelta(days=int(back[i]))
        age = int(people["age"][i])
        born = date(registered.year - age, registered.month, min(registered.day, 28)) - timedelta(
            days=int(born_back[i])
        )
        names = profile.male_names if people["sex"][i] == 1 else profile.female_names
        wanted = [str(people["wanted"][i])]
        if second[i] and people["extra"][i] not in wanted:
            wanted.append(str(people["extra"][i]))
        older = back[i] > 90
        status = (
            "placed"
            if fate[i] < (0.194 if older else 0.05)
            else "inactive"
            if fate[i] < (0.344 if older else 0.07)
            else "active"
        )
        education = int(people["education"][i])
        row: dict[str, Any] = {
            "centre": f"{people['area'][i]}-JC",
            "family_name": profile.family_names[family[i]],
            "given_names": names[int(given[i] * len(names))],
            "national_id": f"{i:06d}{suffix[i]:03d}" if identity[i] else None,
            "birth_date": born.isoformat(),
            "sex": "M" if people["sex"][i] == 1 else "F",
            "disability": str(disability[i]),
            "phone": (
                f"{profile.phone_prefix} {profile.phone_networks[network[i]]} {digits[i]}"
                if phone[i]
                else None
            ),
            "email": f"jobseeker{i:06d}@example.org" if email[i] else None,
            "area": str(people["area"][i]),
            "education": None if education < 0 else str(education),
            "languages": [profile.language]
            + [
                code
                for k, (code, share) in enumerate(profile.other_languages.items())
                if speaks[i, k] < share
            ],
            "occupations": [
                {
                    "isco": code,
                    "text": _title(titles, code, picks[i, k], forms[i, k]),
                    "confirmed": bool(confirmed[i, k]),
                }
                for k, code in enumerate(wanted)
            ],
            "work_history": (
                [{"isco": wanted[0], "years": int(min(years[i], max(age - 15, 1)))}]
                if people["employed"][i] or worked[i]
                else []
            ),
            "available_from": (registered + timedelta(days=int(available[i]))).isoformat(),
            "expected_wage": round(float(wage[i]) / step) * step if wage_given[i] else None,
            "consent": {
                "purpose": CONSENT,
                "given_at": datetime.combine(registered, time(9), UTC).isoformat(),
            },
            "registered_on": registered.isoformat(),
            "status": status,
        }
        if row["expected_wage"] is not None:
            row.update(wage_currency=profile.currency, wage_period="month")
        rows.append(row)
    return rows


def _vacancies(
    rng: np.random.Generator,
    profile: CountryProfile,
    count: int,
    titles: Mapping[str, list[str]],
    until: date,
    place_names: Mapping[str, str],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Employers (one per four vacancies) and their vacancies, as rows of the files."""
    from decentwork.synthetic import classifications as survey_codes

    names = sorted(profile.population)
    weights = np.array(
        [profile.population[c] * (3 if c == profile.capital else 1) for c in names], dtype=float
    )
    shares = survey_codes.DIVISION_SHARES[:, [0, 2]].sum(axis=1)  # men's, as employees
    employer_rows: list[dict[str, Any]] = []
    for number in range(max(1, count // 4) if count else 0):
        division = int(rng.choice(len(survey_codes.DIVISIONS), p=shares / shares.sum()))
        sector = int(survey_codes.DIVISION_SECTOR[division])
        employer_rows.append(
            {
                "name": f"{rng.choice(NAME_WORDS)} {rng.choice(SECTOR_WORDS[sector])} "
                f"{rng.choice(['Co., Ltd.', 'Ltd.', 'Group', 'Enterprise'])}",
                "registration_number": f"{number + 1:08d}",
                "isic": f"{int(survey_codes.DIVISION_CODES[division]):02d}",
                "area": str(rng.choice(names, p=weights / weights.sum())),
                "division": int(survey_codes.DIVISION_CODES[division]),
            }
        )
    size = 1 / np.arange(1, len(employer_rows) + 1) ** 0.8
    vacancy_rows = []
    for _ in range(count):
        employer = employer_rows[int(rng.choice(len(employer_rows), p=size / size.sum()))]
        jobs = survey_codes.OCCUPATIONS[employer["division"]]
        code = f"{jobs[int(rng.choice(len(jobs), p=_norm([w for _, w, _ in jobs])))][0]:04d}"
        vacancy_rows.append(_vacancy(rng, profile, employer, code, titles, until, place_names))
    return employer_rows, vacancy_rows


def _norm(weights: Sequence[float]) -> np.ndarray:
    values = np.array(weights, dtype=float) + 1e-9
    return values / values.sum()


def _vacancy(
    rng: np.random.Generator,
    profile: CountryProfile,
    employer: dict[str, Any],
    code: str,
    titles: Mapping[str, list[str]],
    until: date,
    place_names: Mapping[str, str],
) -> dict[str, Any]:
    """One vacancy as a row of the vacancies file."""
    major = int(code[0])
    openings = int(rng.integers(5, 81) if employer["division"] == 14 else rng.geometric(0.35))
    title = _title(titles, code, rng.random(), rng.random())
    form = rng.random()
    if form < 0.2:
        title = f"{title} ({openings} positions)"
    elif form < 0.3:
        title = f"Urgent: {title}"
    area = employer["area"] if rng.random() < 0.8 else str(rng.choice(sorted(place_names)))
    posted = until - timedelta(days=int(rng.integers(0, 365)))
    expires = posted + timedelta(days=int(rng.choice([30, 45, 60])))
    factor = 2.2 if major <= 3 else 1.2 if major <= 5 else 1.1 if major <= 8 else 0.9
    step = 10 if profile.currency == "USD" else 100_000
    low = round(profile.wage * factor * float(np.exp(rng.normal(0, 0.15))) / step) * step
    row: dict[str, Any] = {
        "employer_name": employer["name"],
        "employer_registration": employer["registration_number"],
        "employer_isic": employer["isic"],
        "employer_area": employer["area"],
        "centre": f"{area}-JC",
        "title": title,
        "description": f"{openings} opening(s). Workplace in {place_names[area]}.",
        "isco": code,
        "area": area,
        "openings": openings,
        "education": {1: "6", 2: "6", 3: "5", 4: "3", 5: "3", 6: None, 7: "2", 8: "2", 9: None}.get(
            major
        ),
        "experience_years": int(rng.choice([0, 0, 1, 2, 3, 5])),
        "skills": [],
        "wage_min": None,
        "wage_max": None,
        "wage_currency": None,
        "wage_period": None,
        "contract": str(rng.choice([c for c, _ in CONTRACTS], p=[w for _, w in CONTRACTS])),
        "posted_on": posted.isoformat(),
        "expires_on": expires.isoformat(),
        "status": "open"
        if expires >= until
        else str(rng.choice(["filled", "closed"], p=[0.45, 0.55])),
    }
    if rng.random() < 0.7:
        row.update(
            wage_min=low,
            wage_max=round(low * float(rng.uniform(1.0, 1.4)) / step) * step,
            wage_currency=profile.currency,
            wage_period="month",
        )
    return row


# Writing ------------------------------------------------------------------------------------


def _into_registry(
    registry: Registry, drawn: _Draw, on_progress: Callable[[int, int], None], history: _History
) -> None:
    """Write the records into the registry in one transaction, checked as any record is,
    with one audit entry per kind of record, and their ``history``."""
    now = registry.clock()
    total = len(drawn.seekers) + len(drawn.vacancies)
    with registry.engine.begin() as connection:
        checks = registry.checks(connection)
        centre_ids = dict(
            zip(
                (c["code"] for c in drawn.centres),
                centres.insert(
                    connection, [validated(CentreIn, c, checks) for c in drawn.centres], registry
                ),
                strict=True,
            )
        )
        employer_ids = dict(
            zip(
                (e["registration_number"] for e in drawn.employers),
                employers.insert(
                    connection,
                    [
                        validated(
                            EmployerIn, {k: v for k, v in e.items() if k != "division"}, checks
                        )
                        for e in drawn.employers
                    ],
                    now,
                ),
                strict=True,
            )
        )
        done = 0
        seeker_ids: list[int] = []
        vacancy_ids: list[int] = []
        for chunk in _chunks(drawn.seekers):
            seeker_ids += seekers.insert(
                connection,
                [
                    validated(SeekerIn, {**row, "centre": centre_ids[row["centre"]]}, checks)
                    for row in chunk
                ],
                user_id=None,
                now=now,
            )
            done += len(chunk)
            on_progress(done, total)
        for chunk in _chunks(drawn.vacancies):
            vacancy_ids += vacancies.insert(
                connection,
                [
                    validated(
                        VacancyIn,
                        {
                            **{k: v for k, v in row.items() if not k.startswith("employer")},
                            "employer": employer_ids[row["employer_registration"]],
                            "centre": centre_ids[row["centre"]],
                        },
                        checks,
                    )
                    for row in chunk
                ],
                user_id=None,
                now=now,
            )
            done += len(chunk)
            on_progress(done, total)
        history.write(connection, drawn, seeker_ids, vacancy_ids)
        for kind, count in (
            ("centre", len(drawn.centres)),
            ("employer", len(drawn.employers)),
            ("seeker", len(drawn.seekers)),
            ("vacancy", len(drawn.vacancies)),
        ):
            audit.append(
                connection,
                at=now,
                user_id=None,
                role=None,
                interface=Interface.CLI.value,
                action=f"{kind}.generate",
                kind=kind,
                record_id=None,
                outcome="ok",
                detail=f"{count} synthetic records",
            )


@dataclass(frozen=True)
class _History:
    """When the synthetic seekers left the register, and their referrals (see the module's
    description), drawn from ``seed`` (apart from the records', which stay as they were)."""

    seed: int
    until: date

    def write(
        self,
        connection: sa.Connection,
        drawn: _Draw,
        seeker_ids: Sequence[int],
        vacancy_ids: Sequence[int],
    ) -> None:
        """Date the leaving of the seekers ``seeker_ids`` (rows of ``drawn``) and write
        their referrals to the vacancies ``vacancy_ids``."""
        rng = np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(17,)))
        posted = [
            (date.fromisoformat(v["posted_on"]), vacancy_id, v["isco"][0])
            for v, vacancy_id in zip(drawn.vacancies, vacancy_ids, strict=True)
        ]
        left: list[dict[str, Any]] = []
        referred: list[dict[str, Any]] = []
        for row, seeker_id in zip(drawn.seekers, seeker_ids, strict=True):
            registered = date.fromisoformat(row["registered_on"])
            span = (self.until - registered).days
            wanted = row["occupations"][0]["isco"][0] if row["occupations"] else ""
            if row["status"] != "active" and span > 0:
                day = registered + timedelta(
                    days=int(rng.integers(min(14, span), min(182, span) + 1))
                )
                left.append({"key": seeker_id, "moment": datetime.combine(day, time(12), UTC)})
                if row["status"] == "placed":
                    referred += _referral(rng, posted, seeker_id, wanted, day, "hired")
            elif rng.random() < 0.25 and span > 7:
                day = registered + timedelta(days=int(rng.integers(7, span + 1)))
                outcome = str(rng.choice(["not selected", "did not attend", "withdrawn"]))
                referred += _referral(rng, posted, seeker_id, wanted, day, outcome)
        if left:
            connection.execute(
                sa.update(tables.seekers)
                .where(tables.seekers.c.id == sa.bindparam("key"))
                .values(updated_at=sa.bindparam("moment")),
                left,
            )
        if referred:
            connection.execute(sa.insert(tables.referrals), referred)
        openings = {
            vacancy_id: int(v["openings"])
            for v, vacancy_id in zip(drawn.vacancies, vacancy_ids, strict=True)
        }
        hires: dict[int, int] = {}
        for referral in referred:
            if referral["status"] == "hired":
                hires[referral["vacancy_id"]] = hires.get(referral["vacancy_id"], 0) + 1
        if hires:
            connection.execute(
                sa.update(tables.vacancies)
                .where(tables.vacancies.c.id == sa.bindparam("key"))
                .values(filled=sa.bindparam("filled")),
                [{"key": k, "filled": min(openings[k], n)} for k, n in hires.items()],
            )


def _referral(
    rng: np.random.Generator,
    posted: Sequence[tuple[date, int, str]],
    seeker_id: int,
    major: str,
    day: date,
    outcome: str,
) -> list[dict[str, Any]]:
    """A referral of the seeker with its ``outcome`` on ``day``, to a vacancy posted in the
    sixty days before (of ISCO-08 major group ``major`` when there is one); none when no
    vacancy was posted then."""
    recent = [p for p in posted if day - timedelta(days=60) <= p[0] <= day]
    fitting = [p for p in recent if p[2] == major] or recent
    if not fitting:
        return []
    on, vacancy_id, _ = fitting[int(rng.integers(0, len(fitting)))]
    referred = max(on, day - timedelta(days=int(rng.integers(1, 15))))
    return [
        {
            "seeker_id": seeker_id,
            "vacancy_id": vacancy_id,
            "source": "match",
            "score": None,
            "referred_by": None,
            "referred_at": datetime.combine(referred, time(10), UTC),
            "status": outcome,
            "outcome_on": day,
            "starts_on": None,
            "outcome_by": None,
            "outcome_at": datetime.combine(day, time(12), UTC),
            "version": 1,
        }
    ]


def _chunks(rows: list[dict[str, Any]]) -> Iterable[list[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def _into_files(folder: Path, drawn: _Draw) -> list[Path]:
    """Write the records as the import files: centres, seekers, vacancies (employers are
    added by the vacancies' import).

    Raises:
        BadInput: the folder cannot be written.
    """
    files = [
        (folder / "centres.csv", CENTRE_COLUMNS, drawn.centres),
        (
            folder / "seekers.csv",
            (*SEEKER_REQUIRED, *SEEKER_OPTIONAL),
            [_seeker_cells(row) for row in drawn.seekers],
        ),
        (
            folder / "vacancies.csv",
            (*VACANCY_REQUIRED, *VACANCY_OPTIONAL),
            [{**row, "skills": ""} for row in drawn.vacancies],
        ),
    ]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for path, columns, rows in files:
            with path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, columns, extrasaction="ignore", lineterminator="\n")
                writer.writeheader()
                writer.writerows(
                    {k: "" if v is None else v for k, v in row.items()} for row in rows
                )
    except OSError as error:
        raise BadInput(
            f"{folder}: cannot be written ({error.strerror or error})",
            parameter="out",
            given=str(folder),
        ) from None
    return [path for path, _, _ in files]


def _seeker_cells(row: dict[str, Any]) -> dict[str, Any]:
    """A seeker row in the file's columns."""
    cells = {
        k: v
        for k, v in row.items()
        if k not in ("occupations", "work_history", "languages", "consent")
    }
    for number, wanted in enumerate(row["occupations"], start=1):
        cells[f"occupation_{number}"] = wanted["isco"]
        cells[f"occupation_{number}_text"] = wanted["text"]
    cells["languages"] = " ".join(row["languages"])
    cells["work_history"] = "; ".join(f"{j['isco']}:{j['years']}" for j in row["work_history"])
    cells["consent_purpose"] = row["consent"]["purpose"]
    cells["consent_date"] = row["consent"]["given_at"][:10]
    cells["not_duplicate"] = "yes"
    return cells
