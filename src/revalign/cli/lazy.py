"""Lazy command registration: a command's module is imported only when that command runs.

Importing every `*_cmds` module costs ~2 s (pandas, DuckDB, SQLAlchemy, psycopg, SciPy) that
`revalign --help` or `contract validate` never use. `COMMANDS` names, for each top-level
command, the modules that register it and its one-line help, so `--help` lists every command
without importing one; `tests/test_cli_imports.py` checks the table against the modules.
A name not in the table imports every `*_cmds` module (a command added without a row still
runs, but `--help` omits it until its row is added).
"""

from __future__ import annotations

import pkgutil
from importlib import import_module
from typing import Any

import typer
from typer import _click as click  # typer vendors click: its Context, not click's
from typer.core import TyperCommand, TyperGroup

# command -> (modules under revalign.cli that register it, short help); in `--help` order
COMMANDS: dict[str, tuple[tuple[str, ...], str]] = {
    "metrics": (("analytics_cmds",), "Shared metrics for marketing and sales, from the ledger."),
    "attribution": (
        ("attribution_cmds",),
        "Attribute conversions and revenue to channels (journeys file, or the ledger).",
    ),
    "init": (("contract_cmds",), "Write the commented default contract to DIR/revalign.yaml."),
    "ingest-dataset": (
        ("dataset_cmds",),
        "Translate a public dataset into events and submit them (idempotent: re-run freely).",
    ),
    "dataset-contract": (
        ("dataset_cmds",),
        "Print the contract fitted to a dataset (its currency, no targets, no reps of ours).",
    ),
    "dataset-metrics": (
        ("dataset_cmds",),
        "Shared metrics of an ingested dataset, under its fitted contract, at its snapshot.",
    ),
    "events": (
        ("events_cmds",),
        "The ledger's events in order; `--type engine.rejected` lists refused facts and why.",
    ),
    "nps": (
        ("forecast_cmds",),
        "Cross-team NPS by quarter: marketing's NPS of sales and sales' NPS of marketing.",
    ),
    "ingest": (
        ("ingest_cmds",),
        "Import leads, touches, opportunities, costs, CRM stages, forecasts, surveys or FX rates.",
    ),
    "demo": (
        ("ingest_cmds",),
        "Build the demo company (a half year of a B2B SaaS funnel) through the ingest path.",
    ),
    "explain": (
        ("lead_cmds",),
        "Why a lead has its score at --at: every rule that fired and its points.",
    ),
    "replay": (
        ("lead_cmds",),
        "Re-run the recorded history under another contract, in memory, and show the difference.",
    ),
    "rebuild": (
        ("ledger_cmds",),
        "Rebuild every projection (leads, accounts, opportunities, owners, clocks) from seq 0.",
    ),
    "run": (
        ("ledger_cmds",),
        "Decide events other writers appended, then append SLA breaches due now.",
    ),
    "status": (
        ("ledger_cmds",),
        "The funnel now: leads per current stage, and conversion lead → … → won.",
    ),
    "migrate": (
        ("ledger_cmds",),
        "Create the ledger, or upgrade its schema to this version (read commands never do).",
    ),
    "plan": (
        ("plan_cmds",),
        "Pipeline, opportunities, SQLs, SALs, MQLs and leads needed per month, and the gaps.",
    ),
    "worker": (
        ("worker_cmds",),
        "Tick the SLA clocks and deliver warnings, breaches and escalations (webhook, e-mail).",
    ),
    "contract": (("contract_cmds",), "Validate and inspect the revenue contract."),
    "forecast": (("forecast_cmds",), "Submitted and system forecasts, and how good they were."),
    "lead": (
        ("lead_cmds", "route_cmds"),
        "Work one lead: SAL gate, touches, qualification, dispositions.",
    ),
    "opp": (("lead_cmds",), "Create and close opportunities."),
    "person": (
        ("person_cmds",),
        "Personal data: export everything held about a person, or erase.",
    ),
    "route": (("route_cmds",), "Why did this lead go there? Routing decisions and their traces."),
    "account": (
        ("route_cmds",),
        "Lead-to-account matching: explain one lead, review near misses.",
    ),
    "score": (("score_cmds",), "Predictive score: P(conversion) learned from history."),
    "sla": (("sla_cmds",), "SLA compliance of both sides: weekly report, breaches, escalations."),
    "serve": (
        ("api_cmds",),
        "Serve the REST API (OpenAPI at /openapi.json, docs at /docs) and the web dashboard",
    ),
    "audit": (
        ("api_cmds",),
        "The audit trail: every write with its user, role, token id, request id and client.",
    ),
    "user": (("user_cmds",), "API users: roles, tokens (shown once) and web-login passwords."),
    "report": (
        ("report_cmds",),
        "A meeting pack from the ledger: Markdown, HTML, PDF or CSV, in English or Indonesian.",
    ),
    "calendar": (
        ("calendar_cmds",),
        "Planned campaigns with expected volume, and the weeks they exceed a team's capacity.",
    ),
    "connect": (
        ("sync_cmds",),
        "Show the credentials set for a system (never their values) and, with --check, what works.",
    ),
    "sync": (
        ("sync_cmds",),
        "Pull changes from Salesforce or HubSpot into the ledger and push revalign's decisions.",
    ),
    "reconcile": (
        ("sync_cmds",),
        "Compare revalign with the CRM / MAP record by record and by stage count.",
    ),
    "conflicts": (
        ("sync_cmds",),
        "List the sync conflicts: a field changed on both sides, and how ownership settled it.",
    ),
}


def command_modules() -> list[str]:
    """Every `*_cmds` module of the package (those of the table and any added since)."""
    import revalign.cli

    found = {m.name for m in pkgutil.iter_modules(revalign.cli.__path__)}
    return sorted(
        {n for n in found if n.endswith("_cmds")} | {m for ms, _ in COMMANDS.values() for m in ms}
    )


def import_commands(modules: tuple[str, ...] | list[str]) -> None:
    for module in modules:
        import_module(f"revalign.cli.{module}")


class LazyGroup(TyperGroup):
    """The root group: lists the table's commands, imports a command's modules on first use."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self._listing = False  # inside format_help: placeholders, nothing imported

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*COMMANDS, *(n for n in self.commands if n not in COMMANDS)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = self.commands.get(cmd_name)
        if command is not None:
            return command
        entry = COMMANDS.get(cmd_name)
        if entry is not None and self._listing:
            return TyperCommand(name=cmd_name, help=entry[1], short_help=entry[1])
        self._load(entry[0] if entry is not None else command_modules())
        return self.commands.get(cmd_name)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def _load(self, modules: tuple[str, ...] | list[str]) -> None:
        """Import the modules, then take the commands they registered on the Typer app."""
        from revalign.cli.app import app

        import_commands(modules)
        built = typer.main.get_group(app)
        for name, command in built.commands.items():
            self.commands[name] = command
