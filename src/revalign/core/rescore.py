"""Rescoring on lead and behaviour facts: score.changed, and stage.mql at the threshold.

MQL rule: a lead at stage `lead` becomes an MQL when its score reaches
`scoring.mql_threshold`. A rejected or recycled lead becomes an MQL again only on NEW
behaviour: a marketing touch after the rejection / recycling that brings the score to the
threshold (an edited record alone does not re-open the SAL gate). The MQL is high intent
when the current cycle (since capture, or since the last rejection / recycling) holds a
signal the contract lists in `high_intent_actions`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from revalign.contract.schema import VersionedContract
from revalign.core import scoring
from revalign.core.events import SOURCE_ENGINE, Event, EventType
from revalign.core.state import LeadState, Signal, Stage

_REOPEN = frozenset({Stage.REJECTED, Stage.RECYCLED})


PRUNE_FROM = 24  # signals on a lead before rescoring also asks which ones can be forgotten


# Parts come back as the JSON-ready dicts stored in score.changed, summing to the score.
Part = dict[str, Any]


def _score(
    lead: LeadState, contract: VersionedContract, at: datetime
) -> tuple[float, float, list[Part]]:
    """(total, fit, parts) of `lead` at `at`: fit + decayed behaviour (+ predictive blend)."""
    result = scoring.score_lead(lead, scoring.scoring_model(contract), at)
    return (
        result.total,
        result.fit,
        [
            {"rule": rule, "points": points, "detail": detail}
            for rule, points, detail in result.parts
        ],
    )


def _prunable(
    signals: tuple[Signal, ...], contract: VersionedContract, at: datetime
) -> dict[str, int]:
    """How many of the oldest signals of each kind no longer matter at `at` (nor later)."""
    model = scoring.scoring_model(contract)
    if scoring.nothing_to_prune(signals, model, at):  # the usual answer, found in one pass
        return {}
    kept = scoring.prune_signals(signals, model, at)
    if len(kept) == len(signals):
        return {}
    before, after = _count(signals), _count(kept)
    return {k: n - after.get(k, 0) for k, n in before.items() if n > after.get(k, 0)}


def _count(signals: Iterable[Signal]) -> dict[str, int]:
    out: dict[str, int] = {}
    for s in signals:
        out[s.kind] = out.get(s.kind, 0) + 1
    return out


def rescore(lead: LeadState, event: Event, contract: VersionedContract) -> list[Event]:
    at = event.occurred_at
    score, fit, parts = _score(lead, contract, at)
    cause_id = event.id
    out: list[Event] = []
    stale = lead.fit_version != contract.version and lead.fit_version is not None
    if score != lead.score or stale:
        payload: dict[str, Any] = {"score": score, "previous": lead.score, "parts": parts}
        payload["fit"] = fit
        if len(lead.signals) >= PRUNE_FROM:
            prune = _prunable(lead.signals, contract, at)
            if prune:
                payload["prune"] = prune
        out.append(_derived(event, cause_id, EventType.SCORE_CHANGED, payload, contract))
    threshold = contract.contract.scoring.mql_threshold
    if score >= threshold and _may_mql(lead, event):
        high = high_intent(lead, contract, at)
        payload = {"score": score, "threshold": threshold, "high_intent": high}
        out.append(_derived(event, cause_id, EventType.MQL_REACHED, payload, contract))
    return out


def _may_mql(lead: LeadState, event: Event) -> bool:
    if lead.stage is Stage.LEAD:
        return True
    if lead.stage in _REOPEN:
        changed_at = lead.stage_at or lead.created_at
        return event.type is EventType.MARKETING_TOUCH and event.occurred_at > changed_at
    return False


def cycle_start(lead: LeadState) -> datetime:
    """When the lead's current trip through the funnel began (capture or return to marketing)."""
    for transition in reversed(lead.history):
        if transition.stage in _REOPEN:
            return transition.at
    return lead.created_at


def high_intent(lead: LeadState, contract: VersionedContract, at: datetime) -> bool:
    since = cycle_start(lead)
    return any(
        since <= s.at <= at and scoring.is_high_intent(s.kind, contract) for s in lead.signals
    )


def _derived(
    cause: Event,
    cause_id: str,
    type: EventType,
    payload: dict[str, Any],
    contract: VersionedContract,
) -> Event:
    # events.derived() with the cause id computed once: this is the hot path
    return Event(
        type=type,
        source=SOURCE_ENGINE,
        source_id=f"{cause_id}:{type.value}:0",
        occurred_at=cause.occurred_at,
        lead_id=cause.lead_id,
        account_id=cause.account_id,
        opportunity_id=cause.opportunity_id,
        payload=payload,
        contract_version=contract.version,
        caused_by=cause_id,
    )
