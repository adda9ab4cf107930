"""The public employment service's commands (registered by :mod:`decentwork.cli` under
``decentwork pes``): ``init``, ``users add|list|disable``, ``centres add|list``, ``import
seekers|vacancies|centres|districts``, ``person export|erase``, ``audit``, ``match
vacancy|seeker|all``, ``referrals add|outcome|list``; and ``synth_pes`` (``decentwork synth
pes``).

Every command but ``init`` and ``synth pes`` acts as an administrator of the registry, named
by ``--as`` (by default the first administrator created), and is recorded in the audit log as
done by that user through the command line. Heavy imports happen inside the commands so that
the program starts quickly.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from decentwork.terminal import console, errors, progress_bar

if TYPE_CHECKING:
    from decentwork.pes.access import Actor
    from decentwork.pes.imports import ImportReport
    from decentwork.pes.matching.explanation import Match
    from decentwork.pes.matching.service import MatchFilters
    from decentwork.pes.registry import Registry

PesDb = Annotated[
    str | None,
    typer.Option(
        "--pes-db",
        help="PES database URL (default: $DECENTWORK_PES_DB, else pes.sqlite in the "
        "user data directory, beside the warehouse).",
    ),
]
AsUser = Annotated[
    str | None,
    typer.Option(
        "--as",
        help="The administrator to act as, recorded in the audit log (default: the first "
        "administrator).",
    ),
]
PasswordFile = Annotated[
    Path | None,
    typer.Option(
        "--password-file",
        help="Read the password from the first line of this file instead of asking for it.",
    ),
]
File = Annotated[Path, typer.Argument(help="A CSV (UTF-8) or Excel (.xlsx) file.")]
SkipBad = Annotated[
    bool,
    typer.Option(
        "--skip-bad",
        help="Import the good rows and list the bad ones (default: import nothing "
        "if a row is bad).",
    ),
]


def _open(pes_db: str | None, *, create: bool = False) -> Registry:
    """The registry at ``pes_db`` (created if need be when ``create``), its schema
    upgraded."""
    from decentwork.pes.registry import open_registry

    return open_registry(pes_db, create=create)


def _acting(pes_db: str | None, as_user: str | None) -> tuple[Registry, Actor]:
    """The registry and the administrator the command acts as."""
    from decentwork.pes.accounts import cli_actor

    registry = _open(pes_db)
    return registry, cli_actor(registry, as_user)


def _password(password_file: Path | None) -> str:
    """The password from the file's first line, or asked for (twice, without echo) until it
    is long enough.

    Raises:
        NotFound: the file does not exist.
        BadInput: the file cannot be read, or its password is too short or too long.
    """
    from decentwork.errors import BadInput, NotFound
    from decentwork.pes.models import password_problem

    if password_file is None:
        while True:
            password = str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))
            problem = password_problem(password)
            if problem is None:
                return password
            errors.print(problem)
    if not password_file.is_file():
        raise NotFound(
            f"{password_file}: no such file", parameter="password_file", given=str(password_file)
        )
    try:
        lines = password_file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise BadInput(
            f"{password_file}: cannot be read ({error})",
            parameter="password_file",
            given=str(password_file),
        ) from None
    problem = password_problem(lines[0] if lines else "")
    if problem is not None:
        raise BadInput(
            f"{password_file}: {problem} (on its first line)",
            parameter="password_file",
            given=str(password_file),
        )
    return lines[0]


def init(
    pes_db: PesDb = None,
    admin: Annotated[str, typer.Option(help="The first administrator's username.")] = "admin",
    password_file: PasswordFile = None,
) -> None:
    """Create the PES database (or bring its schema up to date) and its first administrator,
    whose password is asked for (twice, hidden) or read from --password-file."""
    from decentwork.pes.accounts import create_first_administrator

    registry = _open(pes_db, create=True)
    user = create_first_administrator(registry, admin, _password(password_file))
    console.print(
        f"PES database {registry.engine.url.render_as_string(hide_password=True)}: "
        f"administrator {user.username!r} created"
    )


def users_add(
    username: Annotated[str, typer.Argument(help="The login name.")],
    role: Annotated[str, typer.Option(help="administrator, officer, employer or analyst.")],
    centres: Annotated[
        list[str] | None,
        typer.Option("--centre", help="An officer's job centre (its code); repeat for several."),
    ] = None,
    employer: Annotated[
        int | None, typer.Option(help="An employer user's employer (its id).")
    ] = None,
    password_file: PasswordFile = None,
    pes_db: PesDb = None,
    as_user: AsUser = None,
) -> None:
    """Add a user: an administrator, an officer of one or more job centres, an employer's
    user, or an analyst."""
    from decentwork.pes.accounts import add_user
    from decentwork.pes.centres import centre_ids

    registry, actor = _acting(pes_db, as_user)
    user = add_user(
        registry,
        actor,
        {
            "username": username,
            "role": role,
            "centres": centre_ids(registry, centres or []),
            "employer": employer,
            "password": _password(password_file),
        },
    )
    console.print(f"User {user.username!r} ({user.role}) added, id {user.id}")


def users_list(pes_db: PesDb = None, as_user: AsUser = None) -> None:
    """List the users, their roles, centres and whether they are disabled."""
    from rich.table import Table

    from decentwork.pes.accounts import list_users
    from decentwork.pes.centres import list_centres

    registry, actor = _acting(pes_db, as_user)
    codes = {c.id: c.code for c in list_centres(registry, actor)}
    table = Table(title="Users", title_justify="left")
    for column in ("id", "username", "role", "centres", "employer", "disabled", "created"):
        table.add_column(column)
    for user in list_users(registry, actor):
        table.add_row(
            str(user.id),
            user.username,
            user.role.value,
            ", ".join(codes[c] for c in user.centres),
            "" if user.employer is None else str(user.employer),
            "yes" if user.disabled else "",
            f"{user.created_at:%Y-%m-%d}",
        )
    console.print(table)


def users_disable(
    username: Annotated[str, typer.Argument(help="The user to disable.")],
    enable: Annotated[
        bool, typer.Option("--enable", help="Enable the user again instead.")
    ] = False,
    pes_db: PesDb = None,
    as_user: AsUser = None,
) -> None:
    """Disable a user (their sessions end and their API tokens stop working at once), or
    enable them again."""
    from decentwork.pes.accounts import set_disabled

    registry, actor = _acting(pes_db, as_user)
    user = set_disabled(registry, actor, username, disabled=not enable)
    console.print(f"User {user.username!r} {'disabled' if user.disabled else 'enabled'}")


def centres_add(
    code: Annotated[str, typer.Argument(help="A short code of the centre's own.")],
    name: Annotated[str, typer.Argument(help="The centre's name.")],
    area: Annotated[
        str, typer.Option(help="Its area: an ISO 3166-2 code (KH-12) or a district added.")
    ],
    pes_db: PesDb = None,
    as_user: AsUser = None,
) -> None:
    """Add a job centre."""
    from decentwork.pes.centres import add_centre

    registry, actor = _acting(pes_db, as_user)
    centre = add_centre(registry, actor, {"code": code, "name": name, "area": area})
    console.print(f"Job centre {centre.code} added, id {centre.id}")


def centres_list(pes_db: PesDb = None, as_user: AsUser = None) -> None:
    """List the job centres."""
    from rich.table import Table

    from decentwork.pes.centres import list_centres

    registry, actor = _acting(pes_db, as_user)
    table = Table(title="Job centres", title_justify="left")
    for column in ("id", "code", "name", "area"):
        table.add_column(column)
    for centre in list_centres(registry, actor):
        table.add_row(str(centre.id), centre.code, centre.name, centre.area)
    console.print(table)


def _report(report: ImportReport) -> None:
    """What an import did; the rows left out, one a line, on standard error."""
    for problem in report.skipped:
        errors.print(str(problem), soft_wrap=True, markup=False)
    skipped = len({p.line for p in report.skipped})
    console.print(
        f"{report.file.name}: {report.imported:,} {report.kind} record(s) imported"
        + (f", {skipped:,} bad row(s) left out" if skipped else "")
    )


def import_seekers(
    file: File, skip_bad: SkipBad = False, pes_db: PesDb = None, as_user: AsUser = None
) -> None:
    """Import job seekers (the columns are in docs/pes.md): every bad row is listed with its
    line, field and problem, and nothing is imported unless every row is good or --skip-bad
    is given. Likely duplicates are bad rows unless marked not_duplicate."""
    from decentwork.pes.imports import import_seekers as run

    registry, actor = _acting(pes_db, as_user)
    _report(run(registry, actor, file, skip_bad=skip_bad))


def import_vacancies(
    file: File, skip_bad: SkipBad = False, pes_db: PesDb = None, as_user: AsUser = None
) -> None:
    """Import vacancies, adding their employers when they are new (the columns are in
    docs/pes.md); bad rows as for seekers."""
    from decentwork.pes.imports import import_vacancies as run

    registry, actor = _acting(pes_db, as_user)
    _report(run(registry, actor, file, skip_bad=skip_bad))


def import_centres(
    file: File, skip_bad: SkipBad = False, pes_db: PesDb = None, as_user: AsUser = None
) -> None:
    """Import job centres (columns code, name, area)."""
    from decentwork.pes.imports import import_centres as run

    registry, actor = _acting(pes_db, as_user)
    _report(run(registry, actor, file, skip_bad=skip_bad))


def import_districts(
    file: File, skip_bad: SkipBad = False, pes_db: PesDb = None, as_user: AsUser = None
) -> None:
    """Add districts below the ISO 3166-2 subdivisions (columns code, name, parent)."""
    from decentwork.pes.imports import import_districts as run

    registry, actor = _acting(pes_db, as_user)
    _report(run(registry, actor, file, skip_bad=skip_bad))


def person_export(
    seeker: Annotated[int, typer.Argument(help="The seeker's id.")],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write the JSON to this file (default: standard output)."),
    ] = None,
    pes_db: PesDb = None,
    as_user: AsUser = None,
) -> None:
    """Everything the registry holds about a job seeker, as JSON (the export is logged)."""
    from decentwork.errors import BadInput
    from decentwork.pes.rights import person_export as export

    registry, actor = _acting(pes_db, as_user)
    text = json.dumps(export(registry, actor, seeker), ensure_ascii=False, indent=2) + "\n"
    if out is None:
        sys.stdout.write(text)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as error:
        raise BadInput(
            f"{out}: cannot be written ({error.strerror or error})", parameter="out", given=str(out)
        ) from None
    errors.print(f"Wrote seeker {seeker}'s data to {out}")


def person_erase(
    seeker: Annotated[int, typer.Argument(help="The seeker's id.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    pes_db: PesDb = None,
    as_user: AsUser = None,
) -> None:
    """Erase a job seeker's personal data, keeping only what the statistics need (sex, age
    band, area, occupation codes, dates, outcome); the erasure is logged."""
    from decentwork.pes.rights import person_erase as erase

    registry, actor = _acting(pes_db, as_user)
    if not yes and not typer.confirm(f"Erase seeker {seeker}'s personal data for good?"):
        raise typer.Exit(1)
    erased = erase(registry, actor, seeker)
    console.print(
        f"Seeker {erased.id}'s personal data erased (status before: {erased.status_at_erasure})"
    )


def audit(
    user: Annotated[str | None, typer.Option(help="Only this user's entries (username).")] = None,
    action: Annotated[
        str | None,
        typer.Option(
            help="Only this action, or actions beginning so (seeker, seeker.read, login...)."
        ),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(help="Only entries about this kind of record (seeker, vacancy, user...)."),
    ] = None,
    record: Annotated[int | None, typer.Option(help="Only entries about this record id.")] = None,
    since: Annotated[str | None, typer.Option(help="From this day (YYYY-MM-DD, UTC).")] = None,
    until: Annotated[str | None, typer.Option(help="Before this day (YYYY-MM-DD, UTC).")] = None,
    limit: Annotated[int | None, typer.Option(help="Only the newest entries.")] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the entries as CSV to this file.")
    ] = None,
    pes_db: PesDb = None,
    as_user: AsUser = None,
) -> None:
    """Query the audit log (who did what, when, to which record, through which interface),
    as a table or as CSV."""
    from rich.table import Table

    from decentwork.pes import audit as log
    from decentwork.pes.accounts import user_id_of

    registry, actor = _acting(pes_db, as_user)
    user_id = None
    if user is not None:
        with registry.engine.connect() as connection:
            user_id = user_id_of(connection, user)
    found = log.entries(
        registry,
        actor,
        user=user_id,
        action=action,
        kind=kind,
        record=record,
        since=_day(since, "since"),
        until=_day(until, "until"),
        limit=limit,
    )
    if out is not None:
        log.write_csv(found, out)
        errors.print(f"Wrote {len(found):,} audit entries to {out}")
        return
    table = Table(title=f"Audit log ({len(found):,} entries)", title_justify="left")
    for column in (
        "at (UTC)",
        "user",
        "role",
        "interface",
        "action",
        "record",
        "outcome",
        "detail",
    ):
        table.add_column(column)
    for entry in found:
        table.add_row(
            f"{entry.at:%Y-%m-%d %H:%M:%S}",
            str(entry.user_id or ""),
            entry.role or "",
            entry.interface,
            entry.action,
            f"{entry.record_kind or ''} {entry.record_id or ''}".strip(),
            entry.outcome,
            entry.detail,
        )
    console.print(table)


def _day(text: str | None, parameter: str) -> datetime | None:
    """A day (YYYY-MM-DD) as its first moment in UTC.

    Raises:
        BadInput: not a day.
    """
    from decentwork.errors import BadInput

    if text is None:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise BadInput(
            f"{text!r} is not a day", parameter=parameter, given=text, expected="YYYY-MM-DD"
        ) from None


def synth_pes(
    country: Annotated[str, typer.Option(help="KHM (Cambodia) or LAO (Lao PDR).")] = "KHM",
    seekers: Annotated[int, typer.Option(help="Job seekers.", min=0)] = 50_000,
    vacancies: Annotated[int, typer.Option(help="Vacancies.", min=0)] = 5_000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same records).", min=0)] = 7,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Write CSV files (centres, seekers, vacancies) to this folder "
            "instead of the PES database.",
        ),
    ] = None,
    pes_db: PesDb = None,
) -> None:
    """Generate a seeded synthetic public employment service (job centres, employers, job
    seekers and vacancies with plausible distributions and names in the country's script)
    into the PES database, or as import files with --out."""
    from decentwork.pes.synthetic import generate

    registry = None if out is not None else _open(pes_db, create=True)
    with progress_bar() as progress:
        task = progress.add_task(
            f"Generating {seekers:,} seekers and {vacancies:,} vacancies", total=seekers + vacancies
        )
        made = generate(
            country,
            seekers,
            vacancies,
            seed,
            registry=registry,
            out=out,
            on_progress=lambda done, _: progress.update(task, completed=done),
        )
    where = (
        ", ".join(str(path) for path in made.files)
        if out is not None
        else registry.engine.url.render_as_string(hide_password=True)
        if registry
        else ""
    )
    console.print(
        f"{made.country}: {made.centres} job centres, {made.employers:,} employers, "
        f"{made.seekers:,} seekers and {made.vacancies:,} vacancies -> {where}"
    )


# Matching, referrals and placements (issue 14): registered by the lead as
# 'decentwork pes match vacancy|seeker|all' and 'decentwork pes referrals add|outcome|list'.

K = Annotated[int, typer.Option("--k", help="How many to list (1 to 500).")]
Centre = Annotated[str | None, typer.Option("--centre", help="Only this job centre's (its code).")]
Area = Annotated[
    str | None, typer.Option(help="Only in this area or a district in it (ISO 3166-2 code).")
]
Unreferred = Annotated[
    bool, typer.Option("--unreferred", help="Leave out those referred to each other already.")
]
Weights = Annotated[
    Path | None,
    typer.Option(
        "--weights",
        help="A YAML file of matching weights laid over the bundled ones (default: "
        "$DECENTWORK_PES_WEIGHTS, else the bundled ones; see docs/pes.md).",
    ),
]


def _filters(
    registry: Registry, centre: str | None, area: str | None, unreferred: bool
) -> MatchFilters:
    """The matching filters, the centre given by its code.

    Raises:
        NotFound: no job centre of that code.
    """
    from decentwork.pes.centres import centre_ids
    from decentwork.pes.matching.service import MatchFilters

    return MatchFilters(
        centre=None if centre is None else centre_ids(registry, [centre])[0],
        area=area,
        unreferred=unreferred,
    )


def _explained(match: Match) -> tuple[str, str, str, str, str]:
    """A match's score, confidence, missing factors, skill gap and referral, as cells."""
    return (
        f"{match.score:.3f}",
        f"{match.confidence:.0%}",
        ", ".join(match.missing),
        f"{len(match.skill_gap)} skill(s)" if match.skill_gap else "",
        match.referral or "",
    )


def match_vacancy(
    vacancy: Annotated[int, typer.Argument(help="The vacancy's id.")],
    k: K = 20,
    centre: Centre = None,
    area: Area = None,
    unreferred: Unreferred = False,
    weights: Weights = None,
    pes_db: PesDb = None,
    as_user: AsUser = None,
) -> None:
    """The best job seekers for an open vacancy, with their scores, the confidence, the
    factors whose data are missing and the skill gap (the search is logged)."""
    from rich.table import Table

    from decentwork.pes.matching.service import best_seekers
    from decentwork.pes.matching.weights import load_weights

    registry, actor = _acting(pes_db, as_user)
    found = best_seekers(
        registry,
        actor,
        vacancy,
        k,
        _filters(registry, centre, area, unreferred),
        load_weights(weights),
    )
    table = Table(title=f"Job seekers for vacancy {vacancy}", title_justify="left")
    for column in ("#", "seeker", "name", "score", "confidence", "missing", "gap", "referral"):
        table.add_column(column)
    for number, match in enumerate(found, start=1):
        name = " ".join(n for n in (match.seeker.given_names, match.seeker.family_name) if n)
        table.add_row(str(number), str(match.seeker.id), name, *_explained(match))
    console.print(table)


def match_seeker(
    seeker: Annotated[int, typer.Argument(help="The seeker's id.")],
    k: K = 20,
    centre: Centre = None,
    area: Area = None,
    unreferred: Unreferred = False,
    weights: Weights = None,
    pes_db: PesDb = None,
    as_user: AsUser = None,
) -> None:
    """The best open vacancies for an active job seeker, with their scores, the confidence,
    the factors whose data are missing and the seeker's skill gap (logged)."""
    from rich.table import Table

    from decentwork.pes.matching.service import best_vacancies
    from decentwork.pes.matching.weights import load_weights

    registry, actor = _acting(pes_db, as_user)
    found = best_vacancies(
        registry,
        actor,
        seeker,
        k,
        _filters(registry, centre, area, unreferred),
        load_weights(weights),
    )
    table = Table(title=f"Vacancies for seeker {seeker}", title_justify="left")
    for column in (
        "#",
        "vacancy",
        "title",
        "area",
        "score",
        "confidence",
        "missing",
        "gap",
        "referral",
    ):
        table.add_column(column)
    for number, match in enumerate(found, start=1):
        table.add_row(
            str(number),
            str(match.vacancy.id),
            match.vacancy.title,
            match.vacancy.area,
            *_explained(match),
        )
    console.print(table)


def match_all(
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", help="The CSV file to write (seeker, rank, vacancy, score, confidence)."
        ),
    ],
    k: K = 20,
    weights: Weights = None,
    processes: Annotated[
        int | None,
        typer.Option(help="Processes to rank with (default: the machine's cores).", min=1),
    ] = None,
    pes_db: PesDb = None,
    as_user: AsUser = None,
) -> None:
    """Batch mode: the best vacancies of every active job seeker, as a CSV file."""
    import os

    from decentwork.pes.matching.service import write_every_seeker
    from decentwork.pes.matching.weights import load_weights

    registry, actor = _acting(pes_db, as_user)
    with progress_bar() as progress:
        task = progress.add_task("Ranking every seeker's vacancies", total=None)
        total = write_every_seeker(
            registry,
            actor,
            out,
            k,
            load_weights(weights),
            on_progress=lambda done, whole: progress.update(task, completed=done, total=whole),
            processes=processes or os.cpu_count() or 1,
        )
    errors.print(f"Wrote the best {k} vacancies of {total:,} seekers to {out}")


