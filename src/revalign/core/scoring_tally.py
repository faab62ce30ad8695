"""Incremental behaviour scoring: O(kinds) per rescoring instead of O(signals).

A decayed sum can be carried forward: Σ p·2^(-(at - tᵢ)/h) = S(ref)·2^(-(at - ref)/h), where
S(ref) is the sum at a reference time. A `Tally` keeps, per kind, (count, S(ref), ref) with
ref the latest signal's time; `tally_add` folds one signal in, `tally_parts` gives the same
parts as `behaviour_parts` (to the cent, barring a half-cent tie) for any `at` at or after
the latest signal, and falls back to `behaviour_parts(signals, ...)` for an earlier `at`.

    tally = tally_add(lead_tally, signal, model)           # in the fold, per marketing touch
    parts = tally_parts(tally, lead.signals, model, at)    # in decide, per rescoring
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import datetime

from revalign.core.scoring import ScorePart, behaviour_detail, behaviour_parts, unsubscribe_part
from revalign.core.scoring_model import ContractLike, scoring_model
from revalign.core.state import Signal

__all__ = ["Tally", "tally_add", "tally_of", "tally_parts"]

# kind -> (count, decayed sum at ref, ref as epoch seconds); treat as immutable
Tally = Mapping[str, tuple[int, float, float]]


def tally_of(signals: Iterable[Signal], model: ContractLike) -> Tally:
    """The tally of `signals` (any order)."""
    tally: Tally = {}
    for signal in signals:
        tally = tally_add(tally, signal, model)
    return tally


def tally_add(tally: Tally, signal: Signal, model: ContractLike) -> Tally:
    """A new tally with `signal` counted; the same tally if its kind scores nothing."""
    rule = scoring_model(model).behaviour.get(signal.kind)
    if rule is None:
        return tally
    t = signal.at.timestamp()
    count, total, ref = tally.get(signal.kind, (0, 0.0, t))
    if t >= ref:  # move the reference forward to the new signal
        total = total * math.exp(-rule.rate * (t - ref)) + rule.points
        ref = t
    else:  # an older signal: add its value at the current reference
        total += rule.points * math.exp(-rule.rate * (ref - t))
    return {**tally, signal.kind: (count + 1, total, ref)}


def tally_parts(
    tally: Tally,
    signals: Iterable[Signal],
    model: ContractLike,
    at: datetime,
    *,
    unsubscribed: bool = False,
) -> tuple[ScorePart, ...]:
    """`behaviour_parts` at `at`, from the tally (from `signals` if `at` precedes one)."""
    compiled = scoring_model(model)
    now = at.timestamp()
    if any(ref > now for _, _, ref in tally.values()):
        return behaviour_parts(signals, compiled, at, unsubscribed=unsubscribed)
    parts: list[ScorePart] = []
    for kind, rule in compiled.behaviour.items():
        entry = tally.get(kind)
        if entry is None:
            continue
        count, total, ref = entry
        decayed = total * math.exp(-rule.rate * (now - ref))
        cap = rule.cap
        capped = cap is not None and not -cap <= decayed <= cap
        value = max(-cap, min(cap, decayed)) if capped and cap is not None else decayed
        cents = round(value * 100)
        if cents:
            parts.append(ScorePart(rule.rule, cents / 100, behaviour_detail(rule, count, capped)))
    if unsubscribed and compiled.unsubscribe_points:
        parts.append(unsubscribe_part(compiled))
    return tuple(parts)
