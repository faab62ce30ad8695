"""Shared helpers for the ledger and engine suites: backends, event factories, a fake core.

The fake core (decide / evolve / tick) is small but exercises what the engine must get right:
chains of derived events (captured -> score -> MQL -> assignment + clock), state that depends
on order (rep load), decimals in payloads and SLA breaches from `tick`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from conftest import PG_URL, missing
from revalign.contract.schema import VersionedContract
from revalign.core.events import Event, EventType, derived
from revalign.core.state import Clock, FunnelState, LeadState, OpportunityState, Stage
from revalign.ledger import SqlLedger, open_ledger
from revalign.ledger import tables as t

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
REPS = ("ana", "budi", "citra")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def ledger_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    """The same suite on a SQLite file and on a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.db'}"
    return str(request.getfixturevalue("pg_schema_url"))


@pytest.fixture
def ledger(ledger_url: str) -> Iterator[SqlLedger]:
    led = open_ledger(ledger_url)
    yield led
    led.close()


def test_support_backends_answer(ledger: SqlLedger) -> None:
    assert ledger.last_seq() == 0
    if ledger.dialect not in ("sqlite", "postgresql"):
        missing(f"unexpected dialect {ledger.dialect}")


# -- event factories ----------------------------------------------------------------------


def captured(n: int, *, source: str = "csv", minutes: int = 0, email: str | None = None) -> Event:
    return Event(
        type=EventType.LEAD_CAPTURED,
        source=source,
        source_id=f"row-{n}",
        occurred_at=T0 + timedelta(minutes=minutes or n),
        lead_id=f"L{n}",
        account_id=f"A{n % 5}",
        payload={
            "email": email or f"person{n}@example.com",
            "company": f"Company {n % 5}",
            "employees": 50 + n,
            "source": "webinar" if n % 2 else "paid_search",
            "campaign": f"C{n % 3}",
        },
    )


def touch(n: int, lead: int, *, source: str = "map") -> Event:
    return Event(
        type=EventType.MARKETING_TOUCH,
        source=source,
        source_id=f"touch-{n}",
        occurred_at=T0 + timedelta(minutes=lead, seconds=n + 1),
        lead_id=f"L{lead}",
        account_id=f"A{lead % 5}",
        payload={"kind": "demo_request" if n % 3 == 0 else "page_view"},
    )


def deal(n: int, lead: int) -> Event:
    return Event(
        type=EventType.OPPORTUNITY_CREATED,
        source="crm",
        source_id=f"opp-{n}",
        occurred_at=T0 + timedelta(hours=2, minutes=n),
        lead_id=f"L{lead}",
        account_id=f"A{lead % 5}",
        opportunity_id=f"O{n}",
        payload={"amount": Decimal("1250.50") * (n + 1), "currency": "USD"},
    )


def workload(leads: int = 20, touches: int = 30, deals: int = 4) -> list[Event]:
    """A realistic interleaving of captures, touches and deals (with a repeated capture)."""
    out: list[Event] = []
    for i in range(leads):
        out.append(captured(i))
        out.extend(touch(j, i) for j in range(touches) if j % leads == i)
    out.extend(deal(k, k) for k in range(deals))
    out.append(captured(0))  # a retry: must be a duplicate
    return out


# -- a fake pure core ----------------------------------------------------------------------


def fake_evolve(state: FunnelState, e: Event) -> None:
    state.last_seq = max(state.last_seq, e.seq or 0)
    p = e.payload
    lead = state.leads.get(e.lead_id or "")
    if e.type is EventType.LEAD_CAPTURED and e.lead_id:
        state.leads[e.lead_id] = LeadState(
            lead_id=e.lead_id,
            email=p["email"],
            created_at=e.occurred_at,
            account_id=e.account_id,
            company=p.get("company"),
            employees=p.get("employees"),
            source=p.get("source"),
            campaign=p.get("campaign"),
            stage_at=e.occurred_at,
        )
    elif lead is None and e.type is not EventType.OPPORTUNITY_CREATED:
        pass
    elif e.type is EventType.SCORE_CHANGED and lead:
        state.leads[lead.lead_id] = replace(lead, score=float(p["score"]))
    elif e.type is EventType.MQL_REACHED and lead:
        state.leads[lead.lead_id] = replace(
            lead, stage=Stage.MQL, mql_at=e.occurred_at, stage_at=e.occurred_at
        )
    elif e.type is EventType.LEAD_ASSIGNED and lead:
        state.leads[lead.lead_id] = replace(lead, owner=p["owner"], assigned_at=e.occurred_at)
        state.rep_load[p["owner"]] = state.rep_load.get(p["owner"], 0) + 1
    elif e.type is EventType.SLA_CLOCK_STARTED:
        state.clocks[p["clock_id"]] = Clock(
            clock_id=p["clock_id"],
            sla=p["sla"],
            lead_id=e.lead_id,
            owner=p["owner"],
            owner_side="sales",
            started_at=e.occurred_at,
            due_at=datetime.fromisoformat(p["due_at"]),
        )
    elif e.type is EventType.SLA_BREACHED:
        state.clocks[p["clock_id"]] = replace(state.clocks[p["clock_id"]], breached=True)
    elif e.type is EventType.OPPORTUNITY_CREATED and e.opportunity_id:
        state.opportunities[e.opportunity_id] = OpportunityState(
            opportunity_id=e.opportunity_id,
            lead_id=e.lead_id,
            account_id=e.account_id,
            created_at=e.occurred_at,
            amount=Decimal(p["amount"]),
            currency=p["currency"],
        )
        if lead:
            state.leads[lead.lead_id] = replace(
                lead, stage=Stage.OPPORTUNITY, opportunity_id=e.opportunity_id
            )


