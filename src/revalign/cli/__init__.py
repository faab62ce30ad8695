"""The `revalign` command line. Each module registers its commands on `app`."""

from revalign.cli import (  # noqa: F401  (imported for their commands)
    analytics_cmds,
    attribution_cmds,
    contract_cmds,
    dataset_cmds,
    events_cmds,
    forecast_cmds,
    ingest_cmds,
    lead_cmds,
    ledger_cmds,
    person_cmds,
    plan_cmds,
    route_cmds,
    score_cmds,
    sla_cmds,
    sync_cmds,
    worker_cmds,
)
from revalign.cli.app import app, main

__all__ = ["app", "main"]
