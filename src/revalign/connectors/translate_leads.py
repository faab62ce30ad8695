"""Lead rows -> lead.captured, or lead.updated (changed fields only) for a known email."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from revalign.connectors import rows
from revalign.connectors.base import Context, event, explicit_id
from revalign.connectors.countries import country_code
from revalign.connectors.domains import registered_domain
from revalign.connectors.identity import domain_of, lead_id_for, row_key
from revalign.core.events import Event, EventType

TEXT_FIELDS = ("first_name", "last_name", "title", "company", "industry", "source", "campaign")
# Columns that are not kept as attributes (they are fields, or bookkeeping).
KNOWN_COLUMNS = frozenset(
    (*TEXT_FIELDS, "email", "domain", "employees", "country", "created_at", "updated_at", "id")
)
REQUIRED_COLUMNS = ("email",)


def lead_fields(row: rows.Row) -> dict[str, Any]:
    """The LeadCaptured fields of a row (absent values left out); raises RowError."""
    address = rows.email(rows.required(row, "email"))
    fields: dict[str, Any] = {"email": address}
    for name in TEXT_FIELDS:
        value = rows.text(row, name)
        if value is not None:
            fields[name] = value
    given = rows.text(row, "domain") or rows.text(row, "website") or domain_of(address)
    fields["domain"] = registered_domain(given)  # mail.acme.co.id -> acme.co.id
    employees = rows.text(row, "employees")
    if employees is not None:
        fields["employees"] = rows.count(employees, "employees")
    attributes = {
        k: v for k, v in row.items() if k not in KNOWN_COLUMNS and v not in (None, "") and k
    }
    country = rows.text(row, "country")
    if country is not None:
        code = country_code(country)
        if code is None:
            attributes["country_raw"] = country  # kept, not guessed: the lead is still good
        else:
            fields["country"] = code
    if attributes:
        fields["attributes"] = attributes
    return fields


def changes(known: Mapping[str, Any], fields: Mapping[str, Any]) -> dict[str, Any]:
    """Fields whose value differs from the known lead; attributes compared key by key."""
    changed: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "attributes":
            old = known.get("attributes") or {}
            diff = {k: v for k, v in value.items() if old.get(k) != v}
            if diff:
                changed["attributes"] = diff
        elif known.get(name) != value:
            changed[name] = value
    return changed


class LeadTranslator:
    """Remembers the leads of the current batch, so a second row is an update, not a new lead."""

    kind = "leads"
    required_columns = REQUIRED_COLUMNS

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self._pending: dict[str, dict[str, Any]] = {}  # lead_id -> fields, until submitted

    def submitted(self) -> None:
        """The batch reached the ledger: from now on the lookup knows these leads."""
        self._pending.clear()

    def translate(self, row: rows.Row) -> list[Event]:
        fields = lead_fields(row)
        created = rows.timestamp(rows.required(row, "created_at"), "created_at")
        updated_text = rows.text(row, "updated_at")
        at = rows.timestamp(updated_text, "updated_at") if updated_text else created
        lead_id = lead_id_for(fields["email"])
        account_id = self._ctx.account_for_domain(fields["domain"])
        key = explicit_id(row) or row_key(fields["email"], created, updated_text, fields)
        known = self._pending.get(lead_id)
        if known is None:
            looked_up = self._ctx.lookup.lead(lead_id)
            known = dict(looked_up) if looked_up is not None else None
        if known is None:
            captured = event(
                self._ctx, EventType.LEAD_CAPTURED, key, created, fields,
                lead_id=lead_id, account_id=account_id,
            )  # fmt: skip
            self._pending[lead_id] = fields  # only once the row is good
            return [captured]
        changed = changes(known, fields)
        merged = {**known, **changed}
        if "attributes" in changed:
            merged["attributes"] = {**(known.get("attributes") or {}), **changed["attributes"]}
        if not changed:
            return []
        updated = event(
            self._ctx, EventType.LEAD_UPDATED, key, at, {"changes": changed},
            lead_id=lead_id, account_id=account_id,
        )  # fmt: skip
        self._pending[lead_id] = merged
        return [updated]
