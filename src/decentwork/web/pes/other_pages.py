"""The other PES pages: the audit log (administrators: filters, and the same rows as a CSV
download), counts of seekers and vacancies (administrators and analysts: never a person),
a user's API tokens (created, shown once, revoked), and the occupation codes the forms'
script asks for while a title is typed."""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from decentwork.errors import BadInput
from decentwork.pes import accounts, aggregates, audit, tokens
from decentwork.pes.access import Actor
from decentwork.pes.registry import Registry
from decentwork.web.pes.authentication import Form, PageActor, PostingActor, field
from decentwork.web.pes.forms import FieldError, day_of, field_errors, whole_number
from decentwork.web.pes.ids import RecordId
from decentwork.web.pes.rendering import redirect, render
from decentwork.web.pes.state import RegistryOf, SuggesterOf
from decentwork.web.pes.suggesting import suggested

router = APIRouter(include_in_schema=False)

AUDIT_FILTERS = ("user", "action", "kind", "record", "since", "until", "limit")
AUDIT_ROWS = 200
"""Audit rows a page shows by default (the newest)."""
SEEKER_GROUPS = tuple(aggregates.SEEKER_GROUPS)
VACANCY_GROUPS = tuple(aggregates.VACANCY_GROUPS)


# The audit log -------------------------------------------------------------------------------


def _day(values: Mapping[str, str], name: str) -> datetime | None:
    """A date filter as the start of that day in UTC.

    Raises:
        BadInput: not a date.
    """
    found = day_of(values, name)
    return None if found is None else datetime.combine(found, datetime.min.time(), UTC)


def _entries(
    registry: Registry, actor: Actor, values: Mapping[str, str], users: Mapping[str, int]
) -> list[audit.Entry]:
    """The audit rows the filters ask for.

    Raises:
        BadInput: a filter is malformed, or names no user.
        Refused: the user is not an administrator.
    """
    username = values.get("user", "").lower()
    if username and username not in users:
        raise BadInput(f"no user {username!r}", parameter="user", given=username)
    return audit.entries(
        registry,
        actor,
        user=users.get(username),
        action=values.get("action") or None,
        kind=values.get("kind") or None,
        record=whole_number(values, "record"),
        since=_day(values, "since"),
        until=_day(values, "until"),
        limit=whole_number(values, "limit") or AUDIT_ROWS,
    )


def _users(registry: Registry, actor: Actor) -> dict[str, int]:
    return {user.username: user.id for user in accounts.list_users(registry, actor)}


def _filters(request: Request) -> dict[str, str]:
    return {k: v.strip() for k, v in request.query_params.items() if k in AUDIT_FILTERS}


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, registry: RegistryOf, actor: PageActor) -> HTMLResponse:
    """The audit log, newest rows last, filtered by user, action, record and time
    (administrators; the query is logged too)."""
    values = _filters(request)
    users = _users(registry, actor)
    errors: list[FieldError] = []
    found: list[audit.Entry] = []
    try:
        found = _entries(registry, actor, values, users)
    except BadInput as error:
        errors = field_errors(error, frozenset(AUDIT_FILTERS))
    return render(
        request,
        "audit.html",
        {
            "values": values,
            "entries": found,
            "errors": errors,
            "invalid": {e.target: e.message for e in errors if e.target},
            "names": {i: name for name, i in users.items()},
            "query": request.url.query,
        },
        actor=actor,
        status=422 if errors else 200,
    )


@router.get("/audit/export")
def audit_export(request: Request, registry: RegistryOf, actor: PageActor) -> Response:
    """The audit rows the filters ask for, as a CSV download."""
    found = _entries(registry, actor, _filters(request), _users(registry, actor))
    text = io.StringIO()
    audit.write_csv(found, text)
    return Response(
        text.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="audit-log.csv"'},
    )


# Counts --------------------------------------------------------------------------------------


@router.get("/counts", response_class=HTMLResponse)
def counts_page(request: Request, registry: RegistryOf, actor: PageActor) -> HTMLResponse:
    """Counts of seekers and of vacancies by the groups chosen (administrators and
    analysts)."""
    seekers_by = request.query_params.getlist("seekers_by") or ["status"]
    vacancies_by = request.query_params.getlist("vacancies_by") or ["status"]
    return render(
        request,
        "counts.html",
        {
            "title": "",
            "seekers_by": seekers_by,
            "vacancies_by": vacancies_by,
            "seeker_groups": SEEKER_GROUPS,
            "vacancy_groups": VACANCY_GROUPS,
            "seekers": aggregates.seeker_counts(registry, actor, seekers_by),
            "vacancies": aggregates.vacancy_counts(registry, actor, vacancies_by),
        },
        actor=actor,
    )


# API tokens ----------------------------------------------------------------------------------


def _tokens_page(
    request: Request,
    registry: Registry,
    actor: Actor,
    *,
    created: Any = None,
    errors: list[FieldError] | None = None,
    status: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "tokens.html",
        {
            "tokens": tokens.list_tokens(registry, actor),
            "created": created,
            "errors": errors or [],
            "revoked": "revoked" in request.query_params,
        },
        actor=actor,
        status=status,
    )


@router.get("/tokens", response_class=HTMLResponse)
def tokens_page(request: Request, registry: RegistryOf, actor: PageActor) -> HTMLResponse:
    """The user's API tokens, and a form to create one."""
    return _tokens_page(request, registry, actor)


@router.post("/tokens", response_class=HTMLResponse)
def create_token(
    request: Request, registry: RegistryOf, actor: PostingActor, form: Form
) -> HTMLResponse:
    """Create an API token for the user; its secret is shown on this page only."""
    try:
        created = tokens.create_token(registry, actor, field(form, "name"))
    except BadInput as error:
        return _tokens_page(
            request,
            registry,
            actor,
            errors=field_errors(error, frozenset({"name"})),
            status=error.status,
        )
    return _tokens_page(request, registry, actor, created=created)


@router.post("/tokens/{token_id}/revoke")
def revoke_token(token_id: RecordId, registry: RegistryOf, actor: PostingActor) -> Response:
    """Revoke one of the user's tokens: it stops working at once."""
    tokens.revoke_token(registry, actor, token_id)
    return redirect("/pes/tokens?revoked=1")


# Suggestions for the forms' script -----------------------------------------------------------


@router.get("/occupations")
def occupation_suggestions(
    suggester: SuggesterOf, actor: PageActor, text: str = ""
) -> JSONResponse:
    """The codes suggested for a job title, for the forms' script: ``suggestions`` (code,
    title, confidence) and, when there are none, the ``problem``."""
    found, problem = suggested(suggester, text)
    return JSONResponse(
        {
            "suggestions": [
                {"code": s.code, "title": s.title, "confidence": s.confidence} for s in found
            ],
            "problem": problem,
        }
    )
