"""Events → flat analytical tables (pandas DataFrames) that every metric reads.

One pass over the ledger; rows accumulate in column lists (touches, the big table, in typed
arrays of codes and epoch microseconds), and DataFrames are built once at the end, so a
million leads and ten million touches never become ten million Python row objects.
Column names and types are fixed in `SCHEMA` (see docs/metrics.md); timestamps are
tz-aware UTC. The pass reads the ledger under the core's fold rules: a fact the core refused
(its `engine.rejected` follows it) and a source event of a derived-only type count nowhere
(`analytics/refusals.py`), so frames, `status` and replay agree on every stage count.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

import numpy as np
import pandas as pd

from revalign.analytics.refusals import refused_in, refused_in_ledger
from revalign.core.events import SOURCE_ENGINE, Event, EventType
from revalign.core.lifecycle import DERIVED_ONLY
from revalign.ledger.base import Ledger

# "money": Decimal objects (exact); the engines hold them as DECIMAL(38,6) (see analytics/money.py)
ColumnType = Literal["str", "ts", "float", "int", "bool", "money"]

SCHEMA: dict[str, tuple[tuple[str, ColumnType], ...]] = {
    "leads": (
        ("lead_id", "str"), ("created_at", "ts"), ("channel", "str"), ("campaign", "str"),
        ("country", "str"), ("industry", "str"), ("employees", "int"), ("segment", "str"),
        ("team", "str"), ("owner", "str"), ("stage", "str"), ("high_intent", "bool"),
        ("mql_at", "ts"), ("sal_at", "ts"), ("rejected_at", "ts"), ("reject_reason", "str"),
        ("sql_at", "ts"), ("disqualified_at", "ts"), ("disqualify_reason", "str"),
        ("recycled_at", "ts"), ("first_contact_at", "ts"), ("opportunity_id", "str"),
        ("won_at", "ts"), ("lost_at", "ts"),
        ("stage_at", "ts"),  # extension: when the current stage was entered (lead aging)
        ("timing", "str"),  # extension: set when the source has no real step times (datasets)
    ),
    "opportunities": (
        ("opportunity_id", "str"), ("lead_id", "str"), ("account_id", "str"),
        ("created_at", "ts"), ("amount", "money"), ("currency", "str"), ("stage", "str"),
        ("owner", "str"), ("team", "str"), ("channel", "str"), ("campaign", "str"),
        ("expected_close", "ts"), ("closed_at", "ts"), ("won", "bool"), ("reason", "str"),
        ("report_amount", "money"),  # in the reporting currency (money.convert_frames)
    ),
    "touches": (
        ("lead_id", "str"), ("occurred_at", "ts"), ("kind", "str"), ("channel", "str"),
        ("campaign", "str"), ("content", "str"),  # content: the asset's id, if any
    ),
    "rep_touches": (("lead_id", "str"), ("occurred_at", "ts"), ("kind", "str"), ("by", "str"),
                    ("content", "str")),
    "costs": (
        ("campaign", "str"), ("channel", "str"), ("amount", "money"), ("currency", "str"),
        ("period_start", "ts"), ("period_end", "ts"), ("report_amount", "money"),
    ),
    "clocks": (
        ("clock_id", "str"), ("sla", "str"), ("lead_id", "str"), ("owner", "str"),
        ("owner_side", "str"), ("started_at", "ts"), ("due_at", "ts"), ("stopped_at", "ts"),
        ("met", "bool"), ("breached", "bool"),
        ("elapsed_business_hours", "float"),  # extension: from sla.clock_stopped
    ),
    "targets": (("metric", "str"), ("period", "str"), ("amount", "float")),
    "forecasts": (
        ("period", "str"), ("amount", "money"), ("currency", "str"), ("by", "str"),
        ("category", "str"), ("submitted_at", "ts"), ("report_amount", "money"),
    ),
    "surveys": (("team", "str"), ("about", "str"), ("score", "int"), ("occurred_at", "ts")),
    # every stage an opportunity entered, and when (win rates per stage, point-in-time views)
    "opportunity_stages": (("opportunity_id", "str"), ("stage", "str"), ("entered_at", "ts")),
    # fx.rate events: 1 currency = rate quote from day `on` (read by money.py, not the engines)
    "fx": (("currency", "str"), ("quote", "str"), ("on", "ts"), ("rate", "money")),
}  # fmt: skip
ENGINE_TABLES = tuple(name for name in SCHEMA if name != "fx")

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAT = int(np.iinfo(np.int64).min)  # the int64 pandas reads as NaT


@dataclass(frozen=True)
class Frames:
    """The analytical tables; see `SCHEMA` for columns and types."""

    leads: pd.DataFrame
    opportunities: pd.DataFrame
    touches: pd.DataFrame
    rep_touches: pd.DataFrame
    costs: pd.DataFrame
    clocks: pd.DataFrame
    targets: pd.DataFrame
    forecasts: pd.DataFrame
    surveys: pd.DataFrame
    opportunity_stages: pd.DataFrame
    fx: pd.DataFrame = dataclass_field(default_factory=lambda: frame("fx", _empty("fx")))

    def tables(self) -> dict[str, pd.DataFrame]:
        """Table name → DataFrame of the tables the engines load, in SCHEMA order."""
        return {name: getattr(self, name) for name in ENGINE_TABLES}


def segment_of(employees: int | None) -> str:
    """The employee band label of a company size."""
    if employees is None:
        return "unknown"
    if employees < 50:
        return "1-49"
    return "50-500" if employees <= 500 else "501+"


def micros(value: datetime | date | str | None) -> int:
    """Epoch microseconds of an aware datetime, a date (UTC midnight) or an ISO string."""
    if value is None:
        return _NAT
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day, tzinfo=UTC)
    elif value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return (value - _EPOCH) // timedelta(microseconds=1)


def column(values: Any, kind: ColumnType) -> pd.Series:
    """A pandas column of the given schema type from a list/array of raw values."""
    if kind == "ts":
        raw = np.asarray(values, dtype=np.int64).view("datetime64[us]")
        return pd.Series(raw).dt.tz_localize("UTC")
    if kind == "float":
        return pd.Series(np.asarray(values, dtype=np.float64))
    if kind == "int":
        return pd.Series(pd.array(list(values), dtype="Int64"))
    if kind == "bool":
        return pd.Series(pd.array(list(values), dtype="boolean"))
    if kind == "money":
        return pd.Series(list(values), dtype=object)
    return pd.Series(pd.array(list(values), dtype="str"))


def _empty(table: str) -> dict[str, list[Any]]:
    return {name: [] for name, _ in SCHEMA[table]}


def frame(table: str, data: Mapping[str, Any]) -> pd.DataFrame:
    """A DataFrame for `table` with SCHEMA's columns in order, from column lists."""
    return pd.DataFrame({name: column(data[name], kind) for name, kind in SCHEMA[table]})


