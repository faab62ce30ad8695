"""`revalign events`: the ledger's facts, e.g. the ones the funnel refused and why."""

from __future__ import annotations

from typing import Annotated

import typer

from revalign.cli.app import app
from revalign.cli.common import DbOption, JsonOption, console
from revalign.cli.tables import (
    ColumnsOption,
    CsvOption,
    LimitOption,
    parse_since,
    pick_columns,
    print_records,
)

TABLE_ROWS = 200  # a table without --limit shows the newest 200; --json / --csv show all
_DEFAULT = ("seq", "occurred_at", "type", "lead_id", "summary")


@app.command("events")
def events_command(
    type_: Annotated[
        str | None, typer.Option("--type", help="Only this event type, e.g. engine.rejected.")
    ] = None,
    lead: Annotated[str | None, typer.Option("--lead", help="Only this lead id.")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Occurred at or after (ISO date or time).")
    ] = None,
    limit: LimitOption = None,
    columns: ColumnsOption = None,
    db: DbOption = None,
    json_out: JsonOption = False,
    csv_out: CsvOption = False,
) -> None:
    """The ledger's events in order; `--type engine.rejected` lists refused facts and why."""
    from revalign.cli.common import open_existing_ledger
    from revalign.event_queries import EVENT_COLUMNS, EventFilter, list_events

    table = not (json_out or csv_out)
    capped = table and limit is None
    wanted = EventFilter(type=type_, lead_id=lead, since=parse_since(since, "--since"),
                         limit=TABLE_ROWS + 1 if capped else limit, newest=capped)  # fmt: skip
    ledger = open_existing_ledger(db)
    try:
        rows = list_events(ledger, wanted)
    finally:
        ledger.close()
    more = capped and len(rows) > TABLE_ROWS
    rows = rows[1:] if more else rows
    if json_out:  # the whole events, not the table's columns
        from revalign.cli.common import print_json

        print_json([r["event"] for r in rows])
        return
    shown = pick_columns(columns, EVENT_COLUMNS, _DEFAULT)
    print_records(
        rows, shown, all_columns=EVENT_COLUMNS, csv_out=csv_out,
        columns_given=columns is not None, title=f"{len(rows)} events", right=("seq",),
    )  # fmt: skip
    if more:
        console.print(f"(the newest {TABLE_ROWS}; --limit N, --json or --csv for more)")
