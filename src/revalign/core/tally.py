"""Incremental behaviour scoring: a touch costs O(scored kinds), not O(signals kept).

    fit_c, behaviour_c = score_cents(lead, model, at)   # == the cents of score_lead's parts
    acc = tallied(lead, model, at)                      # == accumulate(...)[0], to the cent

The rescoring of a lead keeps, per lead id, the per-kind decayed sums it computed (a memo
the decide side owns; the fold and the state never see it). The next rescoring of the same
lead under the same compiled model, at the same or a later moment, with the same signals or
the same plus one appended, decays each sum by `exp(-rate * dt)` and adds the new signal
instead of walking every signal again.

Why the result is bit-identical to the full recompute: a part is the decayed sum rounded to
whole cents. The running sum differs from the full recompute's float only by rounding error
(≲ 1e-13 relative after `REANCHOR` steps; under 1e-9 cents for any real score). Whenever a
running value lies within `EDGE` cents of a half-cent (where rounding could go either way)
or within `EDGE` of its cap (where capped / not capped would differ), the full recompute is
used instead, so every rounded part, its count and its detail text are the full
recompute's. Every full recompute re-anchors the tally. A hit is checked, not assumed: the
model is the same object, the signals are equal to those tallied (plus one at the end).
"""

from __future__ import annotations

import math
from datetime import datetime

from revalign.core.scoring import (
    ScoringModel,
    Tally,
    accumulate,
    cents_of,
    fit_parts,
    tally_cents,
)
from revalign.core.state import LeadState, Signal

__all__ = ["EDGE", "MEMO_MAX", "REANCHOR", "forget", "score_cents", "tallied"]

EDGE = 1e-6  # cents: a running value this close to a rounding edge is recomputed in full
REANCHOR = 256  # incremental steps before a full recompute (bounds the rounding drift)
MEMO_MAX = 32_768  # leads tallied at once (~1 kB each); the least recently scored go first


class _Entry:
    __slots__ = ("acc", "at", "cents", "fit_c", "fit_key", "future", "model", "signals", "steps")

    def __init__(
        self, model: ScoringModel, signals: tuple[Signal, ...], at: datetime, acc: Tally
    ) -> None:
        self.model, self.signals, self.at, self.acc = model, signals, at, acc
        self.future, self.steps, self.cents = False, 0, 0
        self.fit_key: tuple[object, ...] | None = None
        self.fit_c = 0


_MEMO: dict[str, _Entry] = {}


def forget() -> None:
    """Drop every tally (tests; a process that wants the memory back)."""
    _MEMO.clear()


def tallied(lead: LeadState, model: ScoringModel, at: datetime) -> Tally:
    """The per-kind sums of the lead's signals at `at`: `accumulate`'s to every rounded cent.
    Valid until the next call for the same lead."""
    return _entry(lead, model, at).acc


def score_cents(lead: LeadState, model: ScoringModel, at: datetime) -> tuple[int, int]:
    """(fit, behaviour) of `lead` at `at` in whole cents: the totals of `fit_parts` and
    `behaviour_parts` (unsubscribe included), without building a part."""
    entry = _entry(lead, model, at)
    key = (lead.email, lead.domain, lead.employees, lead.industry, lead.title, lead.country)
    if entry.fit_key != key:
        entry.fit_key, entry.fit_c = key, cents_of(fit_parts(lead, model))
    unsubscribe = 0
    if lead.unsubscribed and model.unsubscribe_points:
        unsubscribe = round(model.unsubscribe_points * 100)
    return entry.fit_c, entry.cents + unsubscribe


def _entry(lead: LeadState, model: ScoringModel, at: datetime) -> _Entry:
    key, signals = lead.lead_id, lead.signals
    entry = _MEMO.pop(key, None)  # popped: a concurrent caller recomputes instead of sharing
    if entry is None or not _advance(entry, signals, model, at):
        acc, future = accumulate(signals, model, at)
        fresh = _Entry(model, signals, at, acc)
        fresh.future, fresh.cents = future, tally_cents(acc, model, False)
        if entry is not None and entry.model is model:
            fresh.fit_key, fresh.fit_c = entry.fit_key, entry.fit_c
        entry = fresh
    _MEMO[key] = entry
    if len(_MEMO) > MEMO_MAX:
        del _MEMO[next(iter(_MEMO))]
    return entry


def _advance(entry: _Entry, signals: tuple[Signal, ...], model: ScoringModel, at: datetime) -> bool:
    """Move the entry's sums to `at` with the one appended signal; False: recompute in full
    (the entry may then be half moved: it is dropped)."""
    if entry.model is not model or entry.future or at < entry.at or entry.steps >= REANCHOR:
        return False
    old = entry.signals
    grown = len(signals) - len(old)
    kind: str | None = None
    term = 0.0
    if grown == 1:
        if signals[:-1] != old:
            return False
        added = signals[-1]
        d = model.decay.get(added.kind)
        if d is not None:
            age = (at - added.at).total_seconds()
            if age < 0:
                return False  # a signal after `at`: the full path knows which ones count
            kind, term = added.kind, d[0] * math.exp(d[1] * age)
            if kind not in entry.acc:
                entry.acc[kind] = [0.0, 0, d[0], d[1], d[2]]
    elif grown != 0 or not (signals is old or signals == old):
        return False
    dt = (at - entry.at).total_seconds() if at != entry.at else 0.0
    exp = math.exp
    cents = 0
    for name, slot in entry.acc.items():  # decay, add, round and check in one pass
        value = slot[0]
        if dt and slot[3]:
            value *= exp(slot[3] * dt)
        if name == kind:
            value += term
            slot[1] += 1
        slot[0] = value
        cap = slot[4]
        if cap is not None:
            if abs(abs(value) - cap) * 100 < EDGE:
                return False  # capped or not could go either way
            if not -cap <= value <= cap:
                cents += round((cap if value > 0 else -cap) * 100)
                continue
        x = value * 100
        c = round(x)
        if abs(abs(x - c) - 0.5) < EDGE:
            return False  # a half-cent: the rounding could go either way
        cents += c
    entry.signals, entry.at, entry.steps, entry.cents = signals, at, entry.steps + 1, cents
    return True
