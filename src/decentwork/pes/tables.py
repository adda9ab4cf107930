"""The PES database's tables (SQLAlchemy Core). The Alembic migrations (``migrations/``)
create and upgrade them; this module is the model the code queries (a test checks that the
two agree).

- ``job_centres``: the centres that register seekers and vacancies.
- ``areas``: areas below the ISO 3166-2 subdivisions (districts) that a ministry adds.
- ``employers``: the organisations that offer vacancies.
- ``users``, ``user_centres``: the people who log in (administrator, officer, employer,
  analyst); an officer is bound to one or more centres, an employer user to one employer.
- ``api_tokens``, ``sessions``, ``login_failures``: API tokens and web sessions (both kept
  only as SHA-256 hashes) and the failed logins that throttle guessing (hashed too).
- ``seekers`` with ``seeker_occupations`` (desired occupations, each with the free text it
  was coded from and who confirmed it), ``seeker_jobs`` (work history) and ``seeker_skills``
  (ESCO skill URIs).
- ``vacancies`` with ``vacancy_skills``.
- ``referrals``: a seeker referred to a vacancy (from a match list or by hand), and the
  outcome (hired, not selected, did not attend, withdrawn); a hire is a placement. At most one
  referral of a seeker to a vacancy awaits its outcome.
- ``audit_log``: append-only (triggers refuse updates and deletes): who did what, when,
  through which interface, to which record, with what outcome; no personal values.

Seekers, employers and vacancies carry a ``version`` for optimistic locking.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Moment = sa.DateTime(timezone=True)
Money = sa.Numeric(14, 2)
Years = sa.Numeric(4, 1)
CODE = 40
"""Length of area and centre codes."""


def _stamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", Moment, nullable=False),
        sa.Column("updated_at", Moment, nullable=False),
    ]


job_centres = sa.Table(
    "job_centres",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(CODE), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("area", sa.String(CODE), nullable=False),
    sa.Column("created_at", Moment, nullable=False),
)

areas = sa.Table(
    "areas",
    metadata,
    sa.Column("code", sa.String(CODE), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("parent", sa.String(CODE), nullable=False),
    sa.Column("created_at", Moment, nullable=False),
)

employers = sa.Table(
    "employers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("registration_number", sa.String(60), unique=True),
    sa.Column("isic", sa.String(4), nullable=False),
    sa.Column("area", sa.String(CODE), nullable=False),
    sa.Column("contact_name", sa.String(200)),
    sa.Column("phone", sa.String(40)),
    sa.Column("email", sa.String(254)),
    sa.Column("address", sa.Text),
    *_stamps(),
    sa.Column("version", sa.Integer, nullable=False),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(64), nullable=False, unique=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False),
    sa.Column("employer_id", sa.Integer, sa.ForeignKey("employers.id")),
    *_stamps(),
)

user_centres = sa.Table(
    "user_centres",
    metadata,
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), primary_key=True),
    sa.Column("centre_id", sa.Integer, sa.ForeignKey("job_centres.id"), primary_key=True),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("prefix", sa.String(16), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", Moment, nullable=False),
    sa.Column("last_used_at", Moment),
    sa.Column("revoked_at", Moment),
)

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("csrf_secret", sa.String(64), nullable=False),
    sa.Column("created_at", Moment, nullable=False),
    sa.Column("expires_at", Moment, nullable=False),
    sa.Index("ix_sessions_user", "user_id"),
)

login_failures = sa.Table(
    "login_failures",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("username_hash", sa.String(64), nullable=False),
    sa.Column("address_hash", sa.String(64), nullable=False),
    sa.Column("at", Moment, nullable=False),
    sa.Index("ix_login_failures_username", "username_hash", "at"),
    sa.Index("ix_login_failures_address", "address_hash", "at"),
)

seekers = sa.Table(
    "seekers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("centre_id", sa.Integer, sa.ForeignKey("job_centres.id"), nullable=False),
    sa.Column("family_name", sa.String(200), nullable=False),
    sa.Column("given_names", sa.String(200), nullable=False),
    sa.Column("name_key", sa.String(400), nullable=False),
    sa.Column("national_id", sa.String(40), unique=True),
    sa.Column("birth_date", sa.Date),
    sa.Column("age_band", sa.String(10), nullable=False),
    sa.Column("sex", sa.String(1), nullable=False),
    sa.Column("disability", sa.Boolean),
    sa.Column("phone", sa.String(40)),
    sa.Column("email", sa.String(254)),
    sa.Column("address", sa.Text),
    sa.Column("area", sa.String(CODE), nullable=False),
    sa.Column("education", sa.String(2)),
    sa.Column("languages", sa.String(200), nullable=False),
    sa.Column("available_from", sa.Date),
    sa.Column("expected_wage", Money),
    sa.Column("wage_currency", sa.String(3)),
    sa.Column("wage_period", sa.String(10)),
    sa.Column("consent_purpose", sa.Text),
    sa.Column("consent_at", Moment),
    sa.Column("registered_on", sa.Date, nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("willing_to_move", sa.Boolean),
    sa.Column("status_at_erasure", sa.String(10)),
    sa.Column("erased_at", Moment),
    sa.Column("created_by", sa.Integer, sa.ForeignKey("users.id")),
    sa.Column("updated_by", sa.Integer, sa.ForeignKey("users.id")),
    *_stamps(),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Index("ix_seekers_centre", "centre_id", "status"),
    sa.Index("ix_seekers_birth_date", "birth_date"),
    sa.Index("ix_seekers_updated", "updated_at"),
)

seeker_occupations = sa.Table(
    "seeker_occupations",
    metadata,
    sa.Column("seeker_id", sa.Integer, sa.ForeignKey("seekers.id"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("isco", sa.String(4), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("confirmed_by", sa.Integer, sa.ForeignKey("users.id")),
    sa.Column("confirmed_at", Moment),
    sa.Index("ix_seeker_occupations_isco", "isco"),
)

seeker_jobs = sa.Table(
    "seeker_jobs",
    metadata,
    sa.Column("seeker_id", sa.Integer, sa.ForeignKey("seekers.id"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("isco", sa.String(4), nullable=False),
    sa.Column("years", Years),
)

seeker_skills = sa.Table(
    "seeker_skills",
    metadata,
    sa.Column("seeker_id", sa.Integer, sa.ForeignKey("seekers.id"), primary_key=True),
    sa.Column("uri", sa.String(200), primary_key=True),
)

vacancies = sa.Table(
    "vacancies",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("employer_id", sa.Integer, sa.ForeignKey("employers.id"), nullable=False),
    sa.Column("centre_id", sa.Integer, sa.ForeignKey("job_centres.id"), nullable=False),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("isco", sa.String(4), nullable=False),
    sa.Column("area", sa.String(CODE), nullable=False),
    sa.Column("openings", sa.Integer, nullable=False),
    sa.Column("education", sa.String(2)),
    sa.Column("experience_years", Years),
    sa.Column("wage_min", Money),
    sa.Column("wage_max", Money),
    sa.Column("wage_currency", sa.String(3)),
    sa.Column("wage_period", sa.String(10)),
    sa.Column("contract", sa.String(20), nullable=False),
    sa.Column("posted_on", sa.Date, nullable=False),
    sa.Column("expires_on", sa.Date),
    sa.Column("starts_on", sa.Date),
    sa.Column("filled", sa.Integer, nullable=False, server_default="0"),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("created_by", sa.Integer, sa.ForeignKey("users.id")),
    sa.Column("updated_by", sa.Integer, sa.ForeignKey("users.id")),
    *_stamps(),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Index("ix_vacancies_centre", "centre_id", "status"),
    sa.Index("ix_vacancies_employer", "employer_id"),
    sa.Index("ix_vacancies_updated", "updated_at"),
)

vacancy_skills = sa.Table(
    "vacancy_skills",
    metadata,
    sa.Column("vacancy_id", sa.Integer, sa.ForeignKey("vacancies.id"), primary_key=True),
    sa.Column("uri", sa.String(200), primary_key=True),
)

PENDING = sa.text("status = 'referred'")
"""The referrals that await their outcome."""

referrals = sa.Table(
    "referrals",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("seeker_id", sa.Integer, sa.ForeignKey("seekers.id"), nullable=False),
    sa.Column("vacancy_id", sa.Integer, sa.ForeignKey("vacancies.id"), nullable=False),
    sa.Column("source", sa.String(10), nullable=False),
    sa.Column("score", sa.Numeric(5, 4)),
    sa.Column("referred_by", sa.Integer, sa.ForeignKey("users.id")),
    sa.Column("referred_at", Moment, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("outcome_on", sa.Date),
    sa.Column("starts_on", sa.Date),
    sa.Column("outcome_by", sa.Integer, sa.ForeignKey("users.id")),
    sa.Column("outcome_at", Moment),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Index("ix_referrals_seeker", "seeker_id"),
    sa.Index("ix_referrals_vacancy", "vacancy_id", "status"),
    sa.Index(
        "ux_referrals_pending",
        "seeker_id",
        "vacancy_id",
        unique=True,
        sqlite_where=PENDING,
        postgresql_where=PENDING,
    ),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("at", Moment, nullable=False),
    sa.Column("user_id", sa.Integer),
    sa.Column("role", sa.String(20)),
    sa.Column("interface", sa.String(10), nullable=False),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("record_kind", sa.String(20)),
    sa.Column("record_id", sa.Integer),
    sa.Column("outcome", sa.String(20), nullable=False),
    sa.Column("detail", sa.String(400), nullable=False),
    sa.Index("ix_audit_log_at", "at"),
    sa.Index("ix_audit_log_record", "record_kind", "record_id"),
)
"""``user_id`` is not a foreign key so that a failed login by an unknown name is kept too
(with no user)."""
