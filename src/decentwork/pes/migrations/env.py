"""Alembic environment: runs the PES migrations on the connection decentwork passes in
(``config.attributes["connection"]``), recording the revision in the PES's own version table;
decentwork calls it through :func:`decentwork.pes.database.upgrade`."""

from __future__ import annotations

from alembic import context

from decentwork.pes.database import VERSION_TABLE

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    version_table=VERSION_TABLE,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
