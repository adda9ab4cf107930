"""The PES database's Alembic migrations (run by :func:`decentwork.pes.database.upgrade`)."""