class _Rows:
    """A growing table kept as one Python list per column, with an optional key index."""

    def __init__(self, table: str) -> None:
        self.table = table
        self.cols: dict[str, list[Any]] = {name: [] for name, _ in SCHEMA[table]}
        self.defaults = {n: (_NAT if k == "ts" else None) for n, k in SCHEMA[table]}
        self.index: dict[str, int] = {}
        self.count = 0

    def add(self, **values: Any) -> int:
        for name, col in self.cols.items():
            col.append(values.get(name, self.defaults[name]))
        self.count += 1
        return self.count - 1

    def row(self, key: str, **values: Any) -> int:
        """The row for `key`, created with `values` when new."""
        idx = self.index.get(key)
        if idx is None:
            idx = self.index[key] = self.add(**values)
        return idx

    def frame(self) -> pd.DataFrame:
        return frame(self.table, self.cols)


class _Coded:
    """A big append-only table: strings as int codes, timestamps as int64 micros."""

    def __init__(self, table: str) -> None:
        self.table = table
        self.codes: dict[str, array[int]] = {}
        self.values: dict[str, dict[str | None, int]] = {}
        for name, kind in SCHEMA[table]:
            self.codes[name] = array("q")
            if kind == "str":
                self.values[name] = {None: 0}

    def add(self, **values: Any) -> None:
        for name, codes in self.codes.items():
            value = values.get(name)
            lookup = self.values.get(name)
            if lookup is None:
                codes.append(_NAT if value is None else int(value))
            else:
                code = lookup.get(value)
                if code is None:
                    code = lookup[value] = len(lookup)
                codes.append(code)

    def frame(self) -> pd.DataFrame:
        data: dict[str, Any] = {}
        for name, codes in self.codes.items():
            lookup = self.values.get(name)
            if lookup is None:
                data[name] = np.frombuffer(codes, dtype=np.int64)
            else:
                labels = np.empty(len(lookup), dtype=object)
                labels[:] = list(lookup)  # dict order == code order
                data[name] = labels[np.frombuffer(codes, dtype=np.int64)]
        return frame(self.table, data)


