"""`revalign ingest` (CSV / JSONL / Excel files -> events) and `revalign demo` (the demo)."""

from __future__ import annotations

import tempfile
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn
from rich.table import Table

from revalign.cli import paths
from revalign.cli.app import app
from revalign.cli.common import (
    ContractOption,
    DbOption,
    JsonOption,
    console,
    print_json,
    resolve_contract,
    resolve_db_url,
)
from revalign.connectors.csv_ingest import IngestReport, ReadOptions, ingest_file
from revalign.connectors.headers import load_map
from revalign.connectors.state_lookup import EngineLookup
from revalign.demo import DEFAULT_LEADS, DEFAULT_SEED, DemoReport, build_demo
from revalign.demo.company import PERIOD_END
from revalign.demo.story import Story
from revalign.ledger.connect import db_flag


class Kind(StrEnum):
    leads = "leads"
    touches = "touches"
    opportunities = "opportunities"
    costs = "costs"
    stages = "stages"
    forecasts = "forecasts"
    surveys = "surveys"
    fx = "fx"  # exchange rates: date, currency, rate[, quote]
    campaigns = "campaigns"  # the campaign calendar: campaign, start, end, expected_leads…
    content = "content"  # content assets: content[, name, kind, campaign, url]


_INGEST_KEYS = ("rows", "accepted", "rejected", "refused", "new_events", "duplicates",
                "rejects_file")  # fmt: skip


@app.command("ingest")
def ingest(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV or JSONL file (by extension, or --format).", callback=paths.readable_file
        ),
    ],
    kind: Annotated[Kind, typer.Option("--kind", help="What the rows are.")],
    db: DbOption = None,
    contract: ContractOption = None,
    rejects: Annotated[
        Path | None,
        typer.Option(
            "--rejects",
            help="Rejects file. Default: <FILE>.rejects.csv",
            callback=paths.writable_file,
        ),
    ] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="csv, jsonl or xlsx.")] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="Source name. Default: file:<kind>.")
    ] = None,
    encoding: Annotated[
        str | None, typer.Option("--encoding", help="Text encoding. Default: UTF-8 (BOM or not).")
    ] = None,
    delimiter: Annotated[
        str | None,
        typer.Option("--delimiter", help="CSV delimiter (, ; tab |). Default: sniffed."),
    ] = None,
    column_map: Annotated[
        Path | None,
        typer.Option("--map", help="YAML or CSV file of `their_column: our_field` lines."),
    ] = None,
    future_days: Annotated[
        float,
        typer.Option("--future-tolerance", min=0, help="Days a fact may lie after now."),
    ] = 1.0,
    now: Annotated[
        datetime | None,
        typer.Option(
            "--now", help="The import's now, YYYY-MM-DD[THH:MM:SS] UTC. Default: the clock."
        ),
    ] = None,
    json_: JsonOption = False,
) -> None:
    """Import leads, touches, opportunities, costs, CRM stages, forecasts, surveys or FX rates."""
    from revalign.auth.permissions import require
    from revalign.cli.acting import cli_caller
    from revalign.engine import open_engine
    from revalign.services.ingest import AuditedSubmitter, kind_action

    caller = cli_caller(db)
    require(caller, kind_action(kind.value))
    versioned = resolve_contract(contract)
    mapping = load_map(column_map) if column_map is not None else {}
    read = ReadOptions(fmt, encoding, delimiter, mapping, column_map)
    at = now.replace(tzinfo=now.tzinfo or UTC) if now is not None else None
    show_bar = console.is_terminal and not json_
    with ExitStack() as stack:
        engine = stack.enter_context(open_engine(resolve_db_url(db), versioned))
        progress = None
        if show_bar:
            bar = stack.enter_context(
                Progress(
                    "[progress.description]{task.description}",
                    BarColumn(),
                    DownloadColumn(),
                    TimeRemainingColumn(),
                    console=console,
                    transient=True,
                )
            )
            task = bar.add_task(f"ingest {file.name}", total=None)
            progress = lambda done, total: bar.update(task, completed=done, total=total)  # noqa: E731
        submitter = AuditedSubmitter(engine, caller)  # every fact names who ingested it
        report = ingest_file(
            file, kind.value, submitter, versioned, lookup=EngineLookup(engine), source=source,
            rejects_path=rejects, progress=progress, read=read, now=at,
            future_tolerance=timedelta(days=future_days),
        )  # fmt: skip
    if json_:
        data = report.to_dict()
        print_json({**{k: data[k] for k in _INGEST_KEYS}, **data})
    else:
        _print_ingest(report)


def _print_ingest(report: IngestReport) -> None:
    console.print(
        f"{report.file}: {report.rows} rows, {report.accepted} accepted, "
        f"{report.rejected} rejected, {report.refused} refused by the funnel; "
        f"{report.new_events} new events ({report.duplicates} already known, "
        f"{report.unchanged} unchanged), {report.derived} derived",
        highlight=False,
    )
    for r in report.refusals[:10]:
        console.print(f"  row {r.row}: {r.type} refused: {r.reason}", highlight=False)
    if len(report.refusals) > 10:
        console.print(f"  … and {len(report.refusals) - 10} more (all in --json)")
    if report.rejects_file:
        console.print(f"bad rows and their reasons: {report.rejects_file}", highlight=False)


