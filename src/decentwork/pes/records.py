"""What the registry gives back: records of seekers, vacancies, employers and job centres as
stored (Pydantic models, so that an interface can serialise them as they are, e.g.
``record.model_dump(mode="json")``)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

from decentwork.pes.times import as_utc


class Record(BaseModel):
    """Records are read-only; their times are in UTC."""

    model_config = ConfigDict(frozen=True)

    @field_validator("*", mode="after")
    @classmethod
    def _utc(cls, value: Any) -> Any:
        return as_utc(value) if isinstance(value, datetime) else value


class Centre(Record):
    """A job centre."""

    id: int
    code: str
    name: str
    area: str


class OccupationRecord(Record):
    """A desired occupation: the ISCO-08 unit group, the free text it was coded from, and who
    confirmed the code when (None when no one did)."""

    isco: str
    text: str
    confirmed_by: int | None
    confirmed_at: datetime | None


class PastJobRecord(Record):
    """An occupation of the work history."""

    isco: str
    years: Decimal | None


class SeekerRecord(Record):
    """A job seeker's whole record. After erasure the personal fields are empty (None, or
    ``""`` for the names) and ``status_at_erasure`` keeps the status the seeker had."""

    id: int
    version: int
    centre: int
    family_name: str
    given_names: str
    national_id: str | None
    birth_date: date | None
    age_band: str
    sex: str
    disability: bool | None
    phone: str | None
    email: str | None
    address: str | None
    area: str
    education: str | None
    languages: list[str]
    occupations: list[OccupationRecord]
    skills: list[str]
    work_history: list[PastJobRecord]
    available_from: date | None
    willing_to_move: bool | None
    expected_wage: Decimal | None
    wage_currency: str | None
    wage_period: str | None
    consent_purpose: str | None
    consent_at: datetime | None
    registered_on: date
    status: str
    status_at_erasure: str | None
    erased_at: datetime | None
    created_by: int | None
    updated_by: int | None
    created_at: datetime
    updated_at: datetime


class SeekerSummary(Record):
    """A seeker as a search lists it."""

    id: int
    centre: int
    family_name: str
    given_names: str
    birth_date: date | None
    sex: str
    area: str
    status: str
    registered_on: date
    occupations: list[str]


class EmployerRecord(Record):
    """An employer."""

    id: int
    version: int
    name: str
    registration_number: str | None
    isic: str
    area: str
    contact_name: str | None
    phone: str | None
    email: str | None
    address: str | None
    created_at: datetime
    updated_at: datetime


class VacancyRecord(Record):
    """A vacancy."""

    id: int
    version: int
    employer: int
    centre: int
    title: str
    description: str
    isco: str
    area: str
    openings: int
    education: str | None
    experience_years: Decimal | None
    skills: list[str]
    wage_min: Decimal | None
    wage_max: Decimal | None
    wage_currency: str | None
    wage_period: str | None
    contract: str
    posted_on: date
    expires_on: date | None
    starts_on: date | None
    filled: int
    """Openings filled by placements (hires recorded on referrals)."""
    status: str
    created_by: int | None
    updated_by: int | None
    created_at: datetime
    updated_at: datetime
