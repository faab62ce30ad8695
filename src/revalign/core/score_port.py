"""The lifecycle's view of lead scoring (`revalign.core.scoring`): score, high intent, pruning.

One seam, so the lifecycle depends on three calls only. Parts come back as the JSON-ready
dicts stored in score.changed (`{"rule", "points", "detail"}`), summing to the score.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from revalign.contract.schema import VersionedContract
from revalign.core import scoring
from revalign.core.state import LeadState, Signal

Part = dict[str, Any]


def score(
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


def is_high_intent(kind: str, contract: VersionedContract) -> bool:
    return scoring.is_high_intent(kind, contract)


def prunable(
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
