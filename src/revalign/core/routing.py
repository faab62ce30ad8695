"""Routing: which team and rep an MQL goes to, and why ("why did this lead go there?").

1. The lead is matched to an account (`core.accounts`). When the contract lets the account
   owner win, an open opportunity's owner (else the named account's owner) takes the lead,
   and a named account's pod (a team) takes it when nobody owns it.
2. Rules are tried in contract order; every condition a rule sets must hold (AND), and the
   first match wins, else `routing.fallback_team`. A rule sends to a team, a pool
   (`routing.pools`) or one named rep (unavailable: that rep's team).
3. Inside the roster the method picks a rep:
   - territory: reps whose territories include the lead's country, least loaded among them
     (no such rep available: least loaded of all);
   - least_loaded: fewest open leads (ties: contract order);
   - round_robin: the next rep after the roster's cursor (`state.rr_cursor`);
   - weighted_round_robin: the rep furthest behind their weight (assignments / weight).
   Only role `rep` is assignable; a rep out of office that day (in their time zone), at
   capacity (contract capacity, or a capacity notice in force that day), at their daily
   cap, outside working hours (when `routing.outside_hours: skip`) or excluded (already
   held the lead, on reassignment) is skipped. A roster with nobody available passes the
   lead to the fallback team; if nobody there either, the least-loaded rep present in the
   matched team takes it over capacity, and if everyone is away the manager triages it.
Every decision carries a trace: each rule evaluated and why it matched or not, the account
match, the roster and why each candidate was skipped (`revalign route explain LEAD`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from revalign.contract.schema import Contract, Rep, RoutingRule, Team
from revalign.core import calendar
from revalign.core.accounts import AccountMatch, account_owner, match_account
from revalign.core.routing_rules import describe, failed_condition
from revalign.core.state import FunnelState, LeadState

OUTSIDE_HOURS = "outside working hours"


@dataclass(frozen=True, slots=True)
class Assignment:
    team: str
    owner: str
    rule: str
    method: str
    reason: str
    pool: str | None = None  # the roster's key for round-robin counts (pool name or team id)
    day: str | None = None  # the owner's local date (daily caps)
    account: AccountMatch | None = None
    trace: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Roster:
    key: str  # pool name or team id
    team: Team  # whose manager triages, whose id the lead's team becomes
    reps: list[tuple[Team, Rep]]


def route(
    state: FunnelState,
    lead: LeadState,
    contract: Contract,
    at: datetime,
    exclude: Collection[str] = (),
) -> Assignment:
    """The assignment for `lead` at `at` under `contract` (pure; reads state loads)."""
    match = match_account(state, lead, contract)
    trace: dict[str, Any] = {"at": at.isoformat(), "account": match.as_dict(), "rules": []}
    owned = _by_account(state, lead, contract, at, match, trace, exclude)
    if owned is not None:
        return owned
    rule = None
    for r in contract.routing.rules:
        failed = failed_condition(r.when, lead, contract, match)
        trace["rules"].append(
            {"rule": r.name, "when": describe(r.when), "matched": failed is None, "why": failed}
        )
        if failed is None:
            rule = r
            break
    rule_name = rule.name if rule else "fallback"
    method = rule.method if rule else "least_loaded"
    why = f"rule {rule_name!r}" if rule else "no rule matched: fallback team"
    roster = _roster(contract, rule)
    return _place(state, lead, contract, at, roster, rule_name, method, why, match, trace, exclude)


def _by_account(
    state: FunnelState,
    lead: LeadState,
    contract: Contract,
    at: datetime,
    match: AccountMatch,
    trace: dict[str, Any],
    exclude: Collection[str],
) -> Assignment | None:
    if not contract.routing.account_owner_wins or match.account_id is None:
        return None
    owner, why = account_owner(state, match)
    if owner is not None:
        try:
            team, rep = contract.rep(owner)
        except KeyError:
            trace["account_owner"] = {"owner": owner, "why": why, "skipped": "not a rep"}
            return None
        skipped = _skip(state, team, rep, at, contract, exclude, check_role=False)
        trace["account_owner"] = {"owner": owner, "why": why, "skipped": skipped}
        if skipped is None:
            reason = f"account {match.account_id} ({match.rule}): {why}"
            day = _local_day(rep, at).isoformat()
            return Assignment(
                team.id, rep.id, "account_owner", "account", reason, team.id, day, match, trace
            )
        return None
    pod = match.named.pod if match.named is not None else None
    if pod is None:
        return None
    team = contract.team(pod)
    trace["account_owner"] = {"owner": None, "why": f"{why}; pod {pod}", "skipped": None}
    roster = _Roster(team.id, team, [(team, r) for r in team.reps if r.role == "rep"])
    why = f"named account {match.named.id if match.named else ''} -> pod"
    return _place(
        state, lead, contract, at, roster, "account_pod", "least_loaded", why, match, trace,
        exclude,
    )  # fmt: skip


def _roster(contract: Contract, rule: RoutingRule | None) -> _Roster:
    if rule is None or rule.team is not None:
        team = contract.team(rule.team if rule and rule.team else contract.routing.fallback_team)
        return _Roster(team.id, team, [(team, r) for r in team.reps if r.role == "rep"])
    if rule.rep is not None:
        team, rep = contract.rep(rule.rep)
        return _Roster(team.id, team, [(team, rep)])
    name = rule.pool or ""
    wanted = set(contract.routing.pools.get(name, []))
    found = {r.id: (t, r) for t in contract.teams for r in t.reps if r.id in wanted}
    members = [found[rep_id] for rep_id in contract.routing.pools.get(name, []) if rep_id in found]
    team = members[0][0] if members else contract.team(contract.routing.fallback_team)
    return _Roster(name, team, members)


def _place(
    state: FunnelState,
    lead: LeadState,
    contract: Contract,
    at: datetime,
    roster: _Roster,
    rule_name: str,
    method: str,
    why: str,
    match: AccountMatch,
    trace: dict[str, Any],
    exclude: Collection[str],
) -> Assignment:
    def done(team: Team, rep: Rep, method: str, reason: str, key: str) -> Assignment:
        day = _local_day(rep, at).isoformat()
        return Assignment(team.id, rep.id, rule_name, method, reason, key, day, match, trace)

    trace["roster"] = {"key": roster.key, "team": roster.team.id, "method": method}
    pick = _pick(state, roster, method, lead, at, contract, exclude, trace)
    label = roster.key
    if pick is not None:
        team, rep, how = pick
        return done(team, rep, method, f"{why} -> {label}; {how}", roster.key)
    if contract.routing.outside_hours == "wait":
        waiting = _next_open(state, roster, at, contract, exclude, trace)
        if waiting is not None:
            team, rep, how = waiting
            return done(team, rep, method, f"{why} -> {label}; {how}", roster.key)
    fallback = contract.team(contract.routing.fallback_team)
    if fallback.id != roster.key:
        reps = [(fallback, r) for r in fallback.reps if r.role == "rep"]
        spare = _Roster(fallback.id, fallback, reps)
        trace["fallback"] = {"team": fallback.id}
        pick = _pick(state, spare, "least_loaded", lead, at, contract, exclude, trace["fallback"])
        if pick is not None:
            team, rep, how = pick
            reason = f"{why} -> {label}: nobody available; fallback {fallback.id}; {how}"
            return done(team, rep, "least_loaded", reason, fallback.id)
    present = [(t, r) for t, r in roster.reps if not _away(r, at) and r.id not in exclude]
    if present:
        team, rep = min(present, key=lambda tr: state.rep_load.get(tr[1].id, 0))
        full = all(str(c["skipped"]).startswith(("full", "daily cap")) for c in trace["candidates"])
        cause = "every rep at capacity" if full else "nobody available"
        reason = f"{why} -> {label}: {cause}; {rep.id} is least loaded"
        return done(team, rep, method, reason, roster.key)
    owner = roster.team.manager or roster.team.id
    reason = f"{why} -> {label}: no rep available; queued with {owner} to triage"
    return Assignment(roster.team.id, owner, rule_name, "manual", reason, None, None, match, trace)


def _skip(
    state: FunnelState,
    team: Team,
    rep: Rep,
    at: datetime,
    contract: Contract,
    exclude: Collection[str],
    check_role: bool = True,
    days: dict[str, date] | None = None,
    hours: bool = True,
) -> str | None:
    """Why `rep` cannot take a lead now, or None."""
    if check_role and rep.role != "rep":
        return f"role {rep.role}"
    if rep.id in exclude:
        return "already held this lead"
    day = days[rep.timezone] if days and rep.timezone in days else _local_day(rep, at)
    if days is not None:
        days[rep.timezone] = day
    if rep.out_of_office and any(a.start <= day <= a.end for a in rep.out_of_office):
        return "out of office"
    load, cap = state.rep_load.get(rep.id, 0), capacity_of(state, team, rep, day)
    if load >= cap:
        return f"full: {load} open leads of {cap}"
    if rep.daily_cap is not None:
        today = state.daily_assigned.get(f"{rep.id}|{day.isoformat()}", 0)
        if today >= rep.daily_cap:
            return f"daily cap {rep.daily_cap} reached"
    if (
        hours
        and contract.routing.outside_hours != "assign"
        and not calendar.calendar_for_rep(contract, rep.id).is_open(at)
    ):
        return OUTSIDE_HOURS
    return None


def _next_open(
    state: FunnelState,
    roster: _Roster,
    at: datetime,
    contract: Contract,
    exclude: Collection[str],
    trace: dict[str, Any],
) -> tuple[Team, Rep, str] | None:
    """Nobody in working hours: the rep (free but for the hour) whose day starts first."""
    after_hours = {c["rep"] for c in trace.get("candidates", []) if c["skipped"] == OUTSIDE_HOURS}
    ready = [
        (calendar.calendar_for_rep(contract, rep.id).next_open(at), i, team, rep)
        for i, (team, rep) in enumerate(roster.reps)
        if rep.id in after_hours
    ]
    if not ready:
        return None
    opens, _, team, rep = min(ready, key=lambda x: (x[0], state.rep_load.get(x[3].id, 0), x[1]))
    trace["waits_until"] = opens.isoformat()
    when = f"{opens:%Y-%m-%d %H:%M} UTC"
    how = f"nobody in working hours: {rep.id} opens first ({when}); the lead waits"
    return team, rep, how


def _pick(
    state: FunnelState,
    roster: _Roster,
    method: str,
    lead: LeadState,
    at: datetime,
    contract: Contract,
    exclude: Collection[str],
    trace: dict[str, Any],
) -> tuple[Team, Rep, str] | None:
    load = state.rep_load
    candidates: list[dict[str, Any]] = []
    free: list[tuple[Team, Rep]] = []
    days: dict[str, date] = {}  # local date per time zone, computed once per decision
    for team, rep in roster.reps:
        skipped = _skip(state, team, rep, at, contract, exclude, days=days)
        if skipped is None and method == "weighted_round_robin" and rep.weight == 0:
            skipped = "weight 0"
        candidates.append({"rep": rep.id, "load": load.get(rep.id, 0), "skipped": skipped})
        if skipped is None:
            free.append((team, rep))
    trace["candidates"] = candidates
    if not free:
        return None
    if method == "round_robin":
        reps = roster.reps
        cursor = state.rr_cursor.get(roster.key, 0) % len(reps)
        ids = {r.id for _, r in free}
        team, rep = next(tr for tr in reps[cursor:] + reps[:cursor] if tr[1].id in ids)
        return team, rep, f"round robin: {rep.id} is next in turn"
    if method == "weighted_round_robin":
        counts = state.pool_counts

        def behind(tr: tuple[Team, Rep]) -> float:
            return (counts.get(f"{roster.key}|{tr[1].id}", 0) + 1) / tr[1].weight

        team, rep = min(free, key=behind)
        n = counts.get(f"{roster.key}|{rep.id}", 0)
        return team, rep, f"weighted round robin: {rep.id} has {n} leads at weight {rep.weight}"
    if method == "territory" and lead.country:
        country = lead.country.casefold()
        local = [tr for tr in free if country in {t.casefold() for t in tr[1].territories}]
        if local:
            team, rep = min(local, key=lambda tr: load.get(tr[1].id, 0))
            return (
                team,
                rep,
                (f"territory {lead.country.upper()}: {rep.id}, least loaded of {len(local)}"),
            )
        team, rep = min(free, key=lambda tr: load.get(tr[1].id, 0))
        return (
            team,
            rep,
            (f"no available rep covers {lead.country.upper()}: {rep.id} is least loaded"),
        )
    team, rep = min(free, key=lambda tr: load.get(tr[1].id, 0))
    return team, rep, f"least loaded: {rep.id} has {load.get(rep.id, 0)} open leads"


def _local_day(rep: Rep, at: datetime) -> date:
    return at.astimezone(ZoneInfo(rep.timezone)).date()


def _away(rep: Rep, at: datetime) -> bool:
    day = _local_day(rep, at)
    return any(a.start <= day <= a.end for a in rep.out_of_office)


def capacity_of(state: FunnelState, team: Team, rep: Rep, day: date) -> int:
    """The rep's capacity on `day`: the latest notice in force, else the contract's."""
    for key in (rep.id, f"team:{team.id}"):
        for window in reversed(state.capacity_windows.get(key, ())):
            if window.start <= day and (window.end is None or day <= window.end):
                return window.capacity
    return rep.capacity
