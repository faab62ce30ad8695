"""Engine snapshots: starting from a snapshot + the tail gives exactly the full fold's state.

After random histories (random batches, ticks, crashes at random steps, resumed by a fresh
engine), the state of an engine that started from a snapshot equals the state of folding
the whole ledger from seq 0 (`rebuild`'s fold). A snapshot of another fold version or
contract is never used; a damaged one is skipped; rebuild and erasure drop them.
"""

from __future__ import annotations

import pickle
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from revalign import engine as engine_module
from revalign.contract.schema import VersionedContract
from revalign.core.state import FunnelState
from revalign.engine import Engine
from revalign.ledger import bulk, open_ledger, snapshots
from revalign.ledger.projections import fold, rebuild
from test_engine_crash import Crash, FaultyLedger
from test_ledger_support import T0, workload


def _snapshot_rows(url: str) -> list[tuple[int, str]]:
    led = open_ledger(url)
    try:
        with led.reader() as conn:
            rows = bulk.fetch(conn, "SELECT seq, contract_version FROM snapshots ORDER BY id", ())
        return [(int(seq), str(version)) for seq, version in rows]
    finally:
        led.close()


def _full_fold(url: str) -> FunnelState:
    led = open_ledger(url)
    try:
        return fold(led, until_seq=led.checkpoint("engine"))
    finally:
        led.close()


def _started_state(url: str, contract: VersionedContract) -> tuple[FunnelState, int]:
    """The state a fresh engine starts with, and the snapshot checkpoint it started from."""
    engine = Engine(open_ledger(url), contract)
    try:
        state = engine.state
        return state, engine._snapshot_seq
    finally:
        engine.ledger.close()  # not close(): that could write another snapshot


@pytest.fixture
def small_snapshots(monkeypatch: pytest.MonkeyPatch) -> None:
    """Snapshots every few events, so short histories hold several."""
    monkeypatch.setattr(engine_module, "SNAPSHOT_EVERY", 7)
    monkeypatch.setattr(engine_module, "SNAPSHOT_ON_CLOSE", 1)


def _history(url: str, contract: VersionedContract, plan: list[int], batch: int,
             ticks: list[int], crash_at: int | None) -> None:  # fmt: skip
    """Submit the workload in chunks of `plan` sizes, ticking after some; maybe crash."""
    events = workload(leads=7, touches=14, deals=2)
    led = open_ledger(url)
    if crash_at is not None:
        led = FaultyLedger(led, crash_at)
    engine = Engine(led, contract, lambda: T0 + timedelta(hours=1), batch_size=batch)
    try:
        start = 0
        for i, size in enumerate(plan):
            engine.submit(events[start : start + size])
            start += size
            if i in ticks:
                engine.tick(T0 + timedelta(days=i + 1))
        engine.submit(events[start:])
    finally:
        engine.close()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    plan=st.lists(st.integers(1, 12), min_size=1, max_size=6),
    batch=st.integers(1, 9),
    ticks=st.lists(st.integers(0, 5), max_size=3),
    crash_at=st.one_of(st.none(), st.integers(1, 120)),
)
def test_snapshot_start_equals_the_full_fold_after_random_histories_and_crashes(
    small_snapshots: None,
    contract: VersionedContract,
    plan: list[int],
    batch: int,
    ticks: list[int],
    crash_at: int | None,
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'h.db'}"
        try:
            _history(url, contract, plan, batch, ticks, crash_at)
        except Crash:
            _history(url, contract, plan, batch, ticks, None)  # a fresh engine resumes
        assert _snapshot_rows(url), "the history wrote snapshots"
        started, from_seq = _started_state(url, contract)
        assert from_seq > 0, "the engine started from a snapshot"
        assert started == _full_fold(url)


def test_a_snapshot_of_another_contract_or_fold_version_is_not_used(
    small_snapshots: None,
    contract: VersionedContract,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    _history(url, contract, [10, 10], 4, [0], None)
    other = VersionedContract(contract=contract.contract, version="other-version")
    state, from_seq = _started_state(url, other)
    assert from_seq == 0 and state == _full_fold(url)
    monkeypatch.setattr(snapshots, "fold_version", lambda: "changed-code")
    state, from_seq = _started_state(url, contract)
    assert from_seq == 0 and state == _full_fold(url)


def test_a_damaged_or_foreign_snapshot_is_skipped(
    small_snapshots: None, contract: VersionedContract, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'd.db'}"
    _history(url, contract, [12], 4, [], None)
    led = open_ledger(url)
    with led.writer() as w:
        bulk.execute(w.conn, "UPDATE snapshots SET data = ?", (b"not zlib",))
    led.close()
    state, from_seq = _started_state(url, contract)
    assert from_seq == 0 and state == _full_fold(url)

    class Evil:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (print, ("pwned",))

    with pytest.raises(pickle.UnpicklingError, match="not allowed"):
        snapshots.decode(__import__("zlib").compress(pickle.dumps(Evil())))


def test_rebuild_drops_snapshots_and_a_writer_makes_a_new_one_on_close(
    small_snapshots: None, contract: VersionedContract, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    _history(url, contract, [12, 12], 4, [1], None)
    assert _snapshot_rows(url)
    led = open_ledger(url)
    rebuild(led)
    led.close()
    assert _snapshot_rows(url) == []
    with Engine(open_ledger(url), contract) as engine:
        expected = engine.state
    assert _snapshot_rows(url) == [(expected.last_seq, contract.version)]
    started, from_seq = _started_state(url, contract)
    assert from_seq > 0 and started == expected == _full_fold(url)


def test_snapshot_rows_are_bounded(
    small_snapshots: None, contract: VersionedContract, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'b.db'}"
    _history(url, contract, [5] * 8, 2, [2, 5], None)
    rows = _snapshot_rows(url)
    assert 1 <= len(rows) <= snapshots.KEEP
    assert len({version for _seq, version in rows}) == 1  # one key: only its newest is kept
