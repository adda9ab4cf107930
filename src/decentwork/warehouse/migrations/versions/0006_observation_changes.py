"""Changes between periods with their standard errors (``decentwork compute --changes``), kept
as releases keep observations: one row per key and release, the latest not superseded.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

KEY = ("ref_area", "indicator", "source", "sex", "classif1", "classif2", "time")


def upgrade() -> None:
    op.create_table(
        "observation_changes",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("release_id", sa.Integer, sa.ForeignKey("releases.id"), nullable=False),
        sa.Column("dataset", sa.String(200), nullable=False),
        *(sa.Column(name, sa.String(100), nullable=False) for name in KEY),
        sa.Column("since", sa.String(100), nullable=False),
        sa.Column("change", sa.Float(53)),
        sa.Column("change_se", sa.Float(53)),
        sa.Column("change_significant", sa.Boolean),
        sa.Column("superseded", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index(
        "ix_observation_changes_key",
        "observation_changes",
        ["indicator", "ref_area", "source", "sex", "classif1", "classif2", "time", "release_id"],
    )
    op.create_index(
        "ix_observation_changes_latest",
        "observation_changes",
        ["superseded", "indicator", "ref_area"],
    )


def downgrade() -> None:
    op.drop_index("ix_observation_changes_latest", "observation_changes")
    op.drop_index("ix_observation_changes_key", "observation_changes")
    op.drop_table("observation_changes")
