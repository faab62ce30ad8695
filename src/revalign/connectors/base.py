"""What every translator shares: its context, the state it may look up, and event building."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from revalign.connectors import rows
from revalign.connectors.identity import account_id_for, domain_of, lead_id_for
from revalign.contract.schema import VersionedContract
from revalign.core.events import Event, EventType
from revalign.core.payloads import validate_payload
from revalign.errors import InputError


class StateLookup(Protocol):
    """What a translator may ask about facts already in the ledger (to tell new from changed)."""

    def lead(self, lead_id: str) -> Mapping[str, Any] | None:
        """The known lead's fields (LeadCaptured names plus account_id), or None."""
        ...

    def opportunity_stage(self, opportunity_id: str) -> str | None:
        """The known opportunity's stage, or None when it is not known."""
        ...


class NoState:
    """A lookup that knows nothing: translation on its own, e.g. in tests or dry runs."""

    def lead(self, lead_id: str) -> Mapping[str, Any] | None:
        return None

    def opportunity_stage(self, opportunity_id: str) -> str | None:
        return None


DEFAULT_FUTURE_TOLERANCE = timedelta(days=1)


def future_refusal(at: datetime, now: datetime | None, tolerance: timedelta) -> str | None:
    """Why a fact at `at` cannot have happened yet (later than now + tolerance), or None."""
    if now is None or at <= now + tolerance:
        return None
    return (
        f"{at.astimezone(UTC).isoformat()} is in the future: more than {_span(tolerance)} "
        f"after the import's now ({now.astimezone(UTC).isoformat(timespec='seconds')})"
    )


def _span(tolerance: timedelta) -> str:
    hours = tolerance.total_seconds() / 3600
    if hours % 24 == 0:
        days = int(hours // 24)
        return f"{days} day{'s' if days != 1 else ''}"
    return f"{hours:g} hours"


@dataclass(frozen=True, slots=True)
class Context:
    source: str  # "file:leads" unless --source says otherwise
    contract: VersionedContract
    lookup: StateLookup
    free_mail: frozenset[str]
    # facts later than now + tolerance are refused as rows (None: no check, e.g. dry runs)
    now: datetime | None = None
    future_tolerance: timedelta = DEFAULT_FUTURE_TOLERANCE

    @classmethod
    def create(
        cls,
        source: str,
        contract: VersionedContract,
        lookup: StateLookup | None = None,
        *,
        now: datetime | None = None,
        future_tolerance: timedelta = DEFAULT_FUTURE_TOLERANCE,
    ) -> Context:
        from revalign.core.free_mail import FREE_MAIL

        c = contract.contract
        domains = [*c.scoring.negative.free_mail_domains, *c.routing.matching.free_mail_domains]
        free = FREE_MAIL | {d.lower() for d in domains}
        return cls(source, contract, lookup or NoState(), frozenset(free), now, future_tolerance)

    def account_for_domain(self, domain: str | None) -> str | None:
        """The account of a company domain; free-mail domains (gmail.com…) are no account."""
        if not domain or domain.lower() in self.free_mail:
            return None
        return account_id_for(domain)


def event(
    ctx: Context,
    type: EventType,
    source_id: str,
    occurred_at: datetime,
    payload: Mapping[str, Any],
    *,
    lead_id: str | None = None,
    account_id: str | None = None,
    opportunity_id: str | None = None,
) -> Event:
    """A validated source event; a bad payload or a fact in the future is a RowError."""
    too_late = future_refusal(occurred_at, ctx.now, ctx.future_tolerance)
    if too_late is not None:
        raise rows.RowError(f"{type.value} at {too_late}")
    try:
        clean = validate_payload(type, payload)
    except InputError as exc:
        raise rows.RowError(str(exc)) from None
    return Event(
        type=type,
        source=ctx.source,
        source_id=source_id,
        occurred_at=occurred_at,
        lead_id=lead_id,
        account_id=account_id,
        opportunity_id=opportunity_id,
        payload=clean,
    )


def lead_ref(ctx: Context, row: rows.Row) -> tuple[str, str | None]:
    """(lead_id, account_id) from the row's email, else its lead_id column."""
    address = rows.text(row, "email")
    if address is not None:
        clean = rows.email(address)
        return lead_id_for(clean), ctx.account_for_domain(domain_of(clean))
    lead_id = rows.text(row, "lead_id")
    if lead_id is None:
        raise rows.RowError("missing email or lead_id")
    known = ctx.lookup.lead(lead_id)
    account = known.get("account_id") if known else None
    return lead_id, account if isinstance(account, str) else None


def explicit_id(row: rows.Row) -> str | None:
    """The row's own `id` column, when the export has one: the best idempotency key."""
    return rows.text(row, "id")
