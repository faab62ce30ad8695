"""What sales does with each MQL: the SAL decision, rep touches, qualification, opportunities.

Runs after the marketing half is in the ledger, over the leads the core made MQLs, so every
decision it writes is legal for the core (touches after acceptance, six touches over two
weeks before a disqualification, BANT fields on an SQL, decision fields on an opportunity).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from revalign.contract.schema import Contract
from revalign.demo import company as co
from revalign.demo.calendar import content_of

Row = dict[str, str]
_NEEDS = ("one funnel for marketing and sales", "SLA tracking", "lead routing", "attribution")
# The four files of the sales half, ingested in this order (each step needs the one before).
FILES = ("sal_reviews", "rep_touches", "outcomes", "opportunities")


@dataclass(frozen=True, slots=True)
class Mql:
    """What the sales half needs to know about one MQL (read from the engine's state)."""

    lead_id: str
    email: str
    channel: str
    mql_at: datetime
    high_intent: bool
    owner: str  # the proposed owner from routing
    manager: str  # who reviews at the SAL gate
    title_tier: str  # "student", "individual"…: what the reviewer sees
    small: bool  # fewer than 50 employees


def at_work(at: datetime, zone: ZoneInfo, rng: random.Random) -> datetime:
    """`at`, or the next working-hours moment (09:00-17:00 Mon-Fri local) after it."""
    local = at.astimezone(zone)
    if local.weekday() < 5 and 9 <= local.hour < 17:
        return at
    day = local.date() if local.hour < 9 else local.date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    start = datetime(day.year, day.month, day.day, 9, tzinfo=zone)
    return (start + timedelta(minutes=rng.randrange(5, 120))).astimezone(at.tzinfo)


def _iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


class SalesFloor:
    """Turns MQLs into the rows of the sales files, deterministically for a seed."""

    def __init__(self, seed: int, contract: Contract) -> None:
        self._seed = seed
        self._zones = {r.id: ZoneInfo(r.timezone) for t in contract.teams for r in t.reps}
        self._opp_count = 0

    def work(self, mql: Mql) -> Iterator[tuple[str, Row]]:
        rng = random.Random(f"{self._seed}:sales:{mql.lead_id}")
        ch = co.CHANNEL_BY_NAME.get(mql.channel, co.CHANNEL_BY_NAME["organic"])
        ref = {"email": mql.email}
        reviewed = at_work(mql.mql_at + timedelta(hours=rng.uniform(0.3, 5)),
                           self._zones[mql.manager], rng)  # fmt: skip
        if reviewed > co.PERIOD_END:
            return
        review = {**ref, "occurred_at": _iso(reviewed), "by": mql.manager}
        if rng.random() < self._reject_rate(ch, mql):
            reason = "student" if mql.title_tier == "student" else rng.choice(ch.reject_reasons)
            reason = "wrong_size" if mql.small and ch.name == "review_sites" else reason
            yield "sal_reviews", {**review, "event": "sal_rejected", "reason": reason}
            return
        yield "sal_reviews", {**review, "event": "sal_accepted"}
        yield from self._work_accepted(mql, ch, ref, reviewed, rng)

    def _reject_rate(self, ch: co.Channel, mql: Mql) -> float:
        rate = ch.reject_rate
        if mql.title_tier == "student":
            rate = max(rate, 0.9)
        return rate

    def _touch(self, mql: Mql, at: datetime, kind: str, outcome: str) -> tuple[str, Row]:
        row = {"email": mql.email, "occurred_at": _iso(at), "kind": kind, "by": mql.owner,
               "outcome": outcome, "content": content_of(kind, mql.email, _iso(at))}  # fmt: skip
        return "rep_touches", row

    def _work_accepted(
        self, mql: Mql, ch: co.Channel, ref: Row, reviewed: datetime, rng: random.Random
    ) -> Iterator[tuple[str, Row]]:
        zone = self._zones[mql.owner]
        if mql.owner in co.SLOW_REPS and (mql.high_intent or rng.random() < 0.5):
            delay = timedelta(days=rng.uniform(2, 6))  # planted: left untouched for days
        elif rng.random() < 0.04:
            delay = timedelta(days=rng.uniform(1, 2))  # everyone slips now and then
        else:
            delay = timedelta(minutes=rng.uniform(10, 150))
        at = at_work(reviewed + delay, zone, rng)
        if at > co.PERIOD_END:
            return
        yield self._touch(mql, at, "call", rng.choice(("connected", "voicemail")))
        qualifies = rng.random() < ch.sql_rate
        if qualifies:
            for _ in range(rng.randrange(1, 3)):
                at = at_work(at + timedelta(hours=rng.uniform(4, 60)), zone, rng)
                if at > co.PERIOD_END:
                    return
                yield self._touch(mql, at, rng.choice(("email", "meeting")), "engaged")
            at = at_work(at + timedelta(hours=rng.uniform(2, 48)), zone, rng)
            if at > co.PERIOD_END:
                return
            yield "outcomes", {**ref, "occurred_at": _iso(at), "event": "sql", "by": mql.owner,
                               **self._bant(rng)}  # fmt: skip
            yield from self._opportunity(mql, ch, at, rng)
            return
        yield from self._cadence(mql, ref, at, zone, rng)

    def _bant(self, rng: random.Random) -> Row:
        return {
            "budget": rng.choice(("approved", "allocated for next quarter", "USD 20-50k")),
            "authority": rng.choice(("decision maker", "champion, CFO signs", "VP approves")),
            "need": rng.choice(_NEEDS),
            "timeline": rng.choice(("this quarter", "within 60 days", "next quarter")),
        }

    def _cadence(
        self, mql: Mql, ref: Row, first: datetime, zone: ZoneInfo, rng: random.Random
    ) -> Iterator[tuple[str, Row]]:
        """No qualification: work the cadence, then disqualify or recycle (or still working)."""
        fate = rng.random()
        touches = 6 if fate < 0.65 else rng.randrange(2, 4)
        at = first
        for n in range(1, touches):
            at = at_work(first + timedelta(days=n * 14.5 / (touches - 1)), zone, rng)
            if at > co.PERIOD_END:
                return
            kind = ("email", "linkedin", "call")[n % 3]
            yield self._touch(mql, at, kind, "no answer")
        at = at_work(at + timedelta(days=rng.uniform(0.5, 3)), zone, rng)
        if at > co.PERIOD_END or fate >= 0.92:
            return  # still being worked: the disposition clock will tell
        base = {**ref, "occurred_at": _iso(at), "by": mql.owner}
        if fate < 0.65:
            reason = rng.choice(co.DISQUALIFY_REASONS)
            yield "outcomes", {**base, "event": "disqualified", "reason": reason}
        else:
            reason = rng.choice(co.RECYCLE_REASONS)
            reengage = (at + timedelta(days=90)).date().isoformat()
            yield "outcomes", {**base, "event": "recycled", "reason": reason,
                               "reengage_on": reengage}  # fmt: skip

    def _opportunity(
        self, mql: Mql, ch: co.Channel, sql_at: datetime, rng: random.Random
    ) -> Iterator[tuple[str, Row]]:
        if rng.random() >= ch.opp_rate:
            return
        created = sql_at + timedelta(days=rng.uniform(1, 8))
        if created > co.PERIOD_END:
            return
        cycle = timedelta(days=rng.uniform(*ch.cycle_days))
        amount = rng.randrange(ch.deal[0], ch.deal[1], 500)
        closes = created + cycle
        row = {"opportunity_id": f"OPP-{mql.lead_id[2:]}", "email": mql.email,
               "created_at": _iso(created), "amount": f"{amount}.00", "currency": "USD",
               "stage": "discovery", "expected_close": closes.date().isoformat(),
               "decision_process": rng.choice(("CFO signs after a security review",
                                               "board approval over USD 50k",
                                               "head of sales decides with IT")),
               "stakeholders": "; ".join(rng.sample(("CFO", "VP Sales", "Head of IT",
                                                     "CMO", "Procurement"), 2)),
               "decision_date": (closes - timedelta(days=5)).date().isoformat(),
               "owner": mql.owner, "status": "open"}  # fmt: skip
        if closes <= co.PERIOD_END:
            won = rng.random() < ch.win_rate
            row.update(status="won" if won else "lost", closed_at=_iso(closes))
            if not won:
                row["lost_reason"] = rng.choice(ch.lost_reasons)
        yield "opportunities", row
