"""`revalign lead ...`, `revalign opp ...`, `revalign explain` and `revalign replay`.

Each command is a thin call into `revalign.services` (or `revalign.replay`); the funnel's
refusals (IllegalTransition, NotFound) reach the user as one line with exit code 2.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from revalign import services
from revalign.auth import Action, Caller, Role, can_see_lead, require
from revalign.cli.acting import cli_caller
from revalign.cli.app import app
from revalign.cli.common import (
    AtOption,
    ContractOption,
    DbOption,
    JsonOption,
    console,
    moment_or_now,
    open_existing_engine,
    open_verb_engine,
    parse_at,
    print_json,
    resolve_contract,
    resolve_db_url,
)
from revalign.cli.tables import ColumnsOption, CsvOption, LimitOption, parse_since
from revalign.errors import InputError
from revalign.services.views import LeadView, OpportunityView

lead_app = typer.Typer(help="Work one lead: SAL gate, touches, qualification, dispositions.")
opp_app = typer.Typer(help="Create and close opportunities.")
app.add_typer(lead_app, name="lead")
app.add_typer(opp_app, name="opp")

LeadArg = Annotated[str, typer.Argument(help="The lead id.")]
ByOption = Annotated[str, typer.Option("--by", help="Who does it (rep or manager id).")]
ReasonOption = Annotated[str, typer.Option("--reason", help="A reason code from the contract.")]
NoteOption = Annotated[str | None, typer.Option("--note", help="A free-text note.")]


@contextmanager
def _engine(
    db: str | None, contract: Path | None, *, read: bool = False, at: datetime | None = None,
    lead: str | None = None,
) -> Iterator[Any]:  # fmt: skip
    """Read commands open an existing ledger only; verbs also need one (and migrate it);
    a verb on one `lead` decides from that lead's projection rows when it can."""
    terms = resolve_contract(contract)
    engine = open_existing_engine(db, terms) if read else open_verb_engine(db, terms, at, lead)
    try:
        yield engine
    finally:
        engine.close()


def _out(model: LeadView, json_out: bool) -> None:
    view = model.model_dump()
    if json_out:
        print_json(view)
        return
    table = Table(title=f"Lead {view['lead_id']}: {view['stage']}", show_header=False)
    for key in ("email", "company", "title", "country", "source", "score", "owner", "team"):
        table.add_row(key, "" if view.get(key) is None else str(view[key]))
    cadence = view["cadence"]
    table.add_row(
        "cadence",
        f"{cadence['touches']} touches; missing {cadence['touches_missing']} touches, "
        f"{cadence['days_missing']} days",
    )
    if view.get("reason"):
        table.add_row("reason", str(view["reason"]))
    for clock in view["clocks"]:
        state = "running" if clock["stopped_at"] is None else ("met" if clock["met"] else "late")
        state += " (breached)" if clock["breached"] else ""
        table.add_row(f"sla {clock['sla']}", f"{state}; due {clock['due_at']:%Y-%m-%d %H:%M} UTC")
    history = " → ".join(h["stage"] for h in view["history"])
    table.add_row("history", history)
    console.print(table)


@lead_app.command("show")
def show(lead_id: LeadArg, at: AtOption = None, db: DbOption = None,
         contract: ContractOption = None, json_out: JsonOption = False) -> None:  # fmt: skip
    """Show a lead: stage, owner, score at --at, SLA clocks, cadence and history."""
    with _engine(db, contract, read=True) as engine:
        _out(services.lead_show(engine, cli_caller(db), lead_id, moment_or_now(at)), json_out)


@lead_app.command("accept")
def accept(lead_id: LeadArg, by: ByOption,
           owner: Annotated[str | None, typer.Option(help="Owner rep (default: routed).")] = None,
           note: NoteOption = None, at: AtOption = None, db: DbOption = None,
           contract: ContractOption = None, json_out: JsonOption = False) -> None:  # fmt: skip
    """Accept an MQL at the SAL gate: the owner gets the first-contact clock."""
    when = parse_at(at)
    with _engine(db, contract, at=when, lead=lead_id) as engine:
        view = services.accept(engine, cli_caller(db), lead_id, by, owner, note, at=when)
        _out(view, json_out)


