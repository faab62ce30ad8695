"""`revalign rebuild`, `run`, `status` and `migrate`: the ledger and the engine loop."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from revalign.cli.app import app
from revalign.cli.common import (
    ContractOption,
    DbOption,
    JsonOption,
    console,
    open_existing_ledger,
    print_json,
    resolve_contract,
    resolve_db_url,
)
from revalign.engine import Engine
from revalign.ledger.funnel import CHAIN, funnel_counts
from revalign.ledger.projections import rebuild as rebuild_projections


@contextmanager
def _progress(label: str, total: int) -> Iterator[Callable[[int], None]]:
    """A transient Rich bar on stderr; yields the `advance(n)` callback the library takes."""
    bar = Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = bar.add_task(label, total=total or None)
    with bar:
        yield lambda n: bar.advance(task, n)


@app.command()
def rebuild(db: DbOption = None, contract: ContractOption = None) -> None:
    """Rebuild every projection (leads, accounts, opportunities, owners, clocks) from seq 0."""
    from revalign.analytics import fold_cache

    ledger = open_existing_ledger(db)
    try:
        fold_cache.forget(ledger)  # a cache, never a fact: the next read folds from zero
        with _progress("folding events", ledger.last_seq()) as advance:
            report = rebuild_projections(
                ledger, progress=advance, contract=resolve_contract(contract)
            )
    finally:
        ledger.close()
    console.print(
        f"rebuilt from {report.events} events: {report.leads} leads, "
        f"{report.opportunities} opportunities, {report.clocks} clocks"
    )


@app.command()
def run(db: DbOption = None, contract: ContractOption = None) -> None:
    """Decide events other writers appended, then append SLA breaches due now."""
    ledger = open_existing_ledger(db)
    pending = ledger.last_seq() - ledger.checkpoint("engine")
    try:
        with _progress("deciding events", pending) as advance:
            engine = Engine(ledger, resolve_contract(contract), progress=advance)
            decided = engine.run()
            due = engine.tick()
    finally:
        ledger.close()
    console.print(
        f"decided {pending} pending events: {decided.derived} derived, "
        f"{due.new + due.derived} from clocks due now"
    )


@app.command()
def status(db: DbOption = None, json: JsonOption = False) -> None:
    """The funnel now: leads per current stage, and conversion lead → … → won."""
    ledger = open_existing_ledger(db)
    try:
        counts = funnel_counts(ledger)
    finally:
        ledger.close()
    if json:
        print_json({"stages": counts.stages})
        return
    total = sum(counts.stages.values())
    table = Table(title="Funnel by current stage")
    for name in ("stage", "leads", "share"):
        table.add_column(name, justify="left" if name == "stage" else "right")
    for stage, n in counts.stages.items():
        table.add_row(stage, str(n), f"{n / total:.1%}" if total else "–")
    console.print(table)
    conv = Table(title="Conversion (leads that ever reached)")
    for name in ("step", "reached", "from previous"):
        conv.add_column(name, justify="left" if name == "step" else "right")
    rates = counts.conversion()
    for step in CHAIN:
        rate = rates.get(step)
        conv.add_row(
            step,
            str(counts.reached[step]),
            "" if step == "lead" else (f"{rate:.1%}" if rate is not None else "–"),
        )
    console.print(conv)


@app.command()
def migrate(db: DbOption = None) -> None:
    """Create the ledger, or upgrade its schema to this version (read commands never do)."""
    from revalign.ledger.connect import migrate_ledger

    report = migrate_ledger(resolve_db_url(db))
    if report.before is None:
        message = f"created the ledger at {report.place} (schema {report.after})"
    elif report.before == report.after:
        message = f"the ledger at {report.place} is up to date (schema {report.after})"
    else:
        message = (
            f"upgraded the ledger at {report.place} from schema {report.before} to {report.after}"
        )
    console.print(message, soft_wrap=True, highlight=False)
