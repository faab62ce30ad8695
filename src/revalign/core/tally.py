"""Incremental behaviour scoring: a touch costs O(scored kinds), not O(signals kept).

    fit_c, behaviour_c = score_cents(lead, model, at)   # == the cents of score_lead's parts
    fit_c, None = score_cents(lead, model, at, below=t) # when the score is surely below t
    acc = tallied(lead, model, at)                      # == accumulate(...)[0], to the cent

The rescoring of a lead keeps, per lead id, the per-kind decayed sums it computed (a memo
the decide side owns; the fold and the state never see it). The next rescoring of the same
lead under the same compiled model, at the same or a later moment, with the same signals or
the same plus one appended, adds the new signal to its kind's sum (decayed from that sum's
own moment by `exp(-rate * dt)`) instead of walking every signal again. The other kinds are
decayed only when the exact score is asked for. Most touches do not need it: a positive
decaying sum only shrinks, so the sums as last computed bound the score from above, and a
lead whose bound is below the MQL threshold can neither cross it nor reach it.

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
from typing import Any

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
_ANCHOR = 5  # a tally slot is accumulate's [sum, count, points, -rate, cap] + [its moment]


class _Entry:
    __slots__ = (
        "acc", "at", "at_s", "cents", "fit_c", "fit_key", "future", "key", "model", "signals",
        "steps", "upper",
    )  # fmt: skip

    def __init__(
        self, key: str, model: ScoringModel, signals: tuple[Signal, ...], at: datetime
    ) -> None:
        self.key = key
        acc, future = accumulate(signals, model, at)
        self.at_s = at.timestamp()  # epoch seconds: one conversion per rescoring, not per signal
        for slot in acc.values():
            slot.append(self.at_s)
        self.model, self.signals, self.at, self.acc, self.future = model, signals, at, acc, future
        self.steps = 0
        self.cents: int | None = tally_cents(acc, model, False)  # None: not at `at`
        self.upper = sum(_bound(slot) for slot in acc.values())
        self.fit_key: tuple[object, ...] | None = None
        self.fit_c = 0


_MEMO: dict[str, _Entry] = {}


def forget() -> None:
    """Drop every tally (tests; a process that wants the memory back)."""
    _MEMO.clear()


def tallied(lead: LeadState, model: ScoringModel, at: datetime) -> Tally:
    """The per-kind sums of the lead's signals at `at`: `accumulate`'s to every rounded cent.
    Valid until the next call for the same lead."""
    return _exact(_entry(lead, model, at)).acc


def score_cents(
    lead: LeadState, model: ScoringModel, at: datetime, below: float | None = None
) -> tuple[int, int | None]:
    """(fit, behaviour) of `lead` at `at` in whole cents: the totals of `fit_parts` and
    `behaviour_parts` (unsubscribe included), without building a part. With `below`, the
    behaviour is None when the score is surely under `below` (then it is not computed)."""
    entry = _entry(lead, model, at)
    if lead.fit_version == model.version and lead.fit_score is not None:
        # recorded under this model, and reset by the fold whenever a field fit reads changes
        entry.fit_key, entry.fit_c = None, round(lead.fit_score * 100)
    else:
        key = (lead.email, lead.domain, lead.employees, lead.industry, lead.title, lead.country)
        if entry.fit_key != key:
            entry.fit_key, entry.fit_c = key, cents_of(fit_parts(lead, model))
    unsubscribe = 0
    if lead.unsubscribed and model.unsubscribe_points:
        unsubscribe = round(model.unsubscribe_points * 100)
    if below is not None and entry.cents is None:
        # each rounded part is at most half a cent above its sum; 1e-6 covers float error
        bound = (entry.fit_c + unsubscribe) / 100 + entry.upper + 0.005 * len(entry.acc)
        if bound + 1e-6 < below:
            return entry.fit_c, None
    cents = _exact(entry).cents
    assert cents is not None
    return entry.fit_c, cents + unsubscribe


def _entry(lead: LeadState, model: ScoringModel, at: datetime) -> _Entry:
    key, signals = lead.lead_id, lead.signals
    entry = _MEMO.pop(key, None)  # popped: a concurrent caller recomputes instead of sharing
    if entry is None or not _step(entry, signals, model, at):
        fresh = _Entry(key, model, signals, at)
        if entry is not None and entry.model is model:
            fresh.fit_key, fresh.fit_c = entry.fit_key, entry.fit_c
        entry = fresh
    _MEMO[key] = entry
    if len(_MEMO) > MEMO_MAX:
        del _MEMO[next(iter(_MEMO))]
    return entry


def _bound(slot: list[Any]) -> float:
    """The most the slot's rounded-down part can be from its moment on (before rounding):
    a positive decaying sum only shrinks, a negative one only rises towards 0."""
    value, points, rate, cap = slot[0], slot[2], slot[3], slot[4]
    if rate and points < 0:
        return 0.0
    if cap is not None:
        return float(max(-cap, min(cap, value)))
    return float(value)


def _step(entry: _Entry, signals: tuple[Signal, ...], model: ScoringModel, at: datetime) -> bool:
    """Move the entry to `at` with the one appended signal (only its kind's sum is decayed);
    False: recompute in full (the entry may then be half moved: it is dropped)."""
    if entry.model is not model or entry.future or at < entry.at or entry.steps >= REANCHOR:
        return False
    old = entry.signals
    grown = len(signals) - len(old)
    if grown == 0 and (signals is old or signals == old):
        if at != entry.at:
            entry.at, entry.at_s, entry.cents = at, at.timestamp(), None
        return True
    if grown != 1 or signals[:-1] != old:
        return False
    added = signals[-1]
    at_s = at.timestamp() if at != entry.at else entry.at_s
    d = model.decay.get(added.kind)
    if d is not None:
        if added.at == at:  # the touch being rescored: age 0 (exp(0.0) is exactly 1.0)
            age = 0.0
        else:
            age = (at - added.at).total_seconds()
            if age < 0:
                return False  # a signal after `at`: the full path knows which ones count
        slot = entry.acc.get(added.kind)
        if slot is None:
            slot = entry.acc[added.kind] = [0.0, 0, d[0], d[1], d[2], at_s]
        old_value = value = slot[0]
        if slot[3] and slot[_ANCHOR] != at_s:
            value *= math.exp(slot[3] * (at_s - slot[_ANCHOR]))
        value += d[0] * math.exp(d[1] * age)
        slot[0], slot[_ANCHOR] = value, at_s
        slot[1] += 1
        if not (d[1] and d[0] < 0):  # the bound moves as _bound says
            cap = d[2]
            if cap is not None:
                value, old_value = max(-cap, min(cap, value)), max(-cap, min(cap, old_value))
            entry.upper += value - old_value
    entry.signals, entry.at, entry.at_s, entry.cents = signals, at, at_s, None
    entry.steps += 1
    return True


def _exact(entry: _Entry) -> _Entry:
    """The entry with every sum decayed to its moment and its cents set; a fresh full
    recompute (in the memo) when a sum is too close to a rounding edge."""
    if entry.cents is not None:
        return entry
    exp = math.exp
    at_s = entry.at_s
    inner = 0.5 - EDGE  # |x - round(x)| beyond this: x is near a half-cent
    near = EDGE / 100  # points: a sum this close to its cap
    cents = 0
    upper = 0.0
    for slot in entry.acc.values():
        if slot[3] and slot[_ANCHOR] != at_s:
            slot[0] *= exp(slot[3] * (at_s - slot[_ANCHOR]))
            slot[_ANCHOR] = at_s
        value, cap = slot[0], slot[4]
        if cap is not None:
            over = (value if value >= 0 else -value) - cap
            if -near < over < near:
                return _refresh(entry)  # capped or not could go either way
            if over > 0:
                clamped = cap if value > 0 else -cap
                upper += 0.0 if slot[3] and slot[2] < 0 else clamped  # as _bound
                cents += round(clamped * 100)
                continue
        upper += 0.0 if slot[3] and slot[2] < 0 else value  # as _bound
        x = value * 100
        c = round(x)
        if not -inner < x - c < inner:
            return _refresh(entry)  # a half-cent: the rounding could go either way
        cents += c
    entry.cents, entry.upper = cents, upper
    return entry


def _refresh(entry: _Entry) -> _Entry:
    fresh = _Entry(entry.key, entry.model, entry.signals, entry.at)
    fresh.fit_key, fresh.fit_c = entry.fit_key, entry.fit_c
    if _MEMO.get(entry.key) is entry:
        _MEMO[entry.key] = fresh
    return fresh
