"""Benchmark: events -> frames (the metrics' hot path), with refused facts in the stream,
and reading a ledger's frames through the frames cache.

Each lead: lead.captured, `--touches` marketing touches, stage.mql, a score.changed, and
every tenth lead an illegal SAL decision refused by an engine.rejected. Prints events per
second of `frames_from_events` (which reads the refused ids first, then folds).

Then `load_frames` on a SQLite ledger (a copy of `--db`, else this stream appended to a
temporary ledger), each as wall and CPU time and as a ratio against plain pandas reading
the same events table (`pandas.read_sql` of seq, type, lead id and payload, no fold):
the cold full read (cache off: what every reader did before), the first read with the
cache (full fold + writing the cache), a warm read (nothing new), a warm read after
`--new` events appended by another writer (only they are folded), and the whole metric set
from the warm cache (frames, DuckDB load, every metric: what `revalign metrics` runs).

    .venv/bin/python benchmarks/bench_frames.py                  # 50k leads, 10 touches each
    .venv/bin/python benchmarks/bench_frames.py --full           # 200k leads
    .venv/bin/python benchmarks/bench_frames.py --db sqlite:////tmp/d20k.db --new 1000
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa

from revalign.analytics import fold_cache
from revalign.analytics.frames import frames_from_events, load_frames
from revalign.analytics.metrics import compute_metrics
from revalign.contract.loader import default_contract
from revalign.core.events import SOURCE_ENGINE, Event, EventType
from revalign.ledger import open_ledger

T0 = datetime(2026, 10, 1, tzinfo=UTC)


def _event(type_: EventType, lead: str, n: int, at: datetime, source: str = "bench",
           **payload: object) -> Event:  # fmt: skip
    return Event(type=type_, source=source, source_id=f"{lead}:{n}", occurred_at=at,
                 lead_id=lead, payload=dict(payload))  # fmt: skip


def stream(n_leads: int, touches: int) -> list[Event]:
    out: list[Event] = []
    for i in range(n_leads):
        lead, at = f"L{i}", T0 + timedelta(minutes=i)
        out.append(_event(EventType.LEAD_CAPTURED, lead, 0, at, email=f"{lead}@x.co"))
        for k in range(touches):
            out.append(_event(EventType.MARKETING_TOUCH, lead, 1 + k, at, kind="page_view"))
        out.append(_event(EventType.MQL_REACHED, lead, 100, at, SOURCE_ENGINE, score=70.0))
        out.append(_event(EventType.SCORE_CHANGED, lead, 101, at, SOURCE_ENGINE, score=70.0))
        if i % 10 == 0:  # an SQL before any SAL: the core refuses it
            bad = _event(EventType.SQL_QUALIFIED, lead, 102, at, by="x", framework="bant")
            out.append(bad)
            reason = "SQL needs an accepted SAL first"
            out.append(_event(EventType.EVENT_REJECTED, lead, 103, at, SOURCE_ENGINE,
                              rejected_id=bad.id, reason=reason))  # fmt: skip
    return out


def timed(run: Callable[[], Any]) -> tuple[Any, float, float]:
    """(result, wall s, CPU s)."""
    t0, c0 = time.perf_counter(), time.process_time()
    result = run()
    return result, time.perf_counter() - t0, time.process_time() - c0


def new_touches(n: int) -> list[Event]:
    at = T0 + timedelta(days=400)
    return [_event(EventType.MARKETING_TOUCH, f"L{i % 500}", 10_000 + i, at, source="later",
                   kind="page_view", channel="search") for i in range(n)]  # fmt: skip


def cached_reads(db_file: Path, new: int) -> None:
    """The frames of a SQLite ledger read cold, through the cache, and after new events."""
    url = f"sqlite:///{db_file}"
    ledger = open_ledger(url, create=False)

    def pandas_read() -> pd.DataFrame:
        with sqlite3.connect(db_file) as con:
            return pd.read_sql("SELECT seq, type, lead_id, payload FROM events", con)

    def read_with(setting: str) -> Callable[[], Any]:
        def run() -> Any:
            os.environ["REVALIGN_FRAMES_CACHE"] = setting
            return load_frames(ledger)

        return run

    table, ref_wall, ref_cpu = timed(pandas_read)
    print(f"ledger {db_file.name}: {len(table):,} events; plain pandas read_sql of the events "
          f"table: {ref_wall:.2f} s wall, {ref_cpu:.2f} s CPU")  # fmt: skip
    del table
    rows = [("cold full read (cache off, as before)", read_with("off")),
            ("first read with the cache (fold + write)", read_with("on")),
            ("warm read, nothing new", read_with("on"))]  # fmt: skip

    def show(label: str, wall: float, cpu: float, count: str) -> None:
        print(f"  {label:<44} {wall:7.2f} s wall {cpu:7.2f} s CPU  {wall / ref_wall:6.2f}x / "
              f"{cpu / ref_cpu:6.2f}x pandas (wall / CPU)  {count}")  # fmt: skip

    for label, run in rows:
        frames, wall, cpu = timed(run)
        show(label, wall, cpu, f"{len(frames.leads):,} leads")
    ledger.append(new_touches(new))
    frames, wall, cpu = timed(read_with("on"))
    show(f"warm read after {new:,} new events", wall, cpu, f"{len(frames.touches):,} touches")

    def metrics() -> Any:
        return compute_metrics(load_frames(ledger), contract=default_contract().contract,
                               as_of=datetime(2026, 12, 1, tzinfo=UTC))  # fmt: skip

    result, wall, cpu = timed(metrics)
    show("metrics (warm cache + DuckDB load + query)", wall, cpu, f"{len(result.metrics)} metrics")
    path = fold_cache.cache_path(ledger, "frames")
    size = path.stat().st_size / 1e6 if path is not None and path.exists() else 0.0
    print(f"  cache file: {size:.1f} MB")
    ledger.close()


def _ledger_copy(db: str | None, events: list[Event], folder: Path) -> Path:
    target = folder / "ledger.db"
    if db is None:
        ledger = open_ledger(f"sqlite:///{target}")
        ledger.append(events)
        ledger.close()
        return target
    source = sa.engine.make_url(db)
    if source.get_backend_name() != "sqlite" or not source.database:
        raise SystemExit("--db: a SQLite ledger (it is copied; the copy gets the new events)")
    shutil.copyfile(source.database, target)
    return target


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=50_000)
    parser.add_argument("--touches", type=int, default=10)
    parser.add_argument("--full", action="store_true", help="200k leads (2.6M events)")
    parser.add_argument("--db", default=None, help="a SQLite ledger to read (a copy of it)")
    parser.add_argument("--new", type=int, default=1000, help="events appended for the warm read")
    args = parser.parse_args()
    if args.full:
        args.leads = 200_000
    events = stream(args.leads, args.touches)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        frames = frames_from_events(events)
        best = min(best, time.perf_counter() - start)
    sqls = int(frames.leads["sql_at"].notna().sum())
    print(f"frames_from_events: {len(events):,} events, {args.leads:,} leads in {best:.2f} s "
          f"(best of 3; {len(events) / best:,.0f} events/s); SQLs counted: {sqls}")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="bench_frames_") as tmp:
        os.environ["REVALIGN_CACHE_DIR"] = str(Path(tmp) / "cache")
        cached_reads(_ledger_copy(args.db, events, Path(tmp)), args.new)


if __name__ == "__main__":
    main()
