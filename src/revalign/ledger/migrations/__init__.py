"""Alembic migrations of the ledger, shipped in the package and run on open."""
