"""The SLA facts cache: cached collector + the SLA events after it == `collect` over all.

After random histories (engine workloads with ticks that start, stop, warn and breach
clocks, raw SLA facts from other writers, erasures), every cached read equals folding every
SLA event from zero; another contract, a replaced ledger or `forget` fold from zero.
"""

from __future__ import annotations

import tempfile
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from revalign.analytics import fold_cache, sla_cache
from revalign.analytics.sla_cache import load_sla_facts
from revalign.analytics.sla_facts import SlaFacts, collect, read_sla_events
from revalign.contract.schema import Contract, VersionedContract
from revalign.core.events import Event, EventType
from revalign.engine import Engine
from revalign.ledger import SqlLedger, open_ledger
from test_ledger_support import T0, workload


@pytest.fixture(autouse=True)
def cache_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVALIGN_CACHE_DIR", str(tmp_path_factory.mktemp("sla-cache")))
    monkeypatch.delenv("REVALIGN_FRAMES_CACHE", raising=False)


def full(ledger: SqlLedger, contract: Contract) -> SlaFacts:
    return collect(read_sla_events(ledger), contract)


def _raw(kind: EventType, at: int, **payload: object) -> Event:
    return Event(type=kind, source="other-writer", source_id=uuid.uuid4().hex,
                 occurred_at=T0 + timedelta(hours=at), lead_id="L1", payload=payload)  # fmt: skip


STEP = st.one_of(
    st.tuples(st.just("submit"), st.integers(1, 15)),
    st.tuples(st.just("tick"), st.integers(1, 72)),  # hours after T0: clocks warn and breach
    st.tuples(st.just("escalate"), st.integers(0, 3)),
    st.tuples(st.just("erase"), st.integers(0, 3)),
    st.tuples(st.just("read"), st.integers(0, 3)),  # read through the cache, SAVE_EVERY = n
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=1, max_size=12))
def test_cached_sla_facts_equal_collecting_from_zero(
    contract: VersionedContract, monkeypatch: pytest.MonkeyPatch, steps: list[tuple[str, int]]
) -> None:
    terms = contract.contract
    with tempfile.TemporaryDirectory() as folder:
        ledger = open_ledger(f"sqlite:///{Path(folder) / 's.db'}")
        engine = Engine(ledger, contract, lambda: T0 + timedelta(hours=1))
        events, used = workload(leads=8, touches=12, deals=2), 0
        try:
            for i, (kind, n) in enumerate([*steps, ("read", 0)]):
                if kind == "submit":
                    engine.submit(events[used : used + n])
                    used += n
                elif kind == "tick":
                    engine.tick(T0 + timedelta(hours=n + i))
                elif kind == "escalate":
                    ledger.append([_raw(EventType.ESCALATED, i, to=f"m{n}", clock_id="c")])
                elif kind == "erase":
                    ledger.append([_raw(EventType.PERSON_ERASED, i, fields=["email"])])
                elif kind == "read":
                    monkeypatch.setattr(fold_cache, "SAVE_EVERY", n)
                    assert load_sla_facts(ledger, terms) == full(ledger, terms)
        finally:
            engine.close()


def test_another_contract_or_forget_folds_from_zero(
    tmp_path: Path, contract: VersionedContract
) -> None:
    ledger = open_ledger(f"sqlite:///{tmp_path / 'c.db'}")
    engine = Engine(ledger, contract, lambda: T0 + timedelta(hours=1))
    engine.submit(workload(leads=6, touches=8, deals=1))
    engine.tick(T0 + timedelta(days=3))
    terms = contract.contract
    assert load_sla_facts(ledger, terms) == full(ledger, terms)
    path = fold_cache.cache_path(ledger, sla_cache.KIND)
    assert path is not None and path.exists()
    teams = [t.model_copy(update={"id": f"{t.id}-renamed"}) for t in terms.teams]
    renamed = terms.model_copy(update={"teams": teams})
    other = load_sla_facts(ledger, renamed)
    assert other == full(ledger, renamed)
    assert any(c.team.endswith("-renamed") for c in other.clocks.values())
    fold_cache.forget(ledger)
    assert not path.exists()
    engine.close()
