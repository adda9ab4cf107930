"""The PES JSON API under ``/api/v1/pes``: job seekers, vacancies, employers, job centres,
occupation codes suggested for a title, counts, the audit log and the caller's tokens, for
employers' systems and other integrations. Every request carries an API token
(``Authorization: Bearer dwpes_...``, 401 without a valid one); everything goes through the
registry's service layer, so the token's user has exactly the rights it has on the pages (an
employer's token sees and manages its own employer's vacancies only) and every read of a
person and every change is in the audit log, as done through the API.

Searching seekers by name or national ID is a POST (``/seekers/search``), so that no name is
ever in an address, and so in no access log.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, TypedDict, TypeVar

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from decentwork.errors import BadInput
from decentwork.pes import aggregates, audit, centres, employers, rights, seekers, tokens, vacancies
from decentwork.pes.access import Actor, Role
from decentwork.pes.models import SeekerIn, VacancyIn
from decentwork.pes.records import (
    Centre,
    EmployerRecord,
    SeekerRecord,
    SeekerSummary,
    VacancyRecord,
)
from decentwork.pes.registry import Registry
from decentwork.web.pes.authentication import ApiActor
from decentwork.web.pes.coding import SUGGESTIONS, Suggestion
from decentwork.web.pes.ids import MAX_ID, QueryId, RecordId
from decentwork.web.pes.state import RegistryOf, SuggesterOf

router = APIRouter()

T = TypeVar("T")

MAX_RESULTS = 500


class Me(BaseModel):
    """The user a token stands for."""

    user_id: int
    username: str
    role: Role
    centres: list[int] = Field(description="An officer's job centres.")
    employer: int | None = Field(description="An employer user's employer.")


class Paging(BaseModel):
    """Which part of a long list: ``limit`` records from the ``offset``-th."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=50, ge=1, le=MAX_RESULTS)
    offset: int = Field(default=0, ge=0, le=MAX_ID)


class SeekerFilters(Paging):
    """Filters of the seekers' list that name no one (names and national IDs: POST
    ``/seekers/search``)."""

    occupation: str | None = Field(default=None, description="An ISCO-08 code or its first digits.")
    area: str | None = Field(default=None, description="An area; its districts are included.")
    status: str | None = None
    centre: int | None = Field(default=None, ge=1, le=MAX_ID)


class SeekerSearch(SeekerFilters):
    """A search of seekers: by name (every word, in any script) or national ID too."""

    name: str | None = None
    national_id: str | None = None


class SeekerPage(BaseModel):
    """Seekers found, and the offset of the next page (None on the last)."""

    seekers: list[SeekerSummary]
    limit: int
    offset: int
    next: int | None


class VacancyFilters(Paging):
    """Filters of the vacancies' list."""

    title: str | None = Field(default=None, description="Words of the title.")
    occupation: str | None = Field(default=None, description="An ISCO-08 code or its first digits.")
    area: str | None = None
    status: str | None = None
    employer: int | None = Field(default=None, ge=1, le=MAX_ID)
    centre: int | None = Field(default=None, ge=1, le=MAX_ID)


class VacancyPage(BaseModel):
    """Vacancies found, newest first, and the offset of the next page (None on the last)."""

    vacancies: list[VacancyRecord]
    limit: int
    offset: int
    next: int | None


