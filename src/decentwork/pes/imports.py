"""Bulk import of job seekers, vacancies, job centres and districts from CSV or Excel files
(the columns are in ``docs/pes.md``).

Every row is checked as a registration through the service would check it (fields, codes,
job centre, the actor's rights, and for seekers likely duplicates, against the registry and
the rows above); every bad row is reported as file:line, field and problem. Nothing is
imported unless every row is good, or ``skip_bad`` is given (the bad rows are then reported
and left out). The import is one transaction: a failure leaves nothing behind. Each record
created is logged in the audit log, with one entry for the import.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from decentwork.pes import audit, centres, duplicates, employers, seekers, vacancies
from decentwork.pes.access import Actor, Role, require
from decentwork.pes.models import (
    CentreIn,
    Checks,
    DistrictIn,
    EmployerIn,
    InvalidRecord,
    SeekerIn,
    VacancyIn,
    validated,
)
from decentwork.pes.names import name_key
from decentwork.pes.registry import Registry
from decentwork.pes.table_files import ImportRejected, Row, RowProblem, read_rows
from decentwork.pes.tables import areas, job_centres

OCCUPATIONS = 3
"""Desired occupations a seekers file can give (``occupation_1`` ... ``occupation_3``)."""
SEEKER_REQUIRED = (
    "centre",
    "given_names",
    "birth_date",
    "sex",
    "area",
    "consent_purpose",
    "consent_date",
)
SEEKER_OPTIONAL = (
    "family_name",
    "national_id",
    "disability",
    "phone",
    "email",
    "address",
    "education",
    "languages",
    *(f"occupation_{i}{part}" for i in range(1, OCCUPATIONS + 1) for part in ("", "_text")),
    "skills",
    "work_history",
    "available_from",
    "expected_wage",
    "wage_currency",
    "wage_period",
    "registered_on",
    "status",
    "not_duplicate",
)
VACANCY_REQUIRED = ("employer_name", "centre", "title", "isco", "area")
PLACEHOLDER = 2**63 - 1
"""An id standing for one not known while a row is checked: a new employer's (replaced by
the id it is written with), or a centre whose code was refused (a problem of its own)."""
VACANCY_OPTIONAL = (
    "employer_registration",
    "employer_isic",
    "employer_area",
    "description",
    "openings",
    "education",
    "experience_years",
    "skills",
    "wage_min",
    "wage_max",
    "wage_currency",
    "wage_period",
    "contract",
    "posted_on",
    "expires_on",
    "status",
)
CENTRE_COLUMNS = ("code", "name", "area")
DISTRICT_COLUMNS = ("code", "name", "parent")
SKIP_HINT = "correct the rows, or import the good ones only with skip_bad=True"
_LIST = re.compile(r"[;,\s]+")


@dataclass
class ImportReport:
    """What an import did: the records created (their ids) and the rows left out."""

    file: Path
    kind: str
    ids: list[int] = field(default_factory=list)
    skipped: list[RowProblem] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return len(self.ids)


@dataclass
class _Rows:
    """The rows of one import being checked: the good ones' records by line, the problems."""

    path: Path
    good: dict[int, Any] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)

    def refuse(self, line: int, name: str, problem: str) -> None:
        self.problems.append(RowProblem(self.path.name, line, name, problem))

    def check(self, line: int, make: Callable[[], Any], columns: Callable[[str], str]) -> Any:
        """``make()``'s record, or None with its problems noted (fields named as columns)."""
        try:
            return make()
        except InvalidRecord as error:
            for problem in error.problems:
                self.refuse(line, columns(problem.field), problem.message)
            return None

    def bad_lines(self) -> set[int]:
        return {p.line for p in self.problems}


def _finish(rows: _Rows, report: ImportReport, skip_bad: bool) -> list[tuple[int, Any]]:
    """The good records in file order; refuse the import when rows are bad and not
    ``skip_bad``."""
    if rows.problems and not skip_bad:
        raise ImportRejected(rows.path, rows.problems, hint=SKIP_HINT)
    report.skipped = rows.problems
    bad = rows.bad_lines()
    return [(line, record) for line, record in sorted(rows.good.items()) if line not in bad]


