"""The seeker and vacancy forms: a record as the form's values (text by control), the values
as the data the service layer takes (only what was filled in), what an edit changed, and the
service's refusals as errors tied to the controls they are about.

A desired occupation is a row of three controls: the free text (``occupation-0-text``), a
suggested code picked (``occupation-0-pick``) and a code typed (``occupation-0-code``); the
code picked wins. A vacancy's title is its free text (``isco-pick``, ``isco``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from starlette.datastructures import FormData

from decentwork.errors import BadInput, DecentworkError
from decentwork.pes.models import InvalidRecord
from decentwork.pes.records import SeekerRecord, VacancyRecord
from decentwork.web.pes.ids import MAX_ID

MAX_OCCUPATIONS = 10
"""Desired occupations a seeker may have (as the registry takes them)."""
SEEKER_FIELDS = (
    "centre",
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
"""The seeker's fields that are one control each, named as the field."""
SEEKER_CONTROLS = frozenset(
    {*SEEKER_FIELDS, "languages", "skills", "consent_purpose", "consent_date"}
)
VACANCY_FIELDS = (
    "employer",
    "centre",
    "title",
    "description",
    "isco",
    "area",
    "openings",
    "education",
    "experience_years",
    "wage_min",
    "wage_max",
    "wage_currency",
    "wage_period",
    "contract",
    "posted_on",
    "expires_on",
    "status",
)
VACANCY_CONTROLS = frozenset({*VACANCY_FIELDS, "skills"})
CONTROL_OF = {
    "consent": "consent_purpose",
    "consent.purpose": "consent_purpose",
    "consent.given_at": "consent_date",
}
"""Fields whose control is named otherwise."""
_OCCUPATION = re.compile(r"occupations\[(\d+)\](?:\.(isco|text))?")
_LIST = re.compile(r"[\s,;]+")


@dataclass(frozen=True)
class FieldError:
    """A problem to show: the control it is about (its id, None when it has none), the key of
    its label, the occupation row (from 1) for a row's control, and the message."""

    target: str | None
    key: str
    row: int | None
    message: str

    @classmethod
    def about(cls, error: DecentworkError) -> FieldError:
        """An error about no control in particular."""
        return cls(None, "", None, error.message)


def field_errors(
    error: DecentworkError, controls: frozenset[str], rows: Sequence[int] = ()
) -> list[FieldError]:
    """``error``'s problems, each tied to its control among ``controls`` (``rows``: the form
    row of each desired occupation given)."""
    if not isinstance(error, InvalidRecord):
        if error.parameter in controls:
            return [FieldError(error.parameter, error.parameter, None, error.message)]
        return [FieldError.about(error)]
    return [_located(p.field, p.message, controls, rows) for p in error.problems]


def _located(path: str, message: str, controls: frozenset[str], rows: Sequence[int]) -> FieldError:
    occupation = _OCCUPATION.fullmatch(path)
    if occupation:
        index = int(occupation[1])
        row = rows[index] if index < len(rows) else 0
        part = "text" if occupation[2] == "text" else "code"
        return FieldError(f"occupation-{row}-{part}", f"occupation_{part}", row + 1, message)
    if path == "occupations":
        return FieldError(f"occupation-{rows[0] if rows else 0}-text", path, None, message)
    head = re.split(r"[\[.]", path)[0]
    control = CONTROL_OF.get(path, CONTROL_OF.get(head, head))
    if control in controls:
        return FieldError(control, control, None, message)
    return FieldError(None, path, None, message)


def whole_number(values: Mapping[str, str], name: str) -> int | None:
    """A filter's whole number (None when it is empty).

    Raises:
        BadInput: not a whole number.
    """
    text = values.get(name, "")
    if not text:
        return None
    if not _whole(text):
        raise BadInput(
            f"{name} {text!r} is not a whole number",
            parameter=name,
            given=text,
            expected=f"a whole number up to {MAX_ID}",
        )
    return int(text)


def day_of(values: Mapping[str, str], name: str) -> date | None:
    """A form's or filter's date (None when it is empty).

    Raises:
        BadInput: not a date.
    """
    text = values.get(name, "")
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadInput(
            f"{name} {text!r} is not a date", parameter=name, given=text, expected="YYYY-MM-DD"
        ) from None


