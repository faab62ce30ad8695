"""The rule score: firmographic fit + decayed, capped behaviour + negatives (+ predictive blend).

    score_lead(lead, contract, at) -> ScoreResult(total, fit, behaviour, parts)

Every part is rounded to 2 decimals (whole cents of a point) and the total is the sum of the
rounded parts, so an explanation always adds up to the score exactly. The lifecycle may
cache `fit_parts` per lead (it only changes on lead.updated) and call `behaviour_parts` on
every touch; `prune_signals` keeps the signal list small. See docs/scoring.md.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple

from revalign.contract.schema import Seniority
from revalign.core.scoring_model import (
    BehaviourRule,
    ContractLike,
    ScoringModel,
    normalise_value,
    scoring_model,
)
from revalign.core.state import LeadState, Signal
from revalign.core.titles import seniority
from revalign.errors import InputError

__all__ = [
    "NEGLIGIBLE_POINTS",
    "PREDICTED_PROBABILITY_ATTR",
    "ScorePart",
    "ScoreResult",
    "ScoringModel",
    "assemble",
    "behaviour_parts",
    "blend",
    "fit_parts",
    "is_high_intent",
    "nothing_to_prune",
    "parts_to_dicts",
    "prune_signals",
    "score_lead",
    "scoring_model",
]

# A signal whose decayed contribution is below this can be forgotten (prune_signals).
NEGLIGIBLE_POINTS = 0.005
# Where the shell may leave the predictive model's P(conversion) for `score_lead` to blend.
PREDICTED_PROBABILITY_ATTR = "predicted_probability"

_LABELS: dict[str, tuple[str, str]] = {
    "demo_request": ("demo request", "demo requests"),
    "pricing_page": ("pricing-page visit", "pricing-page visits"),
    "content_download": ("content download", "content downloads"),
    "webinar": ("webinar attended", "webinars attended"),
    "email_click": ("email click", "email clicks"),
    "email_open": ("email open", "email opens"),
    "form": ("form fill", "form fills"),
    "page_view": ("page view", "page views"),
}


class ScorePart(NamedTuple):
    """One rule that fired: `points` is a multiple of 0.01.

    A named tuple because rescoring builds several per touch (a frozen dataclass costs 4x).
    """

    rule: str
    points: float
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "points": self.points, "detail": self.detail}

    def __getitem__(self, key: Any) -> Any:
        """`part["points"]` works as on the dict form stored in score.changed."""
        if isinstance(key, str):
            if key in ScorePart._fields:
                return getattr(self, key)
            raise KeyError(key)
        return tuple.__getitem__(self, key)


class ScoreResult(NamedTuple):
    """The score and the parts it is the exact sum of (fit + behaviour + predictive)."""

    total: float
    fit: float
    behaviour: float
    parts: tuple[ScorePart, ...]
    predictive: float = 0.0


def _cents(points: float) -> int:
    return round(points * 100)


def rounded_part(rule: str, points: float, detail: str) -> ScorePart:
    """A part with `points` rounded to whole cents."""
    return ScorePart(rule, _cents(points) / 100, detail)


def _sum_cents(parts: Iterable[ScorePart]) -> int:
    # Each part is a whole number of cents to within 1 ulp, so one rounding of the float sum
    # is the exact integer sum of the cents (the error is far below half a cent).
    return round(sum([p.points for p in parts]) * 100)


def assemble(fit: Sequence[ScorePart], behaviour: Sequence[ScorePart]) -> ScoreResult:
    """The result of already computed fit and behaviour parts (the total is their sum)."""
    fit_c, behaviour_c = _sum_cents(fit), _sum_cents(behaviour)
    return ScoreResult(
        total=(fit_c + behaviour_c) / 100,
        fit=fit_c / 100,
        behaviour=behaviour_c / 100,
        parts=(*fit, *behaviour),
    )


def score_lead(
    lead: LeadState,
    contract: ContractLike,
    at: datetime,
    predicted_probability: float | None = None,
    *,
    behaviour: Sequence[ScorePart] | None = None,
) -> ScoreResult:
    """The score of `lead` at `at`; blended with P(conversion) when the contract says so.

    `predicted_probability` defaults to `lead.attributes["predicted_probability"]`;
    `behaviour`, when given, is `behaviour_parts` of the lead at `at` already computed.
    """
    model = scoring_model(contract)
    if behaviour is None:
        behaviour = behaviour_parts(lead.signals, model, at, unsubscribed=lead.unsubscribed)
    result = assemble(fit_parts(lead, model), behaviour)
    if model.predictive_enabled:
        if predicted_probability is None:
            stored = lead.attributes.get(PREDICTED_PROBABILITY_ATTR)
            predicted_probability = stored if isinstance(stored, int | float) else None
        result = blend(result, predicted_probability, model)
    return result


def is_high_intent(kind: str, contract: ContractLike) -> bool:
    """Whether a marketing touch of `kind` is high intent (starts the short first-contact SLA)."""
    return kind in scoring_model(contract).high_intent


def parts_to_dicts(parts: Iterable[ScorePart]) -> tuple[dict[str, Any], ...]:
    """Parts as JSON-ready dicts (the shape of `LeadState.score_parts`)."""
    return tuple(p.to_dict() for p in parts)


# --- fit -----------------------------------------------------------------------------------


def _email_domain(email: str) -> str | None:
    at = email.rfind("@")
    if at < 0:
        return None
    return email[at + 1 :].strip().lower() or None


def fit_parts(lead: LeadState, model: ContractLike) -> tuple[ScorePart, ...]:
    """Firmographic fit and the fit negatives (free mail, competitor, student) of `lead`.

    Memoised on the fields it reads, so calling it on every touch costs a dict lookup.
    """
    return _fit_parts(
        scoring_model(model),
        _email_domain(lead.email),
        lead.domain.strip().lower() if lead.domain else None,
        lead.employees,
        lead.industry,
        lead.title,
        lead.country,
    )


# Keyed on the fields fit reads, so a lead is fitted once per change. Bounded at ~1 kB an
# entry: 16k (~16 MB) holds the leads active at once; a miss costs ~15 µs of fitting again.
@lru_cache(maxsize=16384)
def _fit_parts(
    model: ScoringModel,
    email_domain: str | None,
    domain: str | None,
    employees: int | None,
    industry: str | None,
    title: str | None,
    country: str | None,
) -> tuple[ScorePart, ...]:
    parts: list[ScorePart] = []
    if model.bands:
        parts.append(_employees_part(model, employees))
    if model.industry is not None:
        parts.append(_list_part("fit.industry", model.industry, industry, "a target industry"))
    level = seniority(title)
    if model.seniority_points:
        points = model.seniority_points.get(level, 0.0)
        detail = f"{title!r} is {level.value}" if title else "no title (unknown)"
        parts.append(rounded_part("fit.seniority", points, detail))
    if model.geography is not None:
        parts.append(_list_part("fit.geography", model.geography, country, "a target country"))
    if email_domain and model.free_mail_points and email_domain in model.free_mail_domains:
        parts.append(
            rounded_part(
                "negative.free_mail", model.free_mail_points, f"free-mail address @{email_domain}"
            )
        )
    competitor = _first_matching_domain((domain, email_domain), model.competitor_domains)
    if competitor and model.competitor_points:
        parts.append(
            rounded_part(
                "negative.competitor", model.competitor_points, f"competitor domain {competitor}"
            )
        )
    if level is Seniority.STUDENT and model.student_points:
        parts.append(
            rounded_part("negative.student", model.student_points, f"{title!r} is a student")
        )
    return tuple(parts)


def _employees_part(model: ScoringModel, employees: int | None) -> ScorePart:
    if employees is None:
        return rounded_part("fit.employees", 0.0, "employee count unknown")
    for low, high, points in model.bands:
        if employees >= low and (high is None or employees <= high):
            band = f"{low}+" if high is None else f"{low}–{high}"
            return rounded_part("fit.employees", points, f"{employees} employees in {band}")
    return rounded_part("fit.employees", 0.0, f"{employees} employees in no band")


def _list_part(
    rule: str, table: tuple[frozenset[str], float, float], value: str | None, what: str
) -> ScorePart:
    values, points, otherwise = table
    if not value or not value.strip():
        return rounded_part(rule, otherwise, f"{rule.split('.')[1]} unknown")
    if normalise_value(value) in values:
        return rounded_part(rule, points, f"{value!r} is {what}")
    return rounded_part(rule, otherwise, f"{value!r} is not {what}")


def _first_matching_domain(domains: Iterable[str | None], listed: frozenset[str]) -> str | None:
    """The listed domain that one of `domains` is, or is a subdomain of."""
    if not listed:
        return None
    for domain in domains:
        while domain:
            if domain in listed:
                return domain
            dot = domain.find(".")
            domain = domain[dot + 1 :] if dot >= 0 else None
    return None


# --- behaviour -----------------------------------------------------------------------------


def behaviour_parts(
    signals: Iterable[Signal] | LeadState,
    model: ContractLike,
    at: datetime,
    *,
    unsubscribed: bool = False,
) -> tuple[ScorePart, ...]:
    """Decayed, capped points per signal kind at `at`; signals after `at` are ignored.

    Given a LeadState instead of signals, uses its signals and its unsubscribed flag.
    """
    if isinstance(signals, LeadState):
        unsubscribed = unsubscribed or signals.unsubscribed
        signals = signals.signals
    compiled = scoring_model(model)
    return tally_parts(accumulate(signals, compiled, at)[0], compiled, unsubscribed)


# kind -> [decayed sum, count, points, -rate, cap]: what behaviour parts are made of
Tally = dict[str, list[Any]]


def accumulate(signals: Iterable[Signal], model: ScoringModel, at: datetime) -> tuple[Tally, bool]:
    """The decayed sum and count of each scored kind at `at`, and whether a signal after `at`
    was left out. One dict lookup per signal of a kind already seen."""
    decay = model.decay
    exp = math.exp
    acc: Tally = {}
    future = False
    for signal in signals:  # the hot loop of every full rescoring: keep it flat
        kind = signal.kind
        slot = acc.get(kind)
        if slot is None:
            entry = decay.get(kind)
            if entry is None:
                continue
            age = (at - signal.at).total_seconds()
            if age < 0:
                future = True
                continue
            # points * exp(-rate * age), the same float as from the rule's fields
            acc[kind] = [entry[0] * exp(entry[1] * age), 1, entry[0], entry[1], entry[2]]
            continue
        age = (at - signal.at).total_seconds()
        if age < 0:
            future = True
            continue
        slot[0] += slot[2] * exp(slot[3] * age)  # added in signal order, as always
        slot[1] += 1
    return acc, future


def tally_cents(acc: Tally, model: ScoringModel, unsubscribed: bool) -> int:
    """The behaviour total in whole cents: the sum of `tally_parts`' points, without parts."""
    total = 0
    for slot in acc.values():
        decayed, cap = slot[0], slot[4]
        if cap is not None and not -cap <= decayed <= cap:
            decayed = cap if decayed > 0 else -cap
        total += round(decayed * 100)
    if unsubscribed and model.unsubscribe_points:
        total += _cents(model.unsubscribe_points)
    return total