def referrals_add(
    seeker: Annotated[int, typer.Argument(help="The seeker's id.")],
    vacancy: Annotated[int, typer.Argument(help="The vacancy's id.")],
    score: Annotated[
        float | None,
        typer.Option(help="The match's score, when referring from a match list (0 to 1)."),
    ] = None,
    pes_db: PesDb = None,
    as_user: AsUser = None,
) -> None:
    """Refer an active job seeker to an open vacancy (logged)."""
    from decentwork.pes.referrals import Source, refer

    registry, actor = _acting(pes_db, as_user)
    made = refer(
        registry,
        actor,
        seeker,
        vacancy,
        source=Source.MANUAL if score is None else Source.MATCH,
        score=score,
    )
    console.print(
        f"Referral {made.id}: seeker {made.seeker} to vacancy {made.vacancy} ({made.vacancy_title})"
    )


def referrals_outcome(
    referral: Annotated[int, typer.Argument(help="The referral's id.")],
    outcome: Annotated[
        str, typer.Argument(help="hired, 'not selected', 'did not attend' or withdrawn.")
    ],
    on: Annotated[
        str | None, typer.Option(help="The day of the outcome (YYYY-MM-DD; default today).")
    ] = None,
    starts_on: Annotated[
        str | None, typer.Option(help="A hire's first day of work (YYYY-MM-DD).")
    ] = None,
    pes_db: PesDb = None,
    as_user: AsUser = None,
) -> None:
    """Record the outcome of a referral; a hire places the seeker and fills an opening of the
    vacancy (logged)."""
    from decentwork.pes.referrals import read_referral, record_outcome

    registry, actor = _acting(pes_db, as_user)
    current = read_referral(registry, actor, referral)
    day, first = _day(on, "on"), _day(starts_on, "starts_on")
    done = record_outcome(
        registry,
        actor,
        referral,
        current.version,
        outcome,
        on=None if day is None else day.date(),
        starts_on=None if first is None else first.date(),
    )
    console.print(
        f"Referral {done.id}: {done.status} on {done.outcome_on} (seeker "
        f"{done.seeker}, vacancy {done.vacancy})"
    )


