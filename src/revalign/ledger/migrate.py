"""Run the packaged Alembic migrations on a connection (called by `open_ledger` and
`revalign migrate`); tell which revisions this version knows."""

from __future__ import annotations

from contextlib import ExitStack
from functools import cache
from importlib import resources
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

# Keeps the migrations folder on disk for the process (a no-op for a normal install).
_files = ExitStack()


@cache
def _config() -> Config:
    folder = _files.enter_context(resources.as_file(resources.files("revalign.ledger.migrations")))
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(folder)))
    return cfg


@cache
def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


@cache
def known_revisions() -> frozenset[str]:
    """Every revision this version of revalign ships (an unknown one is from a newer version)."""
    script = ScriptDirectory.from_config(_config())
    return frozenset(rev.revision for rev in script.walk_revisions())


def current_revision(conn: sa.Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def upgrade(conn: sa.Connection) -> None:
    """Bring the schema to head inside the caller's transaction; cheap when already there."""
    if current_revision(conn) == head_revision():
        return
    cfg = _config()
    cfg.attributes["connection"] = conn
    try:
        command.upgrade(cfg, "head")
    finally:
        cfg.attributes.pop("connection", None)
