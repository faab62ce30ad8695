"""A verb on one lead decided from the projections (`LeadEngine`) leaves the identical ledger
rows, projections and checkpoints as the full engine: random verbs on random leads of a demo,
refusals, late clocks (which need the full state) and a crash in the middle included."""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import revalign.engine as engine_module
from revalign import services
from revalign.auth.caller import LOCAL_ADMIN
from revalign.cli.app import run
from revalign.contract.loader import default_contract
from revalign.core import decide as core_decide
from revalign.core.events import Event, EventType
from revalign.engine import Engine, open_engine
from revalign.lead_engine import FOLLOWS, VERBS, LeadEngine, _LeadProjector
from revalign.ledger import open_ledger

END = datetime(2026, 12, 1, tzinfo=UTC)  # the demo's facts end the day before
CONTRACT = default_contract()
TABLES = ("events", "leads", "clocks", "opportunities", "owners", "accounts", "checkpoints")
REPS = ("maya", "budi", "wei", "sophie", "grace", "nobody")
REASONS = ("wrong_size", "no_budget", "wrong_timing", "bad_data", "duplicate", "made_up")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    db = Path(tmp_path_factory.mktemp("lead_engine")) / "demo.db"
    assert run(["demo", "--leads", "300", "--db", f"sqlite:///{db}", "--json"]) == 0
    _make_mqls(db)
    with closing(sqlite3.connect(db)) as conn:
        # the leads at the stages the verbs move first (mql, sal, sql, opportunity), then all
        leads = [r[0] for r in conn.execute(
            "SELECT lead_id FROM leads ORDER BY stage NOT IN ('mql', 'sal', 'sql', "
            "'opportunity'), stage, lead_id")]  # fmt: skip
    return db, leads


def _make_mqls(db: Path) -> None:
    """The demo leaves no lead at the SAL gate: demo requests and pricing visits make MQLs."""
    at = END - timedelta(hours=2)
    with closing(sqlite3.connect(db)) as conn:
        query = "SELECT lead_id FROM leads WHERE stage = 'lead' ORDER BY lead_id LIMIT 60"
        leads = [r[0] for r in conn.execute(query)]
    touches = [
        Event(type=EventType.MARKETING_TOUCH, source="test", source_id=f"{lead}-{kind}-{i}",
              occurred_at=at, lead_id=lead, payload={"kind": kind})
        for lead in leads for i, kind in enumerate(("demo_request", "pricing_page", "webinar"))
    ]  # fmt: skip
    with _at(at), open_engine(f"sqlite:///{db}", CONTRACT, clock=lambda: at) as engine:
        engine.submit(touches)