def _log_created(
    connection: sa.Connection,
    registry: Registry,
    actor: Actor,
    action: str,
    kind: str,
    ids: Iterable[int],
    lines: Iterable[int],
) -> None:
    now = registry.clock()
    entries = [
        {
            "at": now,
            "user_id": actor.user_id,
            "role": actor.role.value,
            "interface": actor.interface.value,
            "action": action,
            "record_kind": kind,
            "record_id": i,
            "outcome": "ok",
            "detail": f"imported from line {line}",
        }
        for i, line in zip(ids, lines, strict=True)
    ]
    if entries:
        connection.execute(sa.insert(audit.audit_log), entries)


# Seekers ----------------------------------------------------------------------------------


def import_seekers(
    registry: Registry, actor: Actor, path: Path, *, skip_bad: bool = False
) -> ImportReport:
    """Import the job seekers of a CSV or Excel file (see the module's description). A row
    that is a likely duplicate (same national ID as a registered seeker or a row above, or
    the same date of birth and a similar name) is bad unless its ``not_duplicate`` column is
    ``yes`` (a national ID is never registered twice).

    Raises:
        ImportRejected: bad rows and not ``skip_bad``; lists every problem.
        Refused: the actor may not register seekers.
        NotFound, BadInput: the file is missing, unreadable or its header wrong.
    """
    report = ImportReport(path, "seeker")
    with audit.audited(registry, actor, "seeker.import", "seeker") as step:
        require(step.actor, Role.ADMINISTRATOR, Role.OFFICER, to="import job seekers")
        rows = _Rows(path)
        parsed = _parse_seekers(
            step.connection,
            step.actor,
            registry.checks(step.connection),
            read_rows(path, SEEKER_REQUIRED, SEEKER_OPTIONAL),
            rows,
        )
        _find_duplicates(step.connection, step.actor, parsed, rows)
        good = _finish(rows, report, skip_bad)
        report.ids = seekers.insert(
            step.connection, [r for _, r in good], user_id=step.actor.user_id, now=registry.clock()
        )
        _log_created(
            step.connection,
            registry,
            step.actor,
            "seeker.create",
            "seeker",
            report.ids,
            [line for line, _ in good],
        )
        step.detail = f"{report.imported} imported, {len(rows.bad_lines())} bad rows"
    return report


def _parse_seekers(
    connection: sa.Connection, actor: Actor, checks: Checks, rows: Iterable[Row], found: _Rows
) -> dict[int, tuple[SeekerIn, bool]]:
    """Each good row's seeker and its ``not_duplicate`` answer, by line."""
    codes = _centre_codes(connection)
    parsed = {}
    for row in rows:
        data, problems = _seeker_data(row.values, codes, actor)
        for name, problem in problems:
            found.refuse(row.line, name, problem)
        not_duplicate = _answer(row.values.get("not_duplicate"))
        if not_duplicate is None:
            found.refuse(row.line, "not_duplicate", "expected yes or no")
        seeker = found.check(
            row.line, partial(validated, SeekerIn, data, checks, "seeker"), _seeker_column
        )
        if seeker is not None and not problems and not_duplicate is not None:
            found.good[row.line] = seeker
            parsed[row.line] = (seeker, not_duplicate)
    return parsed


