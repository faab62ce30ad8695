"""Ledger benchmark: batch append events/s on SQLite and PostgreSQL, against raw executemany.

    .venv/bin/python benchmarks/bench_ledger.py              # 20k events
    .venv/bin/python benchmarks/bench_ledger.py --events 100000   (or --full)

Rows: `SqlLedger.append` of N realistic events in one call (idempotent insert, seq in list
order), a second append of the same N (all duplicates), and plain `sqlite3.executemany` of the
same rows (already serialised) into an equivalent table with the same indexes. The engine
rows run `Engine.submit` (decide + append + projections) with a no-op core and the real core.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from revalign.contract.loader import default_contract
from revalign.core import decide as core
from revalign.core.events import Event, EventType
from revalign.engine import Engine
from revalign.ledger import open_ledger
from revalign.ledger.codec import event_row

PG_URL = os.environ.get("REVALIGN_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
KINDS = ("page_view", "pricing_page", "content_download", "webinar", "email_open", "demo_request")


def make_events(n: int) -> list[Event]:
    """One lead captured per ~8 events, then touches; a deal every ~200 events."""
    out: list[Event] = []
    lead = 0
    for i in range(n):
        at = T0 + timedelta(seconds=37 * i)
        if i % 8 == 0:
            lead = i // 8
            out.append(
                Event(
                    EventType.LEAD_CAPTURED,
                    "csv",
                    f"lead-{lead}",
                    at,
                    lead_id=f"L{lead}",
                    account_id=f"A{lead % 997}",
                    payload={
                        "email": f"person{lead}@company{lead % 997}.com",
                        "first_name": "Dewi",
                        "title": "Head of Marketing",
                        "company": f"Company {lead % 997}",
                        "employees": 40 + lead % 600,
                        "industry": "software",
                        "country": "ID",
                        "source": "webinar",
                        "campaign": f"C{lead % 12}",
                    },
                )
            )
        elif i % 200 == 1:
            out.append(
                Event(
                    EventType.OPPORTUNITY_CREATED,
                    "crm",
                    f"opp-{i}",
                    at,
                    lead_id=f"L{lead}",
                    opportunity_id=f"O{i}",
                    payload={"amount": str(Decimal("12500.00") + i), "currency": "USD"},
                )
            )
        else:
            out.append(
                Event(
                    EventType.MARKETING_TOUCH,
                    "map",
                    f"touch-{i}",
                    at,
                    lead_id=f"L{lead}",
                    payload={"kind": KINDS[i % len(KINDS)], "campaign": f"C{lead % 12}"},
                )
            )
    return out


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def raw_sqlite(path: Path, events: list[Event]) -> float:
    """executemany of the already-serialised rows into an equivalent table."""
    rows = [event_row(e, T0, "sqlite")[1:] for e in events]
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(
        "CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT, type TEXT,"
        " source TEXT, source_id TEXT, occurred_at TEXT, recorded_at TEXT, lead_id TEXT,"
        " account_id TEXT, opportunity_id TEXT, payload TEXT, contract_version TEXT,"
        " caused_by TEXT, schema_version INTEGER, UNIQUE (source, source_id))"
    )
    conn.execute("CREATE INDEX ix_lead ON events (lead_id)")
    conn.execute("CREATE INDEX ix_type ON events (type)")
    sql = f"INSERT OR IGNORE INTO events VALUES (NULL, {', '.join('?' * 13)})"

    def go() -> None:
        conn.execute("BEGIN")
        conn.executemany(sql, rows)
        conn.execute("COMMIT")

    seconds = timed(go)
    conn.close()
    return seconds


def bench_ledger(url: str, events: list[Event]) -> tuple[float, float]:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    led = open_ledger(url)
    first = timed(lambda: led.append(events))
    again = timed(lambda: led.append(events))
    assert led.count() == len(events)
    led.close()
    return first, again


def bench_engine(url: str, events: list[Event], null_core: bool) -> tuple[float, float]:
    """Seconds of `Engine.submit`, and of them the seconds spent inside decide + evolve."""
    led = open_ledger(url)
    contract = default_contract()
    in_core = [0.0]

    def clocked(fn: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args)
            finally:
                in_core[0] += time.perf_counter() - start

        return run

    if null_core:
        engine = Engine(led, contract, lambda: T0, decider=lambda *_: [], evolver=lambda *_: None)
    else:
        engine = Engine(
            led, contract, lambda: T0, decider=clocked(core.decide), evolver=clocked(core.evolve)
        )
    seconds = timed(lambda: engine.submit(events))
    led.close()
    return seconds, in_core[0]


def pg_schema() -> tuple[str, Callable[[], None]] | None:
    try:
        server = sa.create_engine(PG_URL)
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        with server.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:
        print(f"(PostgreSQL skipped: {exc.__class__.__name__})")
        return None

    def drop() -> None:
        with server.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        server.dispose()

    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}", drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--full", action="store_true", help="100k events")
    parser.add_argument("--no-engine", action="store_true", help="skip the engine rows")
    parser.add_argument("--repeat", type=int, default=3, help="best of N for the SQLite rows")
    args = parser.parse_args()
    n = 100_000 if args.full else args.events
    events = make_events(n)
    results: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        # best of `repeat` fresh runs each, interleaved, so a busy machine skews both alike
        raws, firsts, agains = [], [], []
        for _ in range(args.repeat):
            raws.append(raw_sqlite(root / "raw.db", events))
            first, again = bench_ledger(f"sqlite:///{root / 'ledger.db'}", events)
            firsts.append(first)
            agains.append(again)
        raw, first, again = min(raws), min(firsts), min(agains)
        results += [
            ("sqlite3.executemany (raw baseline)", raw),
            ("SQLite SqlLedger.append", first),
            ("SQLite append again (all duplicates)", again),
        ]
        pg = pg_schema()
        if pg is not None:
            url, drop = pg
            try:
                pg_first, pg_again = bench_ledger(url, events)
                results += [
                    ("PostgreSQL append (COPY)", pg_first),
                    ("PostgreSQL append again (duplicates)", pg_again),
                ]
            finally:
                drop()
        split = ""
        if not args.no_engine:
            for label, null in (("no-op core", True), ("real core", False)):
                url = f"sqlite:///{root / f'engine{null}.db'}"
                seconds, in_core = bench_engine(url, events, null)
                results.append((f"SQLite Engine.submit, {label}", seconds))
            stored = open_ledger(url)
            written = stored.last_seq()
            stored.close()
            split = (
                f"real core: {in_core:.2f} s in decide + evolve, {seconds - in_core:.2f} s shell"
                f" ({(seconds - in_core) / seconds:.0%}); {written:,} events stored"
                f" ({written - n:,} derived)"
            )
    print(f"\nledger benchmark, {n:,} events")
    print(f"{'operation':<40} {'seconds':>8} {'events/s':>10}")
    for label, seconds in results:
        print(f"{label:<40} {seconds:>8.2f} {n / seconds:>10,.0f}")
    print(f"\nSqlLedger.append / raw executemany on SQLite: {first / raw:.2f}x (target <= 2x)")
    if split:
        print(split)


if __name__ == "__main__":
    main()
