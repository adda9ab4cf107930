"""The first PES schema: job centres, districts, employers, users and their centres, API
tokens, sessions, failed logins, seekers (with desired occupations, work history and skills),
vacancies (with skills) and the append-only audit log.

Revision ID: 0001
Revises:
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Moment = sa.DateTime(timezone=True)
Money = sa.Numeric(14, 2)
Years = sa.Numeric(4, 1)
APPEND_ONLY = "the audit log is append-only"


def _stamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", Moment, nullable=False),
        sa.Column("updated_at", Moment, nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "job_centres",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("code", sa.String(40), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("area", sa.String(40), nullable=False),
        sa.Column("created_at", Moment, nullable=False),
    )
    op.create_table(
        "areas",
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("parent", sa.String(40), nullable=False),
        sa.Column("created_at", Moment, nullable=False),
    )
    op.create_table(
        "employers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("registration_number", sa.String(60), unique=True),
        sa.Column("isic", sa.String(4), nullable=False),
        sa.Column("area", sa.String(40), nullable=False),
        sa.Column("contact_name", sa.String(200)),
        sa.Column("phone", sa.String(40)),
        sa.Column("email", sa.String(254)),
        sa.Column("address", sa.Text),
        *_stamps(),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False),
        sa.Column("employer_id", sa.Integer, sa.ForeignKey("employers.id")),
        *_stamps(),
    )
    op.create_table(
        "user_centres",
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("centre_id", sa.Integer, sa.ForeignKey("job_centres.id"), primary_key=True),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", Moment, nullable=False),
        sa.Column("last_used_at", Moment),
        sa.Column("revoked_at", Moment),
    )
    op.create_table(
        "sessions",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("csrf_secret", sa.String(64), nullable=False),
        sa.Column("created_at", Moment, nullable=False),
        sa.Column("expires_at", Moment, nullable=False),
    )
    op.create_index("ix_sessions_user", "sessions", ["user_id"])
    op.create_table(
        "login_failures",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("username_hash", sa.String(64), nullable=False),
        sa.Column("address_hash", sa.String(64), nullable=False),
        sa.Column("at", Moment, nullable=False),
    )
    op.create_index("ix_login_failures_username", "login_failures", ["username_hash", "at"])
    op.create_index("ix_login_failures_address", "login_failures", ["address_hash", "at"])
    op.create_table(
        "seekers",
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
        sa.Column("area", sa.String(40), nullable=False),
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
        sa.Column("status_at_erasure", sa.String(10)),
        sa.Column("erased_at", Moment),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("updated_by", sa.Integer, sa.ForeignKey("users.id")),
        *_stamps(),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_seekers_centre", "seekers", ["centre_id", "status"])
    op.create_index("ix_seekers_birth_date", "seekers", ["birth_date"])
    op.create_table(
        "seeker_occupations",
        sa.Column("seeker_id", sa.Integer, sa.ForeignKey("seekers.id"), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("isco", sa.String(4), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("confirmed_by", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("confirmed_at", Moment),
    )
    op.create_index("ix_seeker_occupations_isco", "seeker_occupations", ["isco"])
    op.create_table(
        "seeker_jobs",
        sa.Column("seeker_id", sa.Integer, sa.ForeignKey("seekers.id"), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("isco", sa.String(4), nullable=False),
        sa.Column("years", Years),
    )
    op.create_table(
        "seeker_skills",
        sa.Column("seeker_id", sa.Integer, sa.ForeignKey("seekers.id"), primary_key=True),
        sa.Column("uri", sa.String(200), primary_key=True),
    )
    op.create_table(
        "vacancies",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("employer_id", sa.Integer, sa.ForeignKey("employers.id"), nullable=False),
        sa.Column("centre_id", sa.Integer, sa.ForeignKey("job_centres.id"), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("isco", sa.String(4), nullable=False),
        sa.Column("area", sa.String(40), nullable=False),
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
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("updated_by", sa.Integer, sa.ForeignKey("users.id")),
        *_stamps(),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_vacancies_centre", "vacancies", ["centre_id", "status"])
    op.create_index("ix_vacancies_employer", "vacancies", ["employer_id"])
    op.create_table(
        "vacancy_skills",
        sa.Column("vacancy_id", sa.Integer, sa.ForeignKey("vacancies.id"), primary_key=True),
        sa.Column("uri", sa.String(200), primary_key=True),
    )
    op.create_table(
        "audit_log",
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
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_record", "audit_log", ["record_kind", "record_id"])
    _append_only()


def _append_only() -> None:
    """Triggers refusing every update and deletion of audit log rows."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION pes_audit_log_append_only() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION pes_audit_log_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION pes_audit_log_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON "
                f"audit_log BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION pes_audit_log_append_only()")
    for table in (
        "audit_log",
        "vacancy_skills",
        "vacancies",
        "seeker_skills",
        "seeker_jobs",
        "seeker_occupations",
        "seekers",
        "login_failures",
        "sessions",
        "api_tokens",
        "user_centres",
        "users",
        "employers",
        "areas",
        "job_centres",
    ):
        op.drop_table(table)
