"""What every report reads, loaded once: frames, the metric engine, SLA facts, calendar.

The frames are folded from the ledger under the core's rules (analytics/frames.py) and
loaded into DuckDB with amounts in the contract currency, so every number of a report comes
from the one set of metric definitions (`overall`, `window`) or from the same frames.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from revalign.analytics.campaign_calendar import CampaignRun, campaign_runs
from revalign.analytics.frames import Frames, load_frames
from revalign.analytics.metrics import MetricContext, MetricsResult, build_context, load
from revalign.analytics.metrics.backends.base import Backend
from revalign.analytics.metrics.backends.duckdb import DuckDBBackend
from revalign.analytics.metrics.compute import run_loaded
from revalign.analytics.metrics.model import Dimension
from revalign.analytics.money import convert_frames
from revalign.analytics.planning.capacity import Windows, capacity_windows
from revalign.analytics.sla_cache import load_sla_facts
from revalign.analytics.sla_facts import SlaFacts, read_sla_events
from revalign.contract.schema import VersionedContract
from revalign.core.events import Event, EventType
from revalign.i18n import Lang, Translator, translator
from revalign.ledger import SqlLedger
from revalign.reports.fmt import Fmt
from revalign.reports.window import window_metrics

_PLAN_TYPES = (EventType.CAMPAIGN_SCHEDULED, EventType.CONTENT_LISTED, EventType.CAPACITY_NOTICE)


@dataclass(frozen=True)
class Asset:
    id: str
    name: str
    kind: str | None = None
    campaign: str | None = None


@dataclass
class ReportInputs:
    contract: VersionedContract
    frames: Frames  # amounts also in the contract currency (`report_amount`)
    ctx: MetricContext
    backend: Backend
    lang: Lang
    sla: SlaFacts
    calendar: list[CampaignRun]
    assets: dict[str, Asset]
    windows: Windows
    _overall: dict[str | None, MetricsResult] = field(default_factory=dict)

    @property
    def as_of(self) -> datetime:
        return self.ctx.as_of

    @property
    def currency(self) -> str:
        return self.ctx.currency

    @property
    def t(self) -> Translator:
        return translator(self.lang)

    @property
    def fmt(self) -> Fmt:
        return Fmt(self.lang, self.currency)

    def overall(self, by: Dimension | None = None) -> MetricsResult:
        """Every shared metric as of `as_of` (as `revalign metrics --as-of` gives it)."""
        if by not in self._overall:
            self._overall[by] = run_loaded(self.backend, self.ctx, by)
        return self._overall[by]

    def window(
        self,
        start: datetime,
        end: datetime,
        by: Dimension | None = None,
        names: tuple[str, ...] | None = None,
    ) -> list[dict[str, Any]]:
        """The metrics of the records whose own moment is in [start, end) (reports/window)."""
        return window_metrics(self.backend, start, end, by, names)

    def close(self) -> None:
        self.backend.close()


def _assets(contract: VersionedContract, events: list[Event]) -> dict[str, Asset]:
    out = {a.id: Asset(a.id, a.name, a.kind, a.campaign) for a in contract.contract.content}
    for e in events:
        if e.type is EventType.CONTENT_LISTED:
            p = e.payload
            cid = str(p["content"])
            out[cid] = Asset(cid, str(p.get("name") or cid), p.get("kind"), p.get("campaign"))
    return out


def inputs_from(
    frames: Frames,
    contract: VersionedContract,
    as_of: datetime,
    lang: Lang,
    sla: SlaFacts,
    plan_events: list[Event],
) -> ReportInputs:
    """Inputs from frames and events already read (tests, the web pages)."""
    terms = contract.contract
    ctx = build_context(frames, terms, as_of)
    backend = DuckDBBackend()
    load(backend, frames, ctx)
    return ReportInputs(
        contract=contract,
        frames=convert_frames(frames, ctx.currency, ctx.fx_rates),
        ctx=ctx,
        backend=backend,
        lang=lang,
        sla=sla,
        calendar=campaign_runs(terms, plan_events),
        assets=_assets(contract, plan_events),
        windows=capacity_windows(plan_events),
    )


def load_inputs(
    ledger: SqlLedger, contract: VersionedContract, as_of: datetime, lang: Lang
) -> ReportInputs:
    """Read the ledger once for a report (read-only)."""
    frames = load_frames(ledger)
    sla = load_sla_facts(ledger, contract.contract)
    plan_events = list(read_sla_events(ledger, _PLAN_TYPES))
    return inputs_from(frames, contract, as_of, lang, sla, plan_events)
