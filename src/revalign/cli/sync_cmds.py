"""`revalign connect`, `sync`, `reconcile` and `conflicts`: two-way sync with a CRM / MAP."""

from __future__ import annotations

import signal
import threading
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from revalign.cli.app import app
from revalign.cli.common import (
    ContractOption,
    DbOption,
    JsonOption,
    console,
    open_existing_engine,
    print_json,
    resolve_contract,
    resolve_db_url,
)
from revalign.errors import InputError

SystemArg = Annotated[str, typer.Argument(help="salesforce or hubspot.")]
SecretsOption = Annotated[
    Path | None,
    typer.Option(
        "--secrets",
        help="KEY=VALUE file with the credentials (default: $REVALIGN_SECRETS_FILE); "
        "the environment wins over it.",
    ),
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Print the changes; write nothing anywhere.")
]


def _connector(system: str, contract: Any, secrets: Path | None) -> Any:
    from revalign.connectors.sync.factory import open_connector
    from revalign.connectors.sync.settings import load_settings

    return open_connector(system, contract, load_settings(system, secrets=secrets))


@app.command()
def connect(
    system: SystemArg,
    check: Annotated[
        bool, typer.Option("--check", help="Call the system: token, objects, fields, scopes.")
    ] = False,
    contract: ContractOption = None,
    secrets: SecretsOption = None,
    json: JsonOption = False,
) -> None:
    """Show the credentials set for a system (never their values) and, with --check, what works."""
    from revalign.connectors.sync.settings import load_settings, redacted

    settings = redacted(load_settings(system, secrets=secrets))
    checks = []
    if check:
        checks = _connector(system, resolve_contract(contract), secrets).check()
    if json:
        print_json({"system": system, "settings": settings, "checks": [asdict(c) for c in checks]})
    else:
        for key, value in settings.items():
            console.print(f"{key}: {value}", highlight=False)
        for c in checks:
            mark = "[green]ok[/]" if c.ok else "[red]missing[/]"
            console.print(f"{mark} {c.what}: {c.detail}", highlight=False)
    if checks and not all(c.ok for c in checks):
        raise typer.Exit(2)


def _summary(report: Any) -> str:
    pulled = sum(report.pulled.values())
    text = (
        f"{report.system}: pulled {pulled} records, {report.new} new facts "
        f"({report.duplicates} already known, {report.derived} derived), "
        f"{len(report.rejected)} rejected, {len(report.refusals)} refused by the funnel, "
        f"{report.conflicts} conflicts; pushed {report.pushed} updates"
        f" ({len(report.push_errors)} failed)"
    )
    if report.retries:
        text += f"; {report.retries} retries, {report.waited_seconds:g} s waited"
    return text


@app.command("sync")
def sync_command(
    system: SystemArg,
    once: Annotated[bool, typer.Option("--once", help="One pass, then exit (default).")] = False,
    follow: Annotated[
        bool, typer.Option("--follow", help="Keep syncing every --interval seconds.")
    ] = False,
    interval: Annotated[
        float, typer.Option("--interval", min=1, help="Seconds between passes (--follow).")
    ] = 60.0,
    dry_run: DryRunOption = False,
    db: DbOption = None,
    contract: ContractOption = None,
    secrets: SecretsOption = None,
    json: JsonOption = False,
) -> None:
    """Pull changes from Salesforce or HubSpot into the ledger and push revalign's decisions."""
    from revalign.engine import open_engine

    if once and follow:
        raise InputError("--once and --follow exclude each other")
    versioned = resolve_contract(contract)
    connector = _connector(system, versioned, secrets)
    stop = threading.Event()
    try:
        previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    except ValueError:
        previous = None
    engine = open_engine(resolve_db_url(db), versioned)
    try:
        while True:
            report = _one_pass(connector, engine, system, dry_run)
            _print_report(report, json)
            if not follow or stop.wait(interval):
                return
    except KeyboardInterrupt:
        pass  # between pages: everything done so far is saved with its cursor
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        engine.close()


def _one_pass(connector: Any, engine: Any, system: str, dry_run: bool) -> Any:
    """One sync pass with a spinner on stderr naming the object and the records so far."""
    from rich.progress import Progress, SpinnerColumn, TextColumn

    from revalign.connectors.sync.runner import sync_once

    columns = (SpinnerColumn(), TextColumn("{task.description}"))
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(f"syncing {system}")

        def shown(obj: str, count: int) -> None:
            bar.update(task, description=f"{system} {obj}: {count} records")

        return sync_once(connector, engine, dry_run=dry_run, progress=shown)


