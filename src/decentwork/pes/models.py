"""What may be written to the registry: Pydantic models of seekers, employers, vacancies, job
centres, districts and users, checked field by field, and :func:`validated`, which turns
every problem into one :class:`InvalidRecord` naming the fields.

Codes are checked against the reference lists (ISCO-08 unit groups, ISCED 2011, ISIC Rev.4,
ESCO skills, ISO 3166-2 areas and the districts added, ISO 4217, ISO 639) when the models
are validated with a :class:`Checks` as context, as the service layer always does; without
it (an interface parsing a request) only the shape is checked.

Messages about personal fields (names, national ID, date of birth, contact) never repeat the
value given.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from decentwork.errors import BadInput
from decentwork.pes import areas
from decentwork.pes.access import Role
from decentwork.pes.references import References
from decentwork.pes.times import age

MIN_AGE, MAX_AGE = 15, 100
"""Ages at registration the registry accepts."""
MIN_PASSWORD, MAX_PASSWORD = 10, 1000
"""Lengths of password the registry accepts."""
PERSONAL_FIELDS = frozenset(
    {
        "family_name",
        "given_names",
        "national_id",
        "birth_date",
        "phone",
        "email",
        "address",
        "contact_name",
        "password",
    }
)


@dataclass(frozen=True)
class Checks:
    """What codes are checked against: the reference lists and the districts added to the
    registry."""

    references: References
    districts: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Problem:
    """One field's problem: the field's path (``occupations[0].isco``) and what is wrong."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class InvalidRecord(BadInput):
    """A record refused on validation; ``problems`` lists every field's problem and
    ``parameter`` is the first field, which the message begins with (``area: 'KH-99' is
    not ...; education: ... (the seeker was not written)``)."""

    def __init__(self, kind: str, problems: list[Problem]) -> None:
        super().__init__(
            "; ".join(map(str, problems)) + f" (the {kind} was not written)",
            parameter=problems[0].field,
        )
        self.problems = problems


# Field types ------------------------------------------------------------------------------


def _checks(info: ValidationInfo) -> Checks | None:
    return info.context if isinstance(info.context, Checks) else None


def _against(check: Callable[[Checks, str], str | None]) -> AfterValidator:
    """A validator checking a code with ``check`` when the context has the checks."""

    def validate(code: str, info: ValidationInfo) -> str:
        checks = _checks(info)
        problem = None if checks is None else check(checks, code)
        if problem:
            raise ValueError(problem)
        return code

    return AfterValidator(validate)


def _matching(pattern: str, what: str) -> AfterValidator:
    """A validator refusing text that is not all of ``pattern``, saying it is not ``what``."""

    def validate(text: str) -> str:
        if not re.fullmatch(pattern, text):
            raise ValueError(f"not {what}")
        return text

    return AfterValidator(validate)


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Unicode's control characters (category Cc) but line feeds and tabs."""


def _plain_text(text: str) -> str:
    """Text in Unicode NFC, without control characters (line breaks and tabs allowed)."""
    if _CONTROL.search(text):
        raise ValueError("contains control characters")
    return unicodedata.normalize("NFC", text)


def _phone(text: str) -> str:
    if not re.fullmatch(r"\+?[0-9 ()./-]+", text) or not 6 <= sum(c.isdigit() for c in text) <= 20:
        raise ValueError(
            "not a telephone number (6 to 20 digits, with +, spaces, dots, hyphens or parentheses)"
        )
    return text


def _email(text: str) -> str:
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s.]+", text):
        raise ValueError("not an e-mail address")
    return text


def _national_id(text: str) -> str:
    """A national ID as stored: capitals and digits only (spaces and hyphens dropped)."""
    cleaned = re.sub(r"[\s-]", "", text).upper()
    if not re.fullmatch(r"[A-Z0-9]{3,40}", cleaned):
        raise ValueError(
            "not an identity number (3 to 40 letters and digits, with spaces or hyphens)"
        )
    return cleaned


def national_id_form(text: str, parameter: str = "national_id") -> str:
    """A national ID as stored (capitals and digits), for searching by it.

    Raises:
        BadInput: not an identity number (the message does not repeat it).
    """
    try:
        return _national_id(text.strip())
    except ValueError as error:
        raise BadInput(f"{parameter}: {error}", parameter=parameter) from None