def cents_of(parts: Sequence[ScorePart]) -> int:
    """The exact total of `parts` in whole cents."""
    return _sum_cents(parts)


def tally_parts(acc: Tally, model: ScoringModel, unsubscribed: bool) -> tuple[ScorePart, ...]:
    """The behaviour parts (contract order, whole cents) of the sums `accumulate` made."""
    parts: list[ScorePart] = []
    if acc:
        for kind, rule in model.behaviour.items():  # contract order: stable explanations
            slot = acc.get(kind)
            if slot is None:
                continue
            decayed = slot[0]
            cap = rule.cap
            capped = cap is not None and not -cap <= decayed <= cap
            cents = round(
                (max(-cap, min(cap, decayed)) if capped and cap is not None else decayed) * 100
            )
            if cents:
                parts.append(
                    ScorePart(rule.rule, cents / 100, behaviour_detail(rule, slot[1], capped))
                )
    if unsubscribed and model.unsubscribe_points:
        parts.append(unsubscribe_part(model))
    return tuple(parts)


def unsubscribe_part(model: ScoringModel) -> ScorePart:
    return rounded_part("negative.unsubscribe", model.unsubscribe_points, "unsubscribed from email")


@lru_cache(maxsize=4096)  # few distinct (kind, count, capped) triples: format each once
def behaviour_detail(rule: BehaviourRule, count: int, capped: bool) -> str:
    kind, cap = rule.kind, rule.cap
    singular, plural = _LABELS.get(kind, (kind.replace("_", " "), kind.replace("_", " ") + "s"))
    what = f"{count} {singular if count == 1 else plural}"
    how = f"decayed from {count * rule.points:.1f}" if rule.rate else "no decay"
    if cap is None:
        return f"{what} ({how})"
    return f"{what} ({how}, {'capped at' if capped else 'cap'} {cap:g})"


