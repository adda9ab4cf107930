"""A flag on each observation row that a later release replaced (or withdrew) its key, so
that the latest view is a plain filter instead of a newest-row-per-key grouping.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

KEY = ("ref_area", "indicator", "source", "sex", "classif1", "classif2", "time")


def upgrade() -> None:
    with op.batch_alter_table("observations") as batch:
        batch.add_column(
            sa.Column("superseded", sa.Boolean, nullable=False, server_default=sa.false())
        )
    observations = sa.table(
        "observations",
        sa.column("id"),
        sa.column("release_id"),
        sa.column("superseded"),
        *(sa.column(k) for k in KEY),
    )
    later = observations.alias("later")
    op.execute(
        observations.update()
        .where(
            sa.exists().where(
                *(later.c[k] == observations.c[k] for k in KEY),
                later.c.release_id > observations.c.release_id,
            )
        )
        .values(superseded=True)
    )
    op.create_index(
        "ix_observations_latest", "observations", ["superseded", "indicator", "ref_area"]
    )


def downgrade() -> None:
    op.drop_index("ix_observations_latest", "observations")
    with op.batch_alter_table("observations") as batch:
        batch.drop_column("superseded")
