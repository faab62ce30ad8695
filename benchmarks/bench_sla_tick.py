"""One SLA tick over many open clocks: how fast (issue 8's target: 100,000 in under 2 s).

The state holds N open clocks of every lead SLA (owners spread over the default contract's
reps, due times over two weeks, warning times recorded as the engine records them), folded
from `sla.clock_started` events as the engine folds them, plus a month of MQL cohorts and
weekly forecasts so the period promises are evaluated too. Three ticks of the pure
`core.tick` (no ledger) are timed on that state, in CPU seconds of this process (one core;
wall time beside it, which a loaded machine inflates):
- quiet: no clock due (the scan every tick of a running worker does);
- busy: a tenth overdue and a tenth past their warning (breaches, warnings, escalations);
- catch-up: everything overdue (a worker back after two weeks down).
Default: 20,000 clocks; `--full`: 100,000.
"""

from __future__ import annotations

import argparse
import random
import time as clock
from datetime import UTC, datetime, timedelta

from revalign.contract.loader import default_contract
from revalign.core.decide import evolve, tick
from revalign.core.events import SOURCE_ENGINE, Event, EventType
from revalign.core.state import FunnelState

SLAS = ("sal_review", "first_contact_standard", "first_contact_high_intent", "disposition")
T0 = datetime(2026, 11, 2, tzinfo=UTC)


def build(n: int) -> FunnelState:
    contract = default_contract()
    reps = [r.id for t in contract.contract.teams if t.side == "sales" for r in t.reps]
    rng = random.Random(7)
    state = FunnelState()
    capture = Event(EventType.LEAD_CAPTURED, "form", "first", T0, lead_id="L0",
                    payload={"email": "a@b.c"})  # fmt: skip
    evolve(state, capture)
    forecast = Event(EventType.FORECAST_SUBMITTED, "cli", "f1", T0, payload={
        "period": "2026Q4", "amount": "1", "currency": "USD", "by": "maya"})  # fmt: skip
    evolve(state, forecast)
    for i in range(n):
        started = T0 + timedelta(seconds=rng.randrange(3 * 86400))
        due = started + timedelta(hours=rng.randrange(4, 14 * 24))
        warn = started + (due - started) * 0.75
        sla = SLAS[i % len(SLAS)]
        payload = {"clock_id": f"L{i}:{sla}:x", "sla": sla, "owner": rng.choice(reps),
                   "owner_side": "sales", "due_at": due.isoformat(),
                   "warn_at": warn.isoformat()}  # fmt: skip
        evolve(state, Event(EventType.SLA_CLOCK_STARTED, SOURCE_ENGINE, f"s{i}", started,
                            lead_id=f"L{i}", payload=payload))  # fmt: skip
    return state


def _at_quantile(state: FunnelState, share: float) -> datetime:
    dues = sorted(c.due_at for c in state.clocks.values())
    return dues[min(len(dues) - 1, int(len(dues) * share))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--full", action="store_true", help="100,000 clocks instead of 20,000")
    n = 100_000 if parser.parse_args().full else 20_000
    contract = default_contract()
    started = clock.perf_counter()
    state = build(n)
    print(f"fold {n:,} clock starts: {clock.perf_counter() - started:.2f} s")
    cases = {
        "quiet (no clock due)": T0,
        "busy (10% overdue, 10% warned)": _at_quantile(state, 0.10),
        "catch-up (all overdue)": T0 + timedelta(days=30),
    }
    for name, now in cases.items():
        started, cpu = clock.perf_counter(), clock.process_time()
        events = tick(state, contract, now)
        elapsed, cpu = clock.perf_counter() - started, clock.process_time() - cpu
        kinds = {t: sum(e.type is t for e in events) for t in
                 (EventType.SLA_BREACHED, EventType.SLA_WARNED, EventType.ESCALATED)}  # fmt: skip
        counts = ", ".join(f"{k.value} {v:,}" for k, v in kinds.items())
        print(f"tick over {len(state.open_clock_ids):,} open clocks, {name}: "
              f"{cpu:.2f} s CPU, {elapsed:.2f} s wall ({counts})")  # fmt: skip


if __name__ == "__main__":
    main()
