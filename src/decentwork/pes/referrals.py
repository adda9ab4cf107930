"""Referrals and placements: an officer refers an active seeker to an open vacancy (from a
match list or by hand); the employer or an officer records the outcome (hired, not selected,
did not attend, withdrawn) with its date. A hire is a placement: the vacancy's filled
openings go up, and it is filled (closed to matching) when none is left; the seeker is
placed. Every step is logged, the changes a hire makes to the seeker and the vacancy too.

Who sees a referral: an administrator all; an officer those of their centres' seekers; an
employer user those to its own employer's vacancies (with the seeker's name: the referral is
what the seeker consented to). Any other referral is "not found" to them, as one that does
not exist. Analysts see aggregates only.

An outcome, once recorded, is final: a second is refused (``Conflict``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa

from decentwork.errors import BadInput, Conflict
from decentwork.pes import audit
from decentwork.pes.access import (
    Actor,
    Role,
    not_found,
    require,
    seeker_scope,
    vacancy_scope,
)
from decentwork.pes.bulk import insert_rows
from decentwork.pes.locking import write_version
from decentwork.pes.models import SeekerStatus, VacancyStatus
from decentwork.pes.records import Record
from decentwork.pes.registry import Registry
from decentwork.pes.tables import referrals as table
from decentwork.pes.tables import seekers, vacancies

KIND = "referral"
MAX_RESULTS = 500


class Outcome(StrEnum):
    """What came of a referral."""

    HIRED = "hired"
    NOT_SELECTED = "not selected"
    DID_NOT_ATTEND = "did not attend"
    WITHDRAWN = "withdrawn"


REFERRED = "referred"
"""The status of a referral awaiting its outcome."""
STATUSES = (REFERRED, *(o.value for o in Outcome))


class Source(StrEnum):
    """Where a referral came from."""

    MATCH = "match"
    MANUAL = "manual"


class ReferralRecord(Record):
    """A referral, with the names an interface shows beside it."""

    id: int
    version: int
    seeker: int
    seeker_name: str
    """The seeker's given and family names ("" once erased)."""
    seeker_centre: int
    vacancy: int
    vacancy_title: str
    employer: int
    source: str
    score: Decimal | None
    referred_by: int | None
    referred_at: datetime
    status: str
    outcome_on: date | None
    starts_on: date | None
    """A hire's first day of work, when given."""
    outcome_by: int | None
    outcome_at: datetime | None


def _query() -> sa.Select:
    return (
        sa.select(
            table,
            seekers.c.given_names,
            seekers.c.family_name,
            seekers.c.centre_id.label("seeker_centre"),
            vacancies.c.title.label("vacancy_title"),
            vacancies.c.employer_id,
        )
        .join(seekers, seekers.c.id == table.c.seeker_id)
        .join(vacancies, vacancies.c.id == table.c.vacancy_id)
    )


def _record(row: sa.RowMapping) -> ReferralRecord:
    names = " ".join(n for n in (row["given_names"], row["family_name"]) if n)
    return ReferralRecord(
        id=row["id"],
        version=row["version"],
        seeker=row["seeker_id"],
        seeker_name=names,
        seeker_centre=row["seeker_centre"],
        vacancy=row["vacancy_id"],
        vacancy_title=row["vacancy_title"],
        employer=row["employer_id"],
        source=row["source"],
        score=row["score"],
        referred_by=row["referred_by"],
        referred_at=row["referred_at"],
        status=row["status"],
        outcome_on=row["outcome_on"],
        starts_on=row["starts_on"],
        outcome_by=row["outcome_by"],
        outcome_at=row["outcome_at"],
    )


def scope(actor: Actor) -> sa.ColumnElement[bool]:
    """The referrals ``actor`` may see (see the module's description).

    Raises:
        Refused: analysts.
    """
    require(actor, Role.ADMINISTRATOR, Role.OFFICER, Role.EMPLOYER, to="see referrals")
    if actor.role == Role.EMPLOYER:
        return vacancies.c.employer_id == actor.employer
    return seeker_scope(actor)


def load(connection: sa.Connection, referral_id: int) -> ReferralRecord:
    """Referral ``referral_id`` (no access check)."""
    return _record(connection.execute(_query().where(table.c.id == referral_id)).mappings().one())


def _visible(connection: sa.Connection, actor: Actor, referral_id: int) -> ReferralRecord:
    row = (
        connection.execute(_query().where(table.c.id == referral_id, scope(actor)))
        .mappings()
        .first()
    )
    if row is None:
        raise not_found(KIND, referral_id)
    return _record(row)


