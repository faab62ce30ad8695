"""N API clients writing touches and SAL decisions at once, and a second process appending
touches through its own engine: the final ledger equals a sequential run of the same facts,
on SQLite and on the real PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from api_fixtures import Served, serve
from revalign.core.events import SOURCE_ENGINE
from revalign.ledger.projections import rebuild

WORK_LEADS = [f"W-{i}" for i in range(6)]  # SAL leads: touches
GATE_LEADS = [f"G-{i}" for i in range(12)]  # MQLs: accept or reject
CLIENTS = 8
PROCESS_TOUCHES = 12

# the "second process": its own engine on the same ledger, appending touches
SECOND_PROCESS = """
import sys
from revalign import services
from revalign.engine import open_engine
url, leads, n = sys.argv[1], sys.argv[2].split(","), int(sys.argv[3])
with open_engine(url) as engine:
    from revalign.auth import LOCAL_ADMIN
    for i in range(n):
        services.touch(engine, LOCAL_ADMIN, leads[i % len(leads)], "email", by="budi",
                       note=f"p{i}")
"""


def _requests() -> list[tuple[str, str, dict[str, Any]]]:
    """(who, path, body): touches by the rep, SAL decisions by the manager."""
    out: list[tuple[str, str, dict[str, Any]]] = []
    for i in range(48):
        lead = WORK_LEADS[i % len(WORK_LEADS)]
        out.append(("rep", f"/api/leads/{lead}/touches", {"kind": "call", "note": f"t{i}"}))
    for i, lead in enumerate(GATE_LEADS):
        if i % 3:
            out.append(("sales_manager", f"/api/leads/{lead}/accept", {"note": f"a{i}"}))
        else:
            out.append(("sales_manager", f"/api/leads/{lead}/reject",
                        {"reason": "wrong_size", "note": f"r{i}"}))  # fmt: skip
    return out


def _setup(s: Served) -> None:
    for lead in WORK_LEADS:
        s.lead("sal", lead_id=lead)
    for lead in GATE_LEADS:
        s.lead("mql", lead_id=lead)


def _second_process(url: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    args = [sys.executable, "-c", SECOND_PROCESS, url, ",".join(WORK_LEADS),
            str(PROCESS_TOUCHES)]  # fmt: skip
    return subprocess.Popen(args, env=env, stderr=subprocess.PIPE)


def _post(s: Served, who: str, path: str, body: dict[str, Any]) -> int:
    return s.client.post(path, json=body, headers=s.auth(who)).status_code


def _outcome(s: Served) -> dict[str, Any]:
    """What must not depend on the interleaving: every lead's end state, the human facts,
    the count of each event type, and the fold from seq 0 agreeing with the engine."""
    runtime = s.runtime
    state = runtime.locked(lambda e: (e.run(), e.state)[1])
    leads = {
        lid: (lead.stage.value, lead.owner, sorted(t.kind for t in lead.touches), len(lead.touches))
        for lid, lead in state.leads.items()
    }
    stored = list(runtime.ledger.read())
    seqs = [e.seq for e in stored]
    assert seqs == list(range(1, len(stored) + 1)), "gaps or reordering in seq"
    facts = Counter(
        (e.type.value, e.lead_id, e.payload.get("note"), e.payload.get("reason"))
        for e in stored
        if e.source in ("api", "cli")
    )
    types = Counter(e.type.value for e in stored if e.source == SOURCE_ENGINE)
    report = rebuild(runtime.ledger)  # the projections rebuilt from seq 0 …
    assert report.events == len(stored)
    return {"leads": leads, "facts": facts, "derived_types": types}


def _concurrent(s: Served, url: str) -> dict[str, Any]:
    _setup(s)
    proc = _second_process(url)
    with ThreadPoolExecutor(CLIENTS) as pool:
        codes = list(pool.map(lambda r: _post(s, *r), _requests()))
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err.decode()
    assert all(200 <= c < 300 for c in codes), Counter(codes)
    return _outcome(s)


def _sequential(s: Served, url: str) -> dict[str, Any]:
    _setup(s)
    for r in _requests():
        assert 200 <= _post(s, *r) < 300
    proc = _second_process(url)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err.decode()
    return _outcome(s)


def _compare(concurrent: dict[str, Any], sequential: dict[str, Any]) -> None:
    assert concurrent["facts"] == sequential["facts"]
    assert concurrent["leads"] == sequential["leads"]
    assert concurrent["derived_types"] == sequential["derived_types"]
    assert sum(concurrent["facts"].values()) == 48 + len(GATE_LEADS) + PROCESS_TOUCHES


def test_concurrent_writers_equal_a_sequential_run_sqlite(tmp_path: Path) -> None:
    results = []
    for name, run in (("concurrent", _concurrent), ("sequential", _sequential)):
        folder = tmp_path / name
        folder.mkdir()
        url = f"sqlite:///{folder / 'api.db'}"
        for s in serve(folder, url):
            results.append(run(s, url))
    _compare(*results)


@pytest.mark.postgres
def test_concurrent_writers_equal_a_sequential_run_postgres(
    tmp_path: Path, pg_server_url: str, request: pytest.FixtureRequest
) -> None:
    results = []
    for name, run in (("concurrent", _concurrent), ("sequential", _sequential)):
        url = request.getfixturevalue("pg_schema_url") if name == "concurrent" else _fresh(request)
        folder = tmp_path / name
        folder.mkdir()
        for s in serve(folder, url):
            results.append(run(s, url))
    _compare(*results)


def _fresh(request: pytest.FixtureRequest) -> str:
    """A second schema (function fixtures are cached per test: make one by hand)."""
    import uuid

    import sqlalchemy as sa

    base = request.getfixturevalue("pg_server_url")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(base)
    with engine.begin() as conn:
        conn.execute(sa.text(f'create schema "{schema}"'))

    def drop() -> None:
        with engine.begin() as conn:
            conn.execute(sa.text(f'drop schema "{schema}" cascade'))
        engine.dispose()

    request.addfinalizer(drop)
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"