@lead_app.command("reject")
def reject(lead_id: LeadArg, by: ByOption, reason: ReasonOption, note: NoteOption = None,
           at: AtOption = None, db: DbOption = None, contract: ContractOption = None,
           json_out: JsonOption = False) -> None:  # fmt: skip
    """Reject an MQL at the SAL gate with a reason code: it goes back to marketing."""
    when = parse_at(at)
    with _engine(db, contract, at=when, lead=lead_id) as engine:
        _out(services.reject(engine, cli_caller(db), lead_id, reason, by, note, at=when), json_out)


@lead_app.command("qualify")
def qualify(lead_id: LeadArg, by: ByOption,
            field: Annotated[list[str], typer.Option("--field", help="NAME=VALUE, repeated.")],
            at: AtOption = None, db: DbOption = None, contract: ContractOption = None,
            json_out: JsonOption = False) -> None:  # fmt: skip
    """Record BANT / MEDDIC qualification: the lead becomes an SQL."""
    when = parse_at(at)
    with _engine(db, contract, at=when, lead=lead_id) as engine:
        fields = parse_fields(field)
        _out(services.qualify(engine, cli_caller(db), lead_id, fields, by, at=when), json_out)


@lead_app.command("touch")
def touch(lead_id: LeadArg, by: ByOption,
          kind: Annotated[str, typer.Option(help="call, email, linkedin or meeting.")],
          outcome: Annotated[str | None, typer.Option(help="e.g. connected, voicemail.")] = None,
          note: NoteOption = None, at: AtOption = None, db: DbOption = None,
          contract: ContractOption = None, json_out: JsonOption = False) -> None:  # fmt: skip
    """Log a rep touch (the first one stops the first-contact clock)."""
    when = parse_at(at)
    with _engine(db, contract, at=when, lead=lead_id) as engine:
        view = services.touch(engine, cli_caller(db), lead_id, kind, by, outcome, note, at=when)
        _out(view, json_out)


@lead_app.command("disqualify")
def disqualify(lead_id: LeadArg, by: ByOption, reason: ReasonOption, note: NoteOption = None,
               at: AtOption = None, db: DbOption = None, contract: ContractOption = None,
               json_out: JsonOption = False) -> None:  # fmt: skip
    """Disqualify a worked lead (after the touch cadence, unless the reason is exempt)."""
    when = parse_at(at)
    with _engine(db, contract, at=when, lead=lead_id) as engine:
        view = services.disqualify(engine, cli_caller(db), lead_id, reason, by, note, at=when)
        _out(view, json_out)


@lead_app.command("recycle")
def recycle(lead_id: LeadArg, by: ByOption, reason: ReasonOption,
            reengage_on: Annotated[str | None, typer.Option(help="YYYY-MM-DD.")] = None,
            at: AtOption = None, db: DbOption = None, contract: ContractOption = None,
            json_out: JsonOption = False) -> None:  # fmt: skip
    """Send a good lead with the wrong timing back to marketing nurture."""
    on = _date(reengage_on) if reengage_on else None
    when = parse_at(at)
    with _engine(db, contract, at=when, lead=lead_id) as engine:
        _out(services.recycle(engine, cli_caller(db), lead_id, reason, by, on, at=when), json_out)


@opp_app.command("create")
def opp_create(lead_id: LeadArg, amount: Annotated[str, typer.Option(help="e.g. 25000.00")],
               decision_process: Annotated[str, typer.Option(help="How they decide.")],
               stakeholder: Annotated[list[str], typer.Option(help="Repeated.")],
               decision_date: Annotated[str, typer.Option(help="YYYY-MM-DD.")],
               opp_id: Annotated[str | None, typer.Option("--id", help="OPP-<lead>.")] = None,
               currency: Annotated[str | None, typer.Option(help="Default: contract's.")] = None,
               at: AtOption = None, db: DbOption = None, contract: ContractOption = None,
               json_out: JsonOption = False) -> None:  # fmt: skip
    """Open the opportunity of an SQL (decision process, stakeholders, decision date)."""
    when = parse_at(at)
    with _engine(db, contract, at=when) as engine:
        view = services.create_opportunity(
            engine, cli_caller(db), lead_id, amount, opportunity_id=opp_id, currency=currency,
            decision_process=decision_process, stakeholders=stakeholder,
            decision_date=_date(decision_date), at=when,
        )  # fmt: skip
        _out(view, json_out)


