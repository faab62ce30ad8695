"""The escalation ladder: breaches counted per side (and per owner) in fixed windows.

Windows are fixed blocks of `window_days` days starting on Monday 1970-01-05 UTC (so a
7-day window is a Monday-to-Sunday UTC week). A level fires once per (level, side, owner,
window) when the breaches in the window reach `min_breaches` and, if the level sets
`min_breach_rate`, the breaches are also at least that share of the clocks due in the
window. (Both must hold: with "either", a single miss out of two clocks would reach the
executive.) Each breach is counted for its owner and for the whole side (owner "all").
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import UTC, date, datetime, timedelta

from revalign.contract.schema import EscalationLevel, VersionedContract
from revalign.core.events import SOURCE_ENGINE, Event, EventType
from revalign.core.state import Breach, FunnelState

_ANCHOR = datetime(1970, 1, 5, tzinfo=UTC)  # a Monday
_Window = tuple[datetime, datetime, str]


def window_of(at: datetime, days: int) -> tuple[datetime, datetime]:
    """The fixed window of `days` days containing `at`: [start, end)."""
    size = timedelta(days=days)
    start = _ANCHOR + size * ((at - _ANCHOR) // size)
    return start, start + size


def _count(times: list[datetime] | None, start: datetime, end: datetime) -> int:
    if not times:
        return 0
    return bisect_left(times, end) - bisect_left(times, start)


def escalations(
    state: FunnelState, contract: VersionedContract, breaches: list[Breach], in_state: bool
) -> list[Event]:
    """Escalations reached by `breaches` (already folded into `state` when `in_state`)."""
    out: list[Event] = []
    emitted: set[str] = set()
    pending: dict[str, list[datetime]] = {}
    windows: dict[tuple[int, date], _Window] = {}  # windows start at midnight: one per day
    levels = contract.contract.escalation
    escalated = state.escalated
    for b in sorted(breaches, key=lambda x: (x.at, x.clock_id)):
        if not in_state:
            for owner in (b.owner, "all"):
                pending.setdefault(f"{b.owner_side}:{owner}", []).append(b.at)
        day = b.at.date()
        for level in levels:
            found = windows.get((level.window_days, day))
            if found is None:
                first, last = window_of(b.at, level.window_days)
                label = f"{first.date().isoformat()}/{level.window_days}d"
                found = windows[(level.window_days, day)] = (first, last, label)
            for owner in (b.owner, "all"):
                key = f"{level.level}:{b.owner_side}:{owner}:{found[2]}"
                if key in escalated or key in emitted:
                    continue  # the common case in a catch-up: decided once per window
                event = _reached(state, contract, level, b, owner, pending, found, key)
                if event is not None:
                    emitted.add(key)
                    out.append(event)
    return out


def _reached(
    state: FunnelState,
    contract: VersionedContract,
    level: EscalationLevel,
    b: Breach,
    owner: str,
    pending: dict[str, list[datetime]],
    found: _Window,
    key: str,
) -> Event | None:
    start, end, window = found
    index = f"{b.owner_side}:{owner}"
    count = _count(state.breach_times.get(index), start, end)
    count += _count(pending.get(index), start, end)
    if count < level.min_breaches:
        return None
    if level.min_breach_rate is not None:
        due = _count(state.due_times.get(index), start, end)
        if due == 0 or count / due < level.min_breach_rate:
            return None
    return Event(
        type=EventType.ESCALATED,
        source=SOURCE_ENGINE,
        source_id=f"escalate:{key}",
        occurred_at=b.at,
        payload={
            "level": level.level,
            "side": b.owner_side,
            "owner": owner,
            "breaches": count,
            "window": window,
            "notify": list(level.notify),
        },
        contract_version=contract.version,
    )
