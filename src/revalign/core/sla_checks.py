"""The SLAs judged at the instant of their cause: data quality of an MQL, a capacity notice.

Each is a clock that starts and stops at its cause (so reports count it as due and met or
missed like any other clock), plus its breach when missed:
- data_quality (marketing): an MQL missing one of `slas.required_fields` is a miss of its
  campaign and source (channel), the breach listing the missing fields;
- capacity_notice (sales): a `capacity.notice` that lowers a rep's or team's capacity less
  than `slas.capacity_notice_days` before it takes effect is a miss of that rep (or of the
  team's manager). Routing honours every notice anyway (see `core.routing.capacity_of`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, time, timedelta
from typing import Any

from revalign.contract.fields import ATTRIBUTE_PREFIX, BEHAVIOUR
from revalign.contract.schema import Contract, VersionedContract
from revalign.core import sla
from revalign.core.events import Event, EventType, derived
from revalign.core.evolve import as_date
from revalign.core.state import Clock, FunnelState, LeadState


def marketing_owner(contract: Contract) -> str:
    """The marketing team that owns marketing's promises (its id), else "marketing"."""
    return next((t.id for t in contract.teams if t.side == "marketing"), "marketing")


def missing_fields(lead: LeadState, required: list[str]) -> list[str]:
    """The required fields `lead` has no value for, in contract order."""
    out = []
    for name in required:
        if name == BEHAVIOUR:
            value: Any = lead.signals or None
        elif name.startswith(ATTRIBUTE_PREFIX):
            value = lead.attributes.get(name[len(ATTRIBUTE_PREFIX) :])
        else:
            value = getattr(lead, name, None)
        if value is None or (isinstance(value, str) and not value.strip()):
            out.append(name)
    return out


def instant(
    cause: Event,
    contract: VersionedContract,
    clock: Clock,
    met: bool,
    n: tuple[int, int],
    extra: Mapping[str, Any] | None = None,
) -> list[Event]:
    """Start and stop `clock` at its cause, plus its breach (at the cause) when not `met`."""
    at = cause.occurred_at
    started = {
        "clock_id": clock.clock_id,
        "sla": clock.sla,
        "owner": clock.owner,
        "owner_side": clock.owner_side,
        "due_at": clock.due_at.isoformat(),
    }
    stopped = {"clock_id": clock.clock_id, "sla": clock.sla, "met": met,
               "elapsed_business_hours": 0.0}  # fmt: skip
    v = contract.version
    out = [
        derived(cause, EventType.SLA_CLOCK_STARTED, n=n[0], payload=started, contract_version=v,
                lead_id=clock.lead_id),
        derived(cause, EventType.SLA_CLOCK_STOPPED, n=n[1], payload=stopped, contract_version=v,
                lead_id=clock.lead_id),
    ]  # fmt: skip
    if not met:
        out.append(sla.breach(clock, v, at=max(at, clock.due_at), extra=extra))
    return out


def data_quality(cause: Event, lead: LeadState, contract: VersionedContract) -> list[Event]:
    """The data-quality check of a new MQL (nothing when the contract requires no field)."""
    required = contract.contract.slas.required_fields
    if not required:
        return []
    missing = missing_fields(lead, required)
    at = cause.occurred_at
    owner = marketing_owner(contract.contract)
    cid = sla.clock_id(lead.lead_id, "data_quality", cause)
    clock = Clock(cid, "data_quality", lead.lead_id, owner, sla.SIDE_MARKETING, at, at)
    extra = {"campaign": lead.campaign, "channel": lead.source, "missing_fields": missing}
    # n: the MQL's own route and review clocks take started 0-1 and stopped 0
    return instant(cause, contract, clock, not missing, (2, 1), extra)


def capacity_notice(state: FunnelState, cause: Event, contract: VersionedContract) -> list[Event]:
    """The notice check of a capacity reduction (nothing for a notice that adds capacity)."""
    c, p = contract.contract, cause.payload
    start = as_date(p.get("effective_from"))
    team = next((t for t in c.teams if t.id == p.get("team")), None)
    if start is None or team is None:
        return []
    rep_id = p.get("rep")
    key = str(rep_id) if rep_id else f"team:{team.id}"
    earlier = state.capacity_windows.get(key, ())[:-1]  # the notice itself is folded last
    before = next(
        (
            w.capacity
            for w in reversed(earlier)
            if w.start <= start and (w.end is None or start <= w.end)
        ),
        None,
    )
    if before is None:
        roster = [r for r in team.reps if rep_id is None or r.id == rep_id]
        before = max((r.capacity for r in roster), default=0)
    if int(p.get("capacity", 0)) >= before:
        return []
    days = c.slas.capacity_notice_days
    due = datetime.combine(start, time(0), UTC) - timedelta(days=days)
    owner = str(rep_id) if rep_id else (team.manager or team.id)
    cid = sla.clock_id(key, "capacity_notice", cause)
    clock = Clock(cid, "capacity_notice", None, owner, sla.SIDE_SALES, cause.occurred_at, due)
    notice = (start - cause.occurred_at.astimezone(UTC).date()).days
    extra = {"target": float(days), "actual": float(notice), "period": start.isoformat()}
    return instant(cause, contract, clock, notice >= days, (0, 0), extra)
