"""Several writers, one PostgreSQL ledger: four processes append interleaved facts, some are
killed (SIGKILL, mid-transaction or not) and restarted; the ledger ends exactly as one
sequential run of the same facts in the order the ledger recorded them.

That is the engine's promise under concurrency: every append happens under the ledger's
write lock (`LOCK TABLE events IN EXCLUSIVE MODE` on PostgreSQL) after deciding what other
writers appended first, so each fact is stored once, each consequence is decided once, and
every decision saw the state of everything before it in seq order.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from revalign.contract.schema import VersionedContract
from revalign.core.events import SOURCE_ENGINE
from revalign.engine import Engine
from revalign.ledger import open_ledger
from revalign.ledger.projections import fold
from test_ledger_support import T0, captured, ledger_rows, projection_rows, touch

pytestmark = pytest.mark.postgres
WORKERS = 4
LEADS = 24  # lead n belongs to worker n % WORKERS; every worker routes to the same reps

_WORKER = """
import sys
from datetime import timedelta
from itertools import pairwise
from revalign.contract.loader import default_contract
from revalign.engine import Engine
from revalign.ledger import open_ledger
sys.path.insert(0, sys.argv[3])
from test_ledger_writers import facts_of, T0

url, me = sys.argv[1], int(sys.argv[2])
engine = Engine(open_ledger(url), default_contract(), lambda: T0 + timedelta(hours=1),
                batch_size=2)
events = facts_of(me)
for i in range(0, len(events), 3):
    engine.submit(events[i : i + 3])
    print(i, flush=True)  # the parent kills at a random one of these moments
engine.close()
print("done", flush=True)
"""


def facts_of(worker: int) -> list[Any]:
    """The worker's facts: its leads' captures and touches, in time order."""
    out = []
    for n in range(worker, LEADS, WORKERS):
        out.append(captured(n, source=f"w{worker}"))
        out.extend(touch(n * 10 + j, n, source=f"w{worker}") for j in range(3))
    return out


def _spawn(url: str, worker: int) -> subprocess.Popen[str]:
    here = str(Path(__file__).parent)
    return subprocess.Popen(
        [sys.executable, "-c", _WORKER, url, str(worker), here],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )


def _finish(proc: subprocess.Popen[str]) -> None:
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err[-2000:]
    assert out.strip().endswith("done")


@pytest.mark.parametrize("seed", [1, 2])
def test_four_killed_and_restarted_writers_equal_one_sequential_run(
    pg_schema_url: str, fresh_pg_url: str, contract: VersionedContract, seed: int
) -> None:
    rng = random.Random(seed)
    open_ledger(pg_schema_url).close()  # created once, before the writers race
    procs = {w: _spawn(pg_schema_url, w) for w in range(WORKERS)}
    victims = rng.sample(range(WORKERS), 2)
    for w in victims:  # killed after a random number of committed chunks, then restarted
        proc = procs[w]
        assert proc.stdout is not None
        for _ in range(rng.randint(0, 4)):
            proc.stdout.readline()
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        procs[w] = _spawn(pg_schema_url, w)
    for proc in procs.values():
        _finish(proc)

    led = open_ledger(pg_schema_url)
    try:
        concurrent = ledger_rows(led)
        concurrent_projections = projection_rows(led)
        assert led.checkpoint("engine") == led.last_seq()
        folded = fold(led)
    finally:
        led.close()
    sources = [e for e in led_events(pg_schema_url) if e.source != SOURCE_ENGINE]
    every_fact = [e for w in range(WORKERS) for e in facts_of(w)]
    counts = Counter(e.key for e in sources)
    assert set(counts) == {e.key for e in every_fact} and set(counts.values()) == {1}
    runs = sum(1 for a, b in pairwise(sources) if a.source != b.source)
    assert runs >= WORKERS, "the writers' facts interleave in the ledger"

    # one process, the same facts in the order the shared ledger stored them
    sequential = Engine(open_ledger(fresh_pg_url), contract, lambda: T0 + timedelta(hours=1))
    try:
        for event in sources:
            sequential.submit([_as_submitted(event, every_fact)])
        assert sequential.state == folded
    finally:
        sequential.close()
    led = open_ledger(fresh_pg_url)
    try:
        assert ledger_rows(led) == concurrent
        assert projection_rows(led) == concurrent_projections
    finally:
        led.close()


def led_events(url: str) -> list[Any]:
    led = open_ledger(url)
    try:
        return list(led.read())
    finally:
        led.close()


def _as_submitted(stored: Any, facts: list[Any]) -> Any:
    """The original fact (before the ledger stamped seq and recorded_at)."""
    return next(e for e in facts if e.key == stored.key)


@pytest.fixture
def fresh_pg_url(pg_server_url: str) -> Any:
    """A second fresh schema, for the sequential run."""
    import uuid

    import sqlalchemy as sa

    schema = f"t_{uuid.uuid4().hex[:12]}"
    server = sa.create_engine(pg_server_url)
    with server.begin() as conn:
        conn.execute(sa.text(f'create schema "{schema}"'))
    sep = "&" if "?" in pg_server_url else "?"
    try:
        yield f"{pg_server_url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with server.begin() as conn:
            conn.execute(sa.text(f'drop schema "{schema}" cascade'))
        server.dispose()
