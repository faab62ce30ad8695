"""Routing rule conditions: does a rule match a lead, and if not, which condition failed."""

from __future__ import annotations

from revalign.contract.schema import Contract, RouteWhen
from revalign.core.accounts import AccountMatch
from revalign.core.state import LeadState


def _fold(values: list[str]) -> set[str]:
    return {v.casefold() for v in values}


def _attr(lead: LeadState, *names: str) -> str | None:
    for name in names:
        value = lead.attributes.get(name)
        if isinstance(value, str) and value:
            return value
    return None


def region_of(lead: LeadState, contract: Contract) -> set[str]:
    """The lead's regions: its own `region` attribute and the contract regions of its country."""
    found = {r.casefold() for r in [_attr(lead, "region")] if r}
    if lead.country:
        country = lead.country.casefold()
        for name, countries in contract.routing.regions.items():
            if country in _fold(countries):
                found.add(name.casefold())
    return found


def failed_condition(
    when: RouteWhen, lead: LeadState, contract: Contract, account: AccountMatch | None
) -> str | None:
    """Why `when` does not hold for the lead (the first failing condition), or None."""
    checks: list[tuple[str, list[str] | None, str | None]] = [
        ("country", when.country_in, lead.country),
        ("state", when.state_in, _attr(lead, "state", "province")),
        ("industry", when.industry_in, lead.industry),
        ("source", when.source_in, lead.source),
        ("campaign", when.campaign_in, lead.campaign),
        ("product", when.product_in, _attr(lead, "product_interest", "product")),
    ]
    for label, allowed, value in checks:
        if allowed is not None and (value is None or value.casefold() not in _fold(allowed)):
            return f"{label} {value or '(none)'} not in {', '.join(allowed)}"
    if when.region_in is not None:
        regions = region_of(lead, contract)
        if not regions & _fold(when.region_in):
            shown = ", ".join(sorted(regions)) or "(none)"
            return f"region {shown} not in {', '.join(when.region_in)}"
    if when.employees_min is not None or when.employees_max is not None:
        low = when.employees_min if when.employees_min is not None else 0
        band = f"{low}-{when.employees_max if when.employees_max is not None else ''}"
        if lead.employees is None:
            return f"employees unknown (size band {band})"
        if lead.employees < low or (
            when.employees_max is not None and lead.employees > when.employees_max
        ):
            return f"employees {lead.employees} outside {band}"
    if when.high_intent is not None and when.high_intent != lead.high_intent:
        return f"high intent is {lead.high_intent}"
    named = account.named.id if account and account.named else None
    if when.account_in is not None:
        ids = {named, account.account_id if account else None} - {None}
        if not ids & set(when.account_in):
            return f"account {named or '(none)'} not in {', '.join(when.account_in)}"
    if when.named_account is not None and (named is not None) != when.named_account:
        return f"named account: {named or 'none'}"
    return None


def describe(when: RouteWhen) -> str:
    """The rule's conditions as one line (for traces)."""
    parts = []
    for name in _FIELDS:
        value = getattr(when, name)
        if value is not None:
            parts.append(f"{name}={value}")
    return ", ".join(parts) or "always"


_FIELDS = tuple(RouteWhen.model_fields)
