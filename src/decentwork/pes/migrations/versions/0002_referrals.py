"""Matching, referrals and placements: a seeker's stated willingness to move, a vacancy's start
date and filled openings, indexes on the time records last changed (the matching index reads
the changes since it was built), and the referrals of seekers to vacancies with their
outcomes (a hire is a placement).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

Moment = sa.DateTime(timezone=True)
PENDING = sa.text("status = 'referred'")


def upgrade() -> None:
    op.add_column("seekers", sa.Column("willing_to_move", sa.Boolean))
    op.add_column("vacancies", sa.Column("starts_on", sa.Date))
    op.add_column("vacancies", sa.Column("filled", sa.Integer, nullable=False, server_default="0"))
    op.create_index("ix_seekers_updated", "seekers", ["updated_at"])
    op.create_index("ix_vacancies_updated", "vacancies", ["updated_at"])
    op.create_table(
        "referrals",
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
    )
    op.create_index("ix_referrals_seeker", "referrals", ["seeker_id"])
    op.create_index("ix_referrals_vacancy", "referrals", ["vacancy_id", "status"])
    op.create_index(
        "ux_referrals_pending",
        "referrals",
        ["seeker_id", "vacancy_id"],
        unique=True,
        sqlite_where=PENDING,
        postgresql_where=PENDING,
    )


def downgrade() -> None:
    op.drop_table("referrals")
    op.drop_index("ix_vacancies_updated", "vacancies")
    op.drop_index("ix_seekers_updated", "seekers")
    with op.batch_alter_table("vacancies") as batch:
        batch.drop_column("filled")
        batch.drop_column("starts_on")
    with op.batch_alter_table("seekers") as batch:
        batch.drop_column("willing_to_move")
