"""Budget reallocation: a crafted example, and silence when the data is thin."""

from __future__ import annotations

import pytest

from revalign.analytics.planning import ChannelStats, suggest_reallocation

CRAFTED = [
    ChannelStats("events", cost=100_000, sqls=100, won=10, revenue=300_000),  # 10,000 per won
    ChannelStats("webinar", cost=30_000, sqls=60, won=10, revenue=250_000),  # 3,000 per won
    ChannelStats("search", cost=50_000, sqls=50, won=10, revenue=200_000),  # 5,000 = median
    ChannelStats("partner", cost=5_000, sqls=3, won=1, revenue=40_000),  # too little data
    ChannelStats("organic", cost=0, sqls=30, won=6, revenue=90_000),  # no cost
]


def test_moves_budget_from_expensive_to_cheap_channels() -> None:
    result = suggest_reallocation(CRAFTED)
    assert result.median_cost_per_won == 5_000
    assert len(result.suggestions) == 1
    move = result.suggestions[0]
    assert (move.source, move.destination) == ("events", "webinar")
    assert move.amount == pytest.approx(20_000)  # 20 % of events' spend
    assert move.extra_won_deals == pytest.approx(20_000 / 3_000 - 20_000 / 10_000)
    assert "cost per won deal 10,000" in move.reason
    assert "2.0× the median 5,000" in move.reason
    assert "cost per won deal 3,000" in move.reason
    assert set(result.skipped) == {"partner", "organic"}
    assert "too little data" in result.skipped["partner"]


def test_several_destinations_split_by_efficiency() -> None:
    channels = [*CRAFTED[:3], ChannelStats("email", cost=40_000, sqls=80, won=10, revenue=1.0)]
    # median of 10k, 3k, 5k, 4k = 4.5k: sources > 6.75k (events); destinations < 4.5k
    moves = {m.destination: m.amount for m in suggest_reallocation(channels).suggestions}
    assert moves == pytest.approx({"webinar": 20_000 * (1 / 3) / (1 / 3 + 1 / 4),
                                   "email": 20_000 * (1 / 4) / (1 / 3 + 1 / 4)})  # fmt: skip


def test_no_suggestion_on_thin_data() -> None:
    thin = [
        ChannelStats("events", cost=100_000, sqls=10, won=1, revenue=1.0),
        ChannelStats("webinar", cost=30_000, sqls=60, won=10, revenue=1.0),
    ]
    result = suggest_reallocation(thin)
    assert result.suggestions == []
    assert "1 channel(s) with enough data" in result.note
    assert "too little data: 10 SQLs, 1 won" in result.skipped["events"]


def test_no_suggestion_when_no_channel_is_far_above_median() -> None:
    even = [ChannelStats(c, cost=10_000, sqls=50, won=10, revenue=1.0) for c in "abc"]
    result = suggest_reallocation(even)
    assert result.suggestions == [] and "no channel is far enough" in result.note
