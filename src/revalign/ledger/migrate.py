"""Run the packaged Alembic migrations on a connection (called by `open_ledger` and
`revalign migrate`); tell which revisions this version knows.

Which revisions exist and which one a database is at are read without Alembic (the
migration files' `revision` / `down_revision` lines, the `alembic_version` table): importing
Alembic costs ~0.7 s that every read command would pay; it is imported only to upgrade."""

from __future__ import annotations

import re
from contextlib import ExitStack
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

if TYPE_CHECKING:
    from alembic.config import Config

# Keeps the migrations folder on disk for the process (a no-op for a normal install).
_files = ExitStack()


_REVISION = re.compile(r'^revision = "([^"]+)"$', re.M)
_DOWN = re.compile(r'^down_revision = (?:None|"([^"]+)")$', re.M)


@cache
def _config() -> Config:
    from alembic.config import Config

    folder = _files.enter_context(resources.as_file(resources.files("revalign.ledger.migrations")))
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(folder)))
    return cfg


@cache
def _graph() -> dict[str, str | None]:
    """revision -> down_revision, from the packaged migration files."""
    versions = resources.files("revalign.ledger.migrations").joinpath("versions")
    graph: dict[str, str | None] = {}
    for entry in versions.iterdir():
        if entry.name.endswith(".py") and entry.name[0].isdigit():
            text = entry.read_text("utf-8")
            revision, down = _REVISION.search(text), _DOWN.search(text)
            assert revision and down, f"{entry.name}: no revision / down_revision line"
            graph[revision.group(1)] = down.group(1)
    return graph


@cache
def head_revision() -> str:
    graph = _graph()
    heads = set(graph) - {down for down in graph.values() if down}
    assert len(heads) == 1, f"the migrations have {len(heads)} heads: {sorted(heads)}"
    return heads.pop()


@cache
def known_revisions() -> frozenset[str]:
    """Every revision this version of revalign ships (an unknown one is from a newer version)."""
    return frozenset(_graph())


def current_revision(conn: sa.Connection) -> str | None:
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    return str(rows[0][0]) if rows else None


def upgrade(conn: sa.Connection) -> None:
    """Bring the schema to head inside the caller's transaction; cheap when already there."""
    if current_revision(conn) == head_revision():
        return
    from alembic import command

    cfg = _config()
    cfg.attributes["connection"] = conn
    try:
        command.upgrade(cfg, "head")
    finally:
        cfg.attributes.pop("connection", None)
