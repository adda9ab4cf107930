"""The warehouse's tables (SQLAlchemy Core). Alembic migrations (``migrations/``) create and
upgrade them; this module is the model the code queries.

- ``releases``: one row per load: what file (as given, and the SHA-256 of its bytes), the
  SHA-256 of its content (the normalised rows it was read as, so that the same rows in other
  bytes are the same release), which dataset, when (stamped as the load commits), by whom
  (the operator), in what format, whether it is a full release of the dataset, and its row
  counts.
- ``observations``: append-only history. A row is one value of an observation key
  (ref_area, indicator, source, sex, classif1, classif2, time) as published by a release; a
  later release's row for the same key supersedes it in the latest view (and sets its
  ``superseded`` flag, so that the latest view is the rows not superseded); a ``withdrawn``
  row records that a full release no longer has the key. Empty classifications are ``''``.
- ``labels``: code lists and their labels per language (indicators, areas, sexes,
  classification codes, sources, statuses, notes), from ILOSTAT dictionaries or the catalogue:
  the current ones; ``label_history`` keeps every label a release set (migration 0005), so
  that a view as of a release shows the labels of then.
- ``indicators``: indicator metadata (unit, definition), the current ones;
  ``indicator_history`` keeps every version a release set.
- ``area_groups``, ``area_group_members``: groups of areas users define (bundled groups come
  from ``groups.yaml``).
- ``observation_changes``: append-only history of the changes between periods that
  ``decentwork compute --changes`` writes (migration 0006): one row per observation key
  (the later period's) as a release published it, with the earlier period (``since``), the
  change, its standard error and whether it is significant; a later release's row for the
  key supersedes it, as for observations (a release of changes withdraws nothing).
- ``changes``: one row per change made outside a release (an area group defined or
  deleted; labels and indicator metadata come with releases), so that the warehouse's state
  mark (:func:`decentwork.warehouse.contents.state_mark`) sees every change.
"""

from __future__ import annotations

import sqlalchemy as sa

from decentwork.observations import COLUMNS, KEY_COLUMNS

metadata = sa.MetaData()

KEY = KEY_COLUMNS
VALUES = tuple(c for c in COLUMNS if c not in KEY_COLUMNS)
KEY_ORDER = ("indicator", "ref_area", "source", "sex", "classif1", "classif2", "time")
"""The key columns in the order the key indexes hold them."""

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

releases = sa.Table(
    "releases",
    metadata,
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
    sa.Column("content", sa.String(64)),
    sa.Index("ix_releases_dataset", "dataset", "checksum"),
    sa.Index("ix_releases_content", "dataset", "content"),
)

observations = sa.Table(
    "observations",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
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
    sa.Column("superseded", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Index(
        "ix_observations_key",
        *KEY_ORDER,
        "release_id",
    ),
    sa.Index("ix_observations_dataset", "dataset", "release_id"),
    sa.Index("ix_observations_latest", "superseded", "indicator", "ref_area"),
)

labels = sa.Table(
    "labels",
    metadata,
    sa.Column("kind", sa.String(40), primary_key=True),
    sa.Column("code", sa.String(100), primary_key=True),
    sa.Column("lang", sa.String(10), primary_key=True),
    sa.Column("label", sa.Text, nullable=False),
)

indicators = sa.Table(
    "indicators",
    metadata,
    sa.Column("code", sa.String(100), primary_key=True),
    sa.Column("unit", sa.String(40), nullable=False),
    sa.Column("definition", sa.Text, nullable=False),
)

label_history = sa.Table(
    "label_history",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("release_id", sa.Integer, sa.ForeignKey("releases.id")),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("code", sa.String(100), nullable=False),
    sa.Column("lang", sa.String(10), nullable=False),
    sa.Column("label", sa.Text, nullable=False),
    sa.Index("ix_label_history_release", "release_id"),
)
"""Every label a release set (``release_id`` NULL: held before history was kept, migration
0005)."""

indicator_history = sa.Table(
    "indicator_history",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("release_id", sa.Integer, sa.ForeignKey("releases.id")),
    sa.Column("code", sa.String(100), nullable=False),
    sa.Column("unit", sa.String(40), nullable=False),
    sa.Column("definition", sa.Text, nullable=False),
    sa.Index("ix_indicator_history_release", "release_id"),
)
"""Every version of an indicator's metadata a release set (``release_id`` NULL: held before
history was kept)."""

area_groups = sa.Table(
    "area_groups",
    metadata,
    sa.Column("code", sa.String(100), primary_key=True),
    sa.Column("label", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
)

area_group_members = sa.Table(
    "area_group_members",
    metadata,
    sa.Column("group_code", sa.String(100), sa.ForeignKey("area_groups.code"), primary_key=True),
    sa.Column("ref_area", sa.String(100), primary_key=True),
)

changes = sa.Table(
    "changes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("what", sa.Text, nullable=False),
    sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
)

observation_changes = sa.Table(
    "observation_changes",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("release_id", sa.Integer, sa.ForeignKey("releases.id"), nullable=False),
    sa.Column("dataset", sa.String(200), nullable=False),
    *(sa.Column(name, sa.String(100), nullable=False) for name in KEY),
    sa.Column("since", sa.String(100), nullable=False),
    sa.Column("change", sa.Float(53)),
    sa.Column("change_se", sa.Float(53)),
    sa.Column("change_significant", sa.Boolean),
    sa.Column("superseded", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Index(
        "ix_observation_changes_key",
        *KEY_ORDER,
        "release_id",
    ),
    sa.Index("ix_observation_changes_latest", "superseded", "indicator", "ref_area"),
)
"""Each observation's change since an earlier period, as releases published it (migration
0006)."""
