"""`revalign sla report|breaches|escalations`: weekly public compliance, and what was missed."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any

import typer
from rich.table import Table

from revalign.analytics.sla_cache import load_sla_facts
from revalign.analytics.sla_facts import SlaFacts, week_of
from revalign.analytics.sla_report import breaches, escalation_list
from revalign.cli.app import app
from revalign.cli.common import (
    ContractOption,
    DbOption,
    JsonOption,
    console,
    moment_or_now,
    print_json,
    resolve_contract,
)
from revalign.errors import InputError

sla_app = typer.Typer(help="SLA compliance of both sides: weekly report, breaches, escalations.")
app.add_typer(sla_app, name="sla")

WeekOption = Annotated[
    str | None, typer.Option("--week", help="ISO week, e.g. 2026-W48 (default: this week).")
]
CsvOption = Annotated[bool, typer.Option("--csv", help="Print CSV.")]
OpenOption = Annotated[bool, typer.Option("--open", help="Only those still open.")]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="ISO moment that counts as now (default now).")
]


def _facts(db: str | None, contract: Any) -> SlaFacts:
    from revalign.cli.common import open_existing_ledger

    ledger = open_existing_ledger(db)
    try:
        return load_sla_facts(ledger, resolve_contract(contract).contract)
    finally:
        ledger.close()


def _csv(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return ""
    out = io.StringIO()
    names = list(dict.fromkeys(k for r in rows for k in r))
    writer = csv.DictWriter(out, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: _cell(v) for k, v in r.items()})
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join("" if v is None else str(v) for v in value)
    return str(value)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _table(title: str, rows: list[dict[str, Any]], columns: list[str]) -> Table:
    table = Table(title=title)
    for name in columns:
        table.add_column(name, overflow="fold")
    for r in rows:
        table.add_row(*[_cell(r.get(c)) for c in columns])
    return table


@sla_app.command("report")
def report_command(
    week: WeekOption = None,
    as_of: AsOfOption = None,
    db: DbOption = None,
    contract: ContractOption = None,
    json_out: JsonOption = False,
    csv_out: CsvOption = False,
) -> None:
    """Weekly SLA compliance per side, SLA, team and person, with a four-week trend."""
    from revalign.cli.acting import cli_caller
    from revalign.cli.common import open_existing_ledger
    from revalign.services.analytics import sla_report

    caller = cli_caller(db)
    ledger = open_existing_ledger(db)
    try:
        chosen = week or week_of(moment_or_now(as_of, "--as-of"))
        data = sla_report(ledger, resolve_contract(contract).contract, caller, chosen).report
    finally:
        ledger.close()
    if json_out:
        print_json(data)
        return
    if csv_out:
        typer.echo(_csv(data["rows"]), nl=False)
        return
    trend = f"{data['trend_weeks'][0]}..{data['trend_weeks'][-1]}"
    table = Table(title=f"SLA compliance, week {data['week']}")
    for name in ("scope", "who", "due", "met", "breached", "warned", "compliance"):
        table.add_column(name, overflow="fold")
    table.add_column(f"trend {trend}")
    for r in data["rows"]:
        who = "/".join(v for v in (r["side"], r["sla"], r["team"], r["person"]) if v != "all")
        table.add_row(r["scope"], who, str(r["due"]), str(r["met"]), str(r["breached"]),
                      str(r["warned"]), _pct(r["compliance"]),
                      " ".join(_pct(v) for v in r["trend"]))  # fmt: skip
    console.print(table)
    if data["escalations"]:
        cols = ["at", "level", "side", "owner", "breaches", "window"]
        console.print(_table("Escalations raised this week", data["escalations"], cols))
    if data["capacity_notices"]:
        cols = ["announced_at", "team", "rep", "effective_from", "capacity", "days_ahead", "late"]
        console.print(_table("Capacity notices from sales", data["capacity_notices"], cols))


@sla_app.command("breaches")
def breaches_command(
    week: WeekOption = None,
    open_only: OpenOption = False,
    db: DbOption = None,
    contract: ContractOption = None,
    json_out: JsonOption = False,
    csv_out: CsvOption = False,
) -> None:
    """Every SLA breach (of a week, or still running with --open), oldest first."""
    rows = breaches(_facts(db, contract), week, open_only)
    cols = ["breached_at", "sla", "side", "team", "owner", "lead_id", "open"]
    _emit(rows, f"SLA breaches ({len(rows)})", cols, json_out, csv_out)


@sla_app.command("escalations")
def escalations_command(
    week: WeekOption = None,
    open_only: OpenOption = False,
    as_of: AsOfOption = None,
    db: DbOption = None,
    contract: ContractOption = None,
    json_out: JsonOption = False,
    csv_out: CsvOption = False,
) -> None:
    """Escalations of the ladder (raised in a week, or whose window is still open)."""
    rows = escalation_list(_facts(db, contract), week, open_only, moment_or_now(as_of, "--as-of"))
    cols = ["at", "level", "side", "owner", "breaches", "window", "open"]
    _emit(rows, f"Escalations ({len(rows)})", cols, json_out, csv_out)


def _emit(rows: list[dict[str, Any]], title: str, cols: list[str], json_out: bool,
          csv_out: bool) -> None:  # fmt: skip
    """Rows as JSON, CSV or a table of the given columns."""
    if json_out:
        print_json(rows)
    elif csv_out:
        typer.echo(_csv(rows), nl=False)
    else:
        console.print(_table(title, rows, cols))


@sla_app.command("notice")
def notice_command(
    team: Annotated[str, typer.Option("--team", help="The sales team whose capacity changes.")],
    capacity: Annotated[int, typer.Option("--capacity", help="Open leads per rep from then on.")],
    effective_from: Annotated[str, typer.Option("--from", help="First day, e.g. 2026-12-01.")],
    rep: Annotated[str | None, typer.Option("--rep", help="One rep (default: the team).")] = None,
    effective_to: Annotated[
        str | None, typer.Option("--to", help="Last day (default: open).")
    ] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Why (leave, hiring...).")] = None,
    as_of: AsOfOption = None,
    db: DbOption = None,
    contract: ContractOption = None,
    json_out: JsonOption = False,
) -> None:
    """Announce a capacity change: routing and `plan` honour it; a late reduction is a miss."""
    from revalign import services
    from revalign.cli.common import open_verb_engine
    from revalign.core.events import EventType

    payload = {"team": team, "rep": rep, "capacity": capacity, "effective_from": effective_from,
               "effective_to": effective_to, "reason": reason}  # fmt: skip
    from revalign.auth.permissions import Action, require
    from revalign.cli.acting import cli_caller

    caller = cli_caller(db)
    require(caller, Action.CAPACITY_WRITE)
    terms = resolve_contract(contract)
    if all(t.id != team for t in terms.contract.teams):
        raise InputError(f"--team {team!r} is not a team of the contract")
    engine = open_verb_engine(db, terms, moment_or_now(as_of, "--as-of"))
    try:
        given = {k: v for k, v in payload.items() if v is not None}
        event = services.submit_fact(
            engine,
            EventType.CAPACITY_NOTICE,
            given,
            at=moment_or_now(as_of, "--as-of"),
            caller=caller,
        )
        clocks = [c for c in engine.state.clocks.values() if c.clock_id.endswith(event.id[:13])]
    finally:
        engine.close()
    verdict = "no promise (capacity not reduced)"
    if clocks:
        verdict = "announced in time" if clocks[0].met else "late: a capacity_notice miss"
    if json_out:
        print_json({"notice": given, "event_id": event.id, "verdict": verdict})
    else:
        console.print(f"capacity notice recorded for {rep or team}: {verdict}")


@sla_app.command("list")
def list_command(contract: ContractOption = None, json_out: JsonOption = False) -> None:
    """Every SLA of the catalog: side, owner, kind, calendar, start, stops and its target."""
    from revalign.core.sla_catalog import SLAS

    terms = resolve_contract(contract).contract
    rows = [
        {"sla": s.name, "side": s.side, "owner": s.owner, "kind": s.kind,
         "calendar": s.calendar, "starts_on": s.starts_on,
         "stops_on": sorted(t.value for t in s.stops_on), "target": s.target,
         "value": _target(s.target_value(terms)), "promise": s.promise}
        for s in SLAS
    ]  # fmt: skip
    if json_out:
        print_json(rows)
    else:
        cols = ["sla", "side", "owner", "kind", "calendar", "target", "value"]
        console.print(_table("SLAs (core/sla_catalog.py)", rows, cols))


def _target(value: object) -> Any:
    dump = getattr(value, "model_dump", None)
    return dump(mode="json") if callable(dump) else value
