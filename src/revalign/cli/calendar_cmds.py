"""`revalign calendar`: the campaign calendar and the weeks a campaign would flood a team."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.table import Table

from revalign.analytics.campaign_calendar import (
    campaign_runs,
    capacity_warnings,
    mql_share_by_channel,
    weekly_load,
)
from revalign.analytics.frames import load_frames
from revalign.analytics.planning.capacity import capacity_windows
from revalign.analytics.sla_facts import read_sla_events
from revalign.cli.app import app
from revalign.cli.common import (
    ContractOption,
    DbOption,
    JsonOption,
    console,
    open_existing_ledger,
    print_json,
    resolve_contract,
)
from revalign.core.events import EventType
from revalign.errors import InputError


def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{option} {text!r} is not an ISO date (2027-01-31)") from None


@app.command("calendar")
def calendar_command(
    since: Annotated[str | None, typer.Option("--from", help="First day (ISO date).")] = None,
    until: Annotated[str | None, typer.Option("--to", help="Last day (ISO date).")] = None,
    db: DbOption = None,
    contract: ContractOption = None,
    json_out: JsonOption = False,
) -> None:
    """Planned campaigns with expected volume, and the weeks they exceed a team's capacity."""
    first, last = _day(since, "--from"), _day(until, "--to")
    if first and last and last < first:
        raise InputError(f"--to {last} is before --from {first}")
    terms = resolve_contract(contract).contract
    ledger = open_existing_ledger(db)
    try:
        events = list(read_sla_events(ledger, [EventType.CAMPAIGN_SCHEDULED,
                                               EventType.CAPACITY_NOTICE]))  # fmt: skip
        leads = load_frames(ledger).leads
    finally:
        ledger.close()
    runs = [r for r in campaign_runs(terms, events)
            if (first is None or r.end >= first) and (last is None or r.start <= last)]  # fmt: skip
    span = (first or date.min, last or date.max)
    loads = weekly_load(runs, terms, mql_share_by_channel(leads), capacity_windows(events), span)
    warnings = capacity_warnings(loads)
    if json_out:
        print_json({"campaigns": [r.as_dict() for r in runs],
                    "weeks": [w.as_dict() for w in loads], "warnings": warnings})  # fmt: skip
        return
    table = Table(title="Campaign calendar")
    for name in ("campaign", "channel", "start", "end", "expected leads", "team", "notes"):
        table.add_column(name, overflow="fold")
    for r in runs:
        table.add_row(r.campaign, r.channel, r.start.isoformat(), r.end.isoformat(),
                      f"{r.expected_leads:,.0f}", r.team or "—", r.notes or "")  # fmt: skip
    console.print(table)
    for line in warnings:
        console.print(f"[bold yellow]warning:[/] {line}", highlight=False)
    if not warnings:
        console.print("No week exceeds a team's capacity.")