def fake_decide(
    state: FunnelState, e: Event, contract: VersionedContract, now: datetime
) -> list[Event]:
    lead = state.leads.get(e.lead_id or "")
    if lead is None:
        return []
    v = contract.version
    if e.type is EventType.LEAD_CAPTURED:
        score = float(len(lead.email) % 40)
        return [derived(e, EventType.SCORE_CHANGED, payload={"score": score}, contract_version=v)]
    if e.type is EventType.MARKETING_TOUCH:
        score = lead.score + (30.0 if e.payload["kind"] == "demo_request" else 5.0)
        return [derived(e, EventType.SCORE_CHANGED, payload={"score": score}, contract_version=v)]
    if e.type is EventType.SCORE_CHANGED and lead.stage is Stage.LEAD and lead.score >= 50:
        return [derived(e, EventType.MQL_REACHED, contract_version=v)]
    if e.type is EventType.MQL_REACHED:
        # least-loaded rep: depends on every assignment before it, so order matters
        owner = min(REPS, key=lambda r: (state.rep_load.get(r, 0), r))
        due = e.occurred_at + timedelta(hours=4)
        clock = {"clock_id": f"{lead.lead_id}:first_contact", "sla": "first_contact"}
        return [
            derived(e, EventType.LEAD_ASSIGNED, payload={"owner": owner}, contract_version=v),
            derived(
                e,
                EventType.SLA_CLOCK_STARTED,
                payload={**clock, "owner": owner, "due_at": due.isoformat()},
                contract_version=v,
            ),
        ]
    return []


def fake_tick(state: FunnelState, contract: VersionedContract, now: datetime) -> list[Event]:
    return [
        Event(
            type=EventType.SLA_BREACHED,
            source="engine",
            source_id=f"{c.clock_id}:breached",
            occurred_at=c.due_at,
            lead_id=c.lead_id,
            payload={"clock_id": c.clock_id, "sla": c.sla},
            contract_version=contract.version,
        )
        for c in sorted(state.clocks.values(), key=lambda c: c.clock_id)
        if not c.breached and c.stopped_at is None and c.due_at <= now
    ]


FAKE_CORE: dict[str, Any] = {"decider": fake_decide, "evolver": fake_evolve, "ticker": fake_tick}


# -- comparing ledgers and projections -----------------------------------------------------


def ledger_rows(led: SqlLedger) -> list[tuple[Any, ...]]:
    """Every stored event as a tuple, without recorded_at (wall clock)."""
    return [
        (e.seq, e.id, e.type, e.key, e.occurred_at, e.lead_id, dict(e.payload), e.caused_by)
        for e in led.read()
    ]


def projection_rows(led: SqlLedger) -> dict[str, list[tuple[Any, ...]]]:
    with led.reader() as conn:
        return {
            table.name: [
                tuple(r)
                for r in conn.execute(sa.select(table).order_by(*table.primary_key.columns))
            ]
            for table in t.PROJECTION_TABLES
        }


@pytest.fixture
def fresh_url(request: pytest.FixtureRequest, ledger_url: str, tmp_path: Any) -> Iterator[Any]:
    """A factory of further empty databases on the same backend as `ledger_url`."""
    made: list[str] = []
    count = iter(range(10**6))

    def make() -> str:
        n = next(count)
        if ledger_url.startswith("sqlite"):
            return f"sqlite:///{tmp_path / f'fresh{n}.db'}"
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with server.begin() as conn:
            conn.execute(sa.text(f'create schema "{schema}"'))
        made.append(schema)
        base = str(request.getfixturevalue("pg_server_url"))
        return f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"

    server = sa.create_engine(PG_URL) if not ledger_url.startswith("sqlite") else None
    if server is None:
        yield make
        return
    try:
        yield make
    finally:
        with server.begin() as conn:
            for schema in made:
                conn.execute(sa.text(f'drop schema "{schema}" cascade'))
        server.dispose()
