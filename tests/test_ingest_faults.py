"""Fault tests (small versions of benchmarks/fault_import.py): kill -9 during an import and
resume; the same import twice; 10,000 rows with 1,000 bad in 20 ways. SQLite and PostgreSQL."""

from __future__ import annotations

import importlib.util
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "fault_import.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fault_import", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["fault_import"] = module
    spec.loader.exec_module(module)
    return module


fi = _load()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def urls(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two fresh ledgers (clean, faulty) on the backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'clean.db'}", f"sqlite:///{tmp_path / 'faulty.db'}"
        return
    server = request.getfixturevalue("pg_server_url")
    dbs = fi.Databases(tmp_path, server)
    try:
        yield dbs.new("ingest_clean"), dbs.new("ingest_faulty")
    finally:
        dbs.drop()


def test_kill_9_three_times_then_resume(tmp_path: Path, urls: tuple[str, str]) -> None:
    clean_url, faulty_url = urls
    events, batch = 20_000, 1_000
    leads, touches, _ = fi.write_import(tmp_path, events)
    files = [(leads, "leads"), (touches, "touches")]
    fi.import_files(clean_url, files, batch, None)
    clean = fi.ledger_facts(clean_url)
    assert clean.source_keys == events

    landed = fi.killed_import(faulty_url, tmp_path, batch, 3, events // batch, random.Random(3))
    assert landed >= 1  # at least one kill hit a running import (no timing involved)
    after = fi.ledger_facts(faulty_url)
    assert events - after.source_keys == 0, "events lost"
    assert after.source_rows - after.source_keys == 0, "events duplicated"
    assert after == clean  # every event (seq, key, payload, cause) and every projection

    again = fi.import_files(faulty_url, files, batch, None)
    assert sum(r.new_events for r in again) == 0
    assert sum(r.derived for r in again) == 0
    assert fi.ledger_facts(faulty_url) == after


def test_ten_thousand_rows_one_thousand_bad_in_twenty_ways(
    tmp_path: Path, urls: tuple[str, str]
) -> None:
    url = urls[0]
    path = tmp_path / "bad_leads.csv"
    expected = fi.write_bad_rows(path, 10_000, 1_000)
    assert len(expected) == 1_000 and len(set(expected.values())) >= 10
    assert len(fi.BAD_WAYS) == 20
    (report,) = fi.import_files(url, [(path, "leads")], 5_000, None)
    assert (report.rows, report.accepted, report.rejected) == (10_000, 9_000, 1_000)
    wrong, unexpected = fi.check_rejects(Path(report.rejects_file), expected)
    assert (wrong, unexpected) == (0, 0)
    good, stored = fi.stored_good_rows(url, path, expected)
    assert good == stored == 9_000
