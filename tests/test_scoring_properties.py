"""Invariants of the rule score, for arbitrary leads and signals (hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from revalign.contract.loader import contract_version, default_contract
from revalign.contract.schema import Contract, VersionedContract
from revalign.core.scoring import (
    NEGLIGIBLE_POINTS,
    ScoreResult,
    behaviour_parts,
    prune_signals,
    score_lead,
    scoring_model,
)
from revalign.core.state import LeadState, Signal

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
CONTRACT = default_contract()
MODEL = scoring_model(CONTRACT)
POSITIVE_KINDS = sorted(k for k, r in MODEL.behaviour.items() if r.points > 0)
KINDS = [*POSITIVE_KINDS, "unsubscribe", "unknown_kind"]

ages = st.floats(min_value=-30, max_value=400, allow_nan=False)  # days; negative = future
past_ages = st.floats(min_value=0, max_value=400, allow_nan=False)


def signal_list(kinds: list[str], age: st.SearchStrategy[float]) -> st.SearchStrategy[list[Signal]]:
    return st.lists(
        st.builds(lambda k, a: Signal(k, NOW - timedelta(days=a)), st.sampled_from(kinds), age),
        max_size=40,
    )


leads = st.builds(
    LeadState,
    lead_id=st.just("L"),
    email=st.sampled_from(["a@acme.co.id", "b@gmail.com", "c@rivalcrm.example", "junk"]),
    created_at=st.just(NOW),
    title=st.one_of(
        st.none(),
        st.sampled_from(["CEO", "Direktur Pemasaran", "Mahasiswa", "Staff", "Kepala Bagian"]),
        st.text(max_size=30),
    ),
    domain=st.one_of(st.none(), st.sampled_from(["acme.co.id", "competitor.example"])),
    employees=st.one_of(st.none(), st.integers(min_value=0, max_value=100_000)),
    industry=st.one_of(
        st.none(), st.sampled_from(["SaaS", "retail", "Fintech"]), st.text(max_size=10)
    ),
    country=st.one_of(st.none(), st.sampled_from(["ID", "sg", "DE", "xx"])),
    signals=signal_list(KINDS, ages).map(tuple),
    unsubscribed=st.booleans(),
)


def exact_sum(result: ScoreResult) -> Decimal:
    return sum((Decimal(str(p.points)) for p in result.parts), Decimal(0))


@given(leads)
def test_parts_sum_exactly_to_the_total(lead: LeadState) -> None:
    result = score_lead(lead, CONTRACT, NOW)
    assert exact_sum(result) == Decimal(str(result.total))
    assert Decimal(str(result.fit)) + Decimal(str(result.behaviour)) == Decimal(str(result.total))
    assert all(
        Decimal(str(p.points)) == Decimal(str(p.points)).quantize(Decimal("0.01"))
        for p in result.parts
    )


@given(leads, st.floats(min_value=0, max_value=1), st.floats(min_value=0, max_value=1))
def test_parts_sum_exactly_with_a_blend(lead: LeadState, weight: float, p: float) -> None:
    data = CONTRACT.contract.model_dump(mode="json")
    data["scoring"]["predictive"] = {"enabled": True, "weight": weight}
    contract = Contract.model_validate(data)
    blended = VersionedContract(contract=contract, version=contract_version(contract))
    result = score_lead(lead, blended, NOW, predicted_probability=p)
    assert exact_sum(result) == Decimal(str(result.total))


@given(signal_list(POSITIVE_KINDS, past_ages), st.floats(min_value=0, max_value=200))
def test_score_never_rises_with_time(signals: list[Signal], later_days: float) -> None:
    now = behaviour_parts(signals, MODEL, NOW)
    later = behaviour_parts(signals, MODEL, NOW + timedelta(days=later_days))
    assert sum(p.points for p in later) <= sum(p.points for p in now) + 1e-9


@given(signal_list(POSITIVE_KINDS, ages), st.sampled_from(POSITIVE_KINDS), ages)
def test_a_positive_signal_never_lowers_the_score(
    signals: list[Signal], kind: str, age: float
) -> None:
    before = behaviour_parts(signals, MODEL, NOW)
    after = behaviour_parts([*signals, Signal(kind, NOW - timedelta(days=age))], MODEL, NOW)
    assert sum(p.points for p in after) >= sum(p.points for p in before) - 1e-9


@given(signal_list(KINDS, ages))
def test_caps_are_never_exceeded(signals: list[Signal]) -> None:
    for part in behaviour_parts(signals, MODEL, NOW):
        cap = MODEL.behaviour[part.rule.removeprefix("behaviour.")].cap
        assert cap is not None
        assert abs(part.points) <= cap


@settings(max_examples=50)
@given(signal_list(KINDS, st.floats(min_value=-5, max_value=2000, allow_nan=False)))
def test_pruning_changes_each_kind_by_less_than_negligible(signals: list[Signal]) -> None:
    pruned = prune_signals(tuple(signals), MODEL, NOW)
    assert set(pruned) <= set(signals)
    for later in (0, 10, 100):
        at = NOW + timedelta(days=later)
        full = {p.rule: p.points for p in behaviour_parts(signals, MODEL, at)}
        kept = {p.rule: p.points for p in behaviour_parts(pruned, MODEL, at)}
        for rule in full.keys() | kept.keys():
            # each rounded part moves by at most one cent (the sum moved < NEGLIGIBLE_POINTS)
            assert abs(full.get(rule, 0.0) - kept.get(rule, 0.0)) <= 0.01 + 1e-9
    assert NEGLIGIBLE_POINTS == 0.005
