"""Match a file's column names to ours: case- and space-insensitive, with common synonyms.

    names = column_names("leads", ["E-mail", "Company Name", "Lead Source"], user_map={})
    # {"E-mail": "email", "Company Name": "company", "Lead Source": "source"}

A header is normalised (lower case, every run of other characters than a-z0-9 → "_"), then
looked up in: the user's `--map` file, our own field names, the synonyms below (what
Salesforce, HubSpot and spreadsheet exports call the column). A column that matches none
keeps its normalised name (leads keep it in `attributes`; stages read BANT fields from it).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml

from revalign.errors import InputError

_NON_WORD = re.compile(r"[^a-z0-9]+")

_CONTENT = ("content_id", "asset", "asset_id", "content_asset")
_PERSON: dict[str, tuple[str, ...]] = {
    "email": ("e_mail", "email_address", "e_mail_address", "work_email", "business_email",
              "primary_email", "contact_email", "mail"),
    "lead_id": ("lead", "contact_id", "person_id"),
    "id": ("record_id", "row_id", "external_id"),
    "campaign": ("campaign_name", "utm_campaign", "campaign_id", "primary_campaign"),
}  # fmt: skip
_CREATED = ("created_date", "create_date", "createdate", "created", "date_created",
            "created_on", "creation_date", "created_time")  # fmt: skip
_OCCURRED = ("date", "timestamp", "time", "occurred", "activity_date", "event_date",
             "date_time", "datetime", "when")  # fmt: skip

# Synonyms per kind: our field -> what exports call it (already normalised).
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "leads": {
        **_PERSON,
        "first_name": ("firstname", "first", "given_name", "forename"),
        "last_name": ("lastname", "last", "surname", "family_name"),
        "title": ("job_title", "jobtitle", "position", "job_position", "role"),
        "company": (
            "company_name",
            "account_name",
            "organization",
            "organisation",
            "organization_name",
            "account",
            "employer",
        ),
        "domain": ("company_domain", "email_domain", "company_domain_name"),
        "employees": (
            "number_of_employees",
            "no_of_employees",
            "numberofemployees",
            "employee_count",
            "num_employees",
            "employees_count",
            "company_size",
            "headcount",
        ),
        "industry": ("sector", "vertical"),
        "country": (
            "country_region",
            "country_name",
            "mailing_country",
            "billing_country",
            "country_code",
        ),
        "source": (
            "lead_source",
            "leadsource",
            "original_source",
            "source_channel",
            "channel",
            "lead_channel",
        ),
        "created_at": (*_CREATED, "lead_created_date"),
        "updated_at": (
            "last_modified_date",
            "lastmodifieddate",
            "modified_date",
            "last_modified",
            "updated",
            "updated_date",
            "last_updated",
        ),
    },
    "touches": {
        **_PERSON,
        "occurred_at": _OCCURRED,
        "kind": ("type", "activity_type", "touch_type", "touch", "activity", "event_type"),
        "channel": ("medium", "utm_medium", "source"),
        "url": ("page_url", "page", "link"),
        "by": ("rep", "rep_id", "sales_rep", "user", "performed_by", "activity_owner"),
        "outcome": ("result", "disposition", "call_result"),
        "note": ("notes", "comment", "comments", "description"),
        "content": _CONTENT,
    },
    "stages": {
        **_PERSON,
        "occurred_at": _OCCURRED,
        "event": ("stage_event", "stage", "lead_status", "status", "transition"),
        "by": ("decided_by", "changed_by", "user", "rep", "reviewer"),
        "reason": ("reason_code", "disposition_reason", "rejection_reason", "status_reason"),
        "note": ("notes", "comment", "comments"),
        "owner": ("lead_owner", "assigned_to", "owner_id"),
        "reengage_on": (
            "reengage_date",
            "re_engage_on",
            "re_engage_date",
            "recycle_until",
            "nurture_until",
        ),
    },
    "opportunities": {
        **_PERSON,
        "opportunity_id": ("opportunity", "opp_id", "deal_id", "opportunity_record_id"),
        "name": ("opportunity_name", "deal_name"),
        "amount": ("deal_amount", "opportunity_amount", "value", "deal_value", "close_value"),
        "currency": ("currency_code", "opportunity_currency", "deal_currency", "currency_iso_code"),
        "created_at": (*_CREATED, "engage_date"),
        "closed_at": ("closed_date", "date_closed", "actual_close_date", "closed_on"),
        "expected_close": ("close_date", "expected_close_date", "closedate"),
        "stage": ("stage_name", "deal_stage", "dealstage", "opportunity_stage", "pipeline_stage"),
        "owner": ("opportunity_owner", "deal_owner", "owner_name", "sales_agent"),
        "lost_reason": ("closed_lost_reason", "loss_reason", "reason_lost"),
        "won_reason": ("closed_won_reason", "win_reason", "reason_won"),
        "decision_date": ("decision_on",),
    },
    "costs": {
        "id": _PERSON["id"],
        "campaign": _PERSON["campaign"],
        "channel": ("medium", "utm_medium", "source"),
        "amount": ("cost", "spend", "amount_spent", "actual_cost", "total_cost"),
        "currency": ("currency_code",),
        "period_start": ("start_date", "start", "from", "date_from", "reporting_starts"),
        "period_end": ("end_date", "end", "to", "date_to", "reporting_ends"),
    },
    "campaigns": {
        "id": _PERSON["id"],
        "campaign": ("campaign_id", "campaign_name", "utm_campaign"),
        "channel": ("medium", "utm_medium", "source"),
        "start": ("start_date", "starts", "from", "launch_date"),
        "end": ("end_date", "ends", "to"),
        "expected_leads": ("expected_volume", "expected_lead_volume", "lead_target", "leads"),
        "team": ("sales_team", "routed_team"),
        "notes": ("prep_notes", "sales_notes", "sales_prep", "comment", "comments"),
        "planned_at": ("updated_at", "planned_on"),
    },
    "content": {
        "id": _PERSON["id"],
        "content": _CONTENT,
        "name": ("title", "asset_name"),
        "kind": ("type", "asset_type", "format"),
        "campaign": ("campaign_id", "utm_campaign"),
        "url": ("link", "asset_url"),
        "listed_at": ("created_at", "published_at"),
    },
}


def normalise(name: str) -> str:
    """`" Email Address "` -> `"email_address"`; `"E-mail"` -> `"e_mail"`."""
    return _NON_WORD.sub("_", name.strip().lower()).strip("_")


def synonyms(kind: str) -> dict[str, str]:
    """normalised column name -> our field, for one kind (our own names included)."""
    table = SYNONYMS.get(kind, {})
    out = {field: field for field in table}
    for field, names in table.items():
        for name in names:
            out.setdefault(name, field)
    return out


def also_accepted(kind: str, field: str) -> tuple[str, ...]:
    return SYNONYMS.get(kind, {}).get(field, ())


def column_names(kind: str, header: Sequence[str], user_map: Mapping[str, str]) -> dict[str, str]:
    """Each original column -> our field (or its normalised name).

    Priority: the user's map, then our exact field names, then synonyms. A synonym whose field
    is already taken (HubSpot exports have both "Lead Source" and "Original Source") keeps its
    own normalised name; two columns mapped explicitly to one field are an InputError.
    """
    known = synonyms(kind)
    wanted = {normalise(k): v for k, v in user_map.items()}
    out: dict[str, str] = {}
    taken: dict[str, str] = {}

    def take(column: str, field: str) -> None:
        if field in taken:
            raise InputError(
                f"columns {taken[field]!r} and {column!r} both mean {field!r}; "
                "drop one or map them apart with --map"
            )
        taken[field] = column
        out[column] = field

    for column in header:  # explicit first: the map, then our own names
        key = normalise(column)
        if key in wanted:
            take(column, wanted[key])
        elif known.get(key) == key:
            take(column, key)
    for column in header:
        if column in out:
            continue
        key = normalise(column) or column
        field = known.get(key)
        take(column, field if field is not None and field not in taken else key)
    return out


def load_map(path: Path) -> dict[str, str]:
    """A `--map` file: YAML `their_column: our_field`, or a CSV of two columns."""
    if not path.is_file():
        raise InputError(f"{path}: no such map file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the map file ({exc})") from exc
    if path.suffix.lower() == ".csv":
        pairs = [r for r in csv.reader(io.StringIO(text)) if r and any(c.strip() for c in r)]
        if pairs and [normalise(c) for c in pairs[0][:2]] == ["their_column", "our_field"]:
            pairs = pairs[1:]
        bad = [r for r in pairs if len(r) != 2]
        if bad:
            raise InputError(f"{path}: each line needs two cells their_column,our_field: {bad[0]}")
        return {their.strip(): ours.strip() for their, ours in pairs}
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not a YAML mapping ({exc})".replace("\n", " ")) from exc
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise InputError(f"{path}: the map must be `their_column: our_field` lines")
    return {k.strip(): v.strip() for k, v in data.items()}


def check_map(kind: str, user_map: Mapping[str, str], path: Path | None) -> None:
    """Every target of the map must be one of our fields for `kind` (stages: any field)."""
    fields = SYNONYMS.get(kind)
    if fields is None or kind == "stages":  # stages carry free qualification fields
        return
    for their, ours in user_map.items():
        if ours not in fields:
            where = f"{path}: " if path else ""
            raise InputError(
                f"{where}{their!r} maps to {ours!r}, not a {kind} field; "
                f"use one of: {', '.join(fields)}"
            )
