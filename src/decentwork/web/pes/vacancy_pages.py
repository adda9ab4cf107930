"""The vacancy pages: the list and search, a vacancy, the post and edit forms (the title
coded by picking one of the coder's suggestions; a save made on an older version refused).
An employer user sees and posts only its own employer's vacancies; the service layer checks
every right and writes the audit log."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from decentwork.errors import BadInput, Conflict, Refused
from decentwork.pes import employers, vacancies
from decentwork.pes.access import Actor, Role, require
from decentwork.pes.records import VacancyRecord
from decentwork.pes.registry import Registry
from decentwork.web.pes import choices
from decentwork.web.pes.authentication import Form, PageActor, PostingActor
from decentwork.web.pes.coding import Suggester, Suggestion
from decentwork.web.pes.forms import (
    VACANCY_CONTROLS,
    FieldError,
    changes,
    field_errors,
    form_version,
    submitted,
    vacancy_data,
    vacancy_values,
    whole_number,
)
from decentwork.web.pes.ids import RecordId
from decentwork.web.pes.rendering import redirect, render
from decentwork.web.pes.state import RegistryOf, SuggesterOf
from decentwork.web.pes.suggesting import suggested

router = APIRouter(include_in_schema=False)

PAGE = 50
"""Vacancies listed per page."""
FILTERS = ("title", "occupation", "area", "status", "employer", "centre", "offset")
NOTICES = ("posted", "saved")
"""What a vacancy's page says was done, from the query parameter a form redirected with."""
EMPLOYERS_LISTED = 500
"""Employers a form offers (by name)."""


def employer_names(registry: Registry, actor: Actor) -> dict[int, str]:
    """The employers the user may post for, by id: its own for an employer user, else
    every employer (the first :data:`EMPLOYERS_LISTED` by name)."""
    if actor.role == Role.EMPLOYER and actor.employer is not None:
        return {actor.employer: employers.read_employer(registry, actor, actor.employer).name}
    return {e.id: e.name for e in employers.list_employers(registry, actor, limit=EMPLOYERS_LISTED)}


@router.get("/vacancies", response_class=HTMLResponse)
def vacancy_list(request: Request, registry: RegistryOf, actor: PageActor) -> HTMLResponse:
    """The vacancies the user may see, newest first, filtered by words of the title,
    occupation, area, status, employer or centre."""
    values = {k: v.strip() for k, v in request.query_params.items() if k in FILTERS}
    errors: list[FieldError] = []
    found: list[VacancyRecord] = []
    offset = 0
    try:
        offset = whole_number(values, "offset") or 0
        found = vacancies.search(
            registry,
            actor,
            title=values.get("title") or None,
            occupation=values.get("occupation") or None,
            area=values.get("area") or None,
            status=values.get("status") or None,
            employer=whole_number(values, "employer"),
            centre=whole_number(values, "centre"),
            limit=PAGE,
            offset=offset,
        )
    except BadInput as error:
        errors = field_errors(error, frozenset(FILTERS))
    return render(
        request,
        "vacancies.html",
        {
            "values": values,
            "vacancies": found,
            "offset": offset,
            "limit": PAGE,
            "errors": errors,
            "invalid": {e.target: e.message for e in errors if e.target},
            "places": choices.places(registry, actor),
            "choices": choices,
            "employers": employer_names(registry, actor),
        },
        actor=actor,
        status=422 if errors else 200,
    )