class Change(BaseModel):
    """A change to a record: the version it was read at, and the fields to replace (a list
    such as ``occupations`` as a whole). Refused with 409 if someone changed the record
    since."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=0, le=MAX_ID)
    changes: dict[str, Any]


class PageFields(TypedDict):
    """Which part of a long list was given: ``limit``, ``offset``, and ``next``, the offset
    of the next page (None on the last)."""

    limit: int
    offset: int
    next: int | None


def paged(
    search: Callable[..., list[T]], registry: Registry, actor: Actor, paging: Paging
) -> tuple[list[T], PageFields]:
    """The records ``search(registry, actor, **filters, limit=, offset=)`` finds with
    ``paging``'s filters and page, and the page's fields."""
    found = search(
        registry,
        actor,
        **paging.model_dump(exclude={"limit", "offset"}),
        limit=paging.limit,
        offset=paging.offset,
    )
    following = paging.offset + paging.limit if len(found) == paging.limit else None
    return found, PageFields(limit=paging.limit, offset=paging.offset, next=following)


async def _json_object(request: Request) -> dict[str, Any]:
    """The request's body: a JSON object, which the service layer checks as a whole (every
    field's problem at once, codes included).

    Raises:
        BadInput: the body is not a JSON object.
    """
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise BadInput(
            "the request body is not a JSON object",
            parameter="body",
            expected="a JSON object of the record's fields",
        )
    return body


JsonObject = Annotated[dict[str, Any], Depends(_json_object)]


def documented(model: type[BaseModel]) -> dict[str, Any]:
    """The OpenAPI description of a request body of ``model`` (its schema, nested models
    written in place), for a route that reads the body as a :data:`JsonObject`."""
    schema = model.model_json_schema()
    definitions = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return inline(definitions[node["$ref"].rsplit("/", 1)[-1]])
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(value) for value in node]
        return node

    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": inline(schema)}},
        }
    }


# Who, and where --------------------------------------------------------------------------


@router.get("/me")
def me(actor: ApiActor) -> Me:
    """The user the token stands for: role, an officer's centres, an employer user's
    employer."""
    return Me(
        user_id=actor.user_id,
        username=actor.username,
        role=actor.role,
        centres=sorted(actor.centres),
        employer=actor.employer,
    )


@router.get("/centres")
def centre_list(registry: RegistryOf, actor: ApiActor) -> list[Centre]:
    """Every job centre."""
    return centres.list_centres(registry, actor)


# Seekers ---------------------------------------------------------------------------------


def _seeker_page(registry: Registry, actor: Actor, search: SeekerSearch) -> SeekerPage:
    found, page = paged(seekers.search, registry, actor, search)
    return SeekerPage(seekers=found, **page)


@router.get("/seekers")
def seeker_list(
    registry: RegistryOf, actor: ApiActor, filters: Annotated[SeekerFilters, Query()]
) -> SeekerPage:
    """The seekers the token's user may see, by name, filtered by occupation, area, status
    or centre (administrators and officers; the search is logged)."""
    return _seeker_page(registry, actor, SeekerSearch(**filters.model_dump()))


@router.post("/seekers/search")
def seeker_search(registry: RegistryOf, actor: ApiActor, search: SeekerSearch) -> SeekerPage:
    """The seekers matching the search, names and national IDs included."""
    return _seeker_page(registry, actor, search)


@router.post("/seekers", status_code=201, openapi_extra=documented(SeekerIn))
def register(
    registry: RegistryOf, actor: ApiActor, seeker: JsonObject, confirm_not_duplicate: bool = False
) -> SeekerRecord:
    """Register a job seeker. A likely duplicate is refused with 409 and its
    ``candidates``; a seeker born the same day with a similar name is registered with
    ``confirm_not_duplicate=true`` once it is checked to be another person."""
    return seekers.register(registry, actor, seeker, confirm_not_duplicate=confirm_not_duplicate)


@router.get("/seekers/{seeker_id}")
def seeker(registry: RegistryOf, actor: ApiActor, seeker_id: RecordId) -> SeekerRecord:
    """A seeker's whole record (the read is logged)."""
    return seekers.read(registry, actor, seeker_id)


@router.patch("/seekers/{seeker_id}")
def change_seeker(
    registry: RegistryOf, actor: ApiActor, seeker_id: RecordId, change: Change
) -> SeekerRecord:
    """Change a seeker read at ``version``."""
    return seekers.update(registry, actor, seeker_id, change.version, change.changes)


@router.get("/seekers/{seeker_id}/export")
def seeker_export(registry: RegistryOf, actor: ApiActor, seeker_id: RecordId) -> dict[str, Any]:
    """Everything held about a seeker: the record, the labels of its codes, the job centre
    and every audit entry about them (the export is logged)."""
    return rights.person_export(registry, actor, seeker_id)


@router.post("/seekers/{seeker_id}/erasure")
def erase_seeker(registry: RegistryOf, actor: ApiActor, seeker_id: RecordId) -> SeekerRecord:
    """Erase a seeker's personal data, keeping only what the statistics need
    (administrators)."""
    return rights.person_erase(registry, actor, seeker_id)


# Vacancies and employers -----------------------------------------------------------------


