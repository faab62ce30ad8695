"""`revalign attribution`: credit conversions and revenue to channels with one model."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from revalign.analytics.attribution.models import MODELS
from revalign.analytics.attribution.report import (
    attribution_report,
    input_from_file,
)
from revalign.analytics.money import Excluded, describe
from revalign.cli.app import app, err_console
from revalign.cli.common import (
    ContractOption,
    DbOption,
    JsonOption,
    console,
    open_existing_ledger,
    print_json,
    resolve_contract,
)
from revalign.cli.paths import readable_file
from revalign.contract.schema import Contract
from revalign.errors import InputError


@app.command("attribution")
def attribution(
    model: Annotated[str, typer.Option("--model", help=f"One of: {', '.join(MODELS)}.")],
    journeys: Annotated[
        Path | None,
        typer.Option(
            "--journeys",
            help="CSV: journey_id, occurred_at, channel, converted[, value].",
            callback=readable_file,
        ),
    ] = None,
    lookback_days: Annotated[
        float | None, typer.Option("--lookback-days", help="Only touches this close to the end.")
    ] = None,
    half_life_days: Annotated[
        float, typer.Option("--half-life-days", help="Half-life of time_decay, in days.")
    ] = 7.0,
    db: DbOption = None,
    contract: ContractOption = None,
    json_out: JsonOption = False,
) -> None:
    """Attribute conversions and revenue to channels (journeys file, or the ledger)."""
    if model not in MODELS:
        raise InputError(f"unknown model {model!r}; choose one of {', '.join(MODELS)}")
    if journeys:
        data = input_from_file(journeys)
        report = attribution_report(
            data, model, lookback_days=lookback_days, half_life_days=half_life_days
        )
    else:
        report = _ledger_report(db, resolve_contract(contract).contract, model, lookback_days,
                                half_life_days)  # fmt: skip
    if report.get("rejected_rows"):
        err_console.print(f"warning: {report['rejected_rows']} row(s) rejected (see JSON)")
    if json_out:
        print_json(report)
        return
    console.print(_table(report))
    for line in _money_notes(report):
        console.print(line)


def _money_notes(report: dict[str, Any]) -> list[str]:
    """Lines under the table: what was left out for want of an exchange rate."""
    excluded = report.get("excluded", {})
    lines = [f"ROI of {c} unknown: {why}" for c, why in report.get("roi_null_reasons", {}).items()]
    if excluded.get("revenue"):
        items = [Excluded(e["currency"], e["count"], e["total"]) for e in excluded["revenue"]]
        lines.append(
            f"revenue left out (no exchange rate to {report['currency']}): {describe(items)}"
        )
    return lines


def _ledger_report(
    db: str | None,
    contract: Contract,
    model: str,
    lookback_days: float | None,
    half_life_days: float,
) -> dict[str, Any]:
    """The attribution verb over the ledger, as the caller (`--as`) may read it."""
    from revalign.cli.acting import cli_caller
    from revalign.services.analytics import attribution as attribution_verb

    caller = cli_caller(db)
    ledger = open_existing_ledger(db)
    try:
        return attribution_verb(ledger, contract, caller, model, lookback_days=lookback_days,
                                half_life_days=half_life_days).report  # fmt: skip
    finally:
        ledger.close()


def _table(report: dict[str, Any]) -> Table:
    table = Table(title=f"Attribution: {report['model']} ({report['journeys']} journeys)")
    for name in ("channel", "share", "conversions", "revenue", "roi"):
        table.add_column(name, justify="left" if name == "channel" else "right")
    roi = report.get("roi", {})
    for channel, share in sorted(report["shares"].items(), key=lambda kv: -kv[1]):
        r = roi.get(channel)
        table.add_row(
            channel,
            f"{share:.1%}",
            f"{report['conversions'][channel]:.1f}",
            f"{report['revenue'][channel]:,.0f}",
            "" if r is None else f"{r:.2f}",
        )
    return table