def _form(
    request: Request,
    registry: Registry,
    actor: Actor,
    values: dict[str, str],
    *,
    vacancy: VacancyRecord | None = None,
    errors: list[FieldError] | None = None,
    suggester: Suggester | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The post or edit form with ``values``, and the coder's suggestions for the title
    when ``suggester`` is given."""
    values = dict(values)
    found: list[Suggestion] = []
    unavailable = None
    if suggester is not None:
        found, unavailable = suggested(suggester, values.get("title", ""))
    if "isco-pick" in values:
        values["isco"] = values.pop("isco-pick")
    errors = errors or []
    return render(
        request,
        "vacancy_form.html",
        {
            "vacancy": vacancy,
            "values": values,
            "errors": errors,
            "invalid": {e.target: e.message for e in errors if e.target},
            "suggestions": found,
            "unavailable": unavailable,
            "focus": suggester is not None,
            "places": choices.places(registry, actor),
            "choices": choices,
            "employers": employer_names(registry, actor),
        },
        actor=actor,
        status=status,
    )


@router.get("/vacancies/new", response_class=HTMLResponse)
def post_form(request: Request, registry: RegistryOf, actor: PageActor) -> HTMLResponse:
    """An empty vacancy form."""
    require(actor, Role.ADMINISTRATOR, Role.OFFICER, Role.EMPLOYER, to="post vacancies")
    own = choices.places(registry, actor).own
    return _form(
        request,
        registry,
        actor,
        {
            "employer": "" if actor.employer is None else str(actor.employer),
            "centre": str(own[0].id) if own else "",
            "openings": "1",
            "contract": "permanent",
            "status": "open",
            "posted_on": datetime.now(UTC).date().isoformat(),
        },
    )


@router.post("/vacancies/new", response_class=HTMLResponse)
def post(
    request: Request, registry: RegistryOf, suggester: SuggesterOf, actor: PostingActor, form: Form
) -> Response:
    """Post the vacancy of the form, or show the form again with the coder's suggestions
    for its title, or with what is wrong."""
    values = submitted(form)
    if values.get("action") == "suggest":
        return _form(request, registry, actor, values, suggester=suggester)
    try:
        record = vacancies.post(registry, actor, vacancy_data(values))
    except (BadInput, Conflict, Refused) as error:
        return _form(
            request,
            registry,
            actor,
            values,
            errors=field_errors(error, VACANCY_CONTROLS),
            status=error.status,
        )
    return redirect(f"/pes/vacancies/{record.id}?posted=1")


@router.get("/vacancies/{vacancy_id}", response_class=HTMLResponse)
def vacancy_page(
    request: Request, vacancy_id: RecordId, registry: RegistryOf, actor: PageActor
) -> HTMLResponse:
    """A vacancy (the read is logged)."""
    record = vacancies.read(registry, actor, vacancy_id)
    done = next((k for k in NOTICES if k in request.query_params), None)
    return render(
        request,
        "vacancy.html",
        {
            "vacancy": record,
            "title": record.title,
            "occupation": registry.references.occupation_title(record.isco),
            "employer": employers.read_employer(registry, actor, record.employer),
            "places": choices.places(registry, actor),
            "done": done,
        },
        actor=actor,
    )


@router.get("/vacancies/{vacancy_id}/edit", response_class=HTMLResponse)
def edit_form(
    request: Request, vacancy_id: RecordId, registry: RegistryOf, actor: PageActor
) -> HTMLResponse:
    """The edit form of a vacancy, at the version read now."""
    record = vacancies.read(registry, actor, vacancy_id)
    return _form(
        request,
        registry,
        actor,
        {**vacancy_values(record), "version": str(record.version)},
        vacancy=record,
    )


@router.post("/vacancies/{vacancy_id}/edit", response_class=HTMLResponse)
def edit(
    request: Request,
    vacancy_id: RecordId,
    registry: RegistryOf,
    suggester: SuggesterOf,
    actor: PostingActor,
    form: Form,
) -> Response:
    """Save the fields the form changed (a control it lacks keeps its value), unless someone
    else changed the vacancy since the form's version was read."""
    values = submitted(form)
    current = vacancies.read(registry, actor, vacancy_id)
    if values.get("action") == "suggest":
        return _form(request, registry, actor, values, vacancy=current, suggester=suggester)
    shown = vacancy_values(current)
    changed = changes(vacancy_data({**shown, **values}), vacancy_data(shown))
    version = form_version(values)
    try:
        if changed or version != current.version:
            vacancies.update(registry, actor, vacancy_id, version, changed)
    except (BadInput, Conflict, Refused) as error:
        return _form(
            request,
            registry,
            actor,
            values,
            vacancy=current,
            errors=field_errors(error, VACANCY_CONTROLS),
            status=error.status,
        )
    return redirect(f"/pes/vacancies/{vacancy_id}?saved=1")
