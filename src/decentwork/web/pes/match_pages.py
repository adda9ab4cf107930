"""The match pages: a vacancy's ranked candidates and a seeker's ranked vacancies, each row
with its score, its confidence, the factors whose data are missing, the explanation (each
factor's value, weight and contribution, shown on demand) and the skill gap, and a "Refer"
button (:mod:`.referral_pages` takes it). ``k`` and the filters (centre, area, unreferred
only) are a GET form: they name no one. Administrators and officers (their centres'); the
service layer checks every right and writes the audit log."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from decentwork.errors import BadInput, Conflict
from decentwork.pes import seekers, vacancies
from decentwork.pes.access import Actor
from decentwork.pes.matching.explanation import Match
from decentwork.pes.matching.service import MatchFilters, best_seekers, best_vacancies
from decentwork.pes.registry import Registry
from decentwork.web.pes import choices
from decentwork.web.pes.authentication import PageActor
from decentwork.web.pes.forms import FieldError, field_errors, whole_number
from decentwork.web.pes.ids import RecordId
from decentwork.web.pes.rendering import render
from decentwork.web.pes.state import RegistryOf

router = APIRouter(include_in_schema=False)

DEFAULT_K = 20
"""Matches a page shows unless ``k`` says otherwise."""
FILTERS = ("k", "centre", "area", "unreferred")
CHECKED = "yes"
"""The value of the "unreferred only" box when ticked."""


def match_filters(values: Mapping[str, str]) -> tuple[int, MatchFilters]:
    """``k`` (default :data:`DEFAULT_K`) and the filters of the form's ``values``.

    Raises:
        BadInput: ``k`` or ``centre`` is not a whole number.
    """
    k = whole_number(values, "k")
    return DEFAULT_K if k is None else k, MatchFilters(
        centre=whole_number(values, "centre"),
        area=values.get("area") or None,
        unreferred=values.get("unreferred") == CHECKED,
    )


def _ranked(
    request: Request,
    registry: Registry,
    actor: Actor,
    template: str,
    rank: Callable[[int, MatchFilters], Sequence[Match]],
    context: dict[str, Any],
) -> HTMLResponse:
    """The page ``template`` with the matches ``rank(k, filters)`` gives for the request's
    filters, or with what is wrong with them (or why the record is not matched)."""
    values = {k: v.strip() for k, v in request.query_params.items() if k in FILTERS}
    matches: Sequence[Match] = []
    errors: list[FieldError] = []
    status = 200
    try:
        k, filters = match_filters(values)
        matches = rank(k, filters)
    except (BadInput, Conflict) as error:
        errors, status = field_errors(error, frozenset(FILTERS)), error.status
    return render(
        request,
        template,
        {
            **context,
            "values": {"k": str(DEFAULT_K), **values},
            "matches": matches,
            "errors": errors,
            "invalid": {e.target: e.message for e in errors if e.target},
            "places": choices.places(registry, actor),
            "checked": CHECKED,
        },
        actor=actor,
        status=status,
    )


@router.get("/vacancies/{vacancy_id}/candidates", response_class=HTMLResponse)
def candidates(
    request: Request, vacancy_id: RecordId, registry: RegistryOf, actor: PageActor
) -> HTMLResponse:
    """The vacancy's best job seekers, best first, explained, each with a "Refer" button."""
    vacancy = vacancies.read(registry, actor, vacancy_id)
    return _ranked(
        request,
        registry,
        actor,
        "candidates.html",
        lambda k, filters: best_seekers(registry, actor, vacancy_id, k, filters),
        {
            "vacancy": vacancy,
            "occupation": registry.references.occupation_title(vacancy.isco),
        },
    )


@router.get("/seekers/{seeker_id}/vacancies", response_class=HTMLResponse)
def seeker_vacancies(
    request: Request, seeker_id: RecordId, registry: RegistryOf, actor: PageActor
) -> HTMLResponse:
    """The seeker's best open vacancies, best first, explained, each with a "Refer"
    button."""
    seeker = seekers.read(registry, actor, seeker_id)
    return _ranked(
        request,
        registry,
        actor,
        "seeker_vacancies.html",
        lambda k, filters: best_vacancies(registry, actor, seeker_id, k, filters),
        {"seeker": seeker},
    )