def nothing_to_prune(signals: Iterable[Signal], model: ContractLike, at: datetime) -> bool:
    """True only if `prune_signals` would keep every signal (one exp per kind, not per signal).

    A decaying kind loses signals only when its smallest contribution, the oldest signal's,
    is below NEGLIGIBLE_POINTS; a margin of 1e-9 covers the rounding of that one exp. A
    False answer means "maybe": call `prune_signals`.
    """
    compiled = scoring_model(model)
    rules = compiled.behaviour
    oldest: dict[str, datetime] = {}
    counts: dict[str, int] = {}
    for signal in signals:
        kind = signal.kind
        if kind not in rules or signal.at > at:
            continue
        first = oldest.get(kind)
        if first is None:
            oldest[kind], counts[kind] = signal.at, 1
        else:
            counts[kind] += 1
            if signal.at < first:
                oldest[kind] = signal.at
    for kind, first in oldest.items():
        rule = rules[kind]
        if rule.rate:
            age = (at - first).total_seconds()
            if abs(rule.points) * math.exp(-rule.rate * age) < NEGLIGIBLE_POINTS * (1 + 1e-9):
                return False
        elif (
            rule.cap is not None
            and rule.points > 0
            and counts[kind] > max(1, math.ceil(rule.cap / rule.points))
        ):
            return False
    return True


