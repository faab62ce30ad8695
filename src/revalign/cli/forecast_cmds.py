"""`revalign forecast submit|list|show|accuracy` and `revalign nps`."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

import typer
from rich.table import Table

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
from revalign.core.periods import parse_period
from revalign.errors import InputError

forecast_app = typer.Typer(help="Submitted and system forecasts, and how good they were.")
app.add_typer(forecast_app, name="forecast")

QuarterOption = Annotated[str, typer.Option("--quarter", help="Period: 2027Q1 (or 2027-01).")]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="ISO moment to look from (default now).")
]


def _period(text: str) -> str:
    try:
        return parse_period(text)
    except ValueError as exc:
        raise InputError(f"--quarter: {exc}") from None


def _frames(db: str | None) -> Any:
    from revalign.analytics.frames import load_frames
    from revalign.cli.common import open_existing_ledger

    ledger = open_existing_ledger(db)
    try:
        return load_frames(ledger)
    finally:
        ledger.close()


def _money(value: Any) -> str:
    return "" if value is None else f"{float(value):,.0f}"


@forecast_app.command("submit")
def submit(
    quarter: QuarterOption,
    by: Annotated[str, typer.Option("--by", help="Who forecasts (rep or manager id).")],
    commit: Annotated[Decimal, typer.Option("--commit", help="The committed amount.")],
    best_case: Annotated[
        Decimal | None, typer.Option("--best-case", help="The best-case amount.")
    ] = None,
    at: Annotated[str | None, typer.Option("--at", help="When (ISO; default now).")] = None,
    currency: Annotated[
        str | None, typer.Option("--currency", help="Default: the contract's.")
    ] = None,
    db: DbOption = None,
    contract: ContractOption = None,
    json_out: JsonOption = False,
) -> None:
    """Record a forecast: a commit (and a best case) for a period, by one person."""
    from revalign import services
    from revalign.cli.common import open_verb_engine
    from revalign.core.events import EventType

    period, when = _period(quarter), moment_or_now(at, "--at")
    if commit < 0 or (best_case is not None and best_case < 0):
        raise InputError("--commit and --best-case must be amounts >= 0")
    from revalign.auth.permissions import Action, require
    from revalign.cli.acting import cli_caller

    caller = cli_caller(db)
    require(caller, Action.FORECAST_WRITE)
    versioned = resolve_contract(contract)
    money = (currency or versioned.contract.currency).upper()
    amounts = {"commit": commit, "best_case": best_case}
    recorded = []
    with open_verb_engine(db, versioned, when) as engine:
        for category, amount in amounts.items():
            if amount is None:
                continue
            payload = {"period": period, "amount": amount, "currency": money, "by": by,
                       "category": category}  # fmt: skip
            services.submit_fact(engine, EventType.FORECAST_SUBMITTED, payload, at=when,
                                 caller=caller)  # fmt: skip
            recorded.append({"category": category, "amount": str(amount)})
    view = {"period": period, "by": by, "currency": money, "submitted_at": when.isoformat(),
            "recorded": recorded}  # fmt: skip
    if json_out:
        print_json(view)
        return
    parts = ", ".join(f"{r['category']} {r['amount']}" for r in recorded)
    console.print(f"forecast {period} by {by}: {parts} {money} at {when:%Y-%m-%d %H:%M} UTC")


@forecast_app.command("list")
def list_(quarter: QuarterOption, db: DbOption = None, json_out: JsonOption = False) -> None:
    """Every forecast submitted for a period, oldest first."""
    from revalign.analytics.forecast_report import submissions

    rows = submissions(_frames(db), _period(quarter))
    if json_out:
        print_json({"period": _period(quarter), "submissions": rows})
        return
    table = Table(title=f"forecasts submitted for {_period(quarter)}")
    for name in ("submitted_at", "by", "category", "amount", "currency"):
        table.add_column(name, justify="right" if name == "amount" else "left")
    for r in rows:
        table.add_row(r["submitted_at"][:16], r["by"], r["category"], _money(r["amount"]),
                      r["currency"])  # fmt: skip
    console.print(table)


@forecast_app.command("show")
def show(
    quarter: QuarterOption,
    rep: Annotated[str | None, typer.Option("--rep", help="One person's forecasts.")] = None,
    as_of: AsOfOption = None,
    db: DbOption = None,
    contract: ContractOption = None,
    json_out: JsonOption = False,
) -> None:
    """A period's submitted forecasts beside the system's (stage-weighted, run-rate, bands)."""
    from revalign.analytics.forecast_report import quarter_view

    currency = resolve_contract(contract).contract.currency
    view = quarter_view(
        _frames(db), _period(quarter), moment_or_now(as_of, "--as-of"), currency, rep
    )
    if json_out:
        print_json(view)
        return
    table = Table(title=f"forecast {view['period']} as of {view['as_of'][:16]} ({currency})")
    for name in ("forecast", "value", "90% band", "note"):
        table.add_column(name, justify="right" if name != "note" else "left")
    for p in view["submitted"]["people"]:
        table.add_row(f"{p['by']} commit / best case", _money(p["commit"]),
                      _money(p["best_case"]), "submitted")  # fmt: skip
    sub = view["submitted"]
    table.add_row("submitted commit (sum)", _money(sub["commit"]), _money(sub["best_case"]), "")
    for name, f in view["system"].items():
        band = "" if f["low"] is None else f"{_money(f['low'])} – {_money(f['high'])}"
        table.add_row(f"system {name}", _money(f["value"]), band, f["reason"] or "")
    console.print(table)
    console.print(f"won so far: {_money(view['won_so_far'])} {currency}")


@forecast_app.command("accuracy")
def accuracy(
    by: Annotated[str | None, typer.Option("--by", help="rep: one row per person.")] = None,
    as_of: AsOfOption = None,
    db: DbOption = None,
    contract: ContractOption = None,
    json_out: JsonOption = False,
) -> None:
    """Accuracy and bias of submitted and system forecasts against won revenue."""
    from revalign.analytics.forecast_report import accuracy_view

    if by not in (None, "rep"):
        raise InputError(f"--by {by!r}: only rep")
    currency = resolve_contract(contract).contract.currency
    view = accuracy_view(_frames(db), moment_or_now(as_of, "--as-of"), currency, by == "rep")
    if json_out:
        print_json(view)
        return
    title = f"forecast accuracy ({currency}; acc = 1 − |F − A| ÷ A; stage-weighted, run-rate)"
    table = Table(title=title)
    for name in ("period", "by", "actual", "commit", "acc", "bias",
                 "stage", "acc", "rate", "acc"):  # fmt: skip
        table.add_column(name, justify="left" if name in ("period", "by") else "right")
    for r in view["rows"]:
        f, a = r["forecast"], r["accuracy"]
        table.add_row(r["period"], r["by"], _k(r["actual"]), _k(f["submitted"]),
                      _pct(a["submitted"]), _pct(r["bias"]["submitted"]),
                      _k(f["stage_weighted"]), _pct(a["stage_weighted"]),
                      _k(f["run_rate"]), _pct(a["run_rate"]))  # fmt: skip
    console.print(table)
    if not view["rows"]:
        console.print("no commit forecast for a period that has ended")


def _k(value: Any) -> str:
    return "" if value is None else f"{float(value) / 1000:,.0f}k"


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:+.0%}" if value < 0 else f"{value:.0%}"


@app.command("nps")
def nps_command(db: DbOption = None, json_out: JsonOption = False) -> None:
    """Cross-team NPS by quarter: marketing's NPS of sales and sales' NPS of marketing."""
    from revalign.analytics.nps import by_quarter

    rows = by_quarter(_frames(db))
    if json_out:
        print_json({"quarters": rows})
        return
    table = Table(title="cross-team NPS (% answers 9-10 − % answers 0-6)")
    for name in ("quarter", "marketing of sales", "answers", "sales of marketing", "answers",
                 "cross-team NPS"):  # fmt: skip
        table.add_column(name, justify="left" if name == "quarter" else "right")
    for r in rows:
        m, s = "marketing_of_sales", "sales_of_marketing"
        table.add_row(r["quarter"], _score(r[m]), str(r[f"{m}_answers"]), _score(r[s]),
                      str(r[f"{s}_answers"]), _score(r["cross_team_nps"]))  # fmt: skip
    console.print(table)


def _score(value: float | None) -> str:
    return "" if value is None else f"{value:+.0f}"