def _rows(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the ledger and the projections; recorded_at is the wall clock (patched)."""
    with closing(sqlite3.connect(db)) as conn:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in TABLES}


@contextmanager
def _at(now: datetime) -> Iterator[None]:
    with mock.patch.object(engine_module, "utc_now", lambda: now):
        yield


def _open(db: Path, partial: str | None, now: datetime) -> Engine:
    url = f"sqlite:///{db}"
    if partial is None:
        return open_engine(url, CONTRACT, clock=lambda: now)
    return LeadEngine(open_ledger(url), CONTRACT, lambda: now, lead_id=partial)


def _verb(kind: EventType, lead: str, n: int, at: datetime, rep: str, reason: str) -> Event:
    payloads: dict[EventType, dict[str, Any]] = {
        EventType.SAL_ACCEPTED: {"by": rep, "owner": rep},
        EventType.SAL_REJECTED: {"by": rep, "reason": reason},
        EventType.SQL_QUALIFIED: {"by": rep, "framework": "bant", "fields": {
            "budget": "yes", "authority": "cfo", "need": "crm", "timeline": "q1"}},
        EventType.REP_TOUCH: {"by": rep, "kind": "call", "outcome": "connected"},
        EventType.DISQUALIFIED: {"by": rep, "reason": reason},
        EventType.RECYCLED: {"by": rep, "reason": reason, "reengage_on": "2027-03-01"},
    }  # fmt: skip
    return Event(type=kind, source="cli", source_id=f"verb-{n}", occurred_at=at, lead_id=lead,
                 payload=payloads[kind], contract_version=CONTRACT.version)  # fmt: skip


def _apply(db: Path, partial: bool, plan: list[tuple[str, EventType, int, str, str]]) -> list[Any]:
    """Each verb through its own engine, as each CLI command opens one; what each reported."""
    out: list[Any] = []
    for n, (lead, kind, hours, rep, reason) in enumerate(plan):
        now = END + timedelta(hours=hours)
        with _at(now), _open(db, lead if partial else None, now) as engine:
            report = engine.submit([_verb(kind, lead, n, now, rep, reason)])
            out.append((report, engine.state.leads.get(lead)))
    return out


_plan = st.lists(
    st.tuples(
        st.one_of(st.integers(0, 80), st.integers(0, 299)),  # mostly leads the verbs move
        st.sampled_from(sorted(VERBS)),
        st.integers(0, 24 * 20),  # up to 20 days on: some clocks are late by then
        st.sampled_from(REPS),
        st.sampled_from(REASONS),
    ),
    min_size=1,
    max_size=4,
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=_plan)
def test_partial_verbs_leave_the_full_engine_s_rows(
    demo: tuple[Path, list[str]], tmp_path: Path, plan: list[tuple[int, EventType, int, str, str]]
) -> None:
    src, leads = demo
    steps = [(leads[i % len(leads)], kind, h, rep, reason) for i, kind, h, rep, reason in plan]
    full, part = tmp_path / "full.db", tmp_path / "partial.db"
    shutil.copyfile(src, full)
    shutil.copyfile(src, part)
    assert _apply(part, True, steps) == _apply(full, False, steps)
    assert _rows(part) == _rows(full)


def _state_with_lead(db: Path, stage: str) -> str:
    with closing(sqlite3.connect(db)) as conn:
        return str(conn.execute("SELECT lead_id FROM leads WHERE stage = ? ORDER BY lead_id "
                                "LIMIT 1", (stage,)).fetchone()[0])  # fmt: skip


def test_an_on_time_verb_is_decided_from_the_projections_a_late_stop_in_full(
    demo: tuple[Path, list[str]], tmp_path: Path
) -> None:
    src, _ = demo
    db = tmp_path / "demo.db"
    shutil.copyfile(src, db)
    lead = _state_with_lead(db, "mql")
    with _at(END), _open(db, lead, END) as engine:
        engine.submit([_verb(EventType.SAL_ACCEPTED, lead, 0, END, "budi", "")])
        assert isinstance(engine, LeadEngine) and engine.partial
        assert len(engine.state.leads) == 1  # never loaded the whole state
    late = END + timedelta(days=40)  # no tick ran: the first touch stops a late clock
    with _at(late), _open(db, lead, late) as engine:
        engine.submit([_verb(EventType.REP_TOUCH, lead, 1, late, "budi", "")])
        assert isinstance(engine, LeadEngine) and not engine.partial  # breach -> escalation
        assert len(engine.state.leads) > 250
        assert engine.state.breaches


def test_a_crash_in_a_partial_batch_writes_nothing_and_a_retry_matches_full(
    demo: tuple[Path, list[str]], tmp_path: Path
) -> None:
    src, _ = demo
    part, full = tmp_path / "partial.db", tmp_path / "full.db"
    shutil.copyfile(src, part)
    shutil.copyfile(src, full)
    lead = _state_with_lead(part, "mql")
    before = _rows(part)
    event = _verb(EventType.SAL_ACCEPTED, lead, 0, END, "budi", "")
    crash = mock.patch.object(_LeadProjector, "flush", side_effect=OSError("disk gone"))
    with crash, _at(END), _open(part, lead, END) as engine, pytest.raises(OSError):
        engine.submit([event])
    assert _rows(part) == before
    with _at(END), _open(part, lead, END) as engine:
        engine.submit([event])
    with _at(END), _open(full, None, END) as engine:
        engine.submit([event])
    assert _rows(part) == _rows(full)


def test_the_services_verbs_answer_the_same_through_either_engine(
    demo: tuple[Path, list[str]], tmp_path: Path
) -> None:
    src, _ = demo
    views = []
    for partial in (True, False):
        db = tmp_path / f"{partial}.db"
        shutil.copyfile(src, db)
        lead = _state_with_lead(db, "mql")
        ids = iter([uuid.UUID(int=i) for i in range(10)])
        with _at(END), mock.patch("uuid.uuid4", side_effect=ids):
            with _open(db, lead if partial else None, END) as engine:
                accepted = services.accept(engine, LOCAL_ADMIN, lead, "maya", at=END)
            with _open(db, lead if partial else None, END) as engine:
                touched = services.touch(engine, LOCAL_ADMIN, lead, "call", "budi", at=END)
        views.append((accepted, touched, _rows(db)))
    assert views[0] == views[1]


def test_the_verbs_deciders_read_only_the_lead_s_rows() -> None:
    """What makes the partial state enough: a new decider for these types must be checked."""
    deciders = core_decide._DECIDERS
    assert {deciders[t].__name__ for t in VERBS} == {"_on_accept", "_stop"}
    assert not any(t in deciders for t in FOLLOWS)
