"""The read verbs over history: metrics, attribution, plan, SLA status and weekly report.

Each checks `metrics.read`, validates its arguments, reads the ledger through the one set of
fold rules (analytics.frames / sla_facts) and returns a `ReportView`. `frames` lets a
long-lived server reuse frames it already loaded for the same ledger sequence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

from revalign.analytics.frames import Frames, load_frames
from revalign.analytics.planning.inputs import PlanInputs
from revalign.auth.caller import Caller
from revalign.auth.permissions import Action, require
from revalign.contract.schema import Contract
from revalign.core.events import EventType
from revalign.errors import InputError
from revalign.ledger import SqlLedger
from revalign.services.views import ReportView

FramesSource = Callable[[], Frames]


def _frames(ledger: SqlLedger, frames: FramesSource | None) -> Frames:
    return frames() if frames is not None else load_frames(ledger)


def metrics(ledger: SqlLedger, contract: Contract, caller: Caller, *, by: str | None = None,
            cohort: bool = False, as_of: datetime | None = None, engine: str = "duckdb",
            pg_url: str | None = None,
            frames: FramesSource | None = None) -> ReportView:  # fmt: skip
    """The shared metrics, overall or by one dimension, with why each null is null."""
    from revalign.analytics.metrics import DIMENSIONS, compute_metrics
    from revalign.analytics.metrics.compute import EngineName

    require(caller, Action.METRICS_READ)
    if by is not None and by not in DIMENSIONS:
        raise InputError(f"by {by!r}: choose one of {', '.join(DIMENSIONS)}")
    if engine not in ("duckdb", "postgres", "spark"):
        raise InputError(f"engine {engine!r}: choose duckdb, postgres or spark")
    if engine == "spark":
        from revalign.extras import require_spark

        require_spark()
    result = compute_metrics(
        _frames(ledger, frames), engine=cast(EngineName, engine),
        by=by or None, cohort=cohort, contract=contract,
        as_of=as_of or datetime.now(UTC), pg_url=pg_url,
    )  # fmt: skip
    return ReportView(kind="metrics", report=result.as_json())


def metrics_result(ledger: SqlLedger, contract: Contract, caller: Caller, **kwargs: Any) -> Any:
    """`metrics` as the analytics layer's MetricsResult (for renderers that need it)."""
    from revalign.analytics.metrics import DIMENSIONS, compute_metrics

    require(caller, Action.METRICS_READ)
    by = kwargs.pop("by", None)
    if by is not None and by not in DIMENSIONS:
        raise InputError(f"--by {by!r}: choose one of {', '.join(DIMENSIONS)}")
    frames = kwargs.pop("frames", None)
    return compute_metrics(_frames(ledger, frames), by=by, contract=contract, **kwargs)


def attribution(ledger: SqlLedger, contract: Contract, caller: Caller, model: str, *,
                lookback_days: float | None = None, half_life_days: float = 7.0,
                frames: FramesSource | None = None) -> ReportView:  # fmt: skip
    """Credit conversions and revenue to channels with one model, tied to campaign cost."""
    from revalign.analytics.attribution.models import MODELS
    from revalign.analytics.attribution.report import attribution_report, input_from_frames

    require(caller, Action.METRICS_READ)
    if model not in MODELS:
        raise InputError(f"unknown model {model!r}; choose one of {', '.join(MODELS)}")
    if lookback_days is not None and lookback_days <= 0:
        raise InputError("lookback_days must be > 0")
    if half_life_days <= 0:
        raise InputError("half_life_days must be > 0")
    data = input_from_frames(_frames(ledger, frames), contract)
    report = attribution_report(data, model, lookback_days=lookback_days,
                                half_life_days=half_life_days)  # fmt: skip
    return ReportView(kind="attribution", report=report)


