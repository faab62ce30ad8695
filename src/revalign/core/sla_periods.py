"""The period promises, judged by `tick`: one clock per month (marketing) or week (forecasts).

- mql_volume: the month's MQLs (UTC month) against the target (`target.set` for "mqls" of
  that month, else `targets.mql_per_month`; 0 means no promise). Warned at `warn_at` of the
  month when behind the pro-rated target; judged at month end.
- mql_to_sql_quality: the month's MQL cohort, judged `mql_to_sql_days` after month end:
  converted (SQL or beyond) ÷ MQLs below `mql_to_sql_bad` is a breach, overall and for each
  campaign and channel with at least `quality_min_mqls` MQLs (one clock each).
- forecast_submission: each owner (`slas.forecast.owners`: the sales teams' managers or
  reps) owes a `forecast.submitted` in each ISO week by `slas.forecast.day`/`at`, local time,
  from the week of the first forecast in the ledger on (before it, nobody forecasts here).
A volume or quality warning is judged on the counts when a tick first runs past `warn_at`,
and dated at that tick. Periods run from the month of the first lead captured up to `now`.
Every event's key is its clock id, so ticking twice, replaying or rebuilding gives the same
events once.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from revalign.contract.schema import Contract, VersionedContract
from revalign.core import sla
from revalign.core.events import SOURCE_ENGINE, Event, EventType
from revalign.core.sla_checks import marketing_owner
from revalign.core.sla_fold import month_key
from revalign.core.state import Clock, FunnelState

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def period_events(state: FunnelState, contract: VersionedContract, now: datetime) -> list[Event]:
    """Starts, warnings, stops and breaches of the period promises due by `now`."""
    if state.first_fact_at is None:
        return []
    out: list[Event] = []
    cohorts: dict[str, list[tuple[str, list[int]]]] = {}
    for key, counts in sorted(state.cohorts.items()):
        month, _, dim = key.partition("|")
        cohorts.setdefault(month, []).append((dim, counts))
    for first, end in _months(state.first_fact_at, now):
        out += _mql_volume(state, contract, first, end, now)
        out += _quality(state, contract, first, end, now, cohorts)
    since = min((times[0] for times in state.forecasts_by.values() if times), default=None)
    if since is None:
        return out
    for owner, zone, team in _forecast_owners(contract.contract):
        times = state.forecasts_by.get(owner, [])
        if team != owner:
            times = sorted(times + state.forecasts_by.get(team, []))
        for first, due in _weeks(since, now, zone, contract.contract):
            out += _forecast(state, contract, owner, times, first, due, now)
    return out


def _months(since: datetime, now: datetime) -> Iterator[tuple[datetime, datetime]]:
    year, month = since.year, since.month
    while True:
        first = datetime(year, month, 1, tzinfo=UTC)
        if first > now:
            return
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        yield first, datetime(year, month, 1, tzinfo=UTC)


def _period_clock(
    state: FunnelState, contract: VersionedContract, name: str, key: str, owner: str,
    side: str, first: datetime, due: datetime,
) -> tuple[Clock, list[Event]]:  # fmt: skip
    """The period's clock, and its start event when the ledger does not have it yet.

    The start is placed only with the judgement, so a tick within the period adds nothing
    but a warning; the clock's times are the period's, whenever it is judged."""
    cid = f"{name}:{key}"
    found = state.clocks.get(cid)
    if found is not None:
        return found, []
    warn = first + (due - first) * contract.contract.slas.warn_at
    clock = Clock(cid, name, None, owner, side, first, due, warn_at=warn)
    payload = {"clock_id": cid, "sla": name, "owner": owner, "owner_side": side,
               "due_at": due.isoformat(), "warn_at": warn.isoformat(), "period": key}  # fmt: skip
    return clock, [_engine_event(EventType.SLA_CLOCK_STARTED, f"start:{cid}", first, payload,
                                 contract.version)]  # fmt: skip


def _judge(
    clock: Clock, contract: VersionedContract, met: bool, extra: dict[str, Any]
) -> list[Event]:
    """Stop `clock` at its due time, met or not, with its breach when not."""
    hours = round((clock.due_at - clock.started_at).total_seconds() / 3600.0, 4)
    payload = {"clock_id": clock.clock_id, "sla": clock.sla, "met": met,
               "elapsed_business_hours": hours}  # fmt: skip
    out = [_engine_event(EventType.SLA_CLOCK_STOPPED, f"stop:{clock.clock_id}", clock.due_at,
                         payload, contract.version)]  # fmt: skip
    if not met:
        out.append(sla.breach(clock, contract.version, extra=extra))
    return out


def _warn_due(state: FunnelState, clock: Clock, now: datetime) -> bool:
    return clock.warn_at is not None and now >= clock.warn_at and clock.clock_id not in state.warned


def _done(state: FunnelState, clock_id: str) -> bool:
    """Whether the period clock `clock_id` is already judged (stopped)."""
    known = state.clocks.get(clock_id)
    return known is not None and known.stopped_at is not None


def _mql_volume(
    state: FunnelState, contract: VersionedContract, first: datetime, end: datetime,
    now: datetime,
) -> list[Event]:  # fmt: skip
    c = contract.contract
    month = month_key(first.year, first.month)
    target = state.mql_targets.get(month, c.targets.mql_per_month)
    if target <= 0 or _done(state, f"mql_volume:{month}"):
        return []
    owner = marketing_owner(c)
    clock, out = _period_clock(state, contract, "mql_volume", month, owner, "marketing",
                               first, end)  # fmt: skip
    actual = state.cohorts.get(f"{month}|all", [0, 0])[0]
    extra = {"period": month, "target": float(target), "actual": float(actual)}
    if now >= end:
        return out + _judge(clock, contract, actual >= target, extra)
    out = []  # the period's clock is started when it is judged (a tick mid-period stays quiet)
    share = c.slas.warn_at
    if _warn_due(state, clock, now) and actual < target * share:  # behind the pro-rated target
        out.append(sla.warning(clock, contract.version, now, share))
    return out


def _quality(
    state: FunnelState, contract: VersionedContract, first: datetime, end: datetime,
    now: datetime, cohorts: dict[str, list[tuple[str, list[int]]]],
) -> list[Event]:  # fmt: skip
    c = contract.contract
    month = month_key(first.year, first.month)
    due = end + timedelta(days=c.slas.mql_to_sql_days)
    owner, bad = marketing_owner(c), c.slas.mql_to_sql_bad
    out: list[Event] = []
    for dim, (mqls, converted) in cohorts.get(month, ()):
        if mqls <= 0:
            continue
        if dim != "all" and mqls < c.slas.quality_min_mqls:
            continue
        name = month if dim == "all" else f"{month}:{dim}"
        if _done(state, f"mql_to_sql_quality:{name}"):
            continue
        clock, started = _period_clock(state, contract, "mql_to_sql_quality", name, owner,
                                       "marketing", first, due)  # fmt: skip
        rate = converted / mqls
        extra: dict[str, Any] = {"period": month, "target": bad, "actual": round(rate, 4)}
        kind, _, value = dim.partition(":")
        if kind in ("campaign", "channel"):
            extra[kind] = value
        if now >= due:
            out += started + _judge(clock, contract, rate >= bad, extra)
        elif _warn_due(state, clock, now) and rate < bad:
            out.append(sla.warning(clock, contract.version, now, c.slas.warn_at))
    return out


def _forecast_owners(contract: Contract) -> list[tuple[str, ZoneInfo, str]]:
    """(owner, time zone, team) of everyone who owes a weekly forecast, in contract order.

    A manager's forecast may also be submitted in the team's name (`by` = the team id)."""
    who = contract.slas.forecast.owners
    if who == "none":
        return []
    out = []
    for team in contract.teams:
        if team.side != "sales":
            continue
        for rep in team.reps:
            owes = rep.id == team.manager if who == "managers" else rep.role == "rep"
            if owes:
                team_alias = team.id if rep.id == team.manager else rep.id
                out.append((rep.id, ZoneInfo(rep.timezone), team_alias))
    return out


def _weeks(
    since: datetime, now: datetime, zone: ZoneInfo, contract: Contract
) -> Iterator[tuple[datetime, datetime]]:
    """(week start, forecast due) in UTC for each ISO week from `since` to `now`, local."""
    due_day = _DAYS.index(contract.slas.forecast.day)
    due_at: time = contract.slas.forecast.at
    day = since.astimezone(zone).date()
    monday = day - timedelta(days=day.weekday())
    while True:
        first = datetime.combine(monday, time(0), zone).astimezone(UTC)
        if first > now:
            return
        due = datetime.combine(monday + timedelta(days=due_day), due_at, zone).astimezone(UTC)
        if due >= since:  # a week already due before forecasting began owes nothing
            yield first, due
        monday += timedelta(days=7)


def _forecast(
    state: FunnelState, contract: VersionedContract, owner: str, times: list[datetime],
    first: datetime,
    due: datetime, now: datetime,
) -> list[Event]:  # fmt: skip
    year, week, _ = (first + timedelta(days=3)).isocalendar()  # the local Monday's ISO week
    key = f"{owner}:{year}-W{week:02d}"
    if _done(state, f"forecast_submission:{key}"):
        return []
    clock, out = _period_clock(state, contract, "forecast_submission", key, owner, "sales",
                               first, due)  # fmt: skip
    submitted = bisect_right(times, due) - bisect_left(times, first) > 0
    if now >= due:
        extra = {"period": f"{year}-W{week:02d}"}
        stop_at = times[bisect_left(times, first)] if submitted else due
        return out + _stop_at(clock, contract, submitted, extra, stop_at)
    if submitted:
        return []
    if _warn_due(state, clock, now):
        return [
            sla.warning(
                clock, contract.version, clock.warn_at or now, contract.contract.slas.warn_at
            )
        ]
    return []


def _stop_at(
    clock: Clock, contract: VersionedContract, met: bool, extra: dict[str, Any], at: datetime
) -> list[Event]:
    if not met:
        return _judge(clock, contract, met, extra)
    hours = round((at - clock.started_at).total_seconds() / 3600.0, 4)
    payload = {"clock_id": clock.clock_id, "sla": clock.sla, "met": True,
               "elapsed_business_hours": hours}  # fmt: skip
    return [_engine_event(EventType.SLA_CLOCK_STOPPED, f"stop:{clock.clock_id}", at, payload,
                          contract.version)]  # fmt: skip


def _engine_event(
    kind: EventType, key: str, at: datetime, payload: dict[str, Any], version: str
) -> Event:
    return Event(type=kind, source=SOURCE_ENGINE, source_id=key, occurred_at=at,
                 payload=payload, contract_version=version)  # fmt: skip
