"""Qualification rules from the contract: reason codes, BANT/MEDDIC fields, touch cadence,
and the date ordering of facts (closed after created; decision and re-engage dates ahead).

Each check raises `IllegalTransition` with a message that says what is missing and how to
proceed; the stage graph itself lives in `lifecycle.py`.

Cadence rule (precise): a lead may be disqualified only when, counting the rep touches on
the contract's cadence channels since the lead was accepted (SAL) and up to the moment of
disqualifying, there are at least `min_touches` of them AND at least `window_days` have
passed since the first of them. Reasons in `exempt_reasons` (bad data, duplicate) skip it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from revalign.contract.schema import Contract
from revalign.core.state import LeadState
from revalign.errors import IllegalTransition

FRAMEWORK_FIELDS: Mapping[str, tuple[str, ...]] = {
    "bant": ("budget", "authority", "need", "timeline"),
    "meddic": (
        "metrics",
        "economic_buyer",
        "decision_criteria",
        "decision_process",
        "identify_pain",
        "champion",
    ),
}
OPPORTUNITY_FIELDS = ("decision_process", "stakeholders", "decision_date")


def _present(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str | list | tuple | dict):
        return bool(value.strip() if isinstance(value, str) else value)
    return True


def missing_fields(required: Sequence[str], given: Mapping[str, Any]) -> list[str]:
    """The required names whose value is absent or empty, in the required order."""
    return [name for name in required if not _present(given.get(name))]


def check_reason(reason: str, allowed: Sequence[str], what: str) -> None:
    if reason not in allowed:
        raise IllegalTransition(
            f"{reason!r} is not a {what} reason in the contract; use one of: {', '.join(allowed)}"
        )


def check_sql_fields(
    lead_id: str, framework: str, fields: Mapping[str, Any], contract: Contract
) -> None:
    expected = contract.qualification.framework
    if framework.lower() != expected:
        raise IllegalTransition(
            f"lead {lead_id}: the contract qualifies on {expected.upper()}, not {framework!r}"
        )
    missing = missing_fields(FRAMEWORK_FIELDS[expected], fields)
    if missing:
        raise IllegalTransition(
            f"lead {lead_id}: {expected.upper()} qualification is missing {', '.join(missing)}"
        )


def cadence_touches(lead: LeadState, contract: Contract, at: datetime) -> list[datetime]:
    """Times of the touches that count toward the cadence (see the module docstring)."""
    channels = set(contract.qualification.cadence.channels)
    since = lead.sal_at
    return sorted(
        t.at
        for t in lead.touches
        if t.kind in channels and t.at <= at and (since is None or t.at >= since)
    )


def cadence_shortfall(lead: LeadState, contract: Contract, at: datetime) -> tuple[int, int]:
    """(touches still missing, whole days still missing) before `lead` may be disqualified."""
    cadence = contract.qualification.cadence
    times = cadence_touches(lead, contract, at)
    touches_missing = max(0, cadence.min_touches - len(times))
    elapsed = (at - times[0]).total_seconds() / 86400.0 if times else 0.0
    days_missing = max(0, math.ceil(cadence.window_days - elapsed - 1e-9))
    return touches_missing, days_missing


def check_disqualify(lead: LeadState, reason: str, contract: Contract, at: datetime) -> None:
    rules = contract.qualification
    if reason in rules.recycle_reasons:
        raise IllegalTransition(
            f"lead {lead.lead_id}: {reason!r} is a recycle reason: good lead, wrong timing; "
            f"recycle it instead (`revalign lead recycle {lead.lead_id} --reason {reason}`)"
        )
    check_reason(reason, rules.disqualify_reasons, "disqualify")
    cadence = rules.cadence
    if reason in cadence.exempt_reasons:
        return
    touches_missing, days_missing = cadence_shortfall(lead, contract, at)
    if touches_missing or days_missing:
        done = len(cadence_touches(lead, contract, at))
        needs = []
        if touches_missing:
            needs.append(f"{touches_missing} more touch{'es' if touches_missing > 1 else ''}")
        if days_missing:
            needs.append(f"{days_missing} more day{'s' if days_missing > 1 else ''}")
        raise IllegalTransition(
            f"lead {lead.lead_id}: the cadence needs {cadence.min_touches} touches "
            f"({', '.join(cadence.channels)}) over {cadence.window_days} days before "
            f"disqualifying; it has {done}: {' and '.join(needs)} still needed "
            f"(reasons exempt from the cadence: {', '.join(cadence.exempt_reasons) or 'none'})"
        )


def check_opportunity_fields(lead_id: str, payload: Mapping[str, Any]) -> None:
    missing = missing_fields(OPPORTUNITY_FIELDS, payload)
    if missing:
        raise IllegalTransition(
            f"lead {lead_id}: an opportunity needs a defined {', '.join(missing)}"
        )


def check_not_past(what: str, value: Any, at: datetime, subject: str) -> None:
    """A date that names the future (decision, re-engage) may not lie before the moment the
    fact is recorded (its occurred_at, in UTC)."""
    from revalign.core.evolve import as_date  # evolve imports lifecycle, which imports us

    day = as_date(value)  # a date, or its ISO text as stored in the ledger
    if day is not None and day < at.date():
        raise IllegalTransition(
            f"{subject}: the {what} {day.isoformat()} is in the past at the moment recorded "
            f"({at.date().isoformat()}); give a date on or after it"
        )


def check_closed_after_created(opportunity_id: str, created: datetime, closed: datetime) -> None:
    if closed < created:
        raise IllegalTransition(
            f"opportunity {opportunity_id} cannot close at {closed.isoformat()}, before it was "
            f"created at {created.isoformat()}"
        )
