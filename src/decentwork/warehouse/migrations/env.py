"""Alembic environment: runs the migrations on the connection decentwork passes in
(``config.attributes["connection"]``); decentwork calls it through
:func:`decentwork.warehouse.database.upgrade`."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
