"""`revalign worker`: run the SLA clock continuously and deliver the notices it raises."""

from __future__ import annotations

import json as jsonlib
import signal
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

import typer

from revalign.cli.app import app
from revalign.cli.common import (
    ContractOption,
    DbOption,
    JsonOption,
    open_existing_ledger,
    resolve_contract,
)
from revalign.engine import Engine, utc_now
from revalign.errors import InputError
from revalign.notify.deliver import CHECKPOINT
from revalign.notify.worker import StepReport, open_worker


def _until(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"--until {value!r} is not an ISO date-time") from exc
    if parsed.tzinfo is None:
        raise InputError(f"--until {value!r} needs a time zone (e.g. {value}+00:00 or Z)")
    return parsed


def _on_sigterm(stop: Callable[[], None]) -> Any:
    """Stop between steps on SIGTERM; the previous handler, or None off the main thread."""
    try:
        return signal.signal(signal.SIGTERM, lambda *_: stop())
    except ValueError:  # signals can only be set in the main thread
        return None


def _syncer(engine: Engine, contract: Any, systems: list[str]) -> Callable[[], None]:
    """One sync pass per system after each step (`--sync`); a failed pass is reported and
    tried again next step (its progress is saved page by page)."""
    if not systems:
        return lambda: None
    from revalign.connectors.sync.factory import open_connector
    from revalign.connectors.sync.runner import sync_once
    from revalign.connectors.sync.settings import load_settings
    from revalign.errors import UserError

    connectors = [open_connector(s, contract, load_settings(s)) for s in systems]

    def run() -> None:
        for c in connectors:
            try:
                report = sync_once(c, engine)
            except UserError as exc:
                typer.echo(f"sync {c.system} failed, retrying next step: {exc}", err=True)
                continue
            if report.new or report.pushed or report.push_errors:
                typer.echo(f"sync {c.system}: {report.new} new facts, {report.pushed} pushed")

    return run


def _line(report: StepReport, as_json: bool) -> str:
    d, t = report.delivery, report.tick
    if as_json:
        data = {"at": report.at.isoformat(), "ticked": t.new + t.derived, **d.to_dict()}
        return jsonlib.dumps({**data, "errors": d.errors})
    text = (
        f"{report.at:%Y-%m-%d %H:%M:%S} UTC  due now: {t.new + t.derived}  "
        f"delivered: {d.delivered}  failed: {d.failed}  waiting: {d.waiting}"
    )
    return "\n".join([text, *(f"  failed: {e}" for e in d.errors)])


@app.command()
def worker(
    db: DbOption = None,
    contract: ContractOption = None,
    interval: Annotated[
        float, typer.Option("--interval", min=1, help="Seconds between ticks.")
    ] = 60.0,
    once: Annotated[
        bool, typer.Option("--once", help="One tick and delivery pass, then exit.")
    ] = False,
    until: Annotated[
        str | None, typer.Option("--until", help="Stop when the clock reaches this ISO time.")
    ] = None,
    skip_backlog: Annotated[
        bool,
        typer.Option(
            "--skip-backlog",
            help="On the first run, deliver nothing already in the ledger (start at its end).",
        ),
    ] = False,
    json: JsonOption = False,
    sync: Annotated[
        list[str] | None,
        typer.Option(
            "--sync",
            help="Also sync this system (salesforce or hubspot) each step; repeat for both.",
        ),
    ] = None,
) -> None:
    """Tick the SLA clocks and deliver warnings, breaches and escalations (webhook, e-mail)."""
    stop_at = _until(until)
    versioned = resolve_contract(contract)
    ledger = open_existing_ledger(db)
    stop = threading.Event()
    previous = _on_sigterm(stop.set)
    try:
        engine = Engine(ledger, versioned)
        w = open_worker(engine)
        if skip_backlog and ledger.checkpoint(CHECKPOINT) == 0:
            ledger.save_checkpoint(CHECKPOINT, ledger.last_seq())

        synced = _syncer(engine, versioned, sync or [])

        def show(report: StepReport) -> None:
            synced()
            d, t = report.delivery, report.tick
            if once or t.new or t.derived or d.delivered or d.failed or d.waiting:
                typer.echo(_line(report, json))  # the loop stays quiet while nothing happens

        if once:
            show(w.step(utc_now()))
            return

        def complain(message: str) -> None:
            typer.echo(f"step failed, retrying in {interval:g} s: {message}", err=True)

        w.run(utc_now, stop.wait, interval=interval, until=stop_at, on_step=show, on_error=complain)
    except KeyboardInterrupt:
        pass  # Ctrl-C between steps: everything done so far is recorded
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        ledger.close()
