"""Duplicate detection at capture: the same person becomes one lead (`lead.merged`).

Same e-mail (case-blind) as an earlier lead, or the same first and last name at the same
matched account: the new lead folds into the earlier one, which keeps both histories.
"""

from __future__ import annotations

from revalign.contract.schema import VersionedContract
from revalign.core.accounts import match_account
from revalign.core.events import Event, EventType, derived
from revalign.core.routing_fold import person_key
from revalign.core.state import FunnelState, LeadState


def duplicate_of(
    state: FunnelState, lead: LeadState, contract: VersionedContract
) -> tuple[str, str] | None:
    """(earlier lead id, reason) when `lead` is someone the funnel already knows."""
    if lead.email:
        first = state.lead_by_email.get(lead.email.strip().casefold())
        if first is not None and first != lead.lead_id and first in state.leads:
            return first, "same_email"
    if not lead.first_name or not lead.last_name:
        return None
    account = lead.account_id or match_account(state, lead, contract.contract).account_id
    key = person_key(account, lead)
    first = state.lead_by_person.get(key) if key else None
    if first is not None and first != lead.lead_id and first in state.leads:
        return first, "same_name_at_account"
    return None


def dedup(state: FunnelState, event: Event, contract: VersionedContract) -> list[Event]:
    """The `lead.merged` a new capture causes (none when auto dedup is off)."""
    lead = state.leads.get(event.lead_id or "")
    if (
        lead is None
        or not contract.contract.routing.dedup.auto
        or lead.created_at != event.occurred_at
    ):
        return []
    found = duplicate_of(state, lead, contract)
    if found is None:
        return []
    into, reason = found
    payload = {"into": into, "reason": reason}
    return [
        derived(event, EventType.LEAD_MERGED, payload=payload, contract_version=contract.version)
    ]
