"""HubSpot records <-> revalign field names (contacts, companies, deals, engagements, forms,
marketing e-mail events), and revalign stages as `lifecyclestage` / `hs_lead_status`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from revalign.connectors.sync.snapshot import Snapshot

SYSTEM = "hubspot"
CONTACT_PROPS = {
    "email": "email",
    "firstname": "first_name",
    "lastname": "last_name",
    "jobtitle": "title",
    "company": "company",
    "country": "country",
    "industry": "industry",
    "hs_analytics_source": "source",
    "hubspot_owner_id": "owner",
    "revalign_stage": "stage",
    "revalign_score": "score",
    "revalign_reason": "reason",
}
COMPANY_PROPS = {
    "name": "name",
    "domain": "domain",
    "industry": "industry",
    "numberofemployees": "employees",
    "country": "country",
}
DEAL_PROPS = (
    "dealname",
    "amount",
    "closedate",
    "dealstage",
    "hubspot_owner_id",
    "hs_is_closed",
    "hs_is_closed_won",
    "closed_lost_reason",
    "hs_next_step",
    "deal_currency_code",
)
ENGAGEMENT_PROPS = (
    "hs_timestamp",
    "hubspot_owner_id",
    "hs_call_disposition",
    "hs_email_direction",
    "hs_task_type",
    "hs_meeting_outcome",
)
ENGAGEMENTS = ("calls", "emails", "meetings", "notes", "tasks")
LIFECYCLE = (
    "subscriber",
    "lead",
    "marketingqualifiedlead",
    "salesqualifiedlead",
    "opportunity",
    "customer",
    "evangelist",
    "other",
)
# revalign stage -> (lifecyclestage, hs_lead_status): HubSpot has no SAL, so an accepted MQL
# stays marketingqualifiedlead with status OPEN; revalign_stage keeps the exact stage.
STAGES: Mapping[str, tuple[str, str]] = {
    "lead": ("lead", "NEW"),
    "mql": ("marketingqualifiedlead", "NEW"),
    "sal": ("marketingqualifiedlead", "OPEN"),
    "rejected": ("lead", "UNQUALIFIED"),
    "sql": ("salesqualifiedlead", "IN_PROGRESS"),
    "opportunity": ("opportunity", "IN_PROGRESS"),
    "won": ("customer", "CONNECTED"),
    "lost": ("opportunity", "UNQUALIFIED"),
    "disqualified": ("other", "UNQUALIFIED"),
    "recycled": ("lead", "ATTEMPTED_TO_CONTACT"),
}
EMAIL_EVENTS = {"OPEN": "email_open", "CLICK": "email_click", "STATUSCHANGE": "unsubscribe"}


def when(value: Any) -> datetime | None:
    """HubSpot times: ISO 8601 ('...Z') or epoch milliseconds."""
    if value in (None, ""):
        return None
    text = str(value)
    if text.isdigit():
        return datetime.fromtimestamp(int(text) / 1000, UTC)
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _number(value: Any) -> str | None:
    try:
        return str(Decimal(str(value))) if value not in (None, "") else None
    except InvalidOperation:
        return None


def modified(props: Mapping[str, Any]) -> datetime:
    at = when(props.get("hs_lastmodifieddate")) or when(props.get("createdate"))
    return at or datetime(1970, 1, 1, tzinfo=UTC)


def contact(record: Mapping[str, Any], company: str | None) -> Snapshot:
    p = record["properties"]
    fields: dict[str, Any] = {ours: p.get(theirs) for theirs, ours in CONTACT_PROPS.items()}
    if fields.get("source"):
        fields["source"] = str(fields["source"]).lower()
    if fields.get("score") not in (None, ""):
        fields["score"] = float(fields["score"])
    for name in ("stage", "score", "reason", "owner"):
        if fields.get(name) in (None, ""):
            fields.pop(name, None)  # never set there: no value to compare with
    merged = tuple(
        ("contacts", i) for i in str(p.get("hs_merged_object_ids") or "").split(";") if i
    )
    links = {"account": ("companies", company)} if company else {}
    return Snapshot(
        SYSTEM,
        "contacts",
        record["id"],
        "lead",
        modified(p),
        {k: v for k, v in fields.items() if v not in (None, "")},
        links,
        merged,
    )


def company(record: Mapping[str, Any]) -> Snapshot:
    p = record["properties"]
    fields = {ours: p.get(theirs) for theirs, ours in COMPANY_PROPS.items()}
    return Snapshot(SYSTEM, "companies", record["id"], "account", modified(p), fields)


def deal(record: Mapping[str, Any], contact_id: str | None, company_id: str | None) -> Snapshot:
    p = record["properties"]
    closed = str(p.get("hs_is_closed") or "").lower() == "true"
    close = when(p.get("closedate"))
    fields = {
        "name": p.get("dealname"),
        "amount": _number(p.get("amount")),
        "currency": p.get("deal_currency_code"),
        "stage": p.get("dealstage"),
        "close_date": close.date().isoformat() if close else None,
        "owner": p.get("hubspot_owner_id"),
        "is_closed": closed,
        "is_won": str(p.get("hs_is_closed_won") or "").lower() == "true",
        "lost_reason": p.get("closed_lost_reason"),
        "next_step": p.get("hs_next_step"),
    }
    links = {}
    if contact_id:
        links["lead"] = ("contacts", contact_id)
    if company_id:
        links["account"] = ("companies", company_id)
    return Snapshot(SYSTEM, "deals", record["id"], "opportunity", modified(p), fields, links)


def engagement(kind: str, record: Mapping[str, Any], contact_id: str | None) -> Snapshot | None:
    """A call / outgoing e-mail / meeting / call or e-mail task as a rep touch (notes and
    other tasks are no touch: None)."""
    p = record["properties"]
    touch = {"calls": "call", "meetings": "meeting", "emails": "email"}.get(kind)
    if kind == "emails" and p.get("hs_email_direction") not in (None, "EMAIL"):
        touch = None  # an incoming e-mail is the lead's move, not a rep's touch
    if kind == "tasks":
        touch = {"CALL": "call", "EMAIL": "email", "LINKED_IN": "linkedin"}.get(
            str(p.get("hs_task_type") or "")
        )
    if touch is None or contact_id is None:
        return None
    fields = {
        "kind": touch,
        "by": p.get("hubspot_owner_id"),
        "occurred_at": when(p.get("hs_timestamp")) or modified(p),
        "outcome": p.get("hs_call_disposition") or p.get("hs_meeting_outcome"),
    }
    return Snapshot(
        SYSTEM, kind, record["id"], "touch", modified(p), fields, {"lead": ("contacts", contact_id)}
    )


def form_submission(form: Mapping[str, Any], sub: Mapping[str, Any]) -> Snapshot | None:
    values = {v.get("name"): v.get("value") for v in sub.get("values", [])}
    address = values.get("email")
    at = when(sub.get("submittedAt"))
    if not address or at is None:
        return None
    name = str(form.get("name") or form.get("id"))
    kind = "demo_request" if "demo" in name.lower() else "form"
    key = f"{form.get('id')}:{sub.get('submittedAt')}:{address}"
    return Snapshot(
        SYSTEM,
        "form_submissions",
        key,
        "marketing",
        at,
        {"kind": kind, "campaign": name, "url": sub.get("pageUrl"), "occurred_at": at},
        {"lead": ("email", str(address))},
    )


def email_event(ev: Mapping[str, Any]) -> Snapshot | None:
    kind = EMAIL_EVENTS.get(str(ev.get("type")))
    at = when(ev.get("created"))
    if kind is None or at is None or not ev.get("recipient"):
        return None
    if (
        kind == "unsubscribe"
        and ev.get("subscriptions") is None
        and ev.get("status") != "UNSUBSCRIBED"
    ):
        return None
    campaign = ev.get("emailCampaignId")
    return Snapshot(
        SYSTEM,
        "email_events",
        str(ev["id"]),
        "marketing",
        at,
        {
            "kind": kind,
            "channel": "email",
            "occurred_at": at,
            "url": ev.get("url"),
            "campaign": str(campaign) if campaign else None,
        },
        {"lead": ("email", str(ev["recipient"]))},
    )


def contact_properties(fields: Mapping[str, Any], user_of: Any) -> dict[str, str]:
    """revalign fields -> HubSpot contact properties (owner through the contract's user map)."""
    out: dict[str, str] = {}
    for name, value in fields.items():
        if name == "owner":
            user = user_of(value) if value else None
            if user is not None:
                out["hubspot_owner_id"] = str(user)
        elif name == "stage":
            lifecycle, status = STAGES.get(str(value), ("lead", "NEW"))
            out.update(revalign_stage=str(value), lifecyclestage=lifecycle, hs_lead_status=status)
        elif name == "score":
            out["revalign_score"] = f"{float(value):g}"
        elif name == "reason":
            out["revalign_reason"] = "" if value is None else str(value)
    return out


def backwards(current: str | None, new: str | None) -> bool:
    """Would `new` move lifecyclestage backwards (HubSpot refuses that in one request)?"""
    if not current or not new or current not in LIFECYCLE or new not in LIFECYCLE:
        return False
    return LIFECYCLE.index(new) < LIFECYCLE.index(current)