def _print_report(report: Any, json: bool) -> None:
    if json:
        print_json(report.to_dict())
        return
    console.print(_summary(report), highlight=False)
    for r in report.rejected[:20]:
        console.print(f"  rejected {r['object']} {r['id']}: {r['reason']}", highlight=False)
    for r in report.refusals[:20]:
        console.print(f"  refused {r.source_id}: {r.reason}", highlight=False)
    for e in report.push_errors[:20]:
        console.print(f"  push failed {e['object']} {e['id']}: {e['error']}", highlight=False)
    if report.dry_run:
        for ev in report.planned_events:
            console.print(
                f"  would add {ev['type']} {ev['lead_id'] or ev['opportunity_id']}: "
                f"{ev['payload']}",
                highlight=False,
            )
        for u in report.planned_updates:
            console.print(f"  would set {u['object']} {u['id']}: {u['fields']}", highlight=False)


@app.command()
def reconcile(
    system: Annotated[
        str | None, typer.Option("--system", help="salesforce or hubspot (default: both set up).")
    ] = None,
    repair: Annotated[
        bool, typer.Option("--repair", help="Fix what field ownership allows (try --dry-run).")
    ] = False,
    dry_run: DryRunOption = False,
    db: DbOption = None,
    contract: ContractOption = None,
    secrets: SecretsOption = None,
    json: JsonOption = False,
) -> None:
    """Compare revalign with the CRM / MAP record by record and by stage count."""
    from revalign.connectors.sync.reconcile import reconcile as run_reconcile
    from revalign.connectors.sync.settings import SYSTEMS, load_settings

    if dry_run and not repair:
        raise InputError("--dry-run goes with --repair (reconcile alone never writes)")
    versioned = resolve_contract(contract)
    systems = [system] if system else [s for s in SYSTEMS if load_settings(s, secrets=secrets)]
    if not systems:
        raise InputError("no system is set up: see `revalign connect salesforce|hubspot`")
    reports = []
    with open_existing_engine(db, versioned) as engine:
        for name in systems:
            connector = _connector(name, versioned, secrets)
            reports.append(run_reconcile(connector, engine, repair=repair, dry_run=dry_run))
    if json:
        print_json([r.to_dict() for r in reports] if len(reports) > 1 else reports[0].to_dict())
        return
    for r in reports:
        _print_reconcile(r)


def _print_reconcile(r: Any) -> None:
    console.print(
        f"{r.system}: {r.records} records, {r.matched} matched, {len(r.mismatches)} mismatches",
        highlight=False,
    )
    table = Table("stage", "revalign", r.system)
    for stage, counts in r.stage_counts.items():
        table.add_row(stage, str(counts["revalign"]), str(counts[r.system]))
    console.print(table)
    for m in r.mismatches[:200]:
        where = f"{m.object} {m.foreign_id}" if m.object else (m.lead_id or "")
        what = f" {m.field}: revalign {m.revalign!r}, {r.system} {m.foreign!r}" if m.field else ""
        console.print(f"  {m.cause} {where}{what} {m.detail}", highlight=False)
    if r.repaired or r.repair_errors:
        verb = "would repair" if r.dry_run else "repaired"
        console.print(f"{verb} {r.repaired}", highlight=False)
    for e in r.repair_errors:
        console.print(f"  repair failed: {e}", highlight=False)


@app.command()
def conflicts(
    system: Annotated[str | None, typer.Option("--system", help="salesforce or hubspot.")] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """List the sync conflicts: a field changed on both sides, and how ownership settled it."""
    from revalign.cli.common import open_existing_ledger
    from revalign.core.events import EventType

    ledger = open_existing_ledger(db)
    try:
        rows = [
            {"at": e.occurred_at.isoformat(), "lead_id": e.lead_id, **dict(e.payload)}
            for e in ledger.read()
            if e.type is EventType.SYNC_CONFLICT
            and (system is None or e.payload.get("system") == system)
        ]
    finally:
        ledger.close()
    if json:
        print_json(rows)
        return
    table = Table("at", "system", "record", "lead", "field", "revalign", "theirs", "resolution")
    for r in rows:
        table.add_row(
            r["at"],
            r["system"],
            f"{r['object']} {r['foreign_id']}",
            r["lead_id"] or "",
            r["field"],
            str(r.get("ours")),
            str(r.get("theirs")),
            r["resolution"],
        )
    console.print(table)