@app.command("demo")
def demo(
    leads: Annotated[int, typer.Option("--leads", min=10, help="How many leads.")] = DEFAULT_LEADS,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same company.")] = DEFAULT_SEED,
    db: DbOption = None,
    contract: ContractOption = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Keep the generated files in this folder.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Write into a --out folder that has files.")
    ] = False,
    json_: JsonOption = False,
) -> None:
    """Build the demo company (a half year of a B2B SaaS funnel) through the ingest path."""
    from revalign.engine import open_engine

    if out is not None:
        paths.check_writable_dir(out, f"--out {out}", force=force)
        paths.make_dir(out, f"--out {out}")
    versioned = resolve_contract(contract)
    url = resolve_db_url(db)
    with ExitStack() as stack:
        folder = out or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        # the engine's clock is the demo's "today" (period end): no wall clock in the story
        engine = stack.enter_context(open_engine(url, versioned, clock=lambda: PERIOD_END))
        if not json_:
            console.print(f"building the demo company: {leads} leads, seed {seed} …")
        on_file = None if json_ else _print_ingest
        report = build_demo(
            engine, versioned, leads=leads, seed=seed, folder=folder, on_file=on_file
        )
        demo_users = _demo_users(engine)
    if json_:
        print_json({**report.to_dict(), "users": [u.model_dump() for u in demo_users]})
    else:
        _print_demo(report, kept=out is not None, url=url)
        _print_demo_users(demo_users)


def _demo_users(engine: Any) -> list[Any]:
    """One API user per role (issue 10): tokens and the known demo passwords."""
    from revalign.auth.demo_users import create_demo_users
    from revalign.auth.users import UserStore

    return create_demo_users(UserStore(engine.ledger.engine), engine.state)


def _print_demo_users(users: list[Any]) -> None:
    console.print("demo users (API token; web login user / password):", highlight=False)
    for u in users:
        bound = f" rep {u.rep_id}" if u.rep_id else (f" team {u.team}" if u.team else "")
        console.print(f"  {u.user}{bound}: {u.token}  login {u.user} / {u.password}",
                      highlight=False, soft_wrap=True)  # fmt: skip


def _print_promises(s: Story) -> None:
    """Story lines f-j: forecasts, NPS, capacity notices, missing titles, MQL targets."""
    over = max(s.forecast_closed_quarter.items(), default=None,
               key=lambda kv: kv[1]["commit"] - kv[1]["won"])  # fmt: skip
    if over is not None:
        rep, f = over
        console.print(f"  f. {rep} committed {f['commit']:,.0f} for 2026Q3 and won {f['won']:,.0f}")
    last = max(s.nps_by_quarter, default=None)
    if last is not None:
        nps = s.nps_by_quarter[last]
        of_m, of_s = nps.get("sales_of_marketing", 0), nps.get("marketing_of_sales", 0)
        console.print(f"  g. {last} NPS: sales of marketing {of_m:+.0f}, "
                      f"marketing of sales {of_s:+.0f}")  # fmt: skip
    late = {r: d for r, d in s.capacity_notice_days_ahead.items() if d < 30}
    if late:
        console.print("  h. capacity notice given late: " + ", ".join(
            f"{r} {d} days ahead (30 asked)" for r, d in late.items()))  # fmt: skip
    for campaign, n in s.mqls_missing_title_by_campaign.items():
        console.print(f"  i. {campaign}: {n} MQLs without a title")
    short = {m: v for m, v in s.mqls_vs_target_by_month.items() if v[0] < v[1]}
    for month, (mqls, target) in short.items():
        console.print(f"  j. {month}: {mqls} MQLs against a target of {target}")


def _print_demo(report: DemoReport, kept: bool, url: str) -> None:
    table = Table(title=f"demo funnel (seed {report.seed})")
    table.add_column("stage")
    table.add_column("leads", justify="right")
    for stage, n in report.funnel.items():
        table.add_row(stage, str(n))
    console.print(table)
    console.print(
        f"won {report.won_amount} USD; open pipeline {report.open_pipeline} USD; "
        f"{report.breaches} SLA clocks breached by the period end"
    )
    s = report.story
    if s is not None:
        won = s.won_by_channel
        misses = s.first_contact_misses_by_rep
        console.print("what to find (docs/demo.md):")
        console.print(
            f"  a. paid_social: {s.mqls_by_channel.get('paid_social', 0)} MQLs, "
            f"won {won.get('paid_social', 0)} USD"
        )
        console.print(
            f"  b. partner: {s.leads_by_channel.get('partner', 0)} leads, "
            f"win rate {s.win_rate_by_channel.get('partner', 0):.0%}"
        )
        console.print(
            "  c. review-sites: "
            f"{s.rejection_rate_by_campaign.get('review-sites', 0):.0%} of MQLs rejected"
        )
        console.print(
            f"  d. first-contact SLA misses: budi {misses.get('budi', 0)}, "
            f"jake {misses.get('jake', 0)}, everyone else "
            f"{sum(misses.values()) - misses.get('budi', 0) - misses.get('jake', 0)}"
        )
        console.print(f"  e. pipeline coverage {s.coverage:.2f}x (target 3x)")
        _print_promises(s)
    if kept:
        console.print(f"files (and their .rejects.csv) in {report.folder}")
    db = db_flag(url)  # the hint names the ledger just written, so it works as printed
    console.print(
        f"next: `revalign status{db}` shows the funnel; docs/demo.md lists what to find",
        highlight=False,
        soft_wrap=True,
    )
