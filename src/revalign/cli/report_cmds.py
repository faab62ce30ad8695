"""`revalign report weekly|scorecard|qbr|retro|winloss|content`: the meeting packs as files."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from revalign.cli import paths
from revalign.cli.app import app
from revalign.cli.common import (
    ContractOption,
    DbOption,
    moment_or_now,
    open_existing_ledger,
    resolve_contract,
)
from revalign.errors import InputError


class ReportName(StrEnum):
    weekly = "weekly"
    scorecard = "scorecard"
    qbr = "qbr"
    retro = "retro"
    winloss = "winloss"
    content = "content"


@app.command("report")
def report_command(
    kind: Annotated[ReportName, typer.Argument(help="Which meeting pack.")],
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            help="2026-W48, 2026-11, 2026Q4 or 2026 (default: the "
            "report's latest: last week, this month, this quarter).",
        ),
    ] = None,
    campaign: Annotated[
        str | None, typer.Option("--campaign", help="Campaign id (retro: required).")
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="en or id (default: the contract's language).")
    ] = None,
    formats: Annotated[
        list[str] | None,
        typer.Option("--format", help="md, html, pdf or csv; repeat for several (default md)."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Folder for the files (needed for pdf and csv; default: print Markdown or HTML).",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite files in --out.")] = False,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="ISO moment that counts as now (default now).")
    ] = None,
    db: DbOption = None,
    contract: ContractOption = None,
) -> None:
    """A meeting pack from the ledger: Markdown, HTML, PDF or CSV, in English or Indonesian."""
    from revalign.i18n import check_lang
    from revalign.reports import build_report, load_inputs
    from revalign.reports.files import FORMATS, write
    from revalign.reports.render import to_html, to_markdown

    chosen = list(dict.fromkeys(formats or ["md"]))
    for f in chosen:
        if f not in FORMATS:
            raise InputError(f"--format {f!r}: choose md, html, pdf or csv")
    if out is None and (len(chosen) > 1 or chosen[0] in ("pdf", "csv")):
        raise InputError(f"--format {', '.join(chosen)} writes files: give --out DIR")
    if out is not None:
        paths.check_writable_dir(out, f"--out {out}")
    if kind is ReportName.retro and not campaign:
        raise InputError("report retro needs --campaign ID (a campaign of the calendar)")
    versioned = resolve_contract(contract)
    language = check_lang(lang or versioned.contract.language)
    when = moment_or_now(as_of, "--as-of")
    ledger = open_existing_ledger(db)
    try:
        inputs = load_inputs(ledger, versioned, when, language)
    finally:
        ledger.close()
    try:
        report = build_report(kind.value, inputs, period, campaign)
    finally:
        inputs.close()
    if out is None:
        text = to_markdown(report) if chosen[0] == "md" else to_html(report)
        typer.echo(text, nl=False)
        return
    key = campaign if kind is ReportName.retro and campaign else report.period.split(" ")[0]
    for path in write(report, key, chosen, out, force=force):  # type: ignore[arg-type]
        typer.echo(str(path))
