"""Deliver the notices in the ledger: at-least-once, with retry and backoff, deduplicated.

For every notice event after the `notify` checkpoint and every recipient of it:
1. look in the ledger for `notice.delivered` with the delivery key (source "notify",
   source_id = the key): there is one, so skip it;
2. else, if its last `notice.failed` asks to wait (retry_at > now), wait;
3. else send it, then append `notice.delivered` (or `notice.failed` with the next retry time,
   `final` after the contract's `retry.attempts`).
The checkpoint then moves to just before the oldest notice still waiting, so a restarted
worker resumes there. A crash between a send and its record (the only gap) resends that one
delivery with the same key; receivers drop it by `X-Revalign-Delivery` / Message-ID.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from revalign.contract.schema import Contract, Retry
from revalign.core.events import Event, EventType
from revalign.core.payloads import validate_payload
from revalign.ledger import SqlLedger
from revalign.notify.notices import NOTICE_TYPES, Channel, Delivery, deliveries
from revalign.notify.webhook import DeliveryError

CHECKPOINT = "notify"
SOURCE = "notify"


class Sender(Protocol):
    def send(self, delivery: Delivery, now: datetime) -> None:
        """Hand the notice over, or raise DeliveryError."""
        ...


@dataclass
class Status:
    """What the ledger says about one delivery key."""

    delivered: bool = False
    attempts: int = 0
    final: bool = False
    retry_at: datetime | None = None


@dataclass
class DeliveryReport:
    delivered: int = 0
    failed: int = 0  # attempts that failed in this pass
    given_up: int = 0  # of those, the last attempt
    waiting: int = 0  # deliveries waiting for their retry time
    next_retry_at: datetime | None = None
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "delivered": self.delivered,
            "failed": self.failed,
            "given_up": self.given_up,
            "waiting": self.waiting,
            "next_retry_at": self.next_retry_at.isoformat() if self.next_retry_at else None,
        }


def backoff(policy: Retry, attempt: int) -> timedelta:
    """Wait after failed attempt `attempt` (1-based): base * 2^(attempt-1), capped."""
    seconds = min(policy.backoff_seconds * 2 ** (attempt - 1), policy.max_backoff_seconds)
    return timedelta(seconds=seconds)


def statuses(events: Iterable[Event]) -> dict[str, Status]:
    """Fold the notify records into one Status per delivery key."""
    out: dict[str, Status] = {}
    for e in events:
        if e.source != SOURCE:
            continue
        p = e.payload
        st = out.setdefault(str(p["delivery_key"]), Status())
        if e.type is EventType.NOTICE_DELIVERED:
            st.delivered = True
        elif e.type is EventType.NOTICE_FAILED and int(p["attempt"]) >= st.attempts:
            st.attempts, st.final = int(p["attempt"]), bool(p["final"])
            retry = p.get("retry_at")
            st.retry_at = datetime.fromisoformat(retry) if retry else None
    return out


class Deliverer:
    """One pass of delivery over the ledger tail; see the module docstring."""

    def __init__(
        self, ledger: SqlLedger, contract: Contract, senders: Mapping[Channel, Sender]
    ) -> None:
        self.ledger, self.contract, self.senders = ledger, contract, senders

    def deliver(self, now: datetime) -> DeliveryReport:
        cursor = self.ledger.checkpoint(CHECKPOINT)
        notices: list[Event] = []
        records: list[Event] = []
        last = cursor
        for e in self.ledger.read(after_seq=cursor):
            last = e.seq or last
            if e.source == SOURCE:
                records.append(e)
            elif e.type.value in NOTICE_TYPES:
                notices.append(e)
        known = statuses(records)
        report = DeliveryReport()
        oldest_open: int | None = None
        for event in notices:
            for d in deliveries(event, self.contract):
                if not self._settled(d, known.get(d.key, Status()), now, report):
                    oldest_open = event.seq if oldest_open is None else oldest_open
        resume = last if oldest_open is None else (oldest_open or 1) - 1
        if resume > cursor:
            self.ledger.save_checkpoint(CHECKPOINT, resume)
        return report

    def _settled(self, d: Delivery, st: Status, now: datetime, report: DeliveryReport) -> bool:
        """Deliver `d` if it is due; True when nothing more will ever be done for it."""
        if st.delivered or st.final:
            return True
        if st.retry_at is not None and st.retry_at > now:
            report.waiting += 1
            report.next_retry_at = min(filter(None, (report.next_retry_at, st.retry_at)))
            return False
        attempt = st.attempts + 1
        sender = self.senders.get(d.channel)
        try:
            if sender is None:
                raise DeliveryError(f"no {d.channel} channel configured")
            sender.send(d, now)
        except DeliveryError as exc:
            return self._failed(d, attempt, str(exc), now, report)
        # The at-least-once gap: a crash right here resends `d` (same key) after a restart.
        self._record(EventType.NOTICE_DELIVERED, d, d.key, now, {"attempts": attempt})
        report.delivered += 1
        return True

    def _failed(
        self, d: Delivery, attempt: int, error: str, now: datetime, report: DeliveryReport
    ) -> bool:
        policy = self.contract.notifications.retry
        final = attempt >= policy.attempts
        retry_at = None if final else now + backoff(policy, attempt)
        extra: dict[str, Any] = {"attempt": attempt, "error": error, "final": final}
        if retry_at is not None:
            extra["retry_at"] = retry_at.isoformat()
            report.next_retry_at = min(filter(None, (report.next_retry_at, retry_at)))
        self._record(EventType.NOTICE_FAILED, d, f"{d.key}:attempt:{attempt}", now, extra)
        report.failed += 1
        report.given_up += final
        report.errors.append(f"{d.notice.type} to {d.shown_recipient}: {error}")
        return final

    def _record(
        self, kind: EventType, d: Delivery, source_id: str, now: datetime, extra: dict[str, Any]
    ) -> None:
        payload = {
            "delivery_key": d.key,
            "notice_id": d.notice.id,
            "notice_type": d.notice.type,
            "channel": d.channel,
            "recipient": d.shown_recipient,
            **extra,
        }
        event = Event(
            type=kind,
            source=SOURCE,
            source_id=source_id,
            occurred_at=now,
            payload=validate_payload(kind, payload),
        )
        self.ledger.append([event])
