"""The job seeker pages: the list and search, a seeker's record, the register and edit forms
(occupations typed as free text and coded by picking one of the coder's suggestions, likely
duplicates shown and confirmed explicitly, a save made on an older version refused), a
person's export (a JSON download) and erasure (after a confirmation).

Searches by name or national ID are sent as forms (POST), never in the address, so that no
name reaches a server's or a proxy's access log, the browser's history or a Referer header.
Everything goes through the registry's service layer, which checks the user's rights and
writes the audit log.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from decentwork.errors import BadInput, Conflict, DecentworkError, Refused
from decentwork.pes import rights, seekers
from decentwork.pes.access import Actor, Role, require
from decentwork.pes.duplicates import LikelyDuplicate
from decentwork.pes.records import SeekerRecord, SeekerSummary
from decentwork.pes.registry import Registry
from decentwork.web.pes import choices
from decentwork.web.pes.authentication import Form, PageActor, PostingActor
from decentwork.web.pes.coding import Suggester
from decentwork.web.pes.forms import (
    SEEKER_CONTROLS,
    FieldError,
    changes,
    field_errors,
    form_version,
    seeker_data,
    seeker_rows,
    seeker_values,
    submitted,
    suggestion_row,
    whole_number,
)
from decentwork.web.pes.ids import RecordId
from decentwork.web.pes.rendering import redirect, render
from decentwork.web.pes.state import RegistryOf, SuggesterOf
from decentwork.web.pes.suggesting import suggested

router = APIRouter(include_in_schema=False)

PAGE = 50
"""Seekers listed per page."""
SEARCH_FIELDS = ("name", "national_id", "occupation", "area", "status", "centre")
NOTICES = ("registered", "saved", "erased")
"""What a seeker's page says was done, from the query parameter a form redirected with."""


# Listing and search --------------------------------------------------------------------------


def _search(
    request: Request, registry: Registry, actor: Actor, values: dict[str, str]
) -> HTMLResponse:
    errors: list[FieldError] = []
    found: list[SeekerSummary] = []
    offset = 0
    try:
        offset = whole_number(values, "offset") or 0
        found = seekers.search(
            registry,
            actor,
            name=values.get("name") or None,
            national_id=values.get("national_id") or None,
            occupation=values.get("occupation") or None,
            area=values.get("area") or None,
            status=values.get("status") or None,
            centre=whole_number(values, "centre"),
            limit=PAGE,
            offset=offset,
        )
    except BadInput as error:
        errors = field_errors(error, frozenset(SEARCH_FIELDS))
    return render(
        request,
        "seekers.html",
        {
            "values": values,
            "seekers": found,
            "offset": offset,
            "limit": PAGE,
            "errors": errors,
            "invalid": {e.target: e.message for e in errors if e.target},
            "places": choices.places(registry, actor),
            "statuses": choices.SEEKER_STATUSES,
        },
        actor=actor,
        status=422 if errors else 200,
    )


@router.get("/seekers", response_class=HTMLResponse)
def seeker_list(request: Request, registry: RegistryOf, actor: PageActor) -> HTMLResponse:
    """The seekers the user may see, by name, filtered by occupation, area, status or centre
    (names and national IDs are searched through the form)."""
    values = {
        k: v
        for k, v in request.query_params.items()
        if k in ("occupation", "area", "status", "centre", "offset")
    }
    return _search(request, registry, actor, values)


@router.post("/seekers", response_class=HTMLResponse)
def seeker_search(
    request: Request, registry: RegistryOf, actor: PostingActor, form: Form
) -> HTMLResponse:
    """The seekers matching the search form (by name in any script, national ID, occupation,
    area, status, centre), a page at a time."""
    return _search(request, registry, actor, submitted(form))


# The register and edit forms ----------------------------------------------------------------


