"""The scoring part of a contract, compiled once per contract version for fast rescoring.

`scoring_model(contract)` turns `contract.scoring` into a `ScoringModel`: lower-cased value
sets, a band table, per-kind decay rates. It is memoised by contract version (a
`VersionedContract`) or by identity (a bare `Contract`), so callers may pass the contract on
every call; hot loops can keep the model and pass it instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from revalign.contract.schema import Contract, Seniority, VersionedContract

__all__ = ["BehaviourRule", "ContractLike", "ScoringModel", "scoring_model"]

SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True, slots=True, eq=False)  # identity hash: a cheap memo key
class BehaviourRule:
    """One signal kind: points per signal, decay per second of age, cap on the decayed sum."""

    kind: str
    rule: str  # the part's name, "behaviour.<kind>"
    points: float
    half_life_days: float | None
    cap: float | None
    # 0.5 ** (age_days / half_life) == exp(-rate * age_seconds); 0.0 means no decay
    rate: float


@dataclass(frozen=True, slots=True, eq=False)  # identity hash: a memo key for fit parts
class ScoringModel:
    """`contract.scoring`, compiled: what every rescoring needs, ready to use."""

    version: str
    mql_threshold: float
    bands: tuple[tuple[int, int | None, float], ...]
    industry: tuple[frozenset[str], float, float] | None  # values, points, otherwise
    seniority_points: dict[Seniority, float]
    geography: tuple[frozenset[str], float, float] | None
    behaviour: dict[str, BehaviourRule]
    free_mail_domains: frozenset[str]
    free_mail_points: float
    competitor_domains: frozenset[str]
    competitor_points: float
    student_points: float
    unsubscribe_points: float
    high_intent: frozenset[str]
    predictive_enabled: bool
    predictive_weight: float
    # kind -> (points, -rate, cap): the behaviour loop's per-signal constants in one lookup
    decay: dict[str, tuple[float, float, float | None]]


ContractLike = Contract | VersionedContract | ScoringModel


class _Key:
    """Cache key: a VersionedContract by its version, a bare Contract by identity."""

    __slots__ = ("contract", "token")

    def __init__(self, contract: Contract | VersionedContract) -> None:
        self.contract = contract  # a strong reference keeps the id unique while cached
        if isinstance(contract, VersionedContract):
            self.token: tuple[str, object] = ("version", contract.version)
        else:
            self.token = ("id", id(contract))

    def __hash__(self) -> int:
        return hash(self.token)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Key) and self.token == other.token


def scoring_model(contract: ContractLike) -> ScoringModel:
    """The compiled scoring model of `contract` (memoised per version)."""
    last = _last
    if last and contract is last[0] and getattr(contract, "version", None) == last[1]:
        hit: ScoringModel = last[2]  # the contract of the previous call: asked per rescoring
        return hit
    if isinstance(contract, ScoringModel):
        return contract
    model = _compile(_Key(contract))
    _last[:] = (contract, getattr(contract, "version", None), model)
    return model


# (contract, its version, its model) of the last compile lookup: a hit costs two compares
_last: list[Any] = []


@lru_cache(maxsize=64)
def _compile(key: _Key) -> ScoringModel:
    if isinstance(key.contract, VersionedContract):
        contract, version = key.contract.contract, key.contract.version
    else:
        from revalign.contract.loader import contract_version  # pure; no file read

        contract, version = key.contract, contract_version(key.contract)
    scoring = contract.scoring
    fit, negative = scoring.fit, scoring.negative
    bands = tuple(sorted((b.min, b.max, b.points) for b in fit.employees))
    behaviour = {
        kind: BehaviourRule(
            kind=kind,
            rule=f"behaviour.{kind}",
            points=rule.points,
            half_life_days=rule.half_life_days,
            cap=rule.cap,
            rate=0.0
            if rule.half_life_days is None
            else math.log(2) / (rule.half_life_days * SECONDS_PER_DAY),
        )
        for kind, rule in scoring.behaviour.items()
    }
    return ScoringModel(
        version=version,
        mql_threshold=scoring.mql_threshold,
        bands=bands,
        industry=None
        if fit.industry is None
        else (_lower_set(fit.industry.values), fit.industry.points, fit.industry.otherwise),
        seniority_points=dict(fit.seniority),
        geography=None
        if fit.geography is None
        else (_lower_set(fit.geography.values), fit.geography.points, fit.geography.otherwise),
        behaviour=behaviour,
        free_mail_domains=_lower_set(negative.free_mail_domains),
        free_mail_points=negative.free_mail_points,
        competitor_domains=_lower_set(negative.competitor_domains),
        competitor_points=negative.competitor_points,
        student_points=negative.student_points,
        unsubscribe_points=negative.unsubscribe_points,
        high_intent=frozenset(scoring.high_intent_actions),
        predictive_enabled=scoring.predictive.enabled,
        predictive_weight=scoring.predictive.weight,
        decay={kind: (rule.points, -rule.rate, rule.cap) for kind, rule in behaviour.items()},
    )


def _lower_set(values: list[str]) -> frozenset[str]:
    return frozenset(normalise_value(v) for v in values)


def normalise_value(value: str) -> str:
    """How list values and lead fields are compared: trimmed, lower-case, single spaces."""
    return " ".join(value.lower().split())
