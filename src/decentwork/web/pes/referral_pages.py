"""The referral pages: refer a seeker to a vacancy (the "Refer" button of the match pages),
the referrals a user may see with their status (by centre, status, vacancy or seeker), and a
referral's page, where an officer or the employer records its outcome (hired, not selected,
did not attend, withdrawn) with its date. A hire fills an opening of the vacancy and places
the seeker (the service layer does it). An employer user sees the referrals to its own
vacancies only; the service layer checks every right and writes the audit log."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from decentwork.errors import BadInput, Conflict
from decentwork.pes import referrals
from decentwork.pes.access import Actor
from decentwork.pes.referrals import ReferralRecord
from decentwork.pes.registry import Registry
from decentwork.web.pes import choices
from decentwork.web.pes.authentication import Form, PageActor, PostingActor
from decentwork.web.pes.forms import (
    FieldError,
    day_of,
    field_errors,
    form_version,
    submitted,
    whole_number,
)
from decentwork.web.pes.ids import RecordId
from decentwork.web.pes.rendering import redirect, render
from decentwork.web.pes.state import RegistryOf

router = APIRouter(include_in_schema=False)

PAGE = 50
"""Referrals listed per page."""
FILTERS = ("centre", "status", "vacancy", "seeker", "offset")
OUTCOME_CONTROLS = frozenset({"outcome", "on", "starts_on"})
NOTICES = ("referred", "recorded")
"""What a referral's page says was done, from the query parameter a form redirected with."""
OUTCOMES = tuple(o.value for o in referrals.Outcome)


def score_of(text: str) -> float | None:
    """A match's score as a form sends it (None when it is empty).

    Raises:
        BadInput: not a number.
    """
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise BadInput(
            f"score {text!r} is not a number", parameter="score", given=text, expected="0 to 1"
        ) from None


@router.post("/referrals")
def refer(registry: RegistryOf, actor: PostingActor, form: Form) -> Response:
    """Refer the form's seeker to its vacancy (``source`` ``match`` with the match's
    ``score``, from a match page), then show the referral."""
    values = submitted(form)
    seeker, vacancy = whole_number(values, "seeker"), whole_number(values, "vacancy")
    if seeker is None or vacancy is None:
        raise BadInput(
            "a referral names its seeker and its vacancy",
            parameter="seeker" if seeker is None else "vacancy",
            expected="a record number",
        )
    created = referrals.refer(
        registry,
        actor,
        seeker,
        vacancy,
        source=values.get("source") or referrals.Source.MATCH,
        score=score_of(values.get("score", "")),
    )
    return redirect(f"/pes/referrals/{created.id}?referred=1")


@router.get("/referrals", response_class=HTMLResponse)
def referral_list(request: Request, registry: RegistryOf, actor: PageActor) -> HTMLResponse:
    """The referrals the user may see, newest first, by the seeker's job centre, status,
    vacancy or seeker."""
    values = {k: v.strip() for k, v in request.query_params.items() if k in FILTERS}
    found: list[ReferralRecord] = []
    errors: list[FieldError] = []
    offset = 0
    try:
        offset = whole_number(values, "offset") or 0
        found = referrals.referrals(
            registry,
            actor,
            centre=whole_number(values, "centre"),
            vacancy=whole_number(values, "vacancy"),
            seeker=whole_number(values, "seeker"),
            status=values.get("status") or None,
            limit=PAGE,
            offset=offset,
        )
    except BadInput as error:
        errors = field_errors(error, frozenset(FILTERS))
    return render(
        request,
        "referrals.html",
        {
            "values": values,
            "referrals": found,
            "offset": offset,
            "limit": PAGE,
            "errors": errors,
            "invalid": {e.target: e.message for e in errors if e.target},
            "places": choices.places(registry, actor),
            "statuses": referrals.STATUSES,
        },
        actor=actor,
        status=422 if errors else 200,
    )


def _page(
    request: Request,
    registry: Registry,
    actor: Actor,
    record: ReferralRecord,
    *,
    values: dict[str, str] | None = None,
    errors: list[FieldError] | None = None,
    status: int = 200,
) -> HTMLResponse:
    """A referral's page, with its outcome form (filled in with ``values``)."""
    errors = errors or []
    return render(
        request,
        "referral.html",
        {
            "referral": record,
            "title": record.vacancy_title,
            "values": values or {"on": datetime.now(UTC).date().isoformat()},
            "errors": errors,
            "invalid": {e.target: e.message for e in errors if e.target},
            "outcomes": OUTCOMES,
            "places": choices.places(registry, actor),
            "done": next((k for k in NOTICES if k in request.query_params), None),
        },
        actor=actor,
        status=status,
    )


@router.get("/referrals/{referral_id}", response_class=HTMLResponse)
def referral_page(
    request: Request, referral_id: RecordId, registry: RegistryOf, actor: PageActor
) -> HTMLResponse:
    """A referral (the read is logged), and the form to record its outcome while it awaits
    one."""
    return _page(request, registry, actor, referrals.read_referral(registry, actor, referral_id))


@router.post("/referrals/{referral_id}/outcome", response_class=HTMLResponse)
def record_outcome(
    request: Request,
    referral_id: RecordId,
    registry: RegistryOf,
    actor: PostingActor,
    form: Form,
) -> Response:
    """Record the outcome the form gives, on its day (and a hire's first day of work),
    unless someone recorded one since the form's version was read."""
    values = submitted(form)
    try:
        referrals.record_outcome(
            registry,
            actor,
            referral_id,
            form_version(values),
            values.get("outcome", ""),
            on=day_of(values, "on"),
            starts_on=day_of(values, "starts_on"),
        )
    except (BadInput, Conflict) as error:
        current = referrals.read_referral(registry, actor, referral_id)
        return _page(
            request,
            registry,
            actor,
            current,
            values=values,
            errors=field_errors(error, OUTCOME_CONTROLS),
            status=error.status,
        )
    return redirect(f"/pes/referrals/{referral_id}?recorded=1")
