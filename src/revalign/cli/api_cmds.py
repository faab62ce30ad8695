"""`revalign serve` (the REST API under uvicorn) and `revalign audit` (who did which write)."""

from __future__ import annotations

from typing import Annotated

import typer

from revalign.cli.acting import cli_caller
from revalign.cli.app import app
from revalign.cli.common import (
    ContractOption,
    DbOption,
    JsonOption,
    open_existing_ledger,
    parse_at,
    resolve_db_url,
)
from revalign.cli.tables import print_records

_AUDIT_COLUMNS = ("seq", "recorded_at", "type", "lead_id", "user", "role", "token_id",
                  "request_id", "client")  # fmt: skip


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
    db: DbOption = None,
    contract: ContractOption = None,
) -> None:
    """Serve the REST API (OpenAPI at /openapi.json, docs at /docs) and the web dashboard
    (at /) with one engine."""
    import uvicorn

    from revalign.api import create_app
    from revalign.cli.common import resolve_contract
    from revalign.ledger.connect import describe, ledger_exists, missing

    resolve_contract(contract)  # a bad contract is refused before the server starts
    url = resolve_db_url(db)
    if not ledger_exists(url):  # serving never creates a stray ledger: make one first
        raise missing(describe(url), url)
    chosen = contract
    if chosen is None:
        import os
        from pathlib import Path

        env = os.environ.get("REVALIGN_CONTRACT")
        chosen = Path(env) if env else (Path("revalign.yaml") if Path("revalign.yaml").exists()
                                        else None)  # fmt: skip
    application = create_app(url, contract_path=chosen)
    from revalign.web import mount_dashboard

    mount_dashboard(application)
    typer.echo(f"revalign: dashboard at http://{host}:{port}/ , API at http://{host}:{port}/docs")
    # one process, one engine: writes are serialized by the runtime's lock
    uvicorn.run(application, host=host, port=port, log_level="info", workers=1)


@app.command("audit")
def audit(
    user: Annotated[str | None, typer.Option("--user", help="Only this user.")] = None,
    role: Annotated[str | None, typer.Option("--role", help="Only this role.")] = None,
    type: Annotated[str | None, typer.Option("--type", help="Only this event type.")] = None,
    lead: Annotated[str | None, typer.Option("--lead", help="Only this lead.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Recorded on/after (ISO).")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500, help="At most.")] = 100,
    after: Annotated[int, typer.Option("--after", min=0, help="After this seq (paging).")] = 0,
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """The audit trail: every write with its user, role, token id, request id and client."""
    from revalign.services.audit import list_audit

    caller = cli_caller(db)
    ledger = open_existing_ledger(db)
    try:
        page = list_audit(ledger, caller, user=user, role=role, type=type, lead_id=lead,
                          since=parse_at(since, "--since"), after_seq=after,
                          limit=limit)  # fmt: skip
    finally:
        ledger.close()
    records = [e.model_dump(mode="json" if json_out else "python") for e in page.items]
    title = f"{len(records)} audited writes" + (
        f" (more: --after {page.next_cursor})" if page.next_cursor else ""
    )
    print_records(records, _AUDIT_COLUMNS, all_columns=_AUDIT_COLUMNS, json_out=json_out,
                  title=title)  # fmt: skip
