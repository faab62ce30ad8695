"""MQL cohorts kept by the fold, so the monthly marketing promises cost O(1) per tick.

`state.cohorts["2026-11|all"] == [mqls, converted]`: the MQL transitions of November 2026
and how many of them went on to SQL or beyond; the same per "campaign:<id>" and
"channel:<source>". The fold calls `track` with a lead's before- and after-image on every
change that can move these counts (stage moves, refusals undone, campaign or source edits).
"""

from __future__ import annotations

from revalign.core.state import FunnelState, LeadState, Stage

_CONVERTED = frozenset({Stage.SQL, Stage.OPPORTUNITY, Stage.WON, Stage.LOST})


def month_key(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _contributions(lead: LeadState | None) -> list[tuple[str, bool]]:
    if lead is None:
        return []
    out: list[tuple[str, bool]] = []
    history = lead.history
    dims = ["all"]
    if lead.campaign:
        dims.append(f"campaign:{lead.campaign}")
    if lead.source:
        dims.append(f"channel:{lead.source}")
    for i, t in enumerate(history):
        if t.stage is Stage.MQL:
            converted = any(h.stage in _CONVERTED for h in history[i + 1 :])
            month = month_key(t.at.year, t.at.month)
            out.extend((f"{month}|{dim}", converted) for dim in dims)
    return out


def track(state: FunnelState, before: LeadState | None, after: LeadState | None) -> None:
    """Move the cohort counts from `before`'s contribution to `after`'s."""
    if (
        before is not None
        and after is not None
        and before.history is after.history
        and before.campaign == after.campaign
        and before.source == after.source
    ):
        return
    old, new = _contributions(before), _contributions(after)
    if old == new:
        return
    cohorts = state.cohorts
    for key, converted in old:
        counts = cohorts.setdefault(key, [0, 0])
        counts[0] -= 1
        counts[1] -= converted
    for key, converted in new:
        counts = cohorts.setdefault(key, [0, 0])
        counts[0] += 1
        counts[1] += converted
