"""Campaign calendar rows -> campaign.scheduled; content asset rows -> content.listed."""

from __future__ import annotations

from datetime import UTC, datetime, time

from revalign.connectors import rows
from revalign.connectors.base import Context, event, explicit_id
from revalign.connectors.identity import row_key
from revalign.core.events import Event, EventType


class CampaignTranslator:
    """One row per campaign run: campaign, channel, start, end, expected_leads[, name, team,
    notes, planned_at]. The latest plan of a campaign (by planned_at) is the one in force."""

    kind = "campaigns"
    required_columns = ("campaign", "start", "end", "expected_leads")

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self._known = {c.id: c for c in ctx.contract.contract.campaigns}
        self._teams = {t.id for t in ctx.contract.contract.teams}

    def submitted(self) -> None:
        """Nothing to forget."""

    def translate(self, row: rows.Row) -> list[Event]:
        campaign = rows.required(row, "campaign")
        known = self._known.get(campaign)
        channel = rows.text(row, "channel") or (known.channel if known else None)
        if channel is None:
            raise rows.RowError(f"missing channel (campaign {campaign!r} is not in the contract)")
        team = rows.text(row, "team")
        if team is not None and team not in self._teams:
            raise rows.RowError(f"team {team!r} is not a team of the contract")
        start = rows.day(rows.required(row, "start"), "start")
        end = rows.day(rows.required(row, "end"), "end")
        if end < start:
            raise rows.RowError(f"end {end} is before start {start}")
        planned = rows.text(row, "planned_at")
        at = (
            rows.timestamp(planned, "planned_at")
            if planned
            else self._ctx.now or datetime.combine(start, time(0), tzinfo=UTC)
        )
        payload = {
            "campaign": campaign,
            "name": rows.text(row, "name") or (known.name if known else None),
            "channel": channel,
            "start": start,
            "end": end,
            "expected_leads": rows.count(rows.required(row, "expected_leads"), "expected_leads"),
            "team": team,
            "notes": rows.text(row, "notes"),
        }
        key = explicit_id(row) or row_key(campaign, start, end, at)
        clean = {k: v for k, v in payload.items() if v is not None}
        return [event(self._ctx, EventType.CAMPAIGN_SCHEDULED, key, at, clean)]


class ContentTranslator:
    """One row per content asset: content (its id)[, name, kind, campaign, url, listed_at]."""

    kind = "content"
    required_columns = ("content",)

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def submitted(self) -> None:
        """Nothing to forget."""

    def translate(self, row: rows.Row) -> list[Event]:
        content = rows.required(row, "content")
        listed = rows.text(row, "listed_at")
        at = (
            rows.timestamp(listed, "listed_at")
            if listed
            else self._ctx.now or datetime(1970, 1, 1, tzinfo=UTC)
        )
        payload = {
            "content": content,
            "name": rows.text(row, "name"),
            "kind": rows.text(row, "kind"),
            "campaign": rows.text(row, "campaign"),
            "url": rows.text(row, "url"),
        }
        key = explicit_id(row) or row_key(content, payload["name"], payload["kind"])
        clean = {k: v for k, v in payload.items() if v is not None}
        return [event(self._ctx, EventType.CONTENT_LISTED, key, at, clean)]
