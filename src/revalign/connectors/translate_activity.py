"""Touch rows -> marketing.touch / rep.touch; CRM stage-history rows -> the stage events."""

from __future__ import annotations

from typing import Any

from revalign.connectors import rows
from revalign.connectors.base import Context, event, explicit_id, lead_ref
from revalign.connectors.identity import row_key
from revalign.core.events import Event, EventType, MarketingTouchKind, RepTouchKind

_MARKETING = {k.value for k in MarketingTouchKind}
_REP = {k.value for k in RepTouchKind}
_KIND_HELP = f"marketing: {', '.join(sorted(_MARKETING))}; rep: {', '.join(sorted(_REP))}"

STAGE_EVENTS: dict[str, EventType] = {
    "sal_accepted": EventType.SAL_ACCEPTED,
    "sal_rejected": EventType.SAL_REJECTED,
    "sql": EventType.SQL_QUALIFIED,
    "disqualified": EventType.DISQUALIFIED,
    "recycled": EventType.RECYCLED,
}
_STAGE_COLUMNS = frozenset(
    ("id", "email", "lead_id", "occurred_at", "event", "by", "reason", "note", "owner",
     "reengage_on", "framework")
)  # fmt: skip


def _name(value: str) -> str:
    return value.strip().lower().replace("-", "_").replace(" ", "_")


class TouchTranslator:
    kind = "touches"
    required_columns = ("occurred_at", "kind")

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def submitted(self) -> None:
        """Nothing to forget: touches need no memory between rows."""

    def translate(self, row: rows.Row) -> list[Event]:
        lead_id, account_id = lead_ref(self._ctx, row)
        at = rows.timestamp(rows.required(row, "occurred_at"), "occurred_at")
        kind = _name(rows.required(row, "kind"))
        campaign = rows.text(row, "campaign")
        by = rows.text(row, "by")
        key = explicit_id(row) or row_key(lead_id, at, kind, campaign, by)
        payload: dict[str, Any]
        if kind in _MARKETING:
            payload = {
                "kind": kind,
                "channel": rows.text(row, "channel"),
                "campaign": campaign,
                "url": rows.text(row, "url"),
                "content": rows.text(row, "content"),
            }
            type_ = EventType.MARKETING_TOUCH
        elif kind in _REP:
            if by is None:
                raise rows.RowError(f"missing by (the rep id) for a rep touch {kind!r}")
            payload = {
                "kind": kind,
                "by": by,
                "outcome": rows.text(row, "outcome"),
                "note": rows.text(row, "note"),
                "content": rows.text(row, "content"),
            }
            type_ = EventType.REP_TOUCH
        else:
            raise rows.RowError(f"unknown kind {kind!r} ({_KIND_HELP})")
        clean = {k: v for k, v in payload.items() if v is not None}
        return [event(self._ctx, type_, key, at, clean, lead_id=lead_id, account_id=account_id)]


class StageTranslator:
    """sal_accepted, sal_rejected, sql, disqualified, recycled.

    `owner` on an acceptance names the rep who works the lead; on other events it is a
    manual reassignment (a lead.assigned event).
    """

    kind = "stages"
    required_columns = ("occurred_at", "event")

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def submitted(self) -> None:
        """Nothing to forget."""

    def translate(self, row: rows.Row) -> list[Event]:
        lead_id, account_id = lead_ref(self._ctx, row)
        at = rows.timestamp(rows.required(row, "occurred_at"), "occurred_at")
        name = _name(rows.required(row, "event")).removeprefix("stage.")
        type_ = STAGE_EVENTS.get(name)
        if type_ is None:
            raise rows.RowError(f"unknown event {name!r} (use {', '.join(STAGE_EVENTS)})")
        by = rows.required(row, "by")
        key = explicit_id(row) or row_key(lead_id, at, name, by)
        payload = self._payload(type_, row, by)
        out = [event(self._ctx, type_, key, at, payload, lead_id=lead_id, account_id=account_id)]
        owner = rows.text(row, "owner")
        if owner is not None and type_ is not EventType.SAL_ACCEPTED:
            # on acceptance the owner is part of the decision; elsewhere it is a reassignment
            assign = {"owner": owner, "method": "manual", "reason": f"set with {name} by {by}"}
            out.append(
                event(
                    self._ctx, EventType.LEAD_ASSIGNED, f"{key}:owner", at, assign,
                    lead_id=lead_id, account_id=account_id,
                )
            )  # fmt: skip
        return out

    def _payload(self, type_: EventType, row: rows.Row, by: str) -> dict[str, Any]:
        payload: dict[str, Any] = {"by": by}
        if type_ is EventType.SAL_ACCEPTED and rows.text(row, "owner") is not None:
            payload["owner"] = rows.text(row, "owner")
        if type_ in (EventType.SAL_REJECTED, EventType.DISQUALIFIED, EventType.RECYCLED):
            payload["reason"] = rows.required(row, "reason")
        if type_ is not EventType.SQL_QUALIFIED and type_ is not EventType.RECYCLED:
            note = rows.text(row, "note")
            if note is not None:
                payload["note"] = note
        if type_ is EventType.RECYCLED:
            reengage = rows.text(row, "reengage_on")
            if reengage is not None:
                payload["reengage_on"] = rows.day(reengage, "reengage_on")
        if type_ is EventType.SQL_QUALIFIED:
            framework = rows.text(row, "framework")
            payload["framework"] = (
                framework or self._ctx.contract.contract.qualification.framework
            ).lower()
            payload["fields"] = {
                k: v
                for k, v in row.items()
                if k and k not in _STAGE_COLUMNS and v not in (None, "") and k != "__extra__"
            }
        return payload
