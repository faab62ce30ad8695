"""`revalign plan`: the reverse funnel for a quarter's revenue target."""

from __future__ import annotations

from typing import Annotated

import typer

from revalign.analytics.frames import Frames, load_frames
from revalign.analytics.planning import build_plan, parse_quarter, render
from revalign.analytics.planning.inputs import PlanInputs
from revalign.analytics.planning.measure import plan_inputs_from_frames
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
from revalign.contract.schema import Contract
from revalign.core.events import EventType
from revalign.errors import InputError
from revalign.ledger import SqlLedger


@app.command("plan")
def plan(
    quarter: Annotated[str, typer.Option("--quarter", help="Quarter to close, e.g. 2027Q1.")],
    target: Annotated[
        float | None,
        typer.Option("--target", help="Revenue target. Default: the contract's for the quarter."),
    ] = None,
    db: DbOption = None,
    contract: ContractOption = None,
    json_out: JsonOption = False,
) -> None:
    """Pipeline, opportunities, SQLs, SALs, MQLs and leads needed per month, and the gaps."""
    year, q = parse_quarter(quarter)
    terms = resolve_contract(contract).contract
    key = f"{year}Q{q}"
    if target is None and key not in terms.targets.revenue_per_quarter:
        raise InputError(f"no --target given and the contract has no revenue target for {key}")
    amount = float(target if target is not None else terms.targets.revenue_per_quarter[key])
    if amount <= 0:
        raise InputError(f"target must be a positive amount, got {amount:g}")
    ledger = open_existing_ledger(db)
    try:
        frames = load_frames(ledger)
        inputs = plan_inputs_from_frames(frames, terms)
        inputs = _with_notices(inputs, terms, ledger, year, q)
        calendar = _calendar_warnings(terms, ledger, frames, year, q)
    finally:
        ledger.close()
    report = build_plan(inputs, amount, key)
    report["calendar_warnings"] = calendar
    print_json(report) if json_out else console.print(render(report))
    if not json_out:
        for line in calendar:
            console.print(f"[bold yellow]calendar:[/] {line}", highlight=False)


def _calendar_warnings(
    terms: Contract, ledger: SqlLedger, frames: Frames, year: int, q: int
) -> list[str]:
    """The campaign calendar's weeks in the quarter whose MQLs exceed the routed team."""
    from datetime import date, timedelta

    from revalign.analytics.campaign_calendar import (
        campaign_runs,
        capacity_warnings,
        mql_share_by_channel,
        weekly_load,
    )
    from revalign.analytics.planning.capacity import capacity_windows
    from revalign.analytics.sla_facts import read_sla_events

    kinds = [EventType.CAMPAIGN_SCHEDULED, EventType.CAPACITY_NOTICE]
    events = list(read_sla_events(ledger, kinds))
    first = date(year, 3 * q - 2, 1)
    last = (date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)) - timedelta(days=1)
    loads = weekly_load(campaign_runs(terms, events), terms, mql_share_by_channel(frames.leads),
                        capacity_windows(events), (first, last))  # fmt: skip
    return capacity_warnings(loads)


def _with_notices(
    inputs: PlanInputs, terms: Contract, ledger: SqlLedger, year: int, q: int
) -> PlanInputs:
    """The plan's SAL capacity with sales' capacity notices applied over the quarter."""
    from dataclasses import replace
    from datetime import date, timedelta

    from revalign.analytics.planning.capacity import capacity_windows, sal_capacity
    from revalign.analytics.sla_facts import read_sla_events

    windows = capacity_windows(read_sla_events(ledger, [EventType.CAPACITY_NOTICE]))
    if not windows:
        return inputs
    first = date(year, 3 * q - 2, 1)
    last = (date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)) - timedelta(days=1)
    capacity, note = sal_capacity(terms, windows, (first, last))
    return replace(inputs, sal_capacity_per_month=capacity, capacity_note=note)
