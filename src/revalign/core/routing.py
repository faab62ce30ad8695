"""Routing: which team and rep an MQL goes to, and why ("why did this lead go there?").

Rules are tried in contract order; every condition a rule sets must hold (AND), and the
first match wins, else `routing.fallback_team`. Within the team the method picks a rep:
- territory: reps whose territories include the lead's country, least loaded among them
  (no such rep available: least loaded of the team);
- least_loaded: fewest open leads (ties: contract order);
- round_robin: the next rep after the team's cursor (`state.rr_cursor`).
Only role `rep` is assignable; a rep out of office on the day (in their time zone) or at
capacity (contract capacity, or a capacity notice in force that day) is skipped. A team
with nobody available passes the lead to the fallback team; if nobody there either, the
least-loaded rep present in the matched team takes it over capacity, and if everyone is
away, the team manager gets it to triage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from revalign.contract.schema import Contract, Rep, RoutingRule, Team
from revalign.core.state import FunnelState, LeadState


@dataclass(frozen=True, slots=True)
class Assignment:
    team: str
    owner: str
    rule: str
    method: str
    reason: str


def matches(rule: RoutingRule, lead: LeadState) -> bool:
    when = rule.when
    if when.country_in is not None and not _in(lead.country, when.country_in):
        return False
    if when.industry_in is not None and not _in(lead.industry, when.industry_in):
        return False
    if when.source_in is not None and not _in(lead.source, when.source_in):
        return False
    if when.employees_min is not None or when.employees_max is not None:
        if lead.employees is None:
            return False
        if when.employees_min is not None and lead.employees < when.employees_min:
            return False
        if when.employees_max is not None and lead.employees > when.employees_max:
            return False
    return when.high_intent is None or when.high_intent == lead.high_intent


def _in(value: str | None, allowed: list[str]) -> bool:
    return value is not None and value.casefold() in {a.casefold() for a in allowed}


def route(state: FunnelState, lead: LeadState, contract: Contract, at: datetime) -> Assignment:
    """The assignment for `lead` at `at` under `contract` (pure; reads state loads)."""
    rule = next((r for r in contract.routing.rules if matches(r, lead)), None)
    team = contract.team(rule.team if rule else contract.routing.fallback_team)
    rule_name = rule.name if rule else "fallback"
    method = rule.method if rule else "least_loaded"
    why = f"rule {rule_name!r}" if rule else "no rule matched: fallback team"
    pick = _pick(state, team, method, lead, at)
    if pick is not None:
        rep, how = pick
        return Assignment(team.id, rep.id, rule_name, method, f"{why} -> {team.id}; {how}")
    fallback = contract.team(contract.routing.fallback_team)
    if fallback.id != team.id:
        pick = _pick(state, fallback, "least_loaded", lead, at)
        if pick is not None:
            rep, how = pick
            reason = f"{why} -> {team.id}: nobody available; fallback {fallback.id}; {how}"
            return Assignment(fallback.id, rep.id, rule_name, "least_loaded", reason)
    present = [r for r in _assignable(team) if not _away(r, at)]
    if present:
        rep = min(present, key=lambda r: state.rep_load.get(r.id, 0))
        reason = f"{why} -> {team.id}: every rep at capacity; {rep.id} is least loaded"
        return Assignment(team.id, rep.id, rule_name, method, reason)
    owner = team.manager or team.id
    reason = f"{why} -> {team.id}: no rep available; queued with {owner} to triage"
    return Assignment(team.id, owner, rule_name, "manual", reason)


def _assignable(team: Team) -> list[Rep]:
    return [r for r in team.reps if r.role == "rep"]


def _pick(
    state: FunnelState, team: Team, method: str, lead: LeadState, at: datetime
) -> tuple[Rep, str] | None:
    roster = _assignable(team)
    free = [r for r in roster if not _away(r, at) and _has_room(state, team, r, at)]
    if not free:
        return None
    load = state.rep_load
    if method == "round_robin":
        cursor = state.rr_cursor.get(team.id, 0)
        order = roster[cursor % len(roster) :] + roster[: cursor % len(roster)]
        rep = next(r for r in order if r in free)
        return rep, f"round robin: {rep.id} is next in turn"
    if method == "territory" and lead.country:
        local = [r for r in free if _in(lead.country, r.territories)]
        if local:
            rep = min(local, key=lambda r: load.get(r.id, 0))
            return rep, f"territory {lead.country.upper()}: {rep.id}, least loaded of {len(local)}"
        rep = min(free, key=lambda r: load.get(r.id, 0))
        return rep, f"no available rep covers {lead.country.upper()}: {rep.id} is least loaded"
    rep = min(free, key=lambda r: load.get(r.id, 0))
    return rep, f"least loaded: {rep.id} has {load.get(rep.id, 0)} open leads"


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


def _has_room(state: FunnelState, team: Team, rep: Rep, at: datetime) -> bool:
    return state.rep_load.get(rep.id, 0) < capacity_of(state, team, rep, _local_day(rep, at))