def refer(
    registry: Registry,
    actor: Actor,
    seeker_id: int,
    vacancy_id: int,
    *,
    source: Source | str = Source.MANUAL,
    score: float | None = None,
) -> ReferralRecord:
    """Refer active seeker ``seeker_id`` to open vacancy ``vacancy_id``, from a match list
    (``source`` ``match``, with the match's ``score``) or by hand.

    Raises:
        Refused: the actor is neither an administrator nor an officer.
        NotFound: no such seeker or vacancy, or one the officer may not see.
        Conflict: the seeker is not active; the vacancy is not open, has expired or has no
            opening left; the seeker is referred to it already and awaits the outcome.
        BadInput: an unknown source, or a score outside [0, 1].
    """
    if str(source) not in {s.value for s in Source}:
        raise BadInput(
            f"source {source!r} is not a referral's source",
            parameter="source",
            given=source,
            expected=", ".join(s.value for s in Source),
        )
    if score is not None and not 0 <= score <= 1:
        raise BadInput(
            f"score {score} is not between 0 and 1",
            parameter="score",
            given=score,
            expected="0 to 1",
        )
    with audit.audited(registry, actor, "referral.create", KIND) as step:
        require(step.actor, Role.ADMINISTRATOR, Role.OFFICER, to="refer job seekers")
        connection, now = step.connection, registry.clock()
        seeker = connection.execute(
            sa.select(seekers.c.status).where(seekers.c.id == seeker_id, seeker_scope(step.actor))
        ).first()
        if seeker is None:
            raise not_found("seeker", seeker_id)
        vacancy = (
            connection.execute(
                sa.select(vacancies).where(vacancies.c.id == vacancy_id, vacancy_scope(step.actor))
            )
            .mappings()
            .first()
        )
        if vacancy is None:
            raise not_found("vacancy", vacancy_id)
        if seeker.status != SeekerStatus.ACTIVE:
            raise Conflict(
                f"seeker {seeker_id} is {seeker.status}: only active seekers are referred",
                parameter="seeker",
                given=seeker_id,
            )
        check_open(vacancy, now.date())
        pending = connection.execute(
            sa.select(table.c.id).where(
                table.c.seeker_id == seeker_id,
                table.c.vacancy_id == vacancy_id,
                table.c.status == REFERRED,
            )
        ).scalar()
        if pending is not None:
            raise Conflict(
                f"seeker {seeker_id} is referred to vacancy {vacancy_id} already "
                f"(referral {pending}, awaiting its outcome)",
                given=pending,
            )
        try:
            step.record_id = insert_rows(
                connection,
                table,
                [
                    {
                        "seeker_id": seeker_id,
                        "vacancy_id": vacancy_id,
                        "source": str(source),
                        "score": None if score is None else round(Decimal(score), 4),
                        "referred_by": step.actor.user_id,
                        "referred_at": now,
                        "status": REFERRED,
                        "version": 1,
                    }
                ],
            )[0]
        except sa.exc.IntegrityError:
            raise Conflict(
                f"seeker {seeker_id} was referred to vacancy {vacancy_id} by someone else meanwhile"
            ) from None
        step.detail = f"seeker {seeker_id} to vacancy {vacancy_id} ({source})"
        return load(connection, step.record_id)


def check_open(vacancy: sa.RowMapping, today: date) -> None:
    """Refuse a vacancy (its row) that is not open, has expired or has no opening left.

    Raises:
        Conflict: naming which.
    """
    name = f"vacancy {vacancy['id']}"
    if vacancy["status"] != VacancyStatus.OPEN:
        raise Conflict(
            f"{name} is {vacancy['status']}: only open vacancies take referrals and are matched",
            parameter="vacancy",
            given=vacancy["id"],
        )
    if vacancy["expires_on"] is not None and vacancy["expires_on"] < today:
        raise Conflict(
            f"{name} expired on {vacancy['expires_on']}", parameter="vacancy", given=vacancy["id"]
        )
    if vacancy["filled"] >= vacancy["openings"]:
        raise Conflict(
            f"{name} has no opening left ({vacancy['filled']} of {vacancy['openings']} filled)",
            parameter="vacancy",
            given=vacancy["id"],
        )


