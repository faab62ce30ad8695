"""Shared fixtures: services (PostgreSQL), datasets, contracts, clocks.

Under REVALIGN_REQUIRE_SERVICES=1 a test whose service or data is missing fails instead of
skipping, so CI cannot go green by skipping everything.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from revalign.contract.loader import default_contract
from revalign.contract.schema import VersionedContract

REQUIRE_SERVICES = os.environ.get("REVALIGN_REQUIRE_SERVICES") == "1"
PG_URL = os.environ.get("REVALIGN_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DATASETS = Path(
    os.environ.get(
        "REVALIGN_DATASETS", Path(__file__).resolve().parents[1].parent / "shared" / "datasets"
    )
)


def missing(reason: str) -> None:
    """Skip, or fail when services are required."""
    if REQUIRE_SERVICES:
        pytest.fail(f"required but missing: {reason}")
    pytest.skip(reason)


@pytest.fixture
def contract() -> VersionedContract:
    return default_contract()


@pytest.fixture
def now() -> datetime:
    return datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday


@pytest.fixture(scope="session")
def pg_server_url() -> str:
    """The PostgreSQL URL, after checking the server answers."""
    try:
        import sqlalchemy as sa

        engine = sa.create_engine(PG_URL)
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        engine.dispose()
    except Exception as exc:
        missing(f"PostgreSQL at {PG_URL}: {exc}")
    return PG_URL


@pytest.fixture
def pg_schema_url(pg_server_url: str) -> Iterator[str]:
    """A fresh PostgreSQL schema for one test, dropped afterwards.

    The URL carries the schema as `options=-csearch_path=<schema>` so every connection uses it.
    """
    import sqlalchemy as sa

    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(pg_server_url)
    with engine.begin() as conn:
        conn.execute(sa.text(f'create schema "{schema}"'))
    sep = "&" if "?" in pg_server_url else "?"
    try:
        yield f"{pg_server_url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'drop schema "{schema}" cascade'))
        engine.dispose()


@pytest.fixture(scope="session")
def datasets_dir() -> Path:
    if not DATASETS.is_dir():
        missing(f"datasets folder {DATASETS}")
    return DATASETS


@pytest.fixture(autouse=True, scope="session")
def _frames_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The analytics' frames cache of every test in a temporary directory, not ~/.cache."""
    previous = os.environ.get("REVALIGN_CACHE_DIR")
    os.environ["REVALIGN_CACHE_DIR"] = str(tmp_path_factory.mktemp("revalign-cache"))
    yield
    if previous is None:
        os.environ.pop("REVALIGN_CACHE_DIR", None)
    else:
        os.environ["REVALIGN_CACHE_DIR"] = previous
