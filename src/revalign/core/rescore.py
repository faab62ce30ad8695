"""Rescoring on lead and behaviour facts: score.changed, and stage.mql at the threshold.

MQL rule: a lead at stage `lead` becomes an MQL when its score reaches
`scoring.mql_threshold`. A rejected or recycled lead becomes an MQL again only on NEW
behaviour: a marketing touch after the rejection / recycling that brings the score to the
threshold (an edited record alone does not re-open the SAL gate). The MQL is high intent
when the current cycle (since capture, or since the last rejection / recycling) holds a
signal the contract lists in `high_intent_actions`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from revalign.contract.schema import VersionedContract
from revalign.core import scoring, tally
from revalign.core.events import SOURCE_ENGINE, Event, EventType
from revalign.core.scoring import ScoreResult
from revalign.core.scoring_model import ContractLike, ScoringModel
from revalign.core.state import LeadState, Signal, Stage

_REOPEN = frozenset({Stage.REJECTED, Stage.RECYCLED})


PRUNE_FROM = 24  # signals on a lead before rescoring also asks which ones can be forgotten
PRUNE_EVERY = 8  # then asked on a touch every this many signals (the question is O(signals))


# Parts come back as the JSON-ready dicts stored in score.changed, summing to the score.
Part = dict[str, Any]


def lead_score(lead: LeadState, model: ScoringModel, at: datetime) -> ScoreResult:
    """`scoring.score_lead(lead, model, at)`, its behaviour from the lead's running tally."""
    behaviour = scoring.tally_parts(tally.tallied(lead, model, at), model, lead.unsubscribed)
    return scoring.score_lead(lead, model, at, behaviour=behaviour)


def _total(
    lead: LeadState, model: ScoringModel, at: datetime, below: float | None = None
) -> tuple[float | None, float]:
    """(score, fit) of `lead` at `at` as `lead_score` gives them, without building parts; with
    `below`, the score is None when it is surely under `below` (see `tally.score_cents`)."""
    if model.predictive_enabled:  # the blend needs the whole result
        result = lead_score(lead, model, at)
        return result.total, result.fit
    fit_c, behaviour_c = tally.score_cents(lead, model, at, below)
    return None if behaviour_c is None else (fit_c + behaviour_c) / 100, fit_c / 100


def current_score(lead: LeadState, contract: ContractLike) -> float:
    """The score as of the lead's last rescoring fact: the recorded one (score.changed), or,
    when touches since then were not recorded, the score rescoring computed at the last."""
    if lead.score_due_at is None:
        return lead.score
    return lead_score(lead, scoring.scoring_model(contract), lead.score_due_at).total


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
    """score.changed when the score must be recorded (see `_records`), then stage.mql when
    the score reaches the threshold and the MQL rule allows it."""
    at = event.occurred_at
    model = scoring.scoring_model(contract)
    threshold = model.mql_threshold
    touch = event.type is EventType.MARKETING_TOUCH
    may_mql = _may_mql(lead, event)
    # a touch needs the exact score only where it may reach the threshold: for a lead that
    # may become an MQL and is not surely below it (then the exact score is None)
    below = (threshold if may_mql else math.inf) if touch else None
    score, fit = _total(lead, model, at, below)
    out: list[Event] = []
    n = len(lead.signals)
    asks = n >= PRUNE_FROM and (not touch or (n - PRUNE_FROM) % PRUNE_EVERY == 0)
    prune = _prunable(lead.signals, contract, at) if asks else {}
    kind = ("mql" if may_mql else "other") if touch else ""
    if prune or _records(lead, score, fit, kind, threshold, contract.version):
        result = lead_score(lead, model, at)  # the tally again: O(kinds)
        payload: dict[str, Any] = {
            "score": result.total,
            "previous": lead.score,
            "parts": [
                {"rule": rule, "points": points, "detail": detail}
                for rule, points, detail in result.parts
            ],
            "fit": result.fit,
        }
        if prune:
            payload["prune"] = prune
        out.append(_derived(event, event.id, EventType.SCORE_CHANGED, payload, contract))
    if may_mql and score is not None and score >= threshold:
        high = high_intent(lead, contract, at)
        payload = {"score": score, "threshold": threshold, "high_intent": high}
        out.append(_derived(event, event.id, EventType.MQL_REACHED, payload, contract))
    return out


def _records(
    lead: LeadState, score: float | None, fit: float, touch: str, threshold: float, version: str
) -> bool:
    """Whether this rescoring is recorded as score.changed (pruning is recorded too).

    A marketing touch (`touch` "mql": on a lead that may become an MQL; "other": on one
    that may not) is recorded only when the fit part is not the one recorded under this
    contract version, or, on a lead that may become an MQL, when the score moves across the
    MQL threshold (either way; a None score is surely below it). Any other rescoring fact
    (capture, edit, merge) is recorded when the score differs from the recorded one or
    touches since the last record left it unrecorded. Readers that show a score between
    records compute it (`current_score`, or at a moment: `scoring.score_lead`).
    """
    if touch:
        crossed = touch == "mql" and (score is not None and score >= threshold) != (
            lead.score >= threshold
        )
        return crossed or lead.fit_version != version or fit != lead.fit_score
    stale = lead.fit_version != version and lead.fit_version is not None
    return score != lead.score or stale or lead.score_due_at is not None


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