def prune_signals(
    signals: tuple[Signal, ...], model: ContractLike, at: datetime
) -> tuple[Signal, ...]:
    """`signals` without those that can no longer matter; the same tuple if none is dropped.

    Per decaying kind, the smallest contributions are dropped while their sum stays below
    NEGLIGIBLE_POINTS (so the kind's sum changes by less than that, now and later, since
    contributions only shrink). Per non-decaying capped kind, only the most recent signals
    needed to reach the cap are kept. Future signals and kinds without a rule are kept.
    """
    rules = scoring_model(model).behaviour
    by_kind: dict[str, list[tuple[float, int]]] = {}  # kind -> [(contribution, index)]
    for index, signal in enumerate(signals):
        rule = rules.get(signal.kind)
        age = (at - signal.at).total_seconds()
        if rule is None or age < 0:
            continue
        if rule.rate:
            contribution = abs(rule.points) * math.exp(-rule.rate * age)
        else:
            contribution = -signal.at.timestamp()  # oldest first
        by_kind.setdefault(signal.kind, []).append((contribution, index))
    dropped: set[int] = set()
    for kind, items in by_kind.items():
        rule = rules[kind]
        items.sort()
        if rule.rate:
            budget = 0.0
            for contribution, index in items:
                if budget + contribution >= NEGLIGIBLE_POINTS:
                    break
                budget += contribution
                dropped.add(index)
        elif rule.cap is not None and rule.points > 0:
            keep = max(1, math.ceil(rule.cap / rule.points))
            dropped.update(index for _, index in items[keep:])  # most recent first
    if not dropped:
        return signals
    return tuple(s for i, s in enumerate(signals) if i not in dropped)


# --- predictive blend ----------------------------------------------------------------------


def blend(
    result: ScoreResult, predicted_probability: float | None, contract: ContractLike
) -> ScoreResult:
    """`result` blended with P(conversion): (1-w)·rule + w·100·p, as the part predictive.blend.

    Unchanged when the contract's predictive blend is off or there is no probability.
    """
    model = scoring_model(contract)
    weight = model.predictive_weight
    if not model.predictive_enabled or predicted_probability is None or weight == 0:
        return result
    p = float(predicted_probability)
    if not 0.0 <= p <= 1.0:  # also refuses NaN
        raise InputError(f"predicted probability {predicted_probability!r} is not in [0, 1]")
    rule_c = _cents(result.total)
    blended_c = round(((1 - weight) * rule_c / 100 + weight * 100 * p) * 100)
    delta = (blended_c - rule_c) / 100
    detail = (
        f"P(conversion) {p:.3f}: (1 - {weight:g}) × {rule_c / 100:.2f}"
        f" + {weight:g} × {100 * p:.2f} = {blended_c / 100:.2f}"
    )
    return ScoreResult(
        total=blended_c / 100,
        fit=result.fit,
        behaviour=result.behaviour,
        parts=(*result.parts, ScorePart("predictive.blend", delta, detail)),
        predictive=(_cents(result.predictive) + blended_c - rule_c) / 100,
    )
