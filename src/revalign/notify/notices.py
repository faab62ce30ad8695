"""What to tell whom: a ledger event becomes a `Notice`, and a notice becomes `Delivery`s.

Pure (no I/O, no clock): the worker shell reads the ledger, asks `deliveries(event, ...)`
and hands each delivery to its channel. A delivery's key is stable across processes and
restarts (notice event id, channel, a digest of the recipient), so the ledger can record
"delivered" once per key and every receiver can drop a repeat.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from revalign.contract.schema import Contract, Notifications
from revalign.core.events import Event

Channel = Literal["webhook", "email"]
# By value, so a ledger written by a release with sla.warned still reads here and vice versa.
NOTICE_TYPES = frozenset({"sla.warned", "sla.breached", "sla.escalated"})


@dataclass(frozen=True)
class Notice:
    """One thing people must hear about, rendered once for every channel."""

    id: str  # the ledger event's id
    type: str  # sla.warned / sla.breached / sla.escalated
    level: str  # warning / breach / ops / vp / executive
    side: str
    owner: str
    subject: str
    text: str
    facts: dict[str, Any]


@dataclass(frozen=True)
class Delivery:
    notice: Notice
    channel: Channel
    recipient: str  # a webhook URL or an e-mail address: never logged as such

    @property
    def key(self) -> str:
        return delivery_key(self.notice.id, self.channel, self.recipient)

    @property
    def shown_recipient(self) -> str:
        return redact(self.channel, self.recipient)


def delivery_key(notice_id: str, channel: str, recipient: str) -> str:
    """`<notice id>:<channel>:<16 hex of sha256(recipient)>`: no address or URL in it."""
    digest = hashlib.sha256(recipient.encode()).hexdigest()[:16]
    return f"{notice_id}:{channel}:{digest}"


def redact(channel: str, recipient: str) -> str:
    """E-mail addresses as they are; a webhook URL as scheme://host/… (its path is a token)."""
    if channel != "webhook":
        return recipient
    parts = urlsplit(recipient)
    return f"{parts.scheme}://{parts.hostname or ''}/…"


def channel_of(recipient: str) -> Channel:
    return "webhook" if recipient.startswith(("https://", "http://")) else "email"


def notice_of(event: Event) -> Notice | None:
    """The notice an event carries, or None for every other event."""
    kind = event.type.value
    if kind not in NOTICE_TYPES:
        return None
    p = dict(event.payload)
    if kind == "sla.escalated":
        level, side, owner = str(p.get("level")), str(p.get("side")), str(p.get("owner"))
        who = f"the whole {side} side" if owner == "all" else f"{owner} ({side})"
        subject = f"[revalign] escalation to {level}: {who}"
        text = (
            f"Escalation to *{level}*: {who} has {p.get('breaches')} SLA breaches in window "
            f"{p.get('window')}. Ladder: notify {', '.join(map(str, p.get('notify') or []))}."
        )
        return Notice(event.id, kind, level, side, owner, subject, text, p)
    side, owner, sla = str(p.get("owner_side")), str(p.get("owner")), str(p.get("sla"))
    lead = f" for lead {event.lead_id}" if event.lead_id else ""
    if kind == "sla.warned":
        used = p.get("used_fraction")
        share = f"{float(used):.0%} of the time used, " if isinstance(used, int | float) else ""
        subject = f"[revalign] SLA warning: {sla} ({owner})"
        text = f"SLA warning: *{sla}*{lead}, owner {owner} ({side}): {share}due {p.get('due_at')}."
        return Notice(event.id, kind, "warning", side, owner, subject, text, p)
    subject = f"[revalign] SLA breached: {sla} ({owner})"
    text = f"SLA breached: *{sla}*{lead}, owner {owner} ({side}), was due {p.get('due_at')}."
    return Notice(event.id, kind, "breach", side, owner, subject, text, p)


def recipients(notice: Notice, contract: Contract) -> list[str]:
    """Who hears of `notice`, each once, in contract order."""
    n = contract.notifications
    found = list(_by_level(n, notice))
    if notice.type == "sla.escalated":
        for role in notice.facts.get("notify") or []:
            found.extend(n.roles.get(str(role), []))
    elif n.notify_owner:
        found.extend(_owner_email(contract, notice.owner))
    return list(dict.fromkeys(found))


def _by_level(n: Notifications, notice: Notice) -> Iterator[str]:
    for level, sides in n.recipients.items():
        if level == notice.level:
            yield from getattr(sides, notice.side, [])


def _owner_email(contract: Contract, owner: str) -> list[str]:
    """The owner's e-mail: a rep's own, or a team's manager's (clocks owned by a team)."""
    for team in contract.teams:
        rep_id = team.manager if owner == team.id else owner
        for rep in team.reps:
            if rep.id == rep_id and rep.email:
                return [rep.email]
    return []


def deliveries(event: Event, contract: Contract) -> list[Delivery]:
    """Every (channel, recipient) the event's notice goes to; [] for other events."""
    notice = notice_of(event)
    if notice is None:
        return []
    return [Delivery(notice, channel_of(r), r) for r in recipients(notice, contract)]