def plan(ledger: SqlLedger, contract: Contract, caller: Caller, quarter: str,
         target: float | None = None,
         frames: FramesSource | None = None) -> ReportView:  # fmt: skip
    """The reverse funnel for a quarter's revenue target, against sales capacity."""
    from revalign.analytics.planning import build_plan, parse_quarter
    from revalign.analytics.planning.measure import plan_inputs_from_frames

    require(caller, Action.METRICS_READ)
    year, q = parse_quarter(quarter)
    key = f"{year}Q{q}"
    if target is None and key not in contract.targets.revenue_per_quarter:
        raise InputError(f"no target given and the contract has no revenue target for {key}")
    amount = float(target if target is not None else contract.targets.revenue_per_quarter[key])
    if not amount > 0:
        raise InputError(f"target must be a positive amount, got {amount:g}")
    loaded = _frames(ledger, frames)
    inputs = plan_inputs_from_frames(loaded, contract)
    inputs = with_notices(inputs, contract, ledger, year, q)
    report = build_plan(inputs, amount, key)
    report["calendar_warnings"] = calendar_warnings(contract, ledger, loaded, year, q)
    return ReportView(kind="plan", report=report)


def calendar_warnings(terms: Contract, ledger: SqlLedger, frames: Frames, year: int,
                      q: int) -> list[str]:  # fmt: skip
    """The campaign calendar's weeks in the quarter whose MQLs exceed the routed team."""
    from revalign.analytics.campaign_calendar import (
        campaign_runs,
        capacity_warnings,
        mql_share_by_channel,
        weekly_load,
    )
    from revalign.analytics.planning.capacity import capacity_windows
    from revalign.analytics.sla_facts import read_sla_events

    kinds = [EventType.CAMPAIGN_SCHEDULED, EventType.CAPACITY_NOTICE]
    events = list(read_sla_events(ledger, kinds))
    first = date(year, 3 * q - 2, 1)
    last = (date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)) - timedelta(days=1)
    loads = weekly_load(campaign_runs(terms, events), terms, mql_share_by_channel(frames.leads),
                        capacity_windows(events), (first, last))  # fmt: skip
    return capacity_warnings(loads)


def with_notices(inputs: PlanInputs, terms: Contract, ledger: SqlLedger, year: int,
                 q: int) -> PlanInputs:  # fmt: skip
    """The plan's SAL capacity with sales' capacity notices applied over the quarter."""
    from revalign.analytics.planning.capacity import capacity_windows, sal_capacity
    from revalign.analytics.sla_facts import read_sla_events

    windows = capacity_windows(read_sla_events(ledger, [EventType.CAPACITY_NOTICE]))
    if not windows:
        return inputs
    first = date(year, 3 * q - 2, 1)
    last = (date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)) - timedelta(days=1)
    capacity, note = sal_capacity(terms, windows, (first, last))
    return replace(inputs, sal_capacity_per_month=capacity, capacity_note=note)


def _sla_facts(ledger: SqlLedger, contract: Contract) -> Any:
    from revalign.analytics.sla_cache import load_sla_facts

    return load_sla_facts(ledger, contract)


def sla_report(ledger: SqlLedger, contract: Contract, caller: Caller, week: str | None = None,
               as_of: datetime | None = None) -> ReportView:  # fmt: skip
    """Weekly SLA compliance per side, SLA, team and person, with a four-week trend."""
    from revalign.analytics.sla_facts import week_of
    from revalign.analytics.sla_report import weekly_report

    require(caller, Action.METRICS_READ)
    chosen = week or week_of(as_of or datetime.now(UTC))
    return ReportView(kind="sla_report", report=weekly_report(_sla_facts(ledger, contract), chosen))


def sla_status(ledger: SqlLedger, contract: Contract, caller: Caller, week: str | None = None,
               as_of: datetime | None = None) -> ReportView:  # fmt: skip
    """Breaches and escalations still open now (or of one week)."""
    from revalign.analytics.sla_report import breaches, escalation_list

    require(caller, Action.METRICS_READ)
    facts = _sla_facts(ledger, contract)
    now = as_of or datetime.now(UTC)
    open_only = week is None
    report = {
        "as_of": now.isoformat(),
        "week": week,
        "breaches": breaches(facts, week, open_only),
        "escalations": escalation_list(facts, week, open_only, now),
    }
    return ReportView(kind="sla_status", report=report)
