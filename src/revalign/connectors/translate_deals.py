"""Opportunity rows -> opportunity.created (+ stage change, won, lost); costs -> campaign.cost."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from revalign.connectors import rows
from revalign.connectors.base import Context, event, explicit_id, lead_ref
from revalign.connectors.identity import row_key
from revalign.core.events import Event, EventType

_STATUSES = ("open", "won", "lost")


def _currency(ctx: Context, row: rows.Row) -> str:
    value = rows.text(row, "currency")
    return rows.currency(value) if value is not None else ctx.contract.contract.currency


def _optional_day(row: rows.Row, column: str) -> Any:
    value = rows.text(row, column)
    return rows.day(value, column) if value is not None else None


class OpportunityTranslator:
    kind = "opportunities"
    required_columns = ("opportunity_id", "created_at", "amount")

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self._pending: dict[str, str] = {}  # opportunity_id -> stage, until submitted

    def submitted(self) -> None:
        self._pending.clear()

    def translate(self, row: rows.Row) -> list[Event]:
        opp_id = rows.required(row, "opportunity_id")
        has_lead = rows.text(row, "email") or rows.text(row, "lead_id")
        lead_id, account_id = lead_ref(self._ctx, row) if has_lead else (None, None)
        created = rows.timestamp(rows.required(row, "created_at"), "created_at")
        money = rows.amount(rows.required(row, "amount"))
        currency = _currency(self._ctx, row)
        status = (rows.text(row, "status") or "open").lower()
        if status not in _STATUSES:
            raise rows.RowError(f"unknown status {status!r} (use open, won or lost)")
        stage = rows.text(row, "stage") or "discovery"
        closed_text = rows.text(row, "closed_at")
        closed = rows.timestamp(closed_text, "closed_at") if closed_text else None
        if status != "open" and closed is None:
            raise rows.RowError(f"missing closed_at for a {status} opportunity")
        payload = {
            "name": rows.text(row, "name"),
            "amount": money,
            "currency": currency,
            "expected_close": _optional_day(row, "expected_close"),
            "stage": stage,
            "decision_process": rows.text(row, "decision_process"),
            "stakeholders": rows.listing(row.get("stakeholders") or ""),
            "decision_date": _optional_day(row, "decision_date"),
            "owner": rows.text(row, "owner"),
        }
        ids: dict[str, Any] = {
            "lead_id": lead_id, "account_id": account_id, "opportunity_id": opp_id,
        }  # fmt: skip
        base = explicit_id(row) or opp_id
        clean = {k: v for k, v in payload.items() if v is not None}
        out = [
            event(
                self._ctx, EventType.OPPORTUNITY_CREATED, f"{base}:created", created, clean, **ids
            )
        ]
        known_stage = self._pending.get(opp_id) or self._ctx.lookup.opportunity_stage(opp_id)
        if known_stage is not None and known_stage != stage:
            at = closed or created
            change = {"stage": stage, "amount": money}
            out.append(
                event(
                    self._ctx, EventType.OPPORTUNITY_STAGE_CHANGED,
                    row_key(base, "stage", stage), at, change, **ids,
                )
            )  # fmt: skip
        self._pending[opp_id] = stage
        if closed is not None and status == "won":
            won = {"amount": money, "currency": currency, "reason": rows.text(row, "won_reason")}
            won = {k: v for k, v in won.items() if v is not None}
            out.append(
                event(self._ctx, EventType.OPPORTUNITY_WON, f"{base}:won", closed, won, **ids)
            )
        elif closed is not None and status == "lost":
            lost = {"amount": money, "currency": currency, "reason": rows.text(row, "lost_reason")}
            out.append(
                event(self._ctx, EventType.OPPORTUNITY_LOST, f"{base}:lost", closed, lost, **ids)
            )
        return out


class CostTranslator:
    kind = "costs"
    required_columns = ("campaign", "amount", "period_start", "period_end")

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self._channels = {c.id: c.channel for c in ctx.contract.contract.campaigns}

    def submitted(self) -> None:
        """Nothing to forget."""

    def translate(self, row: rows.Row) -> list[Event]:
        campaign = rows.required(row, "campaign")
        channel = rows.text(row, "channel") or self._channels.get(campaign)
        if channel is None:
            raise rows.RowError(f"missing channel (campaign {campaign!r} is not in the contract)")
        start = rows.day(rows.required(row, "period_start"), "period_start")
        end = rows.day(rows.required(row, "period_end"), "period_end")
        if end < start:
            raise rows.RowError(f"period_end {end} is before period_start {start}")
        payload = {
            "campaign": campaign,
            "channel": channel,
            "amount": rows.amount(rows.required(row, "amount")),
            "currency": _currency(self._ctx, row),
            "period_start": start,
            "period_end": end,
        }
        key = explicit_id(row) or row_key(campaign, channel, start, end)
        at = datetime.combine(start, time(0), tzinfo=UTC)
        return [event(self._ctx, EventType.CAMPAIGN_COST, key, at, payload)]
