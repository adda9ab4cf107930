"""Matching and referrals in the PES JSON API (under ``/api/v1/pes``, beside :mod:`.api`,
with the same bearer tokens and JSON errors): a vacancy's ranked candidates and a seeker's
ranked vacancies with their explanations and skill gaps, referring a seeker to a vacancy,
the referrals the token's user may see, one referral, and recording its outcome. A hire
fills an opening of the vacancy and places the seeker. Everything goes through the service
layer (rights, audit log, as done through ``api``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from decentwork.pes import referrals
from decentwork.pes.matching.explanation import SeekerMatch, VacancyMatch
from decentwork.pes.matching.service import MatchFilters, best_seekers, best_vacancies
from decentwork.pes.referrals import ReferralRecord
from decentwork.web.pes.api import Paging, paged
from decentwork.web.pes.authentication import ApiActor
from decentwork.web.pes.ids import MAX_ID, RecordId
from decentwork.web.pes.state import RegistryOf

router = APIRouter()

DEFAULT_K = 20


class Ranking(BaseModel):
    """How many matches, and among which records (besides the hard filters and the
    records the token's user may see)."""

    model_config = ConfigDict(extra="forbid")

    k: int = Field(default=DEFAULT_K, description="How many matches, 1 to 500.")
    centre: int | None = Field(default=None, ge=1, le=MAX_ID, description="A job centre's id.")
    area: str | None = Field(default=None, description="An area; its districts are included.")
    unreferred: bool = Field(
        default=False, description="Leave out the pairs referred to each other already."
    )

    def filters(self) -> MatchFilters:
        """The filters of the service layer."""
        return MatchFilters(centre=self.centre, area=self.area, unreferred=self.unreferred)


class ReferralIn(BaseModel):
    """A referral of a seeker to a vacancy: from a match list (``source`` ``match``, with
    the match's ``score``) or by hand (``manual``)."""

    model_config = ConfigDict(extra="forbid")

    seeker: int = Field(ge=1, le=MAX_ID)
    vacancy: int = Field(ge=1, le=MAX_ID)
    source: str = Field(default=referrals.Source.MANUAL.value, description="match or manual")
    score: float | None = Field(default=None, description="The match's score, 0 to 1.")


class OutcomeIn(BaseModel):
    """The outcome of a referral read at ``version``: hired, not selected, did not attend or
    withdrawn, on a day (default today), with a hire's first day of work if known. Refused
    with 409 if an outcome is recorded already or the referral changed since."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=0, le=MAX_ID)
    outcome: str = Field(description=", ".join(o.value for o in referrals.Outcome))
    on: date | None = None
    starts_on: date | None = None


class ReferralFilters(Paging):
    """Filters of the referrals' list."""

    centre: int | None = Field(default=None, ge=1, le=MAX_ID, description="The seeker's centre.")
    vacancy: int | None = Field(default=None, ge=1, le=MAX_ID)
    seeker: int | None = Field(default=None, ge=1, le=MAX_ID)
    status: str | None = Field(
        default=None, description="referred, or an outcome: " + ", ".join(referrals.STATUSES)
    )


class ReferralPage(BaseModel):
    """Referrals found, newest first, and the offset of the next page (None on the last)."""

    referrals: list[ReferralRecord]
    limit: int
    offset: int
    next: int | None


@router.get("/vacancies/{vacancy_id}/candidates")
def candidates(
    registry: RegistryOf,
    actor: ApiActor,
    vacancy_id: RecordId,
    ranking: Annotated[Ranking, Query()],
) -> list[SeekerMatch]:
    """The vacancy's ``k`` best active job seekers, best first, each with its score,
    confidence, explanation (every factor's value, weight and contribution), missing
    factors, skill gap and latest referral's status (administrators and officers; 409 for a
    vacancy that is not open, has expired or is full)."""
    return best_seekers(registry, actor, vacancy_id, ranking.k, ranking.filters())


@router.get("/seekers/{seeker_id}/vacancies")
def seeker_vacancies(
    registry: RegistryOf,
    actor: ApiActor,
    seeker_id: RecordId,
    ranking: Annotated[Ranking, Query()],
) -> list[VacancyMatch]:
    """The seeker's ``k`` best open vacancies, best first, explained as the candidates are
    (administrators and officers; 409 for a seeker who is not active)."""
    return best_vacancies(registry, actor, seeker_id, ranking.k, ranking.filters())


@router.post("/referrals", status_code=201)
def refer(registry: RegistryOf, actor: ApiActor, referral: ReferralIn) -> ReferralRecord:
    """Refer an active seeker to an open vacancy (administrators and officers; 409 while
    the seeker's referral to it awaits its outcome)."""
    return referrals.refer(
        registry,
        actor,
        referral.seeker,
        referral.vacancy,
        source=referral.source,
        score=referral.score,
    )


@router.get("/referrals")
def referral_list(
    registry: RegistryOf, actor: ApiActor, filters: Annotated[ReferralFilters, Query()]
) -> ReferralPage:
    """The referrals the token's user may see (an employer's: those to its own vacancies),
    newest first."""
    found, page = paged(referrals.referrals, registry, actor, filters)
    return ReferralPage(referrals=found, **page)


@router.get("/referrals/{referral_id}")
def referral(registry: RegistryOf, actor: ApiActor, referral_id: RecordId) -> ReferralRecord:
    """A referral (the read is logged)."""
    return referrals.read_referral(registry, actor, referral_id)


@router.post("/referrals/{referral_id}/outcome")
def record_outcome(
    registry: RegistryOf, actor: ApiActor, referral_id: RecordId, outcome: OutcomeIn
) -> ReferralRecord:
    """Record a referral's outcome; a hire fills an opening of the vacancy (filling it when
    none is left) and places the seeker."""
    return referrals.record_outcome(
        registry,
        actor,
        referral_id,
        outcome.version,
        outcome.outcome,
        on=outcome.on,
        starts_on=outcome.starts_on,
    )
