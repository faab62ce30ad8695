"""SLA deadlines in business hours, and contract validation: how fast.

Default: 20,000 leads; `--full`: 100,000 (the size the SLA clocks are meant for).
"""

from __future__ import annotations

import argparse
import random
import time as clock
from datetime import UTC, datetime, timedelta

from revalign.contract.loader import default_contract, default_contract_text, parse_contract
from revalign.core.calendar import calendar_for_rep


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--full", action="store_true", help="100,000 leads instead of 20,000")
    leads = 100_000 if parser.parse_args().full else 20_000
    contract = default_contract()
    reps = [rep.id for team in contract.contract.teams for rep in team.reps]
    calendars = {rep: calendar_for_rep(contract, rep) for rep in reps}
    rng = random.Random(7)
    year = datetime(2026, 1, 1, tzinfo=UTC)
    arrivals = [
        (rng.choice(reps), year + timedelta(seconds=rng.randrange(365 * 86400)))
        for _ in range(leads)
    ]
    for hours in (4.0, 24.0):
        started = clock.perf_counter()
        deadlines = [calendars[rep].add_business_hours(t, hours) for rep, t in arrivals]
        elapsed = clock.perf_counter() - started
        print(
            f"add_business_hours({hours:g} h) x {leads:,}: {elapsed:.2f} s "
            f"({elapsed / leads * 1e6:.1f} us each)"
        )
    started = clock.perf_counter()
    for (rep, t), deadline in zip(arrivals, deadlines, strict=True):
        calendars[rep].business_hours_between(t, deadline)
    elapsed = clock.perf_counter() - started
    print(
        f"business_hours_between x {leads:,}: {elapsed:.2f} s ({elapsed / leads * 1e6:.1f} us each)"
    )
    started = clock.perf_counter()
    for _ in range(20):
        calendar_for_rep(contract, "budi")
    print(f"calendar_for_rep: {(clock.perf_counter() - started) / 20 * 1e6:.0f} us")
    text = default_contract_text()
    started = clock.perf_counter()
    for _ in range(20):
        parse_contract(text)
    per_parse = (clock.perf_counter() - started) / 20
    print(f"parse + validate the default contract: {per_parse * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
