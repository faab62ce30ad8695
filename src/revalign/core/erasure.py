"""Personal data out of a lead and out of event payloads: the pure half of `person erase`.

What is personal: the e-mail, first and last name, title, every attribute (free-form import
columns: phone, LinkedIn URL, ...), and any free text (notes, score details, opportunity
names, stakeholders, qualification answers, refusal messages) that mentions one of those
values. What stays: the lead id, company, domain, size, industry, country, channel,
campaign, stages, scores, owners and times, so every count and metric is unchanged.

`redact_payload` rewrites a stored payload; `erase_lead` is what the fold does on
`person.erased`, so a state folded from a ledger that still held the values is blank too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from revalign.core.events import Event, EventType
from revalign.core.scoring import ScorePart
from revalign.core.state import FunnelState, LeadState, with_changes

ERASED = "[erased]"
PERSONAL_FIELDS = ("email", "first_name", "last_name", "title", "attributes")
# lead facts keep only these (an allowlist: an unknown column is personal until known not)
LEAD_KEEP = frozenset({"company", "domain", "employees", "industry", "country", "source",
                       "campaign"})  # fmt: skip
# payload keys of free text, scrubbed where they mention a personal value
FREE_TEXT = frozenset({"note", "detail", "url", "name", "stakeholders", "fields", "reason",
                       "outcome"})  # fmt: skip
# payload keys that are personal wherever they appear
PERSONAL_KEYS = frozenset({"email", "first_name", "last_name", "title", "phone", "mobile"})
_MIN_LEN = 3  # shorter values ("Li") would match inside ordinary words


def personal_values(fields: Mapping[str, Any]) -> set[str]:
    """The strings to look for: e-mail, names (each and together), title, attribute values."""
    values: set[str] = set()
    first, last = fields.get("first_name"), fields.get("last_name")
    for key in ("email", "first_name", "last_name", "title", "phone", "mobile"):
        if isinstance(fields.get(key), str):
            values.add(fields[key])
    if isinstance(first, str) and isinstance(last, str):
        values.add(f"{first} {last}")
    attributes = fields.get("attributes")
    if isinstance(attributes, Mapping):
        values.update(str(v) for v in attributes.values() if isinstance(v, str | int))
    return {v.strip() for v in values if len(v.strip()) >= _MIN_LEN}


def matcher(values: Iterable[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern of whole-word occurrences of any value."""
    words = sorted({v for v in values if v}, key=len, reverse=True)
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in words)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _scrub(value: Any, pattern: re.Pattern[str] | None) -> Any:
    if pattern is None:
        return value
    if isinstance(value, str):
        return ERASED if pattern.search(value) else value
    if isinstance(value, list | tuple):
        return [_scrub(v, pattern) for v in value]
    if isinstance(value, Mapping):
        return {k: _scrub(v, pattern) for k, v in value.items()}
    return value


def scrub_values(payload: Mapping[str, Any], pattern: re.Pattern[str] | None) -> dict[str, Any]:
    """Every string of the payload, at any key, that mentions the pattern, as ERASED (for
    facts of other people that mention this one)."""
    result: dict[str, Any] = _scrub(payload, pattern)
    return result


def _walk(value: Any, pattern: re.Pattern[str] | None) -> Any:
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key in PERSONAL_KEYS:
                out[key] = None
            elif key == "attributes":
                out[key] = {}
            elif key in FREE_TEXT:
                out[key] = _scrub(item, pattern)
            else:
                out[key] = _walk(item, pattern)
        return out
    if isinstance(value, list):
        return [_walk(v, pattern) for v in value]
    return value


def redact_payload(
    type: str, payload: Mapping[str, Any], pattern: re.Pattern[str] | None
) -> dict[str, Any]:
    """The payload without personal data (same shape: the fold and metrics still read it)."""
    if type == EventType.LEAD_CAPTURED.value:
        kept = {k: v for k, v in payload.items() if k in LEAD_KEEP}
        return {"email": "", **kept, "attributes": {}}
    if type == EventType.LEAD_UPDATED.value:
        changes = payload.get("changes") or {}
        return {"changes": {k: v for k, v in changes.items() if k in LEAD_KEEP}}
    result: dict[str, Any] = _walk(payload, pattern)
    return result


def erase_lead(lead: LeadState) -> LeadState:
    """The lead with its personal fields blank and free text mentioning them scrubbed."""
    pattern = matcher(personal_values({f: getattr(lead, f) for f in PERSONAL_FIELDS}))
    parts = tuple(
        ScorePart(p.rule, p.points, ERASED if pattern and pattern.search(p.detail) else p.detail)
        for p in lead.score_parts
    )
    return with_changes(
        lead, email="", first_name=None, last_name=None, title=None, attributes={},
        score_parts=parts, qualification=_scrub(dict(lead.qualification), pattern),
        fit_score=None,  # fit reads the e-mail and title: the cached fit is no longer theirs
    )  # fmt: skip


def scrub_mentions(lead: LeadState, pattern: re.Pattern[str] | None) -> LeadState:
    """Another lead with the strings that mention the erased person scrubbed."""
    parts = tuple(
        ScorePart(p.rule, p.points, ERASED if pattern and pattern.search(p.detail) else p.detail)
        for p in lead.score_parts
    )
    return with_changes(
        lead, attributes=_scrub(dict(lead.attributes), pattern), score_parts=parts,
        qualification=_scrub(dict(lead.qualification), pattern),
    )  # fmt: skip


def fold_person_erased(state: FunnelState, event: Event) -> None:
    """The fold of `person.erased`: blank the lead, scrub its mentions in the other leads
    named by the event, forget its before-images."""
    lead = state.leads.get(event.lead_id or "")
    if lead is None:
        return
    state.leads[lead.lead_id] = erase_lead(lead)
    pattern = matcher([lead.email]) if lead.email else None
    for other_id in event.payload.get("mentioned_in") or ():
        other = state.leads.get(other_id)
        if other is not None and pattern is not None:
            state.leads[other_id] = scrub_mentions(other, pattern)
    for key in [k for k, u in state.undo.items() if u.lead_id == lead.lead_id]:
        del state.undo[key]