def _amount(value: Any) -> Decimal | None:
    """An exact payload amount (a decimal string in the ledger)."""
    return None if value is None else Decimal(str(value))


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


class _Builder:
    """Folds events into the tables, one event at a time."""

    def __init__(self, refused: set[str] | frozenset[str] = frozenset()) -> None:
        self.refused = refused
        self.leads = _Rows("leads")
        self.opps = _Rows("opportunities")
        self.clocks = _Rows("clocks")
        self.costs = _Rows("costs")
        self.forecasts = _Rows("forecasts")
        self.surveys = _Rows("surveys")
        self.opp_stages = _Rows("opportunity_stages")
        self.fx = _Rows("fx")
        self.targets: dict[tuple[str, str], float] = {}
        self.touches = _Coded("touches")
        self.rep_touches = _Coded("rep_touches")

    # -- leads -----------------------------------------------------------------------------
    def _lead(self, lead_id: str, at: int) -> int:
        return self.leads.row(
            lead_id, lead_id=lead_id, created_at=at, stage="lead", stage_at=at, high_intent=False
        )

    def _set(self, idx: int, **values: Any) -> None:
        for name, value in values.items():
            self.leads.cols[name][idx] = value

    def _first(self, idx: int, name: str, at: int) -> None:
        col = self.leads.cols[name]
        if col[idx] == _NAT or at < col[idx]:
            col[idx] = at

    def _enter(self, idx: int, stage: str, at: int, stamp: str, first: bool = True) -> None:
        if first:
            self._first(idx, stamp, at)
        else:
            self.leads.cols[stamp][idx] = at
        self._set(idx, stage=stage, stage_at=at)

    def _profile(self, idx: int, p: Mapping[str, Any]) -> None:
        for field, name in (("source", "channel"), ("campaign", "campaign"),
                            ("country", "country"), ("industry", "industry")):  # fmt: skip
            if p.get(field) is not None:
                self.leads.cols[name][idx] = p[field]
        if "employees" in p:
            self._set(idx, employees=p["employees"], segment=segment_of(p["employees"]))

    def apply(self, e: Event) -> None:
        t = e.type
        if e.source != SOURCE_ENGINE and (t in DERIVED_ONLY or e.id in self.refused):
            return  # the core refused it (or never folds it): it counts nowhere
        at, p = micros(e.occurred_at), e.payload
        opp_id = e.opportunity_id
        lead_id = e.lead_id
        if lead_id is None and opp_id is not None and opp_id in self.opps.index:
            lead_id = self.opps.cols["lead_id"][self.opps.index[opp_id]]
        idx = self._lead(lead_id, at) if lead_id is not None and t in _LEAD_EVENTS else -1
        if t is EventType.LEAD_CAPTURED:
            self._set(idx, created_at=at, segment=segment_of(p.get("employees")))
            self._set(idx, timing=(p.get("attributes") or {}).get("timing"))
            self._profile(idx, p)
        elif t is EventType.LEAD_UPDATED:
            self._profile(idx, p.get("changes") or {})
        elif t is EventType.MQL_REACHED:
            self._enter(idx, "mql", at, "mql_at")
            self._set(
                idx,
                high_intent=bool(p.get("high_intent")) or bool(self.leads.cols["high_intent"][idx]),
            )
        elif t is EventType.SAL_ACCEPTED:
            self._enter(idx, "sal", at, "sal_at")
        elif t is EventType.SAL_REJECTED:
            self._enter(idx, "rejected", at, "rejected_at", first=False)
            self._set(idx, reject_reason=p.get("reason"))
        elif t is EventType.SQL_QUALIFIED:
            self._enter(idx, "sql", at, "sql_at")
        elif t is EventType.DISQUALIFIED:
            self._enter(idx, "disqualified", at, "disqualified_at", first=False)
            self._set(idx, disqualify_reason=p.get("reason"))
        elif t is EventType.RECYCLED:
            self._enter(idx, "recycled", at, "recycled_at", first=False)
        elif t is EventType.LEAD_ASSIGNED:
            self._set(idx, owner=p.get("owner"), team=p.get("team"))
        elif t is EventType.REP_TOUCH:
            self._first(idx, "first_contact_at", at)
            self.rep_touches.add(lead_id=lead_id, occurred_at=at, kind=p.get("kind"),
                                 by=p.get("by"), content=p.get("content"))  # fmt: skip
        elif t is EventType.MARKETING_TOUCH:
            self.touches.add(lead_id=lead_id, occurred_at=at, kind=p.get("kind"),
                             channel=p.get("channel"), campaign=p.get("campaign"),
                             content=p.get("content"))  # fmt: skip
        elif opp_id is not None and t in _OPP_EVENTS:
            self._opportunity(e, opp_id, idx, at)
        else:
            self._other(e, at)

    # -- opportunities ---------------------------------------------------------------------
    def _opportunity(self, e: Event, opp_id: str, lead_idx: int, at: int) -> None:
        p, t = e.payload, e.type
        o = self.opps.row(opp_id, opportunity_id=opp_id, lead_id=e.lead_id,
                          account_id=e.account_id, created_at=at, stage="discovery")  # fmt: skip
        cols = self.opps.cols
        if t is EventType.OPPORTUNITY_CREATED:
            cols["created_at"][o] = at
            cols["amount"][o] = _amount(p.get("amount"))
            cols["currency"][o] = p.get("currency")
            cols["stage"][o] = p.get("stage", "discovery")
            cols["owner"][o] = p.get("owner")
            cols["expected_close"][o] = micros(p.get("expected_close"))
            self.opp_stages.add(opportunity_id=opp_id, stage=cols["stage"][o], entered_at=at)
            if lead_idx >= 0:
                self._enter(lead_idx, "opportunity", at, "stage_at", first=False)
                self._set(lead_idx, opportunity_id=opp_id)
        elif t is EventType.OPPORTUNITY_STAGE_CHANGED:
            cols["stage"][o] = p.get("stage")
            self.opp_stages.add(opportunity_id=opp_id, stage=p.get("stage"), entered_at=at)
            if p.get("amount") is not None:
                cols["amount"][o] = _amount(p["amount"])
            if p.get("expected_close") is not None:
                cols["expected_close"][o] = micros(p["expected_close"])
        else:
            won = t is EventType.OPPORTUNITY_WON
            cols["stage"][o] = "won" if won else "lost"
            cols["won"][o] = won
            cols["closed_at"][o] = at
            cols["reason"][o] = p.get("reason")
            cols["currency"][o] = p.get("currency") or cols["currency"][o]
            amount = _amount(p.get("amount"))
            if won or (amount or 0) > 0:  # a lost payload's default 0 keeps the last amount
                cols["amount"][o] = amount
            if lead_idx >= 0:
                self._enter(lead_idx, "won" if won else "lost", at, "won_at" if won else "lost_at")

    # -- everything else -------------------------------------------------------------------
    def _other(self, e: Event, at: int) -> None:
        p, t = e.payload, e.type
        if t is EventType.CAMPAIGN_COST:
            self.costs.add(campaign=p.get("campaign"), channel=p.get("channel"),
                           amount=_amount(p.get("amount")), currency=p.get("currency"),
                           period_start=micros(p.get("period_start")),
                           period_end=micros(p.get("period_end")))  # fmt: skip
        elif t is EventType.TARGET_SET:
            self.targets[(str(p.get("metric")), str(p.get("period")))] = float(p["amount"])
        elif t is EventType.FORECAST_SUBMITTED:
            self.forecasts.add(period=p.get("period"), amount=_amount(p.get("amount")),
                               currency=p.get("currency"), by=p.get("by"),
                               category=p.get("category", "commit"), submitted_at=at)  # fmt: skip
        elif t is EventType.FX_RATE:
            self.fx.add(currency=p.get("currency"), quote=p.get("quote"), on=micros(p.get("on")),
                        rate=_amount(p.get("rate")))  # fmt: skip
        elif t is EventType.SURVEY_RESPONSE:
            self.surveys.add(team=p.get("team"), about=p.get("about"), score=p.get("score"),
                             occurred_at=at)  # fmt: skip
        elif t in _CLOCK_EVENTS and p.get("clock_id") is not None:
            self._clock(e, str(p["clock_id"]), at)

    def _clock(self, e: Event, clock_id: str, at: int) -> None:
        p, t = e.payload, e.type
        c = self.clocks.row(clock_id, clock_id=clock_id, sla=p.get("sla"), lead_id=e.lead_id,
                            breached=False)  # fmt: skip
        cols = self.clocks.cols
        for name in ("owner", "owner_side"):
            if p.get(name) is not None:
                cols[name][c] = p[name]
        if p.get("due_at") is not None:
            cols["due_at"][c] = micros(p["due_at"])
        if t is EventType.SLA_CLOCK_STARTED:
            cols["started_at"][c] = at
        elif t is EventType.SLA_CLOCK_STOPPED:
            cols["stopped_at"][c] = at
            cols["met"][c] = bool(p.get("met"))
            cols["elapsed_business_hours"][c] = _float(p.get("elapsed_business_hours"))
        else:
            cols["breached"][c] = True

    def frames(self) -> Frames:
        leads = self.leads.frame()
        opps = self.opps.frame()
        if len(opps):  # the lead's attributes, known only once the whole stream is read
            by_lead = leads.set_index("lead_id")
            lead_of = opps["lead_id"]
            for name in ("team", "channel", "campaign"):
                opps[name] = lead_of.map(by_lead[name]).astype("str")
            opps["owner"] = opps["owner"].fillna(lead_of.map(by_lead["owner"])).astype("str")
        keys = list(self.targets)
        targets = frame("targets", {"metric": [k[0] for k in keys],
                                    "period": [k[1] for k in keys],
                                    "amount": list(self.targets.values())})  # fmt: skip
        return Frames(leads=leads, opportunities=opps, touches=self.touches.frame(),
                      rep_touches=self.rep_touches.frame(), costs=self.costs.frame(),
                      clocks=self.clocks.frame(), targets=targets,
                      forecasts=self.forecasts.frame(), surveys=self.surveys.frame(),
                      opportunity_stages=self.opp_stages.frame(),
                      fx=self.fx.frame())  # fmt: skip


