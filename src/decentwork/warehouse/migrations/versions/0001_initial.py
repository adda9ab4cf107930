"""The first warehouse schema: releases, observations, labels, indicators.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

KEY = ("ref_area", "indicator", "source", "sex", "classif1", "classif2", "time")


def upgrade() -> None:
    op.create_table(
        "releases",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("dataset", sa.String(200), nullable=False),
        sa.Column("file", sa.Text, nullable=False),
        sa.Column("checksum", sa.String(64), nullable=False),
        sa.Column("format", sa.String(40), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("loaded_by", sa.Text, nullable=False),
        sa.Column("full", sa.Boolean, nullable=False),
        sa.Column("rows_read", sa.Integer, nullable=False),
        sa.Column("rows_added", sa.Integer, nullable=False),
        sa.Column("rows_changed", sa.Integer, nullable=False),
        sa.Column("rows_unchanged", sa.Integer, nullable=False),
        sa.Column("rows_withdrawn", sa.Integer, nullable=False),
    )
    op.create_index("ix_releases_dataset", "releases", ["dataset", "checksum"])
    op.create_table(
        "observations",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("release_id", sa.Integer, sa.ForeignKey("releases.id"), nullable=False),
        sa.Column("dataset", sa.String(200), nullable=False),
        *(sa.Column(name, sa.String(100), nullable=False) for name in KEY),
        sa.Column("obs_value", sa.Float(53)),
        sa.Column("obs_status", sa.String(10), nullable=False),
        sa.Column("se", sa.Float(53)),
        sa.Column("lower_bound", sa.Float(53)),
        sa.Column("upper_bound", sa.Float(53)),
        sa.Column("cv", sa.Float(53)),
        sa.Column("sample_count", sa.BigInteger),
        sa.Column("note_indicator", sa.Text, nullable=False),
        sa.Column("note_source", sa.Text, nullable=False),
        sa.Column("note_classif", sa.Text, nullable=False),
        sa.Column("withdrawn", sa.Boolean, nullable=False),
    )
    op.create_index(
        "ix_observations_key",
        "observations",
        ["indicator", "ref_area", "source", "sex", "classif1", "classif2", "time", "release_id"],
    )
    op.create_index("ix_observations_dataset", "observations", ["dataset", "release_id"])
    op.create_table(
        "labels",
        sa.Column("kind", sa.String(40), primary_key=True),
        sa.Column("code", sa.String(100), primary_key=True),
        sa.Column("lang", sa.String(10), primary_key=True),
        sa.Column("label", sa.Text, nullable=False),
    )
    op.create_table(
        "indicators",
        sa.Column("code", sa.String(100), primary_key=True),
        sa.Column("unit", sa.String(40), nullable=False),
        sa.Column("definition", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("indicators")
    op.drop_table("labels")
    op.drop_index("ix_observations_dataset", "observations")
    op.drop_index("ix_observations_key", "observations")
    op.drop_table("observations")
    op.drop_index("ix_releases_dataset", "releases")
    op.drop_table("releases")
