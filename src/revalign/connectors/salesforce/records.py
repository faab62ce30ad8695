"""Salesforce records <-> revalign field names: Lead, Contact, Account, Opportunity and its
stage history, Task / Event (rep touches), CampaignMember (campaign responses).

revalign writes its decisions to three custom fields (create them once, see README):
`Revalign_Stage__c` (text), `Revalign_Score__c` (number), `Revalign_Reason__c` (text), plus
the standard `OwnerId` and, on an unconverted Lead, `Status`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from revalign.connectors.sync.snapshot import Ref, Snapshot

SYSTEM = "salesforce"
_PERSON = (
    "Email",
    "FirstName",
    "LastName",
    "Title",
    "LeadSource",
    "OwnerId",
    "Revalign_Stage__c",
    "Revalign_Score__c",
    "Revalign_Reason__c",
    "MasterRecordId",
    "IsDeleted",
    "SystemModstamp",
)
FIELDS: Mapping[str, tuple[str, ...]] = {
    "Account": (
        "Id",
        "Name",
        "Website",
        "Industry",
        "NumberOfEmployees",
        "BillingCountry",
        "IsDeleted",
        "SystemModstamp",
    ),
    "Lead": (
        "Id",
        *_PERSON,
        "Company",
        "Website",
        "NumberOfEmployees",
        "Industry",
        "Country",
        "Status",
        "IsConverted",
        "ConvertedContactId",
        "ConvertedAccountId",
        "ConvertedOpportunityId",
    ),
    "Contact": ("Id", *_PERSON, "AccountId", "MailingCountry", "Account.Name"),
    "Opportunity": (
        "Id",
        "Name",
        "Amount",
        "CloseDate",
        "StageName",
        "IsClosed",
        "IsWon",
        "OwnerId",
        "AccountId",
        "ContactId",
        "NextStep",
        "IsDeleted",
        "SystemModstamp",
    ),
    "OpportunityHistory": (
        "Id",
        "OpportunityId",
        "StageName",
        "Amount",
        "CloseDate",
        "CreatedDate",
        "SystemModstamp",
    ),
    "Task": (
        "Id",
        "WhoId",
        "WhatId",
        "ActivityDate",
        "TaskSubtype",
        "Subject",
        "OwnerId",
        "Status",
        "CompletedDateTime",
        "SystemModstamp",
    ),
    "Event": ("Id", "WhoId", "WhatId", "ActivityDateTime", "OwnerId", "Subject", "SystemModstamp"),
    "CampaignMember": (
        "Id",
        "LeadId",
        "ContactId",
        "CampaignId",
        "Campaign.Name",
        "Status",
        "HasResponded",
        "FirstRespondedDate",
        "SystemModstamp",
    ),
}
# pull order: companies, then people (a Lead before the Contact it converts into), then the
# stage history of known deals (each stage in its order), then the deals themselves
OBJECTS = (
    "Account",
    "Lead",
    "Contact",
    "OpportunityHistory",
    "Opportunity",
    "Task",
    "Event",
    "CampaignMember",
)
WITH_DELETED = frozenset({"Lead", "Contact", "Account", "Opportunity"})  # queryAll: merges
LEAD_STATUS = {
    "lead": "Open - Not Contacted",
    "mql": "Open - Not Contacted",
    "sal": "Working - Contacted",
    "sql": "Working - Contacted",
    "rejected": "Closed - Not Converted",
    "disqualified": "Closed - Not Converted",
    "recycled": "Closed - Not Converted",
}
_SUBTYPES = {"Call": "call", "Email": "email", "ListEmail": "email", "LinkedIn": "linkedin"}


def when(value: Any) -> datetime | None:
    """Salesforce date-times ('2026-11-01T00:00:00.000+0000') and dates, as aware UTC."""
    if not value:
        return None
    text = str(value)
    if len(text) == 10:
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
    if text.endswith("+0000"):
        text = text[:-5] + "+00:00"
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def soql_time(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def _modified(r: Mapping[str, Any]) -> datetime:
    return when(r.get("SystemModstamp")) or datetime(1970, 1, 1, tzinfo=UTC)


def _ref(obj: str, value: Any) -> Ref | None:
    return (obj, str(value)) if value else None


def _who(value: Any) -> Ref | None:
    """WhoId points at a Lead (00Q...) or a Contact (003...)."""
    if not value:
        return None
    return ("Lead" if str(value).startswith("00Q") else "Contact", str(value))


def _links(**refs: Ref | None) -> dict[str, Ref]:
    return {k: v for k, v in refs.items() if v is not None}


def _person(r: Mapping[str, Any]) -> dict[str, Any]:
    score = r.get("Revalign_Score__c")
    fields = {
        "email": r.get("Email"),
        "first_name": r.get("FirstName"),
        "last_name": r.get("LastName"),
        "title": r.get("Title"),
        "source": str(r["LeadSource"]).lower().replace(" ", "_") if r.get("LeadSource") else None,
        "owner": r.get("OwnerId"),
        "stage": r.get("Revalign_Stage__c"),
        "score": float(score) if score is not None else None,
        "reason": r.get("Revalign_Reason__c"),
    }
    return {k: v for k, v in fields.items() if v not in (None, "")}


def _deleted(obj: str, r: Mapping[str, Any], kind: Any) -> Snapshot | None:
    if not r.get("IsDeleted"):
        return None
    master = _ref(obj, r.get("MasterRecordId"))
    return Snapshot(
        SYSTEM, obj, r["Id"], kind, _modified(r), {}, _links(master=master), deleted=True
    )


def lead(r: Mapping[str, Any]) -> Snapshot:
    gone = _deleted("Lead", r, "lead")
    if gone is not None:
        return gone
    fields = _person(r)
    fields.update(
        {
            k: v
            for k, v in {
                "company": r.get("Company"),
                "employees": r.get("NumberOfEmployees"),
                "industry": r.get("Industry"),
                "country": r.get("Country"),
                "domain": _site(r.get("Website")),
            }.items()
            if v not in (None, "")
        }
    )
    links: dict[str, Ref] = {}
    if r.get("IsConverted"):
        links = _links(
            converted_contact=_ref("Contact", r.get("ConvertedContactId")),
            converted_account=_ref("Account", r.get("ConvertedAccountId")),
            converted_opportunity=_ref("Opportunity", r.get("ConvertedOpportunityId")),
        )
    return Snapshot(SYSTEM, "Lead", r["Id"], "lead", _modified(r), fields, links)


def contact(r: Mapping[str, Any]) -> Snapshot:
    gone = _deleted("Contact", r, "lead")
    if gone is not None:
        return gone
    fields = _person(r)
    account = r.get("Account") or {}
    if account.get("Name"):
        fields["company"] = account["Name"]
    if r.get("MailingCountry"):
        fields["country"] = r["MailingCountry"]
    links = _links(account=_ref("Account", r.get("AccountId")))
    return Snapshot(SYSTEM, "Contact", r["Id"], "lead", _modified(r), fields, links)


def account(r: Mapping[str, Any]) -> Snapshot:
    fields = {
        "name": r.get("Name"),
        "domain": _site(r.get("Website")),
        "industry": r.get("Industry"),
        "employees": r.get("NumberOfEmployees"),
        "country": r.get("BillingCountry"),
    }
    return Snapshot(
        SYSTEM,
        "Account",
        r["Id"],
        "account",
        _modified(r),
        fields,
        deleted=bool(r.get("IsDeleted")),
    )


def opportunity(r: Mapping[str, Any]) -> Snapshot:
    amount = r.get("Amount")
    fields = {
        "name": r.get("Name"),
        "amount": str(Decimal(str(amount))) if amount is not None else None,
        "close_date": r.get("CloseDate"),
        "stage": r.get("StageName"),
        "owner": r.get("OwnerId"),
        "next_step": r.get("NextStep"),
        "is_closed": bool(r.get("IsClosed")),
        "is_won": bool(r.get("IsWon")),
    }
    links = _links(
        account=_ref("Account", r.get("AccountId")), lead=_ref("Contact", r.get("ContactId"))
    )
    return Snapshot(
        SYSTEM,
        "Opportunity",
        r["Id"],
        "opportunity",
        _modified(r),
        fields,
        links,
        deleted=bool(r.get("IsDeleted")),
    )


def history(r: Mapping[str, Any]) -> Snapshot:
    amount = r.get("Amount")
    fields = {
        "stage": r.get("StageName"),
        "amount": str(Decimal(str(amount))) if amount is not None else None,
    }
    at = when(r.get("CreatedDate")) or _modified(r)
    return Snapshot(
        SYSTEM,
        "OpportunityHistory",
        r["Id"],
        "stage",
        at,
        fields,
        _links(opportunity=_ref("Opportunity", r.get("OpportunityId"))),
    )


def task(r: Mapping[str, Any]) -> Snapshot | None:
    kind = _SUBTYPES.get(str(r.get("TaskSubtype") or ""))
    if kind is None or r.get("Status") not in (None, "Completed"):
        return None  # a to-do, or a call not made yet: no touch
    at = when(r.get("CompletedDateTime")) or when(r.get("ActivityDate")) or _modified(r)
    fields = {"kind": kind, "by": r.get("OwnerId"), "occurred_at": at, "note": r.get("Subject")}
    return Snapshot(
        SYSTEM, "Task", r["Id"], "touch", _modified(r), fields, _links(lead=_who(r.get("WhoId")))
    )


def meeting(r: Mapping[str, Any]) -> Snapshot:
    at = when(r.get("ActivityDateTime")) or _modified(r)
    fields = {
        "kind": "meeting",
        "by": r.get("OwnerId"),
        "occurred_at": at,
        "note": r.get("Subject"),
    }
    return Snapshot(
        SYSTEM, "Event", r["Id"], "touch", _modified(r), fields, _links(lead=_who(r.get("WhoId")))
    )


def campaign_member(r: Mapping[str, Any]) -> Snapshot | None:
    """A campaign response (HasResponded) is a marketing touch at FirstRespondedDate."""
    if not r.get("HasResponded"):
        return None
    at = when(r.get("FirstRespondedDate")) or _modified(r)
    campaign = (r.get("Campaign") or {}).get("Name") or r.get("CampaignId")
    status = str(r.get("Status") or "")
    kind = "webinar" if "attend" in status.lower() else "form"
    who = _ref("Contact", r.get("ContactId")) or _ref("Lead", r.get("LeadId"))
    fields = {"kind": kind, "campaign": campaign, "occurred_at": at}
    return Snapshot(
        SYSTEM, "CampaignMember", r["Id"], "marketing", _modified(r), fields, _links(lead=who)
    )


TRANSLATE: Mapping[str, Callable[[Mapping[str, Any]], Snapshot | None]] = {
    "Account": account,
    "Lead": lead,
    "Contact": contact,
    "Opportunity": opportunity,
    "OpportunityHistory": history,
    "Task": task,
    "Event": meeting,
    "CampaignMember": campaign_member,
}


def _site(value: Any) -> str | None:
    if not value:
        return None
    text = str(value).lower().removeprefix("https://").removeprefix("http://")
    return text.removeprefix("www.").split("/")[0] or None


def sobject_fields(
    obj: str, fields: Mapping[str, Any], user_of: Callable[[str], str | None]
) -> dict[str, Any]:
    """revalign fields -> Salesforce fields of a Lead or Contact."""
    out: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "owner":
            user = user_of(str(value)) if value else None
            if user is not None:
                out["OwnerId"] = user
        elif name == "stage":
            out["Revalign_Stage__c"] = str(value)
            if obj == "Lead" and str(value) in LEAD_STATUS:
                out["Status"] = LEAD_STATUS[str(value)]
        elif name == "score":
            out["Revalign_Score__c"] = float(value)
        elif name == "reason":
            out["Revalign_Reason__c"] = value
    return out
