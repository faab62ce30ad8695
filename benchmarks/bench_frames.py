"""Benchmark: events -> frames (the metrics' hot path), with refused facts in the stream.

Each lead: lead.captured, `--touches` marketing touches, stage.mql, a score.changed, and
every tenth lead an illegal SAL decision refused by an engine.rejected. Prints events per
second of `frames_from_events` (which reads the refused ids first, then folds).

    .venv/bin/python benchmarks/bench_frames.py                  # 50k leads, 10 touches each
    .venv/bin/python benchmarks/bench_frames.py --full           # 200k leads
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime, timedelta

from revalign.analytics.frames import frames_from_events
from revalign.core.events import SOURCE_ENGINE, Event, EventType

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=50_000)
    parser.add_argument("--touches", type=int, default=10)
    parser.add_argument("--full", action="store_true", help="200k leads (2.6M events)")
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


if __name__ == "__main__":
    main()