def _form(
    request: Request,
    registry: Registry,
    actor: Actor,
    values: dict[str, str],
    *,
    seeker: SeekerRecord | None = None,
    errors: list[FieldError] | None = None,
    duplicate: LikelyDuplicate | None = None,
    suggester: Suggester | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The register or edit form with ``values``; ``suggester`` set: with the suggestions
    for the occupation row the ``action`` asked them for."""
    values = dict(values)
    suggestions, unavailable, row = {}, {}, -1
    if suggester is not None:
        row = suggestion_row(values)
        suggestions[row], unavailable[row] = suggested(
            suggester, values.get(f"occupation-{row}-text", "")
        )
    for pick in [k for k in values if k.endswith("-pick")]:
        values[pick.removesuffix("-pick") + "-code"] = values.pop(pick)
    errors = errors or []
    return render(
        request,
        "seeker_form.html",
        {
            "seeker": seeker,
            "values": values,
            "errors": errors,
            "invalid": {e.target: e.message for e in errors if e.target},
            "rows": seeker_rows(values),
            "suggestions": suggestions,
            "unavailable": unavailable,
            "focus": row,
            "duplicate": duplicate,
            "places": choices.places(registry, actor),
            "choices": choices,
        },
        actor=actor,
        status=status,
    )


def _refused(
    error: DecentworkError, rows: list[int]
) -> tuple[list[FieldError], LikelyDuplicate | None]:
    """A refusal of the form's record: the errors to show, and the likely duplicates."""
    duplicate = error if isinstance(error, LikelyDuplicate) else None
    return field_errors(error, SEEKER_CONTROLS, rows), duplicate


@router.get("/seekers/new", response_class=HTMLResponse)
def register_form(request: Request, registry: RegistryOf, actor: PageActor) -> HTMLResponse:
    """An empty registration form."""
    require(actor, Role.ADMINISTRATOR, Role.OFFICER, to="register job seekers")
    own = choices.places(registry, actor).own
    day = datetime.now(UTC).date().isoformat()
    return _form(
        request,
        registry,
        actor,
        {
            "centre": str(own[0].id) if own else "",
            "registered_on": day,
            "consent_date": day,
            "status": "active",
        },
    )


@router.post("/seekers/new", response_class=HTMLResponse)
def register(
    request: Request, registry: RegistryOf, suggester: SuggesterOf, actor: PostingActor, form: Form
) -> Response:
    """Register the seeker of the form, or show the form again with the coder's
    suggestions, with what is wrong, or with the likely duplicates to confirm."""
    values = submitted(form)
    if suggestion_row(values) >= 0:
        return _form(request, registry, actor, values, suggester=suggester)
    data, rows = seeker_data(values)
    try:
        record = seekers.register(
            registry,
            actor,
            data,
            confirm_not_duplicate=values.get("confirm_not_duplicate") == "yes",
        )
    except (BadInput, Conflict, Refused) as error:
        errors, duplicate = _refused(error, rows)
        return _form(
            request,
            registry,
            actor,
            values,
            errors=errors,
            duplicate=duplicate,
            status=error.status,
        )
    return redirect(f"/pes/seekers/{record.id}?registered=1")


# A seeker's record ---------------------------------------------------------------------------


@router.get("/seekers/{seeker_id}", response_class=HTMLResponse)
def seeker_page(
    request: Request, seeker_id: RecordId, registry: RegistryOf, actor: PageActor
) -> HTMLResponse:
    """A seeker's whole record (the read is logged)."""
    record = seekers.read(registry, actor, seeker_id)
    notice = next((k for k in NOTICES if k in request.query_params), None)
    titles = {
        code: registry.references.occupation_title(code)
        for code in {o.isco for o in record.occupations} | {j.isco for j in record.work_history}
    }
    return render(
        request,
        "seeker.html",
        {
            "seeker": record,
            "titles": titles,
            "places": choices.places(registry, actor),
            "done": notice,
        },
        actor=actor,
    )


@router.get("/seekers/{seeker_id}/export")
def seeker_export(seeker_id: RecordId, registry: RegistryOf, actor: PageActor) -> Response:
    """Everything held about the seeker, as a JSON download (the export is logged)."""
    exported = rights.person_export(registry, actor, seeker_id)
    return JSONResponse(
        exported, headers={"Content-Disposition": f'attachment; filename="seeker-{seeker_id}.json"'}
    )


@router.get("/seekers/{seeker_id}/erase", response_class=HTMLResponse)
def erase_form(
    request: Request, seeker_id: RecordId, registry: RegistryOf, actor: PageActor
) -> HTMLResponse:
    """Asks an administrator to confirm the erasure of a seeker's personal data."""
    require(actor, Role.ADMINISTRATOR, to="erase a person's data")
    record = seekers.read(registry, actor, seeker_id)
    return render(request, "erase.html", {"seeker": record, "errors": []}, actor=actor)


@router.post("/seekers/{seeker_id}/erase", response_class=HTMLResponse)
def erase(
    request: Request, seeker_id: RecordId, registry: RegistryOf, actor: PostingActor, form: Form
) -> Response:
    """Erase a seeker's personal data once the administrator has confirmed it."""
    require(actor, Role.ADMINISTRATOR, to="erase a person's data")
    if submitted(form).get("confirm") != "yes":
        record = seekers.read(registry, actor, seeker_id)
        error = FieldError(
            "confirm", "confirm", None, "tick the box to confirm the erasure (nothing was erased)"
        )
        return render(
            request, "erase.html", {"seeker": record, "errors": [error]}, actor=actor, status=422
        )
    rights.person_erase(registry, actor, seeker_id)
    return redirect(f"/pes/seekers/{seeker_id}?erased=1")


# Editing ------------------------------------------------------------------------------------


@router.get("/seekers/{seeker_id}/edit", response_class=HTMLResponse)
def edit_form(
    request: Request, seeker_id: RecordId, registry: RegistryOf, actor: PageActor
) -> HTMLResponse:
    """The edit form of a seeker, at the version read now."""
    record = seekers.read(registry, actor, seeker_id)
    return _form(
        request,
        registry,
        actor,
        {**seeker_values(record), "version": str(record.version)},
        seeker=record,
    )


@router.post("/seekers/{seeker_id}/edit", response_class=HTMLResponse)
def edit(
    request: Request,
    seeker_id: RecordId,
    registry: RegistryOf,
    suggester: SuggesterOf,
    actor: PostingActor,
    form: Form,
) -> Response:
    """Save the fields the form changed (a control it lacks keeps its value), unless someone
    else changed the seeker since the form's version was read (then nothing is written and
    the form says so)."""
    values = submitted(form)
    current = seekers.read(registry, actor, seeker_id)
    if suggestion_row(values) >= 0:
        return _form(request, registry, actor, values, seeker=current, suggester=suggester)
    shown = seeker_values(current)
    new, rows = seeker_data({**shown, **values})
    changed = changes(new, seeker_data(shown)[0])
    version = form_version(values)
    try:
        if changed or version != current.version:
            seekers.update(registry, actor, seeker_id, version, changed)
    except (BadInput, Conflict, Refused) as error:
        errors, duplicate = _refused(error, rows)
        return _form(
            request,
            registry,
            actor,
            values,
            seeker=current,
            errors=errors,
            duplicate=duplicate,
            status=error.status,
        )
    return redirect(f"/pes/seekers/{seeker_id}?saved=1")
