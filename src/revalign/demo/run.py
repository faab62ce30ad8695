"""Build the demo company through the real ingest path, then tick the engine at period end.

    report = build_demo(engine, contract, leads=3000, seed=7, folder=Path("demo-files"))

1. the plan: monthly MQL targets (target.set events, submitted directly: no file kind);
2. marketing half: costs.csv, leads.csv, touches.csv -> `ingest_file` (the engine scores,
   makes MQLs, routes them and starts the SLA clocks);
3. sales half, from the MQLs in the engine's state: sal_reviews.csv, rep_touches.csv,
   outcomes.csv, opportunities.csv -> `ingest_file`, in that order;
4. promises and opinions: forecasts.csv and surveys.csv -> `ingest_file`, and two capacity
   notices (capacity.notice, submitted directly), one of them late;
5. `engine.tick(period end)`: open clocks that are overdue breach.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from revalign.connectors.base import StateLookup
from revalign.connectors.csv_ingest import IngestReport, Submitter, ingest_file
from revalign.connectors.state_lookup import EngineLookup
from revalign.contract.schema import Contract, Seniority, VersionedContract
from revalign.core.events import Event
from revalign.core.state import FunnelState, Stage
from revalign.core.titles import seniority
from revalign.demo import company as co
from revalign.demo.calendar import write_calendar, write_content
from revalign.demo.files import CsvFiles
from revalign.demo.marketing import write_costs, write_marketing
from revalign.demo.plans import capacity_events, plan_events, write_forecasts, write_surveys
from revalign.demo.sales import FILES, Mql, SalesFloor
from revalign.demo.story import STORY_TYPES, Story, story
from revalign.gcpause import gc_paused

DEFAULT_LEADS = 2000
DEFAULT_SEED = 7
# Rows per submit: as large as one engine transaction (`revalign.engine.BATCH_SIZE`), so each
# pays one round of checkpoint reads, projection rows and commit (ingest's default is 5,000).
INGEST_BATCH = 10_000
_SALES_COLUMNS: dict[str, tuple[str, ...]] = {
    "sal_reviews": ("email", "occurred_at", "event", "by", "reason"),
    "rep_touches": ("email", "occurred_at", "kind", "by", "outcome", "content"),
    "outcomes": ("email", "occurred_at", "event", "by", "reason", "reengage_on", "budget",
                 "authority", "need", "timeline"),
    "opportunities": ("opportunity_id", "email", "created_at", "amount", "currency", "stage",
                      "expected_close", "decision_process", "stakeholders", "decision_date",
                      "owner", "status", "closed_at", "lost_reason"),
}  # fmt: skip
_KINDS = {"sal_reviews": "stages", "rep_touches": "touches", "outcomes": "stages",
          "opportunities": "opportunities"}  # fmt: skip


class _Reader(Protocol):
    def read(
        self, after_seq: int = 0, limit: int | None = None, *, types: Collection[str] | None = None
    ) -> Iterator[Event]: ...


class DemoEngine(Submitter, Protocol):
    """What the demo needs from the engine: submit, the state, a tick and its ledger."""

    @property
    def state(self) -> FunnelState: ...

    @property
    def ledger(self) -> _Reader: ...

    def tick(self, now: Any = None) -> Any: ...


@dataclass(frozen=True)
class DemoReport:
    leads: int
    seed: int
    folder: str
    files: list[IngestReport]
    funnel: dict[str, int]
    won_amount: str
    open_pipeline: str
    breaches: int = 0
    story: Story | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "leads": self.leads,
            "seed": self.seed,
            "folder": self.folder,
            "funnel": self.funnel,
            "won_amount": self.won_amount,
            "open_pipeline": self.open_pipeline,
            "sla_breaches": self.breaches,
            "files": [f.to_dict() for f in self.files],
            "story": self.story.to_dict() if self.story else None,
        }


def _mqls(state: FunnelState, contract: Contract) -> list[Mql]:
    """The leads waiting at the SAL gate, in the order they became MQLs."""
    out = []
    for lead in state.leads.values():
        if lead.stage is not Stage.MQL or lead.mql_at is None or lead.owner is None:
            continue
        team = contract.team(lead.team) if lead.team else contract.rep(lead.owner)[0]
        out.append(
            Mql(
                lead_id=lead.lead_id, email=lead.email, channel=lead.source or "organic",
                mql_at=lead.mql_at, high_intent=lead.high_intent, owner=lead.owner,
                manager=team.manager or lead.owner,
                title_tier="student" if seniority(lead.title) is Seniority.STUDENT else "other",
                small=(lead.employees or 0) < 50,
            )
        )  # fmt: skip
    out.sort(key=lambda m: (m.mql_at, m.lead_id))
    return out


def funnel_counts(state: FunnelState) -> dict[str, int]:
    """Leads that ever reached each stage, and where they are now."""
    leads = state.leads.values()
    opps = state.opportunities.values()
    now = Counter(lead.stage.value for lead in leads)
    return {
        "leads": len(state.leads),
        "mql": sum(lead.mql_at is not None for lead in leads),
        "sal": sum(lead.sal_at is not None for lead in leads),
        "rejected": now.get(Stage.REJECTED.value, 0),
        "sql": sum(lead.sql_at is not None for lead in leads),
        "opportunities": len(state.opportunities),
        "won": sum(o.won is True for o in opps),
        "lost": sum(o.won is False for o in opps),
        "disqualified": now.get(Stage.DISQUALIFIED.value, 0),
        "recycled": now.get(Stage.RECYCLED.value, 0),
    }


def build_demo(
    engine: DemoEngine,
    contract: VersionedContract,
    *,
    leads: int = DEFAULT_LEADS,
    seed: int = DEFAULT_SEED,
    folder: Path,
    on_file: Callable[[IngestReport], None] | None = None,
) -> DemoReport:
    """Write the demo files into `folder` and ingest them; see the module docstring."""
    with gc_paused():  # beside the engine's state every collection re-scans 10^6 objects
        return _build(engine, contract, leads, seed, folder, on_file)


def _build(
    engine: DemoEngine,
    contract: VersionedContract,
    leads: int,
    seed: int,
    folder: Path,
    on_file: Callable[[IngestReport], None] | None,
) -> DemoReport:
    lookup: StateLookup = EngineLookup(engine)
    reports: list[IngestReport] = []

    def ingest(path: Path, kind: str) -> None:
        report = ingest_file(path, kind, engine, contract, lookup=lookup, batch_size=INGEST_BATCH)
        reports.append(report)
        if on_file is not None:
            on_file(report)

    c = contract.contract
    engine.submit(plan_events(leads / DEFAULT_LEADS))
    ingest(write_costs(folder, seed, c, leads / DEFAULT_LEADS), "costs")
    leads_path, touches_path = write_marketing(folder, seed, leads)
    ingest(leads_path, "leads")
    ingest(touches_path, "touches")

    floor = SalesFloor(seed, c)
    with CsvFiles(folder, _SALES_COLUMNS) as files:
        for mql in _mqls(engine.state, c):
            for name, row in floor.work(mql):
                files.write(name, row)
        paths = files.paths
    for name in FILES:
        ingest(paths[name], _KINDS[name])
    ingest(write_forecasts(folder, seed, engine.state, c), "forecasts")
    ingest(write_surveys(folder, seed, c), "surveys")
    ingest(write_content(folder), "content")
    ingest(write_calendar(folder, c, leads), "campaigns")
    engine.submit(capacity_events(c))
    engine.tick(co.PERIOD_END)
    state = engine.state
    won = sum((o.amount for o in state.opportunities.values() if o.won), Decimal(0))
    pipeline = sum(
        (o.amount for o in state.opportunities.values() if o.closed_at is None), Decimal(0)
    )
    return DemoReport(
        leads=leads,
        seed=seed,
        folder=str(folder),
        files=reports,
        funnel=funnel_counts(state),
        won_amount=f"{won:.2f}",
        open_pipeline=f"{pipeline:.2f}",
        breaches=sum(clock.breached for clock in state.clocks.values()),
        story=story(lambda: engine.ledger.read(types=STORY_TYPES), c, state.refused),
    )
