"""Benchmark: events -> frames (the metrics' hot path), with refused facts in the stream.

Each lead: lead.captured, `--touches` marketing touches, stage.mql, a score.changed, and
every tenth lead an illegal SAL decision refused by an engine.rejected. Prints events per
second of `frames_from_events` (which reads the refused ids first, then folds).

    .venv/bin/python benchmarks/bench_frames.py                  # 50k leads, 10 touches each
    .venv/bin/python benchmarks/bench_frames.py --leads 200000
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime, timedelta

from revalign.analytics.frames import frames_from_events
from revalign.core.events import SOURCE_ENGINE, Event, EventType

T0 = datetime(2026, 10, 1, tzinfo=UTC)


def stream(n_leads: int, touches: int) -> list[Event]:
    out: list[Event] = []
    for i in range(n_leads):
        lead, at = f"L{i}", T0 + timedelta(minutes=i)

        def add(type_: EventType, source: str = "bench", **payload: object) -> Event:
            e = Event(type=type_, source=source, source_id=f"{lead}:{len(out)}", occurred_at=at,
                      lead_id=lead, payload=dict(payload))  # fmt: skip
            out.append(e)
            return e

        add(EventType.LEAD_CAPTURED, email=f"{lead}@x.co", source="webinar")
        for _ in range(touches):
            add(EventType.MARKETING_TOUCH, kind="page_view", channel="webinar")
        add(EventType.MQL_REACHED, SOURCE_ENGINE, score=70.0, threshold=60.0)
        add(EventType.SCORE_CHANGED, SOURCE_ENGINE, score=70.0, parts=[])
        if i % 10 == 0:
            bad = add(EventType.SQL_QUALIFIED, by="x", framework="bant", fields={})
            add(EventType.EVENT_REJECTED, SOURCE_ENGINE, rejected_id=bad.id, reason="no SAL")
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=50_000)
    parser.add_argument("--touches", type=int, default=10)
    args = parser.parse_args()
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
