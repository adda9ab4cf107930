"""Trustworthy history: each release's content identity (the SHA-256 of the rows it was read
as, so that the same rows in other bytes, a .csv.gz and its .csv, are one release), and the
history of labels and indicator metadata (every version a release set), so that a view as
of a release shows the labels of then. What the warehouse held before is kept as the
history's first version (release NULL: before history was kept).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("releases", sa.Column("content", sa.String(64)))
    op.create_index("ix_releases_content", "releases", ["dataset", "content"])
    op.create_table(
        "label_history",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("release_id", sa.Integer, sa.ForeignKey("releases.id")),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("code", sa.String(100), nullable=False),
        sa.Column("lang", sa.String(10), nullable=False),
        sa.Column("label", sa.Text, nullable=False),
    )
    op.create_index("ix_label_history_release", "label_history", ["release_id"])
    op.create_table(
        "indicator_history",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("release_id", sa.Integer, sa.ForeignKey("releases.id")),
        sa.Column("code", sa.String(100), nullable=False),
        sa.Column("unit", sa.String(40), nullable=False),
        sa.Column("definition", sa.Text, nullable=False),
    )
    op.create_index("ix_indicator_history_release", "indicator_history", ["release_id"])
    op.execute(
        "INSERT INTO label_history (kind, code, lang, label) "
        "SELECT kind, code, lang, label FROM labels ORDER BY kind, code, lang"
    )
    op.execute(
        "INSERT INTO indicator_history (code, unit, definition) "
        "SELECT code, unit, definition FROM indicators ORDER BY code"
    )


def downgrade() -> None:
    op.drop_index("ix_indicator_history_release", "indicator_history")
    op.drop_table("indicator_history")
    op.drop_index("ix_label_history_release", "label_history")
    op.drop_table("label_history")
    op.drop_index("ix_releases_content", "releases")
    op.drop_column("releases", "content")  # SQLite 3.35+ drops it in place