@opp_app.command("won")
def opp_won(opp_id: Annotated[str, typer.Argument(help="The opportunity id.")],
            amount: Annotated[str | None, typer.Option(help="Final amount.")] = None,
            at: AtOption = None, db: DbOption = None, contract: ContractOption = None,
            json_out: JsonOption = False) -> None:  # fmt: skip
    """Close an opportunity won."""
    when = parse_at(at)
    with _engine(db, contract, at=when) as engine:
        _print_opp(services.close_won(engine, cli_caller(db), opp_id, amount, at=when), json_out)


@opp_app.command("lost")
def opp_lost(opp_id: Annotated[str, typer.Argument(help="The opportunity id.")],
             reason: ReasonOption, at: AtOption = None, db: DbOption = None,
             contract: ContractOption = None, json_out: JsonOption = False) -> None:  # fmt: skip
    """Close an opportunity lost, with a reason from the contract."""
    when = parse_at(at)
    with _engine(db, contract, at=when) as engine:
        _print_opp(services.close_lost(engine, cli_caller(db), opp_id, reason, at=when), json_out)


@app.command("explain")
def explain(lead_id: LeadArg, at: AtOption = None, db: DbOption = None,
            contract: ContractOption = None, json_out: JsonOption = False) -> None:  # fmt: skip
    """Why a lead has its score at --at: every rule that fired and its points."""
    from revalign.core.explain import explain_lead, render_explanation

    with _engine(db, contract, read=True) as engine:
        when = moment_or_now(at)
        view = services.explain(engine, cli_caller(db), lead_id, when)
        record = engine.lead_record(lead_id)  # the projections: no state load
        assert record is not None  # services.explain found it
        expl = explain_lead(record.lead, engine.contract, when)
    if json_out:
        print_json(view.report)
    else:
        console.print(render_explanation(expl))


@app.command("replay")
def replay(other: Annotated[Path, typer.Option("--contract", help="The contract to replay under.")],
           recorded: Annotated[Path | None, typer.Option(
               "--recorded", help="The contract the history ran under (default: the one in use)."
           )] = None,
           as_of: Annotated[str | None, typer.Option(
               "--as-of", help="ISO moment both runs are measured at (default: the last fact)."
           )] = None,
           db: DbOption = None, json_out: JsonOption = False) -> None:  # fmt: skip
    """Re-run the recorded history under another contract, in memory, and show the difference."""
    from revalign.contract.loader import load_contract
    from revalign.replay import replay_ledger

    require(cli_caller(db), Action.REPLAY_RUN)
    when = parse_at(as_of, "--as-of")
    result = replay_ledger(resolve_db_url(db), resolve_contract(recorded), load_contract(other),
                           when)  # fmt: skip
    if json_out:
        print_json(result)
        return
    console.print(replay_table(result, f"Replay under {other}"))


def _value(value: Any) -> str:
    return "—" if value is None else f"{value:g}"


def replay_table(result: dict[str, Any], title: str) -> Table:
    """One row per metric (per sub-key for the maps); an empty map is one `(none)` row."""
    table = Table(title=title)
    for name in ("metric", "recorded", "replayed", "diff"):
        table.add_column(name, justify="left" if name == "metric" else "right")
    parts = ("recorded", "replayed", "diff")
    for key, value in result["recorded"].items():
        if isinstance(value, dict):
            if not value:  # nothing in either run: say so, never show another run's values
                table.add_row(escape(f"{key}"), "(none)", "(none)", "—")
            for sub in value:
                cells = [_value(result[part][key].get(sub)) for part in parts]
                table.add_row(escape(f"{key}[{sub}]"), *cells)  # not markup
        else:
            table.add_row(key, *(_value(result[part][key]) for part in parts))
    return table


def _print_opp(model: OpportunityView, json_out: bool) -> None:
    view = model.model_dump()
    if json_out:
        print_json(view)
    else:
        console.print(f"opportunity {view['opportunity_id']}: {view['stage']} "
                      f"{view['amount']} {view['currency']}")  # fmt: skip


def parse_fields(items: list[str]) -> dict[str, str]:
    """`["budget=50000", "authority=CFO"]` -> {"budget": "50000", "authority": "CFO"}."""
    fields: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InputError(f"--field {item!r}: use NAME=VALUE, e.g. --field budget=50000")
        fields[name.strip()] = value.strip()
    return fields


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{text!r} is not a date (use YYYY-MM-DD)") from None