def _day(value: object) -> object:
    """Dates as ``YYYY-MM-DD`` text or dates; an Excel date-time at midnight is its date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date) or value is None:
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise ValueError("not a date (expected YYYY-MM-DD)")
    try:
        return date.fromisoformat(value.strip())
    except ValueError as error:
        raise ValueError(f"not a date (expected YYYY-MM-DD): {error}") from None


def _moment(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _yes_no(value: object) -> object:
    """``yes``/``no`` (and ``true``/``false``, ``1``/``0``) as booleans."""
    if isinstance(value, str):
        words = {
            "yes": True,
            "y": True,
            "true": True,
            "1": True,
            "no": False,
            "n": False,
            "false": False,
            "0": False,
        }
        if value.strip().lower() not in words:
            raise ValueError("expected yes or no")
        return words[value.strip().lower()]
    return value


Text = Annotated[str, AfterValidator(_plain_text)]
RecordId = Annotated[int, Field(ge=1, le=2**63 - 1)]
"""A record's id: what a database's 64-bit integer key holds (a larger number is refused as
bad input instead of overflowing the driver)."""
Name = Annotated[str, StringConstraints(max_length=200), AfterValidator(_plain_text)]
Phone = Annotated[str, StringConstraints(max_length=40), AfterValidator(_phone)]
Email = Annotated[str, StringConstraints(max_length=254), AfterValidator(_email)]
NationalId = Annotated[str, StringConstraints(max_length=60), AfterValidator(_national_id)]
Day = Annotated[date, BeforeValidator(_day)]
Moment = Annotated[datetime, AfterValidator(_moment)]
YesNo = Annotated[bool, BeforeValidator(_yes_no)]
Occupation = Annotated[str, _against(lambda c, code: c.references.occupation(code))]
Education = Annotated[str, _against(lambda c, code: c.references.education(code))]
Activity = Annotated[str, _against(lambda c, code: c.references.activity(code))]
Skill = Annotated[
    str, StringConstraints(max_length=200), _against(lambda c, uri: c.references.skill(uri))
]
Currency = Annotated[
    str, StringConstraints(to_upper=True), _against(lambda c, code: c.references.currency(code))
]
Language = Annotated[
    str, StringConstraints(to_lower=True), _against(lambda c, code: c.references.language(code))
]
Area = Annotated[
    str,
    StringConstraints(to_upper=True, max_length=40),
    _against(lambda c, code: areas.area_problem(code, c.districts)),
]
Amount = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
Experience = Annotated[Decimal, Field(ge=0, le=70, decimal_places=1)]


class Sex(StrEnum):
    """Sex as the ILO records it: female, male, other."""

    FEMALE = "F"
    MALE = "M"
    OTHER = "O"


class SeekerStatus(StrEnum):
    """Where a job seeker stands; ``erased`` only by :func:`decentwork.pes.rights.person_erase`."""

    ACTIVE = "active"
    PLACED = "placed"
    INACTIVE = "inactive"
    ERASED = "erased"


class VacancyStatus(StrEnum):
    """Where a vacancy stands."""

    OPEN = "open"
    FILLED = "filled"
    CLOSED = "closed"


class Contract(StrEnum):
    """The kind of contract a vacancy offers."""

    PERMANENT = "permanent"
    FIXED_TERM = "fixed-term"
    CASUAL = "casual"
    SEASONAL = "seasonal"
    APPRENTICESHIP = "apprenticeship"
    INTERNSHIP = "internship"


class WagePeriod(StrEnum):
    """What a wage is paid for."""

    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


class Model(BaseModel):
    """Common settings: unknown fields refused, text stripped, empty text taken as absent."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _blanks(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            return {k: None if isinstance(v, str) and not v.strip() else v for k, v in data.items()}
        return data


def _empty(value: Any) -> Any:
    """None (an empty cell) as empty text, for text that may be empty."""
    return "" if value is None else value


def _check_wage(
    amounts: list[Decimal | None],
    currency: str | None,
    period: WagePeriod | None,
    names: tuple[str, str],
) -> None:
    if any(a is not None for a in amounts) and (currency is None or period is None):
        missing = [n for n, v in zip(names, (currency, period), strict=True) if v is None]
        also = f", as is {missing[1]}" if len(missing) > 1 else ""
        raise ValueError(f"{missing[0]}: required with a wage{also}")


# Seekers ----------------------------------------------------------------------------------


class DesiredOccupation(Model):
    """An occupation a seeker wants: its ISCO-08 unit group, the free text it was coded from,
    and whether an officer confirmed the code (the service records who)."""

    isco: Occupation
    text: Annotated[Text, StringConstraints(max_length=300)] = ""
    confirmed: YesNo = True

    _no_text = field_validator("text", mode="before")(_empty)