def _seeker_data(
    values: dict[str, object], codes: dict[str, int], actor: Actor
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """A row's values as :class:`SeekerIn` fields, and the problems found on the way."""
    problems: list[tuple[str, str]] = []
    centre = _centre(values["centre"], codes, actor, problems)
    occupations = []
    for i in range(1, OCCUPATIONS + 1):
        code, text = values[f"occupation_{i}"], values[f"occupation_{i}_text"]
        if code:
            occupations.append({"isco": code, "text": text})
        elif text:
            problems.append(
                (
                    f"occupation_{i}",
                    "no ISCO-08 code for the text (the occupation coder can code the texts first)",
                )
            )
    history = []
    for part in filter(None, (p.strip() for p in str(values["work_history"]).split(";"))):
        code, _, years = part.partition(":")
        if not code.strip():
            problems.append(("work_history", "expected CODE:YEARS; CODE:YEARS ..."))
            break
        history.append({"isco": code.strip(), "years": years.strip() or None})
    given = values["consent_date"]
    data = {
        "centre": centre or PLACEHOLDER,
        **{
            name: values[name]
            for name in (
                "family_name",
                "given_names",
                "national_id",
                "birth_date",
                "sex",
                "disability",
                "phone",
                "email",
                "address",
                "area",
                "education",
                "available_from",
                "expected_wage",
                "wage_currency",
                "wage_period",
                "registered_on",
                "status",
            )
        },
        "languages": _items(values["languages"]),
        "skills": _items(values["skills"]),
        "occupations": occupations,
        "work_history": history,
        "consent": {
            "purpose": values["consent_purpose"],
            "given_at": datetime.combine(given, datetime.min.time())
            if isinstance(given, date) and not isinstance(given, datetime)
            else given,
        },
    }
    return {k: v for k, v in data.items() if v != ""}, problems


def _list_column(path: str) -> str:
    """The file's column for a field (``skills[2]`` is ``skills``)."""
    return re.sub(r"\[\d+\].*$", "", path)


def _employer_column(path: str) -> str:
    """The file's column for a field of a new employer (``isic`` is ``employer_isic``)."""
    return "employer_" + {"registration_number": "registration"}.get(path, path)


def _seeker_column(path: str) -> str:
    """The file's column for a field of :class:`SeekerIn` (``occupations[0].isco`` is
    ``occupation_1``)."""
    if match := re.match(r"occupations\[(\d+)\](\.text)?", path):
        return f"occupation_{int(match[1]) + 1}{'_text' if match[2] else ''}"
    if path.startswith("consent."):
        return "consent_date" if path.endswith("given_at") else "consent_purpose"
    return _list_column(path)


def _find_duplicates(
    connection: sa.Connection, actor: Actor, parsed: dict[int, tuple[SeekerIn, bool]], rows: _Rows
) -> None:
    """Note the rows that are likely duplicates of registered seekers or of rows above."""
    registered = duplicates.born_on(connection, (s.birth_date for s, _ in parsed.values()))
    taken = duplicates.holders(
        connection, actor, (s.national_id for s, _ in parsed.values() if s.national_id)
    )
    seen_ids: dict[str, int] = {}
    above: dict[date, list[tuple[int, str]]] = {}
    for line, (seeker, not_duplicate) in sorted(parsed.items()):
        key = name_key(seeker.family_name, seeker.given_names)
        if seeker.national_id in taken:
            rows.refuse(line, "national_id", f"registered already: {taken[seeker.national_id][1]}")
        elif seeker.national_id in seen_ids:
            rows.refuse(line, "national_id", f"same as line {seen_ids[seeker.national_id]}")
        if seeker.national_id:
            seen_ids.setdefault(seeker.national_id, line)
        if not not_duplicate:
            similar = duplicates.similar_names(actor, key, registered.get(seeker.birth_date, []))
            earlier = [
                other
                for other, other_key in above.get(seeker.birth_date, [])
                if duplicates.similarity(key, other_key) >= duplicates.THRESHOLD
            ]
            listed = [str(c) for c in similar] + [f"line {other}" for other in earlier]
            if listed:
                rows.refuse(
                    line,
                    "not_duplicate",
                    "likely duplicate (same date of birth, "
                    f"similar name) of {'; '.join(listed)}: give yes if this is "
                    "another person",
                )
        above.setdefault(seeker.birth_date, []).append((line, key))


# Vacancies --------------------------------------------------------------------------------


def import_vacancies(
    registry: Registry, actor: Actor, path: Path, *, skip_bad: bool = False
) -> ImportReport:
    """Import the vacancies of a CSV or Excel file (see the module's description). The
    employer is found by its registration number, else by its name; an employer not in the
    registry yet is added (its ISIC Rev.4 activity is then required).

    Raises:
        ImportRejected: bad rows and not ``skip_bad``; lists every problem.
        Refused: the actor may not import vacancies (administrators and officers).
        NotFound, BadInput: the file is missing, unreadable or its header wrong.
    """
    report = ImportReport(path, "vacancy")
    with audit.audited(registry, actor, "vacancy.import", "vacancy") as step:
        require(step.actor, Role.ADMINISTRATOR, Role.OFFICER, to="import vacancies")
        checks = registry.checks(step.connection)
        codes = _centre_codes(step.connection)
        rows = _Rows(path)
        new_employers: dict[str, EmployerIn] = {}
        links: dict[int, tuple[int | None, str]] = {}
        for row in read_rows(path, VACANCY_REQUIRED, VACANCY_OPTIONAL):
            problems: list[tuple[str, str]] = []
            centre = _centre(row.values["centre"], codes, step.actor, problems)
            values = row.values
            number = str(values["employer_registration"]) or None
            key = (number or str(values["employer_name"])).strip().lower()
            employer = employers.find_employer(
                step.connection, str(values["employer_name"]), number
            )
            if employer is None and key not in new_employers:
                new = rows.check(
                    row.line,
                    partial(
                        validated,
                        EmployerIn,
                        {
                            "name": values["employer_name"],
                            "registration_number": number,
                            "isic": values["employer_isic"] or None,
                            "area": values["employer_area"] or values["area"],
                        },
                        checks,
                        "employer",
                    ),
                    _employer_column,
                )
                if new is not None:
                    new_employers[key] = new
            data = {
                name: values[name]
                for name in VACANCY_OPTIONAL + VACANCY_REQUIRED
                if not name.startswith("employer") and name != "centre"
            }
            data = {
                **{k: v for k, v in data.items() if v != ""},
                "centre": centre,
                "employer": employer or PLACEHOLDER,
                "skills": _items(values["skills"]),
            }
            vacancy = rows.check(
                row.line, partial(validated, VacancyIn, data, checks, "vacancy"), _list_column
            )
            for name, problem in problems:
                rows.refuse(row.line, name, problem)
            if vacancy is not None and not problems:
                rows.good[row.line] = vacancy
                links[row.line] = (employer, key)
        good = _finish(rows, report, skip_bad)
        wanted = {links[line][1] for line, _ in good if links[line][0] is None}
        added = (
            dict(
                zip(
                    sorted(wanted),
                    employers.insert(
                        step.connection,
                        [new_employers[k] for k in sorted(wanted)],
                        registry.clock(),
                    ),
                    strict=True,
                )
            )
            if wanted
            else {}
        )
        records = [
            v.model_copy(update={"employer": links[line][0] or added[links[line][1]]})
            for line, v in good
        ]
        report.ids = vacancies.insert(
            step.connection, records, user_id=step.actor.user_id, now=registry.clock()
        )
        first = {links[line][1]: line for line, _ in reversed(good)}
        _log_created(
            step.connection,
            registry,
            step.actor,
            "employer.create",
            "employer",
            added.values(),
            [first[key] for key in added],
        )
        _log_created(
            step.connection,
            registry,
            step.actor,
            "vacancy.create",
            "vacancy",
            report.ids,
            [line for line, _ in good],
        )
        step.detail = (
            f"{report.imported} imported, {len(added)} employers added, "
            f"{len(rows.bad_lines())} bad rows"
        )
    return report


# Job centres and districts ------------------------------------------------------------------


def import_centres(
    registry: Registry, actor: Actor, path: Path, *, skip_bad: bool = False
) -> ImportReport:
    """Import job centres (``code``, ``name``, ``area``). Administrators only.

    Raises:
        ImportRejected: bad rows (a code taken, in the registry or above) and not
            ``skip_bad``.
        Refused: the actor is not an administrator.
    """
    report = ImportReport(path, "centre")
    with audit.audited(registry, actor, "centre.import", "centre") as step:
        require(step.actor, Role.ADMINISTRATOR, to="import job centres")
        checks = registry.checks(step.connection)
        taken = set(_centre_codes(step.connection))
        rows = _Rows(path)
        for row in read_rows(path, CENTRE_COLUMNS, ()):
            centre = rows.check(
                row.line, partial(validated, CentreIn, row.values, checks, "centre"), str
            )
            if centre is None:
                continue
            if centre.code in taken:
                rows.refuse(row.line, "code", f"job centre {centre.code} exists already")
                continue
            taken.add(centre.code)
            rows.good[row.line] = centre
        good = _finish(rows, report, skip_bad)
        report.ids = centres.insert(step.connection, [c for _, c in good], registry) if good else []
        _log_created(
            step.connection,
            registry,
            step.actor,
            "centre.create",
            "centre",
            report.ids,
            [line for line, _ in good],
        )
        step.detail = f"{report.imported} imported, {len(rows.bad_lines())} bad rows"
    return report


def import_districts(
    registry: Registry, actor: Actor, path: Path, *, skip_bad: bool = False
) -> ImportReport:
    """Add areas below the ISO 3166-2 subdivisions (``code``, ``name``, ``parent``; a parent
    is a subdivision, a district added before, or a district of a row above).
    Administrators only; the report's ``ids`` are the rows' lines.

    Raises:
        ImportRejected: bad rows (a code taken, an unknown parent) and not ``skip_bad``.
        Refused: the actor is not an administrator.
    """
    report = ImportReport(path, "area")
    with audit.audited(registry, actor, "area.import", "area") as step:
        require(step.actor, Role.ADMINISTRATOR, to="add districts")
        checks = registry.checks(step.connection)
        rows = _Rows(path)
        known = set(checks.districts)
        for row in read_rows(path, DISTRICT_COLUMNS, ()):
            context = Checks(checks.references, frozenset(known))
            district = rows.check(
                row.line, partial(validated, DistrictIn, row.values, context, "district"), str
            )
            if district is None:
                continue
            if district.code in known:
                rows.refuse(row.line, "code", f"district {district.code} exists already")
                continue
            known.add(district.code)
            rows.good[row.line] = district
        good = _finish(rows, report, skip_bad)
        now = registry.clock()
        if good:
            step.connection.execute(
                sa.insert(areas),
                [
                    {"code": d.code, "name": d.name, "parent": d.parent, "created_at": now}
                    for _, d in good
                ],
            )
        report.ids = [line for line, _ in good]
        step.detail = f"{len(good)} districts added, {len(rows.bad_lines())} bad rows"
    return report


# Shared -------------------------------------------------------------------------------------


def _centre_codes(connection: sa.Connection) -> dict[str, int]:
    return {
        row.code: row.id
        for row in connection.execute(sa.select(job_centres.c.code, job_centres.c.id))
    }


def _centre(
    code: object, codes: dict[str, int], actor: Actor, problems: list[tuple[str, str]]
) -> int | None:
    """The id of job centre ``code``, noting a problem when there is none or it is not the
    officer's."""
    found = codes.get(str(code).strip())
    if found is None:
        problems.append(("centre", f"no job centre {code!r}"))
    elif actor.role == Role.OFFICER and found not in actor.centres:
        problems.append(("centre", f"job centre {code} is not one of this officer's centres"))
    return found


def _items(value: object) -> list[str]:
    """A cell listing codes, separated by semicolons, commas or spaces."""
    return [item for item in _LIST.split(str(value)) if item]


def _answer(value: object) -> bool | None:
    """A yes/no cell (empty is no), or None when it is neither."""
    text = str(value or "").strip().lower()
    if text in ("", "no", "n", "false", "0"):
        return False
    return True if text in ("yes", "y", "true", "1") else None
