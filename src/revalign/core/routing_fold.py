"""The fold's routing part: the account index, round-robin / daily counts, hops, merges.

Merges are events (`lead.merged`, `lead.unmerged`), so replay and rebuild give the same
leads: the duplicate leaves `state.leads`, its touches and signals join the survivor's (whose
stage path stays its own, so it stays a legal path), and both before-images, the duplicate's
stage history with them, are kept in `state.merges` for the undo.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from revalign.core.accounts import index_account
from revalign.core.events import Event
from revalign.core.lifecycle import OPEN_STAGES
from revalign.core.sla_fold import track
from revalign.core.state import AccountState, FunnelState, LeadState, Merge, with_changes

# Lead fields a merge fills on the survivor from the duplicate when the survivor lacks them.
_FILL = ("first_name", "last_name", "title", "company", "domain", "employees", "industry",
         "country", "source", "campaign", "account_id")  # fmt: skip


def person_key(account_id: str | None, lead: LeadState) -> str | None:
    """ "<account>|<first last>" for same-name duplicates; None without both parts."""
    if not account_id or not lead.first_name or not lead.last_name:
        return None
    return f"{account_id}|{lead.first_name.strip()} {lead.last_name.strip()}".casefold()


def captured(state: FunnelState, lead: LeadState) -> None:
    """Index a captured lead: its account (by the id the source gave) and its identity."""
    if lead.account_id:
        domain = lead.domain or (lead.email.rsplit("@", 1)[-1] if "@" in lead.email else None)
        index_account(state, lead.account_id, lead.company, domain)
    if lead.email:
        state.lead_by_email.setdefault(lead.email.strip().casefold(), lead.lead_id)
    key = person_key(lead.account_id, lead)
    if key is not None:
        state.lead_by_person.setdefault(key, lead.lead_id)


def opportunity_opened(state: FunnelState, opp_id: str, account_id: str | None) -> None:
    """Remember the open opportunity on its account (the account owner comes from it)."""
    if not account_id:
        return
    account = state.accounts.get(account_id) or AccountState(account_id, None)
    if opp_id not in account.open_opps:
        account = replace(account, open_opps=(*account.open_opps, opp_id))
    state.accounts[account_id] = account


def assigned(state: FunnelState, p: Any, lead_id: str) -> None:
    owner = str(p.get("owner"))
    if p.get("pool"):
        key = f"{p['pool']}|{owner}"
        state.pool_counts[key] = state.pool_counts.get(key, 0) + 1
    if p.get("day"):
        key = f"{owner}|{p['day']}"
        state.daily_assigned[key] = state.daily_assigned.get(key, 0) + 1
    if p.get("hop") is not None:
        state.hops[lead_id] = int(p["hop"])


def _load(state: FunnelState, lead: LeadState, delta: int) -> None:
    if lead.owner is not None and lead.stage in OPEN_STAGES:
        state.rep_load[lead.owner] = max(0, state.rep_load.get(lead.owner, 0) + delta)


def merged(state: FunnelState, event: Event) -> None:
    dup = state.leads.get(event.lead_id or "")
    into = str(event.payload.get("into", ""))
    survivor = state.leads.get(into)
    if dup is None or survivor is None or dup.lead_id == into:
        return
    fills = {f: getattr(dup, f) for f in _FILL if getattr(survivor, f) is None}
    after = with_changes(
        survivor,
        **{k: v for k, v in fills.items() if v is not None},
        attributes={**dup.attributes, **survivor.attributes},
        touches=tuple(sorted({*survivor.touches, *dup.touches}, key=lambda t: t.at)),
        signals=tuple(sorted({*survivor.signals, *dup.signals}, key=lambda s: s.at)),
        first_contact_at=min(
            (t for t in (survivor.first_contact_at, dup.first_contact_at) if t), default=None
        ),
        fit_score=None,
    )
    reason = str(event.payload.get("reason", "manual"))
    state.merges[dup.lead_id] = Merge(dup.lead_id, into, dup, survivor, reason)
    _load(state, dup, -1)
    track(state, dup, None)
    del state.leads[dup.lead_id]
    track(state, survivor, after)
    state.leads[into] = after


def unmerged(state: FunnelState, event: Event) -> None:
    m = state.merges.pop(event.lead_id or "", None)
    if m is None:
        return
    current = state.leads.get(m.into)
    if current is not None:
        own = m.survivor
        keep_t = {*own.touches} | ({*current.touches} - {*m.merged.touches})
        keep_s = {*own.signals} | ({*current.signals} - {*m.merged.signals})
        back = {
            f: None
            for f in _FILL
            if getattr(own, f) is None and getattr(current, f) == getattr(m.merged, f)
        }
        after = with_changes(
            current,
            **back,
            touches=tuple(t for t in current.touches if t in keep_t),
            signals=tuple(s for s in current.signals if s in keep_s),
            attributes={
                k: v for k, v in current.attributes.items()
                if k in own.attributes or k not in m.merged.attributes
                or v != m.merged.attributes[k]
            },
            first_contact_at=own.first_contact_at
            if m.merged.first_contact_at == current.first_contact_at
            else current.first_contact_at,
            fit_score=None,
        )  # fmt: skip
        track(state, current, after)
        state.leads[m.into] = after
    state.leads[m.merged_id] = m.merged
    track(state, None, m.merged)
    _load(state, m.merged, +1)