class PastJob(Model):
    """One occupation of a seeker's work history, and for how many years."""

    isco: Occupation
    years: Experience | None = None


class Consent(Model):
    """What the seeker agreed to, and when."""

    purpose: Annotated[Text, StringConstraints(min_length=1, max_length=500)]
    given_at: Moment


class SeekerIn(Model):
    """A job seeker as registered or edited."""

    centre: RecordId
    family_name: Name = ""
    given_names: Annotated[Name, StringConstraints(min_length=1)]
    national_id: NationalId | None = None
    birth_date: Day
    sex: Sex
    disability: YesNo | None = None
    phone: Phone | None = None
    email: Email | None = None
    address: Annotated[Text, StringConstraints(max_length=500)] | None = None
    area: Area
    education: Education | None = None
    languages: Annotated[list[Language], Field(max_length=20)] = []
    occupations: Annotated[list[DesiredOccupation], Field(max_length=10)] = []
    skills: Annotated[list[Skill], Field(max_length=200)] = []
    work_history: Annotated[list[PastJob], Field(max_length=30)] = []
    available_from: Day | None = None
    willing_to_move: YesNo | None = None
    expected_wage: Amount | None = None
    wage_currency: Currency | None = None
    wage_period: WagePeriod | None = None
    consent: Consent
    registered_on: Day = Field(default_factory=lambda: datetime.now(UTC).date())
    status: SeekerStatus = SeekerStatus.ACTIVE

    _no_family_name = field_validator("family_name", mode="before")(_empty)

    @model_validator(mode="after")
    def _coherent(self) -> SeekerIn:
        if self.status == SeekerStatus.ERASED:
            raise ValueError("status: 'erased' is set by erasing the person's data only")
        if self.registered_on > datetime.now(UTC).date():
            raise ValueError("registered_on: in the future")
        years = age(self.birth_date, self.registered_on)
        if years < MIN_AGE or years > MAX_AGE:
            raise ValueError(
                f"birth_date: the registry takes people aged {MIN_AGE} to "
                f"{MAX_AGE} on the registration date"
            )
        _check_wage(
            [self.expected_wage],
            self.wage_currency,
            self.wage_period,
            ("wage_currency", "wage_period"),
        )
        if len({o.isco for o in self.occupations}) < len(self.occupations):
            raise ValueError("occupations: an occupation is given twice")
        return self


# Employers, vacancies, centres, districts, users -----------------------------------------


class EmployerIn(Model):
    """An employer."""

    name: Annotated[Text, StringConstraints(min_length=1, max_length=300)]
    registration_number: (
        Annotated[
            str,
            StringConstraints(max_length=60),
            _matching(
                r"[A-Za-z0-9][A-Za-z0-9 ./-]*",
                "a registration number (letters, digits, spaces, dots, slashes and hyphens)",
            ),
        ]
        | None
    ) = None
    isic: Activity
    area: Area
    contact_name: Name | None = None
    phone: Phone | None = None
    email: Email | None = None
    address: Annotated[Text, StringConstraints(max_length=500)] | None = None


class VacancyIn(Model):
    """A vacancy: its title and description as the employer gave them, and its coding."""

    employer: RecordId
    centre: RecordId
    title: Annotated[Text, StringConstraints(min_length=1, max_length=300)]
    description: Annotated[Text, StringConstraints(max_length=20_000)] = ""
    isco: Occupation
    area: Area
    openings: Annotated[int, Field(ge=1, le=100_000)] = 1
    education: Education | None = None
    experience_years: Experience | None = None
    skills: Annotated[list[Skill], Field(max_length=200)] = []
    wage_min: Amount | None = None
    wage_max: Amount | None = None
    wage_currency: Currency | None = None
    wage_period: WagePeriod | None = None
    contract: Contract = Contract.PERMANENT
    posted_on: Day = Field(default_factory=lambda: datetime.now(UTC).date())
    expires_on: Day | None = None
    starts_on: Day | None = None
    status: VacancyStatus = VacancyStatus.OPEN

    _no_description = field_validator("description", mode="before")(_empty)

    @model_validator(mode="after")
    def _coherent(self) -> VacancyIn:
        if (
            self.wage_min is not None
            and self.wage_max is not None
            and self.wage_max < self.wage_min
        ):
            raise ValueError("wage_max: below wage_min")
        _check_wage(
            [self.wage_min, self.wage_max],
            self.wage_currency,
            self.wage_period,
            ("wage_currency", "wage_period"),
        )
        if self.expires_on is not None and self.expires_on < self.posted_on:
            raise ValueError("expires_on: before posted_on")
        if self.starts_on is not None and self.starts_on < self.posted_on:
            raise ValueError("starts_on: before posted_on")
        return self


