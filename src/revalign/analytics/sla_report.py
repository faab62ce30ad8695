"""The weekly public SLA compliance report, and the lists of breaches and escalations.

Rows are per side, per SLA, per team and per person (`scope`), each with the clocks settled
that week: due (settled or falling due), met, breached, warned, compliance = met ÷ (met +
breached), null with its reason when nothing was settled, and the same compliance for each
of the previous four weeks (oldest first). Escalations are those raised during the week.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from revalign.analytics.sla_facts import ClockFact, SlaFacts, parse_week, week_of

SCOPES: tuple[tuple[str, Callable[[ClockFact], tuple[str, str, str, str]]], ...] = (
    ("side", lambda c: (c.side, "all", "all", "all")),
    ("sla", lambda c: (c.side, c.sla, "all", "all")),
    ("team", lambda c: (c.side, "all", c.team, "all")),
    ("person", lambda c: (c.side, "all", c.team, c.owner)),
)
TREND_WEEKS = 4


@dataclass
class _Tally:
    due: int = 0
    met: int = 0
    breached: int = 0
    warned: int = 0

    def compliance(self) -> float | None:
        settled = self.met + self.breached
        return round(self.met / settled, 4) if settled else None


def _status(c: ClockFact) -> str:
    if c.breached_at is not None or (c.stopped_at is not None and not c.met):
        return "breached"
    return "met" if c.stopped_at is not None else "open"


def _tallies(facts: SlaFacts, start: datetime, end: datetime) -> dict[tuple[str, ...], _Tally]:
    out: dict[tuple[str, ...], _Tally] = {}
    for c in facts.clocks.values():
        at = c.settled_at
        if at is None or not start <= at < end:
            continue
        status = _status(c)
        for scope, key_of in SCOPES:
            t = out.setdefault((scope, *key_of(c)), _Tally())
            t.due += 1
            t.met += status == "met"
            t.breached += status == "breached"
            t.warned += c.warned_at is not None
    return out


def weekly_report(facts: SlaFacts, week: str) -> dict[str, Any]:
    """The report of ISO week `week` ("2026-W48") as a JSON-ready dict."""
    start, end = parse_week(week)
    now = _tallies(facts, start, end)
    history = [
        _tallies(facts, start - timedelta(days=7 * k), end - timedelta(days=7 * k))
        for k in range(TREND_WEEKS, 0, -1)
    ]
    keys = sorted(set(now) | {k for h in history for k in h}, key=_order)
    rows = []
    for key in keys:
        t = now.get(key, _Tally())
        compliance = t.compliance()
        scope, side, sla, team, person = key
        rows.append({
            "scope": scope, "side": side, "sla": sla, "team": team, "person": person,
            "due": t.due, "met": t.met, "breached": t.breached, "warned": t.warned,
            "compliance": compliance,
            "null_reason": None if compliance is not None else "no clock settled this week",
            "trend": [h[key].compliance() if key in h else None for h in history],
        })  # fmt: skip
    raised = sorted((e for e in facts.escalations if start <= e["at"] < end),
                    key=lambda e: (e["at"], str(e.get("level")), str(e.get("owner"))))  # fmt: skip
    escalations = [_escalation(e) for e in raised]
    # what marketing should know that week: notices given by then and not yet over
    monday = start.date().isoformat()
    notices = [
        _json(n)
        for n in facts.notices
        if n["announced_at"] < end and str(n.get("effective_to") or "9999") >= monday
    ]
    return {
        "week": week_of(start),
        "from": start.isoformat(),
        "to": end.isoformat(),
        "trend_weeks": [week_of(start - timedelta(days=7 * k)) for k in range(TREND_WEEKS, 0, -1)],
        "rows": rows,
        "escalations": escalations,
        "capacity_notices": notices,
    }


def _order(key: tuple[str, ...]) -> tuple[Any, ...]:
    rank = {name: i for i, (name, _) in enumerate(SCOPES)}
    return (rank[key[0]], *key[1:])


def _escalation(e: dict[str, Any]) -> dict[str, Any]:
    keep = ("level", "side", "owner", "breaches", "window", "notify")
    return {"at": e["at"].isoformat(), **{k: e.get(k) for k in keep}}


def _json(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in row.items()}


def breaches(facts: SlaFacts, week: str | None, open_only: bool) -> list[dict[str, Any]]:
    """Every breach (of `week` if given), oldest first; `open_only`: clock still running."""
    span = parse_week(week) if week else None
    out = []
    for c in facts.clocks.values():
        if c.breached_at is None and not (c.stopped_at is not None and c.met is False):
            continue
        at = c.breached_at or c.stopped_at
        assert at is not None
        if span is not None and not span[0] <= at < span[1]:
            continue
        running = c.stopped_at is None
        if open_only and not running:
            continue
        out.append({
            "breached_at": at.isoformat(), "sla": c.sla, "side": c.side, "team": c.team,
            "owner": c.owner, "lead_id": c.lead_id,
            "due_at": c.due_at.isoformat() if c.due_at else None, "open": running,
            "clock_id": c.clock_id, **c.detail,
        })  # fmt: skip
    return sorted(out, key=lambda r: (r["breached_at"], r["clock_id"]))


def escalation_list(
    facts: SlaFacts, week: str | None, open_only: bool, as_of: datetime
) -> list[dict[str, Any]]:
    """Escalations (raised in `week` if given); `open_only`: their window has not ended."""
    span = parse_week(week) if week else None
    out = []
    for e in facts.escalations:
        if span is not None and not span[0] <= e["at"] < span[1]:
            continue
        ends = _window_end(str(e.get("window", "")))
        running = ends is None or as_of < ends
        if open_only and not running:
            continue
        out.append({**_escalation(e), "window_ends": ends.isoformat() if ends else None,
                    "open": running})  # fmt: skip
    return sorted(out, key=lambda r: (r["at"], r["level"], r["side"], r["owner"]))


def _window_end(window: str) -> datetime | None:
    """'2026-11-02/7d' → the window's end (UTC midnight), or None when unreadable."""
    first, _, size = window.partition("/")
    try:
        start = datetime.fromisoformat(first).replace(tzinfo=None)
        days = int(size.rstrip("d"))
    except ValueError:
        return None
    return (start + timedelta(days=days)).replace(tzinfo=UTC)