def _whole(text: str) -> bool:
    """Whether ``text`` is a whole number a database integer holds (ASCII digits only)."""
    return text.isascii() and text.isdigit() and int(text) <= MAX_ID


def form_version(values: Mapping[str, str]) -> int:
    """The version of the record an edit form was filled in on (-1, older than any, when
    the form lacks it)."""
    text = values.get("version", "")
    return int(text) if _whole(text) else -1


def submitted(form: FormData) -> dict[str, str]:
    """A form's text fields, stripped."""
    return {name: value.strip() for name, value in form.multi_items() if isinstance(value, str)}


def changes(new: Mapping[str, Any], old: Mapping[str, Any]) -> dict[str, Any]:
    """The fields whose data differ (None: emptied)."""
    return {name: new.get(name) for name in sorted({*new, *old}) if new.get(name) != old.get(name)}


def _text(value: object) -> str:
    """A stored value as a form shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _items(text: str) -> list[str]:
    return [item for item in _LIST.split(text) if item]


def _filled(values: Mapping[str, str], names: Sequence[str]) -> dict[str, Any]:
    return {name: values[name] for name in names if values.get(name)}


# Seekers -------------------------------------------------------------------------------------


def seeker_values(record: SeekerRecord) -> dict[str, str]:
    """A seeker's record as the form's values."""
    values = {name: _text(getattr(record, name)) for name in SEEKER_FIELDS}
    values.update(
        languages=" ".join(record.languages),
        skills="\n".join(record.skills),
        consent_purpose=record.consent_purpose or "",
        consent_date=_text(record.consent_at and record.consent_at.date()),
    )
    for row, wanted in enumerate(record.occupations):
        values[f"occupation-{row}-text"] = wanted.text
        values[f"occupation-{row}-code"] = wanted.isco
    return values


def occupation_rows(values: Mapping[str, str]) -> tuple[list[dict[str, str]], list[int]]:
    """The desired occupations the form gives (``isco``: the code picked, else the code
    typed), and the form row of each."""
    found, rows = [], []
    for row in range(MAX_OCCUPATIONS):
        text, code, pick = (
            values.get(f"occupation-{row}-{part}", "") for part in ("text", "code", "pick")
        )
        if text or code or pick:
            found.append({"text": text, **({"isco": pick or code} if pick or code else {})})
            rows.append(row)
    return found, rows


def seeker_data(values: Mapping[str, str]) -> tuple[dict[str, Any], list[int]]:
    """What the form gives of a seeker (the service checks it), and the form row of each
    desired occupation."""
    data = _filled(values, SEEKER_FIELDS)
    for name in ("languages", "skills"):
        if values.get(name):
            data[name] = _items(values[name])
    consent = {
        part: values[name]
        for part, name in (("purpose", "consent_purpose"), ("given_at", "consent_date"))
        if values.get(name)
    }
    if consent:
        data["consent"] = consent
    occupations, rows = occupation_rows(values)
    if occupations:
        data["occupations"] = occupations
    return data, rows


def suggestion_row(values: Mapping[str, str]) -> int:
    """The occupation row whose suggestions the form's button asked for (``action`` is
    ``suggest-ROW``), or -1 when the form was submitted to be saved."""
    asked = values.get("action", "")
    row = asked.removeprefix("suggest-")
    if row == asked or not row.isdigit():
        return -1
    return min(int(row), MAX_OCCUPATIONS - 1)


def seeker_rows(values: Mapping[str, str]) -> int:
    """The occupation rows to show: those filled in and an empty one (at most
    :data:`MAX_OCCUPATIONS`)."""
    _, rows = occupation_rows(values)
    return min((rows[-1] + 2) if rows else 1, MAX_OCCUPATIONS)


# Vacancies -----------------------------------------------------------------------------------


def vacancy_values(record: VacancyRecord) -> dict[str, str]:
    """A vacancy as the form's values."""
    values = {name: _text(getattr(record, name)) for name in VACANCY_FIELDS}
    values["skills"] = "\n".join(record.skills)
    return values


def vacancy_data(values: Mapping[str, str]) -> dict[str, Any]:
    """What the form gives of a vacancy (the service checks it): the code picked among the
    suggestions, else the code typed."""
    data = _filled(
        {**values, "isco": values.get("isco-pick") or values.get("isco", "")}, VACANCY_FIELDS
    )
    if values.get("skills"):
        data["skills"] = _items(values["skills"])
    return data