def record_outcome(
    registry: Registry,
    actor: Actor,
    referral_id: int,
    version: int,
    outcome: Outcome | str,
    *,
    on: date | None = None,
    starts_on: date | None = None,
) -> ReferralRecord:
    """Record the outcome of referral ``referral_id`` read at ``version``, on day ``on``
    (default today); a hire may give the first day of work (``starts_on``). A hire places
    the seeker and fills an opening of the vacancy (the vacancy is filled when none is
    left).

    Raises:
        Refused: an analyst.
        NotFound: no such referral, or one the actor may not see.
        BadInput: an unknown outcome; ``on`` before the referral or in the future;
            ``starts_on`` for another outcome than a hire, or before ``on``.
        Conflict: the outcome is recorded already, someone changed the referral since
            ``version``, or (for a hire) the vacancy has no opening left or is not open.
    """
    if str(outcome) not in {o.value for o in Outcome}:
        raise BadInput(
            f"outcome {outcome!r} is not a referral's outcome",
            parameter="outcome",
            given=outcome,
            expected=", ".join(o.value for o in Outcome),
        )
    outcome = Outcome(str(outcome))
    with audit.audited(registry, actor, "referral.outcome", KIND, referral_id) as step:
        connection, now = step.connection, registry.clock()
        current = _visible(connection, step.actor, referral_id)
        step.detail = outcome.value
        if current.status != REFERRED:
            raise Conflict(
                f"referral {referral_id} has its outcome already ({current.status})",
                given=referral_id,
            )
        day = on or now.date()
        _check_days(current, day, starts_on, outcome, now.date())
        write_version(
            connection,
            table,
            KIND,
            referral_id,
            version,
            {
                "status": outcome.value,
                "outcome_on": day,
                "starts_on": starts_on,
                "outcome_by": step.actor.user_id,
                "outcome_at": now,
            },
        )
        if outcome == Outcome.HIRED:
            step.detail = _place(connection, step.actor, current, registry, now)
        return load(connection, referral_id)


def _check_days(
    referral: ReferralRecord, day: date, starts_on: date | None, outcome: Outcome, today: date
) -> None:
    """Refuse an outcome's day before the referral or after today, and a start date for
    another outcome than a hire or before the outcome.

    Raises:
        BadInput: naming the date.
    """
    referred = referral.referred_at.date()
    if not referred <= day <= today:
        raise BadInput(
            f"on {day} is not between the referral ({referred}) and today ({today})",
            parameter="on",
            given=day,
            expected=f"{referred} to {today}",
        )
    if starts_on is not None and outcome != Outcome.HIRED:
        raise BadInput(
            f"starts_on is for a hire, not for {outcome.value!r}",
            parameter="starts_on",
            given=starts_on,
        )
    if starts_on is not None and starts_on < day:
        raise BadInput(
            f"starts_on {starts_on} is before the hire ({day})",
            parameter="starts_on",
            given=starts_on,
            expected=f"{day} or later",
        )


def _place(
    connection: sa.Connection,
    actor: Actor,
    referral: ReferralRecord,
    registry: Registry,
    now: datetime,
) -> str:
    """Fill an opening of the referral's vacancy (filling the vacancy when none is left)
    and place the seeker, each change logged; what was done, for the log.

    Raises:
        Conflict: the vacancy is not open or has no opening left.
    """
    vacancy = (
        connection.execute(sa.select(vacancies).where(vacancies.c.id == referral.vacancy))
        .mappings()
        .one()
    )
    if vacancy["status"] != VacancyStatus.OPEN or vacancy["filled"] >= vacancy["openings"]:
        raise Conflict(
            f"vacancy {referral.vacancy} is {vacancy['status']} with "
            f"{vacancy['filled']} of {vacancy['openings']} openings filled: no "
            "hire can be recorded on it",
            parameter="vacancy",
            given=referral.vacancy,
        )
    filled = vacancy["filled"] + 1
    status = VacancyStatus.FILLED if filled >= vacancy["openings"] else VacancyStatus.OPEN
    write_version(
        connection,
        vacancies,
        "vacancy",
        referral.vacancy,
        vacancy["version"],
        {"filled": filled, "status": status.value, "updated_by": actor.user_id, "updated_at": now},
    )
    done = [f"vacancy {referral.vacancy}: {filled} of {vacancy['openings']} filled"]
    _log(
        connection,
        registry,
        actor,
        "vacancy.update",
        "vacancy",
        referral.vacancy,
        f"fields: filled, status ({status.value}; referral {referral.id})",
    )
    seeker = connection.execute(
        sa.select(seekers.c.status, seekers.c.version).where(seekers.c.id == referral.seeker)
    ).one()
    if seeker.status == SeekerStatus.ACTIVE:
        write_version(
            connection,
            seekers,
            "seeker",
            referral.seeker,
            seeker.version,
            {"status": SeekerStatus.PLACED.value, "updated_by": actor.user_id, "updated_at": now},
        )
        _log(
            connection,
            registry,
            actor,
            "seeker.update",
            "seeker",
            referral.seeker,
            f"fields: status (placed; referral {referral.id})",
        )
        done.append(f"seeker {referral.seeker} placed")
    return f"hired: {'; '.join(done)}"


