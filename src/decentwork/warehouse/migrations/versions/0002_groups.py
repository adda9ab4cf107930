"""User-defined area groups.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "area_groups",
        sa.Column("code", sa.String(100), primary_key=True),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
    )
    op.create_table(
        "area_group_members",
        sa.Column(
            "group_code", sa.String(100), sa.ForeignKey("area_groups.code"), primary_key=True
        ),
        sa.Column("ref_area", sa.String(100), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("area_group_members")
    op.drop_table("area_groups")
