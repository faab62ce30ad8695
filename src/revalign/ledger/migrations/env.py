"""Alembic environment: runs on the connection `revalign.ledger.migrate` hands over."""

from __future__ import annotations

from alembic import context

from revalign.ledger.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("revalign migrations run through revalign.ledger.migrate.upgrade()")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