class CentreIn(Model):
    """A job centre: a short code of its own, its name and its area."""

    code: Annotated[
        str,
        StringConstraints(max_length=40),
        _matching(
            r"[A-Za-z0-9][A-Za-z0-9_.-]*",
            "a centre code (letters, digits, dots, hyphens and underscores)",
        ),
    ]
    name: Annotated[Text, StringConstraints(min_length=1, max_length=200)]
    area: Area


class DistrictIn(Model):
    """An area below the ISO 3166-2 subdivisions: its code (beginning with its country's
    two letters and a hyphen, ``KH-12-01``), name, and the area it lies in."""

    code: Annotated[
        str,
        StringConstraints(to_upper=True, max_length=40),
        _matching(
            r"[A-Z]{2}-[A-Z0-9]+(-[A-Z0-9]+)*",
            "a district code (its country's two letters, "
            "then letters and digits separated by hyphens: KH-12-01)",
        ),
    ]
    name: Annotated[Text, StringConstraints(min_length=1, max_length=200)]
    parent: Area

    @model_validator(mode="after")
    def _same_country(self) -> DistrictIn:
        if self.code[:2] != self.parent[:2]:
            raise ValueError(f"code: {self.code} is not in the country of its parent {self.parent}")
        if self.code == self.parent or areas.is_subdivision(self.code):
            raise ValueError(f"code: {self.code} is an ISO 3166-2 subdivision already")
        return self


class UserIn(Model):
    """A user: a login name, a role, a password, and an officer's centres or an employer
    user's employer."""

    username: Annotated[
        str,
        StringConstraints(to_lower=True, min_length=2, max_length=64),
        _matching(
            r"[a-z0-9][a-z0-9._@-]*",
            "a username (letters, digits, dots, hyphens, underscores and @, without spaces)",
        ),
    ]
    role: Role
    password: Annotated[
        str,
        StringConstraints(min_length=MIN_PASSWORD, max_length=MAX_PASSWORD, strip_whitespace=False),
    ]
    centres: list[RecordId] = []
    employer: RecordId | None = None

    @model_validator(mode="after")
    def _bound(self) -> UserIn:
        if self.role == Role.OFFICER and not self.centres:
            raise ValueError("centres: an officer needs at least one job centre")
        if self.role != Role.OFFICER and self.centres:
            raise ValueError(f"centres: only officers have job centres, not {self.role}s")
        if self.role == Role.EMPLOYER and self.employer is None:
            raise ValueError("employer: an employer user needs its employer")
        if self.role != Role.EMPLOYER and self.employer is not None:
            raise ValueError(f"employer: only employer users have an employer, not {self.role}s")
        return self


def password_problem(password: str) -> str | None:
    """Why ``password`` is not acceptable (without repeating it), or None."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        return f"a password needs {MIN_PASSWORD} to {MAX_PASSWORD} characters"
    return None


# Validation --------------------------------------------------------------------------------

M = TypeVar("M", bound=BaseModel)


def validated(
    model: type[M], data: Mapping[str, Any], checks: Checks | None, kind: str | None = None
) -> M:
    """``data`` as a ``model``, codes checked against ``checks``.

    Raises:
        InvalidRecord: naming every field that is wrong and why (``kind`` names the record,
            by default the model).
    """
    try:
        return model.model_validate(data, context=checks)
    except ValidationError as error:
        raise InvalidRecord(
            kind or model.__name__.removesuffix("In").lower(), problems(error)
        ) from None


def problems(error: ValidationError) -> list[Problem]:
    """Pydantic's errors as :class:`Problem` s: the field's path and a plain message that
    never repeats the value given. A check of the whole record names its field first
    (``wage_max: below wage_min``)."""
    found = []
    for item in error.errors(include_url=False):
        field = _path(item["loc"])
        message = str(item["msg"]).removeprefix("Value error, ")
        if item["type"] == "missing" or (
            item["type"] != "value_error" and item.get("input", "") is None
        ):
            message = "required"
        elif item["type"] == "extra_forbidden":
            message = "unknown field"
        named = re.match(r"([a-z_]+): ", message)
        if item["type"] == "value_error" and named:
            field = f"{field}.{named[1]}" if field else named[1]
            message = message[named.end() :]
        found.append(Problem(field or "record", message))
    return found


def _path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part not in ("function-after", "function-before") and not str(part).startswith(
            ("function-", "json-or-python")
        ):
            path += f".{part}" if path else str(part)
    return path
