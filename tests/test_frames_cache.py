"""The frames cache: cached state + the tail gives exactly the frames of a full read.

After random histories (engine-decided workloads in random chunks, raw facts appended by
other writers, refusals of facts on either side of the cached seq, erasures), every read
through the cache equals `frames_from_events` over the whole ledger, table by table and row
by row. A state of other code, of a replaced ledger, after `forget`, or in an unwritable
place is never used.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from dataclasses import fields
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from revalign.analytics import fold_cache, frames_cache
from revalign.analytics.frames import Frames, frames_from_events, load_frames
from revalign.contract.schema import VersionedContract
from revalign.core.events import SOURCE_ENGINE, Event, EventType
from revalign.engine import Engine
from revalign.ledger import SqlLedger, open_ledger
from test_ledger_support import T0, workload


@pytest.fixture(autouse=True)
def cache_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path_factory.mktemp("frames-cache")
    monkeypatch.setenv("REVALIGN_CACHE_DIR", str(root))
    monkeypatch.delenv("REVALIGN_FRAMES_CACHE", raising=False)
    return root


def assert_same(a: Frames, b: Frames) -> None:
    for f in fields(Frames):
        pd.testing.assert_frame_equal(getattr(a, f.name), getattr(b, f.name), obj=f.name)


def _stored(path: Path) -> fold_cache.Stored | None:
    return fold_cache.read(path, frames_cache.fold_version(), frames_cache._ALLOWED)


def full(ledger: SqlLedger) -> Frames:
    return frames_from_events(list(ledger.read(after_seq=0)))


def _raw(kind: str, at: int, **payload: object) -> Event:
    lead = payload.pop("lead", None)
    return Event(type=EventType(kind), source="other-writer", source_id=uuid.uuid4().hex,
                 occurred_at=T0 + timedelta(hours=at), lead_id=str(lead) if lead else None,
                 payload=payload)  # fmt: skip


def _refusal(of: Event, at: int) -> Event:
    return Event(type=EventType.EVENT_REJECTED, source=SOURCE_ENGINE, source_id=uuid.uuid4().hex,
                 occurred_at=T0 + timedelta(hours=at), lead_id=of.lead_id,
                 payload={"rejected_id": of.id, "reason": "test"})  # fmt: skip


STEP = st.one_of(
    st.tuples(st.just("submit"), st.integers(1, 15)),
    st.tuples(st.just("touch"), st.integers(0, 9)),  # a raw marketing touch of lead i
    st.tuples(st.just("refuse"), st.integers(0, 50)),  # refuse the n-th raw fact so far
    st.tuples(st.just("erase"), st.integers(0, 9)),
    st.tuples(st.just("read"), st.integers(0, 3)),  # read through the cache, SAVE_EVERY = n
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=1, max_size=14))
def test_cached_reads_equal_the_full_read_after_random_histories(
    contract: VersionedContract, monkeypatch: pytest.MonkeyPatch, steps: list[tuple[str, int]]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        ledger = open_ledger(f"sqlite:///{Path(folder) / 'h.db'}")
        engine = Engine(ledger, contract, lambda: T0 + timedelta(days=1))
        events, used, raws, reads = workload(leads=8, touches=16, deals=3), 0, [], 0
        try:
            for i, (kind, n) in enumerate([*steps, ("read", 0)]):
                if kind == "submit":
                    engine.submit(events[used : used + n])
                    used += n
                elif kind == "touch":
                    raws.append(_raw("marketing.touch", i, lead=f"L{n}", channel="search"))
                    ledger.append(raws[-1:])
                elif kind == "refuse" and raws:
                    ledger.append([_refusal(raws[n % len(raws)], i)])
                elif kind == "erase":
                    ledger.append([_raw("person.erased", i, lead=f"L{n}", fields=["email"])])
                elif kind == "read":
                    monkeypatch.setattr(fold_cache, "SAVE_EVERY", n)
                    assert_same(load_frames(ledger), full(ledger))
                    reads += 1
            path = fold_cache.cache_path(ledger, "frames")
            assert reads and path is not None and path.exists() == (ledger.last_seq() > 0)
        finally:
            engine.close()


def _ledger(tmp_path: Path, contract: VersionedContract, n: int = 30) -> SqlLedger:
    ledger = open_ledger(f"sqlite:///{tmp_path / 'l.db'}")
    engine = Engine(ledger, contract, lambda: T0 + timedelta(days=1))
    engine.submit(workload(leads=6, touches=10, deals=2)[:n])
    return ledger


def test_a_tail_is_folded_onto_the_stored_state(
    tmp_path: Path, contract: VersionedContract, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = _ledger(tmp_path, contract)
    load_frames(ledger)
    ledger.append([_raw("marketing.touch", 1, lead="L1", channel="email")])
    calls: list[int] = []
    real = ledger.read
    monkeypatch.setattr(
        ledger, "read", lambda after_seq=0, **kw: calls.append(after_seq) or real(after_seq, **kw)
    )
    assert_same(load_frames(ledger), full(ledger))
    assert 0 not in calls[:-1]  # only the tail (the last call is full()'s own read)


def test_other_code_or_a_replaced_ledger_folds_from_zero(
    tmp_path: Path, contract: VersionedContract, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = _ledger(tmp_path, contract)
    load_frames(ledger)
    path = fold_cache.cache_path(ledger, "frames")
    assert path is not None and _stored(path) is not None
    monkeypatch.setattr(frames_cache, "fold_version", lambda: "changed-code")
    assert _stored(path) is None
    monkeypatch.undo()
    ledger.close()
    os.remove(tmp_path / "l.db")  # another ledger at the same place
    other = open_ledger(f"sqlite:///{tmp_path / 'l.db'}")
    other.append([_raw("lead.captured", 1, lead="X1", email="x@y.io", source="ads")])
    stored = _stored(path)
    assert stored is not None and not fold_cache.still_valid(other, stored)
    assert_same(load_frames(other), full(other))
    assert list(load_frames(other).leads["lead_id"]) == ["X1"]


def test_forget_damage_and_an_unwritable_cache(
    tmp_path: Path, contract: VersionedContract, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = _ledger(tmp_path, contract)
    load_frames(ledger)
    path = fold_cache.cache_path(ledger, "frames")
    assert path is not None and path.exists()
    fold_cache.forget(ledger)
    assert not path.exists()
    path.write_bytes(b"not zlib")
    assert_same(load_frames(ledger), full(ledger))
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("")
    monkeypatch.setenv("REVALIGN_CACHE_DIR", str(blocked))  # mkdir fails: no cache, same frames
    assert_same(load_frames(ledger), full(ledger))
    monkeypatch.setenv("REVALIGN_FRAMES_CACHE", "off")
    assert fold_cache.cache_path(ledger, "frames") is None
    memory = open_ledger("sqlite://")
    monkeypatch.delenv("REVALIGN_FRAMES_CACHE")
    assert fold_cache.cache_path(memory, "frames") is None


def test_a_foreign_class_in_the_file_is_refused(
    tmp_path: Path, contract: VersionedContract
) -> None:
    import pickle
    import zlib

    ledger = _ledger(tmp_path, contract)
    path = fold_cache.cache_path(ledger, "frames")
    assert path is not None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(zlib.compress(pickle.dumps(os.getcwd)))  # names posix.getcwd
    assert _stored(path) is None
    assert_same(load_frames(ledger), full(ledger))


def test_erasure_and_rebuild_delete_the_cache(tmp_path: Path, contract: VersionedContract) -> None:
    from revalign.cli.app import run
    from revalign.privacy.erase import erase_person

    ledger = open_ledger(f"sqlite:///{tmp_path / 'e.db'}")
    engine = Engine(ledger, contract, lambda: T0 + timedelta(days=1))
    history = workload(leads=4, touches=6, deals=1)
    engine.submit(history)
    email = next(str(e.payload["email"]) for e in history if e.payload.get("email"))
    load_frames(ledger)
    path = fold_cache.cache_path(ledger, "frames")
    assert path is not None and path.exists()
    erase_person(engine, email, "dpo")
    assert not path.exists()
    assert_same(load_frames(ledger), full(ledger))  # the redacted ledger, folded from zero
    assert path.exists()
    engine.close()
    assert run(["rebuild", "--db", f"sqlite:///{tmp_path / 'e.db'}"]) == 0
    assert not path.exists()


def test_postgresql_ledger_keeps_its_own_local_cache(
    pg_schema_url: str, contract: VersionedContract
) -> None:
    ledger = open_ledger(pg_schema_url)
    engine = Engine(ledger, contract, lambda: T0 + timedelta(days=1))
    try:
        engine.submit(workload(leads=5, touches=8, deals=1))
        assert_same(load_frames(ledger), full(ledger))
        path = fold_cache.cache_path(ledger, "frames")
        assert path is not None and path.exists()
        assert pg_schema_url.rsplit("%3D", 1)[1] not in path.name  # a hash of the URL
        ledger.append([_raw("marketing.touch", 3, lead="L2", channel="email")])
        assert_same(load_frames(ledger), full(ledger))
    finally:
        engine.close()