# -- lead list / lead find (read the projection tables) -------------------------------

_LIST_DEFAULT = ("lead_id", "name", "company", "stage", "owner", "channel", "score", "created_at")
_QUEUE_DEFAULT = ("lead_id", "name", "company", "owner", "team", "sla", "due_at", "breached")
_FIND_DEFAULT = ("lead_id", "name", "email", "company", "stage", "owner")
_RIGHT = ("score",)


def _show_leads(rows: list[dict[str, Any]], default: tuple[str, ...], title: str,
                columns: str | None, json_out: bool, csv_out: bool) -> None:  # fmt: skip
    from revalign.cli.tables import pick_columns, print_records
    from revalign.lead_queries import LEAD_COLUMNS

    shown = pick_columns(columns, LEAD_COLUMNS, default)
    print_records(rows, shown, all_columns=LEAD_COLUMNS, json_out=json_out, csv_out=csv_out,
                  columns_given=columns is not None, title=title, right=_RIGHT)  # fmt: skip


def _row_rule(caller: Caller, owner: str | None, team: str | None) -> tuple[str | None, str | None]:
    """The owner / team filters the caller's role imposes (a rep: their own leads)."""
    require(caller, Action.LEAD_READ)
    if caller.role == Role.REP:
        return caller.rep_id or "", team
    if caller.role == Role.SALES_MANAGER:
        return owner, caller.team or ""
    return owner, team


def _count(rows: list[dict[str, Any]]) -> str:
    return f"{len(rows)} lead" + ("" if len(rows) == 1 else "s")


@lead_app.command("list")
def lead_list(stage: Annotated[str | None, typer.Option(help="Only this stage (e.g. mql).")] = None,
              owner: Annotated[str | None, typer.Option(help="Only this owner (rep).")] = None,
              team: Annotated[str | None, typer.Option(help="Only this team.")] = None,
              queue: Annotated[str | None, typer.Option(
                  help="sal-review (MQLs at the SAL gate), first-contact (accepted, not "
                       "touched yet) or breached (a clock breached).")] = None,
              channel: Annotated[str | None, typer.Option(help="Only this channel.")] = None,
              campaign: Annotated[str | None, typer.Option(help="Only this campaign.")] = None,
              created_since: Annotated[str | None, typer.Option(
                  help="Created on or after this date (YYYY-MM-DD).")] = None,
              columns: ColumnsOption = None, limit: LimitOption = None,
              db: DbOption = None, json_out: JsonOption = False,
              csv_out: CsvOption = False) -> None:  # fmt: skip
    """List leads by stage, owner, team, channel, campaign or work queue."""
    from revalign.cli.common import open_existing_ledger
    from revalign.lead_queries import LeadFilter, list_leads

    owner, team = _row_rule(cli_caller(db), owner, team)
    wanted = LeadFilter(
        stage=stage, owner=owner, team=team, queue=queue, channel=channel, campaign=campaign,
        created_since=parse_since(created_since, "--created-since"), limit=limit,
    )  # fmt: skip
    ledger = open_existing_ledger(db)
    try:
        rows = list_leads(ledger, wanted)
    finally:
        ledger.close()
    title = _count(rows) + (f" in queue {queue}" if queue else "")
    _show_leads(rows, _QUEUE_DEFAULT if queue else _LIST_DEFAULT, title, columns, json_out,
                csv_out)  # fmt: skip


@lead_app.command("find")
def lead_find(query: Annotated[str, typer.Argument(help="An e-mail (exact) or a name/company.")],
              columns: ColumnsOption = None, limit: LimitOption = None,
              db: DbOption = None, json_out: JsonOption = False,
              csv_out: CsvOption = False) -> None:  # fmt: skip
    """Find leads by e-mail (exact, any case) or by name / company (best matches first)."""
    from revalign.cli.common import open_existing_ledger
    from revalign.lead_queries import find_leads

    caller = cli_caller(db)
    _row_rule(caller, None, None)
    ledger = open_existing_ledger(db)
    try:
        rows = find_leads(ledger, query, None)
    finally:
        ledger.close()
    rows = [r for r in rows if can_see_lead(caller, SimpleNamespace(**r))][:limit]
    _show_leads(rows, _FIND_DEFAULT, f"{_count(rows)} matching {query!r}", columns,
                json_out, csv_out)  # fmt: skip
