"""`revalign route explain`, `revalign account match|review`, `revalign lead merge|unmerge`."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from revalign.cli.app import app
from revalign.cli.common import (
    AtOption,
    ContractOption,
    DbOption,
    JsonOption,
    console,
    open_existing_engine,
    open_existing_ledger,
    open_verb_engine,
    parse_at,
    print_json,
    resolve_contract,
)
from revalign.cli.lead_cmds import ByOption, LeadArg, lead_app

route_app = typer.Typer(help="Why did this lead go there? Routing decisions and their traces.")
account_app = typer.Typer(help="Lead-to-account matching: explain one lead, review near misses.")
app.add_typer(route_app, name="route")
app.add_typer(account_app, name="account")


@route_app.command("explain")
def route_explain(lead_id: LeadArg, db: DbOption = None, json_out: JsonOption = False) -> None:
    """Every routing decision of the lead: rules evaluated, account, candidates skipped."""
    ledger = open_existing_ledger(db)
    try:
        from revalign import routing_queries as rq  # rapidfuzz: not for other verbs

        view = rq.route_explain(ledger, lead_id)
    finally:
        ledger.close()
    if json_out:
        print_json(view)
        return
    for d in view["decisions"]:
        console.print(f"[bold]{d['at']:%Y-%m-%d %H:%M} UTC -> {escape(str(d['owner']))}[/] "
                      f"({d['team']}, rule {d['rule']}, {d['method']})")  # fmt: skip
        console.print(f"  {escape(str(d['reason']))}")
        _trace(d["trace"], d.get("account"))


def _trace(trace: dict[str, Any], account: dict[str, Any] | None) -> None:
    if account:
        console.print(f"  account: {account.get('account_id') or '-'} "
                      f"({account.get('rule')}, score {account.get('score')}): "
                      f"{escape(str(account.get('detail')))}")  # fmt: skip
    owner = trace.get("account_owner")
    if owner:
        skipped = f"; skipped: {owner['skipped']}" if owner.get("skipped") else ""
        why = escape(str(owner.get("why")))
        console.print(f"  account owner: {owner.get('owner')} — {why}{skipped}")
    for step in trace.get("rules", []):
        mark = "✓" if step["matched"] else "✗"
        why = "" if step["matched"] else f": {escape(str(step['why']))}"
        console.print(f"  {mark} rule {step['rule']} [{escape(step['when'])}]{why}")
    for c in trace.get("candidates", []):
        state = f"skipped: {c['skipped']}" if c["skipped"] else "eligible"
        console.print(f"    {c['rep']}: {c['load']} open, {state}")


@route_app.command("report")
def route_report(period: Annotated[str, typer.Option("--period", help="2027Q1, 2027-01 or 2027.")],
                 db: DbOption = None, contract: ContractOption = None,
                 json_out: JsonOption = False) -> None:  # fmt: skip
    """Fairness: leads per rep against weights and capacity, speed to route, reassignments."""
    from revalign.analytics.routing_report import routing_report
    from revalign.core.periods import parse_period, period_bounds
    from revalign.errors import InputError

    try:
        name = parse_period(period)
    except ValueError as exc:
        raise InputError(f"--period: {exc}") from None
    bounds = period_bounds(name)
    assert bounds is not None
    terms = resolve_contract(contract)
    ledger = open_existing_ledger(db)
    try:
        view = routing_report(ledger, terms.contract, name, *bounds)
    finally:
        ledger.close()
    if json_out:
        print_json(view)
        return
    table = Table(title=f"Routing {name}: {view['assignments']} assignments")
    for col in ("rep", "team", "leads", "share", "weight share", "capacity", "reassigned away"):
        table.add_column(col)
    for r in view["reps"]:
        cells = [r["rep"], r["team"], str(r["leads"]), _num(r["share"]), _num(r["weight_share"])]
        table.add_row(*cells, str(r["capacity"]), str(r["reassigned_away"]))
    console.print(table)
    s = view["speed_to_route"]
    console.print(f"speed to route: {s['routed']} of {s['mqls']} MQLs routed; "
                  f"p50 {_num(s['p50_minutes'])} min, p99 {_num(s['p99_minutes'])} min, "
                  f"within {s['sla_minutes']:g} min: {_num(s['within_sla'])}"
                  + (f" ({s['reason']})" if s["reason"] else ""))  # fmt: skip
    r = view["reassignments"]
    console.print(f"reassignments: {r['total']} {r['by_cause'] or ''}")


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:g}"


@account_app.command("match")
def account_match(lead_id: LeadArg,
                  explain: Annotated[bool, typer.Option("--explain", help="Show why.")] = False,
                  db: DbOption = None, contract: ContractOption = None,
                  json_out: JsonOption = False) -> None:  # fmt: skip
    """The lead's account: by domain, else fuzzy company name above the threshold."""
    engine = open_existing_engine(db, resolve_contract(contract))
    try:
        from revalign import routing_queries as rq  # rapidfuzz: not for other verbs

        view = rq.account_match(engine, lead_id)
    finally:
        engine.close()
    if json_out:
        print_json(view)
        return
    console.print(f"{lead_id}: {view['account_id'] or 'no account'} ({view['rule']}, "
                  f"score {view['score']})")  # fmt: skip
    if explain:
        console.print(f"  {escape(str(view['detail']))}")
        for near in view["near"]:
            console.print(f"  near: {near['account_id']} ({near['score']})")


@account_app.command("review")
def account_review(db: DbOption = None, contract: ContractOption = None,
                   json_out: JsonOption = False) -> None:  # fmt: skip
    """Leads whose company name is just below the match threshold of an account."""
    engine = open_existing_engine(db, resolve_contract(contract))
    try:
        from revalign import routing_queries as rq  # rapidfuzz: not for other verbs

        rows = rq.review_queue(engine)
    finally:
        engine.close()
    if json_out:
        print_json(rows)
        return
    if not rows:
        console.print("nothing to review")
    for r in rows:
        name = escape(str(r["candidate_name"]))
        company = escape(str(r["company"]))
        console.print(f"{r['lead_id']}: {company} ~ {name} ({r['candidate']}, {r['score']})")


@lead_app.command("merge")
def lead_merge(lead_id: LeadArg,
               into: Annotated[str, typer.Option("--into", help="The surviving lead id.")],
               by: ByOption, at: AtOption = None, db: DbOption = None,
               contract: ContractOption = None, json_out: JsonOption = False) -> None:  # fmt: skip
    """Merge a duplicate lead into another: one lead with both histories."""
    when = parse_at(at)
    engine = open_verb_engine(db, resolve_contract(contract), when)
    try:
        from revalign import routing_queries as rq  # rapidfuzz: not for other verbs

        view = rq.merge(engine, lead_id, into, by, when)
    finally:
        engine.close()
    print_json(view) if json_out else console.print(f"merged {lead_id} into {into}")


@lead_app.command("unmerge")
def lead_unmerge(lead_id: LeadArg, by: ByOption, at: AtOption = None, db: DbOption = None,
                 contract: ContractOption = None,
                 json_out: JsonOption = False) -> None:  # fmt: skip
    """Undo a merge: the duplicate lead comes back as it was."""
    when = parse_at(at)
    engine = open_verb_engine(db, resolve_contract(contract), when)
    try:
        from revalign import routing_queries as rq  # rapidfuzz: not for other verbs

        view = rq.unmerge(engine, lead_id, by, when)
    finally:
        engine.close()
    print_json(view) if json_out else console.print(f"unmerged {lead_id} from {view['from']}")