_OPP_EVENTS = frozenset({EventType.OPPORTUNITY_CREATED, EventType.OPPORTUNITY_STAGE_CHANGED,
                         EventType.OPPORTUNITY_WON, EventType.OPPORTUNITY_LOST})  # fmt: skip
_CLOCK_EVENTS = frozenset({EventType.SLA_CLOCK_STARTED, EventType.SLA_CLOCK_STOPPED,
                           EventType.SLA_BREACHED})  # fmt: skip
_LEAD_EVENTS = frozenset({EventType.LEAD_CAPTURED, EventType.LEAD_UPDATED,
                          EventType.MQL_REACHED, EventType.SAL_ACCEPTED, EventType.SAL_REJECTED,
                          EventType.SQL_QUALIFIED, EventType.DISQUALIFIED, EventType.RECYCLED,
                          EventType.LEAD_ASSIGNED, EventType.REP_TOUCH,
                          EventType.MARKETING_TOUCH}) | _OPP_EVENTS  # fmt: skip


def frames_from_events(
    events: Iterable[Event], refused: set[str] | frozenset[str] | None = None
) -> Frames:
    """Fold events (in ledger order) into the analytical tables, skipping refused facts.

    `refused`: ids of the refused facts when the caller knows them; else they are read
    from the `engine.rejected` events among `events` (one extra pass).
    """
    if refused is None:
        events = events if isinstance(events, Sequence) else list(events)
        refused = refused_in(events)
    builder = _Builder(refused)
    for event in events:
        builder.apply(event)
    return builder.frames()


def load_frames(ledger: Ledger) -> Frames:
    """The frames of the whole ledger: on a SQL ledger through the frames cache (only the
    events after its seq are folded, `analytics/frames_cache.py`); else one streamed pass
    (the refused ids first)."""
    from revalign.ledger.sql import SqlLedger

    if isinstance(ledger, SqlLedger):
        from revalign.analytics import frames_cache

        return frames_cache.load(ledger)
    return frames_from_events(ledger.read(after_seq=0), refused_in_ledger(ledger))


def empty_frames() -> Frames:
    """Frames with every table present and no rows."""
    return frames_from_events(())