def _log(
    connection: sa.Connection,
    registry: Registry,
    actor: Actor,
    action: str,
    kind: str,
    record: int,
    detail: str,
) -> None:
    audit.append(
        connection,
        at=registry.clock(),
        user_id=actor.user_id,
        role=actor.role.value,
        interface=actor.interface.value,
        action=action,
        kind=kind,
        record_id=record,
        outcome="ok",
        detail=detail,
    )


def read_referral(registry: Registry, actor: Actor, referral_id: int) -> ReferralRecord:
    """Referral ``referral_id``; the read is logged.

    Raises:
        NotFound: no such referral, or one the actor may not see.
        Refused: analysts.
    """
    with audit.audited(registry, actor, "referral.read", KIND, referral_id) as step:
        return _visible(step.connection, step.actor, referral_id)


def referrals(
    registry: Registry,
    actor: Actor,
    *,
    centre: int | None = None,
    vacancy: int | None = None,
    seeker: int | None = None,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[ReferralRecord]:
    """The referrals the actor may see that match every filter given, newest first:
    ``centre`` (the seeker's job centre), ``vacancy``, ``seeker``, ``status`` (``referred``
    or an outcome). The listing is logged with the number of results and the names of the
    filters.

    Raises:
        BadInput: an unknown status, or ``limit``/``offset`` out of range.
        Refused: analysts.
    """
    if not 1 <= limit <= MAX_RESULTS or offset < 0:
        raise BadInput(
            f"limit {limit}, offset {offset}: expected a limit of 1 to "
            f"{MAX_RESULTS} and an offset of 0 or more",
            parameter="limit",
            given=limit,
        )
    if status is not None and status not in STATUSES:
        raise BadInput(
            f"status {status!r} is not a referral's status",
            parameter="status",
            given=status,
            expected=", ".join(STATUSES),
        )
    conditions = [
        condition
        for condition, value in (
            (seekers.c.centre_id == centre, centre),
            (table.c.vacancy_id == vacancy, vacancy),
            (table.c.seeker_id == seeker, seeker),
            (table.c.status == status, status),
        )
        if value is not None
    ]
    with audit.audited(registry, actor, "referral.list", KIND) as step:
        rows = (
            step.connection.execute(
                _query()
                .where(scope(step.actor), *conditions)
                .order_by(table.c.referred_at.desc(), table.c.id.desc())
                .limit(limit)
                .offset(offset)
            )
            .mappings()
            .all()
        )
        used = [
            n
            for n, v in (
                ("centre", centre),
                ("vacancy", vacancy),
                ("seeker", seeker),
                ("status", status),
            )
            if v is not None
        ]
        step.detail = f"{len(rows)} results; filters: {', '.join(used) or 'none'}"
        return [_record(row) for row in rows]


def of_seeker(connection: sa.Connection, seeker_id: int) -> list[ReferralRecord]:
    """Every referral of seeker ``seeker_id``, oldest first (no access check: for a
    person's export)."""
    rows = connection.execute(
        _query().where(table.c.seeker_id == seeker_id).order_by(table.c.id)
    ).mappings()
    return [_record(row) for row in rows]


def latest_statuses(
    connection: sa.Connection,
    vacancy_id: int | None = None,
    seeker_id: int | None = None,
    others: Sequence[int] = (),
) -> dict[int, str]:
    """The status of the latest referral of each pair of vacancy ``vacancy_id`` with the
    seekers ``others`` (or of seeker ``seeker_id`` with the vacancies ``others``), by the
    other side's id."""
    if not others:
        return {}
    if vacancy_id is not None:
        fixed, free = table.c.vacancy_id == vacancy_id, table.c.seeker_id
    else:
        fixed, free = table.c.seeker_id == seeker_id, table.c.vacancy_id
    rows = connection.execute(
        sa.select(free, table.c.status).where(fixed, free.in_(sorted(others))).order_by(table.c.id)
    )
    return {other: status for other, status in rows}