def referrals_list(
    centre: Annotated[
        str | None, typer.Option(help="Only the referrals of this job centre's seekers (code).")
    ] = None,
    vacancy: Annotated[int | None, typer.Option(help="Only those to this vacancy.")] = None,
    seeker: Annotated[int | None, typer.Option(help="Only this seeker's.")] = None,
    status: Annotated[
        str | None,
        typer.Option(help="referred, hired, 'not selected', 'did not attend' or withdrawn."),
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many, newest first.")] = 50,
    pes_db: PesDb = None,
    as_user: AsUser = None,
) -> None:
    """List referrals and their outcomes, newest first (logged)."""
    from rich.table import Table

    from decentwork.pes.centres import centre_ids
    from decentwork.pes.referrals import referrals

    registry, actor = _acting(pes_db, as_user)
    found = referrals(
        registry,
        actor,
        centre=None if centre is None else centre_ids(registry, [centre])[0],
        vacancy=vacancy,
        seeker=seeker,
        status=status,
        limit=limit,
    )
    table = Table(title=f"Referrals ({len(found)})", title_justify="left")
    for column in ("id", "seeker", "name", "vacancy", "title", "referred", "status", "on"):
        table.add_column(column)
    for made in found:
        table.add_row(
            str(made.id),
            str(made.seeker),
            made.seeker_name,
            str(made.vacancy),
            made.vacancy_title,
            f"{made.referred_at:%Y-%m-%d}",
            made.status,
            "" if made.outcome_on is None else made.outcome_on.isoformat(),
        )
    console.print(table)
