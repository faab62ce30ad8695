"""Budget reallocation suggestions from cost per SQL, win rate and cost per won deal.

Channels with too little data (fewer than `min_sqls` SQLs or `min_won` won deals, or no
cost) get no suggestion; they are listed with the reason. Among the others, a channel whose
cost per won deal is above `far_above` × the median is a source; channels below the median
are destinations. A source gives `move_share` of its spend, split over the destinations in
proportion to their efficiency (1 ÷ cost per won). The expected effect assumes the
destination keeps its current cost per won deal at the margin, which is optimistic.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

from revalign.analytics.planning.inputs import ChannelStats


@dataclass(frozen=True)
class Suggestion:
    source: str
    destination: str
    amount: float
    extra_won_deals: float
    reason: str


@dataclass(frozen=True)
class Reallocation:
    suggestions: list[Suggestion]
    median_cost_per_won: float | None
    skipped: dict[str, str]  # channel → why no suggestion involves it
    note: str


def suggest_reallocation(
    channels: tuple[ChannelStats, ...] | list[ChannelStats],
    *,
    min_sqls: int = 20,
    min_won: int = 5,
    far_above: float = 1.5,
    move_share: float = 0.2,
) -> Reallocation:
    skipped: dict[str, str] = {}
    usable: list[ChannelStats] = []
    for c in channels:
        if c.cost <= 0:
            skipped[c.channel] = "no recorded cost"
        elif c.sqls < min_sqls or c.won < min_won:
            skipped[c.channel] = (
                f"too little data: {c.sqls} SQLs, {c.won} won (need {min_sqls} and {min_won})"
            )
        else:
            usable.append(c)
    if len(usable) < 2:
        note = f"no suggestions: {len(usable)} channel(s) with enough data (need 2)"
        return Reallocation([], None, skipped, note)
    cpw = {c.channel: c.cost / c.won for c in usable}
    mid = median(cpw.values())
    sources = [c for c in usable if cpw[c.channel] > far_above * mid]
    targets = [c for c in usable if cpw[c.channel] < mid]
    suggestions = []
    efficiency = {c.channel: 1 / cpw[c.channel] for c in targets}
    total_eff = sum(efficiency.values())
    for src in sources:
        budget = move_share * src.cost
        for dst in targets:
            amount = budget * efficiency[dst.channel] / total_eff
            extra = amount / cpw[dst.channel] - amount / cpw[src.channel]
            suggestions.append(
                Suggestion(src.channel, dst.channel, amount, extra, _reason(src, dst, mid, amount))
            )
    note = (
        f"median cost per won deal {mid:,.0f} over {len(usable)} channels; "
        f"sources cost more than {far_above:g}× the median"
    )
    if not suggestions:
        note += "; no channel is far enough above the median to move budget"
    return Reallocation(suggestions, mid, skipped, note)


def _describe(c: ChannelStats) -> str:
    return (
        f"{c.channel}: cost per won deal {c.cost / c.won:,.0f}, cost per SQL "
        f"{c.cost / c.sqls:,.0f}, SQL→won {c.won / c.sqls:.0%} ({c.won} won of {c.sqls} SQLs)"
    )


def _reason(src: ChannelStats, dst: ChannelStats, mid: float, amount: float) -> str:
    return (
        f"move {amount:,.0f} from {src.channel} to {dst.channel}. {_describe(src)}, "
        f"{src.cost / src.won / mid:.1f}× the median {mid:,.0f}; {_describe(dst)}."
    )