@router.get("/vacancies")
def vacancy_list(
    registry: RegistryOf, actor: ApiActor, filters: Annotated[VacancyFilters, Query()]
) -> VacancyPage:
    """The vacancies the token's user may see (an employer's, its own), newest first."""
    found, page = paged(vacancies.search, registry, actor, filters)
    return VacancyPage(vacancies=found, **page)


@router.post("/vacancies", status_code=201, openapi_extra=documented(VacancyIn))
def post_vacancy(registry: RegistryOf, actor: ApiActor, vacancy: JsonObject) -> VacancyRecord:
    """Post a vacancy (an employer's token, for its own employer)."""
    return vacancies.post(registry, actor, vacancy)


@router.get("/vacancies/{vacancy_id}")
def vacancy(registry: RegistryOf, actor: ApiActor, vacancy_id: RecordId) -> VacancyRecord:
    """A vacancy."""
    return vacancies.read(registry, actor, vacancy_id)


@router.patch("/vacancies/{vacancy_id}")
def change_vacancy(
    registry: RegistryOf, actor: ApiActor, vacancy_id: RecordId, change: Change
) -> VacancyRecord:
    """Change a vacancy read at ``version``."""
    return vacancies.update(registry, actor, vacancy_id, change.version, change.changes)


@router.get("/employers")
def employer_list(
    registry: RegistryOf,
    actor: ApiActor,
    paging: Annotated[Paging, Query()],
    name: str | None = None,
) -> list[EmployerRecord]:
    """Employers by name (administrators and officers)."""
    return employers.list_employers(
        registry, actor, name=name, limit=paging.limit, offset=paging.offset
    )


@router.get("/employers/{employer_id}")
def employer(registry: RegistryOf, actor: ApiActor, employer_id: RecordId) -> EmployerRecord:
    """An employer (an employer's token: its own)."""
    return employers.read_employer(registry, actor, employer_id)


# Codes, counts, the audit log and tokens -------------------------------------------------


@router.get("/occupations")
def occupation_suggestions(
    suggester: SuggesterOf,
    actor: ApiActor,
    text: str,
    k: Annotated[int, Query(ge=1, le=20)] = SUGGESTIONS,
) -> list[Suggestion]:
    """The ISCO-08 unit groups likeliest for a job title, best first, with the coder's
    calibrated confidence."""
    return suggester.suggest(text, k)


@router.get("/counts/seekers")
def seeker_counts(
    registry: RegistryOf, actor: ApiActor, by: Annotated[list[str] | None, Query()] = None
) -> list[dict[str, Any]]:
    """The number of seekers in each group (``by``: centre, area, sex, age_band, status),
    never a person (administrators and analysts; by status unless given)."""
    return aggregates.seeker_counts(registry, actor, by or ["status"])


@router.get("/counts/vacancies")
def vacancy_counts(
    registry: RegistryOf, actor: ApiActor, by: Annotated[list[str] | None, Query()] = None
) -> list[dict[str, Any]]:
    """The number of vacancies and openings in each group (``by``: centre, area, isco,
    status, contract; by status unless given) (administrators and analysts)."""
    return aggregates.vacancy_counts(registry, actor, by or ["status"])


@router.get("/audit")
def audit_log(
    registry: RegistryOf,
    actor: ApiActor,
    user: QueryId = None,
    action: str | None = None,
    kind: str | None = None,
    record: QueryId = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1)] = 1000,
) -> list[audit.Entry]:
    """The audit log's newest ``limit`` rows, oldest first, filtered by user id, action (or
    its start: ``seeker``), record kind and id, and time (administrators; logged too)."""
    return audit.entries(
        registry,
        actor,
        user=user,
        action=action,
        kind=kind,
        record=record,
        since=since,
        until=until,
        limit=limit,
    )


@router.get("/tokens")
def token_list(registry: RegistryOf, actor: ApiActor) -> list[tokens.Token]:
    """The token user's API tokens (never their secrets)."""
    return tokens.list_tokens(registry, actor)


@router.delete("/tokens/{token_id}")
def revoke_token(registry: RegistryOf, actor: ApiActor, token_id: RecordId) -> tokens.Token:
    """Revoke a token (the user's own; an administrator's, anyone's): it stops working at
    once."""
    return tokens.revoke_token(registry, actor, token_id)
