"""HubSpot webhooks: signature v3 verification and the handler the API route calls.

    result = handle_hubspot_webhook(method, uri, headers, body, secret, now, sink=engine)
    # result.status: 200 accepted, 401 bad / stale signature, 400 unreadable body

v3 signature: base64(HMAC-SHA256(app secret, method + uri + body + timestamp)), sent as
`X-HubSpot-Signature-v3` with `X-HubSpot-Request-Timestamp` (epoch ms); older than five
minutes is refused. A replayed delivery passes the signature within those five minutes but
adds nothing: each event is keyed on its `eventId`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote

import orjson

from revalign.connectors.hubspot import records
from revalign.connectors.sync.snapshot import Snapshot

TOLERANCE = timedelta(minutes=5)
# HubSpot decodes these before signing (its v3 documentation lists them)
_DECODED = ("%3A", "%2F", "%3F", "%40", "%21", "%24", "%27", "%28", "%29", "%2A", "%2C", "%3B")


def _uri(uri: str) -> str:
    out = uri
    for code in _DECODED:
        out = out.replace(code, unquote(code)).replace(code.lower(), unquote(code))
    return out


def signature_v3(secret: str, method: str, uri: str, body: bytes, timestamp: str) -> str:
    message = method.upper().encode() + _uri(uri).encode() + body + timestamp.encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def verify_v3(
    secret: str,
    method: str,
    uri: str,
    headers: Mapping[str, str],
    body: bytes,
    now: datetime,
    tolerance: timedelta = TOLERANCE,
) -> str | None:
    """None when the request is HubSpot's and fresh, else why it is refused (pure)."""
    lower = {k.lower(): v for k, v in headers.items()}
    sent, stamp = lower.get("x-hubspot-signature-v3"), lower.get("x-hubspot-request-timestamp")
    if not sent or not stamp:
        return "missing X-HubSpot-Signature-v3 or X-HubSpot-Request-Timestamp"
    if not stamp.isdigit():
        return "X-HubSpot-Request-Timestamp is not epoch milliseconds"
    at = datetime.fromtimestamp(int(stamp) / 1000, UTC)
    if abs(now - at) > tolerance:
        return f"stale request: timestamp {at.isoformat()} is more than 5 minutes from now"
    expected = signature_v3(secret, method, uri, body, stamp)
    if not hmac.compare_digest(expected, sent):
        return "signature mismatch"
    return None


@dataclass
class WebhookResult:
    status: int
    body: dict[str, Any] = field(default_factory=dict)


_PROPERTY = {theirs: ours for theirs, ours in records.CONTACT_PROPS.items()}


def snapshots(events: Sequence[Mapping[str, Any]]) -> list[Snapshot]:
    """contact.propertyChange / contact.merge notifications as (partial) snapshots."""
    out: list[Snapshot] = []
    for ev in events:
        kind = str(ev.get("subscriptionType", ""))
        at = records.when(ev.get("occurredAt")) or datetime.now(UTC)
        oid = str(ev.get("objectId"))
        if kind == "contact.propertyChange" and ev.get("propertyName") in _PROPERTY:
            name = _PROPERTY[str(ev["propertyName"])]
            value = ev.get("propertyValue")
            if name == "score" and value not in (None, ""):
                value = float(value)
            out.append(Snapshot(records.SYSTEM, "contacts", oid, "lead", at, {name: value}))
        elif kind == "contact.merge":
            survivor = str(ev.get("primaryObjectId") or oid)
            merged = tuple(
                ("contacts", str(i)) for i in ev.get("mergedObjectIds", []) if str(i) != survivor
            )
            out.append(Snapshot(records.SYSTEM, "contacts", survivor, "lead", at, {}, {}, merged))
    return out


def handle_hubspot_webhook(
    method: str,
    uri: str,
    headers: Mapping[str, str],
    body: bytes,
    secret: str,
    now: datetime,
    sink: Any = None,
) -> WebhookResult:
    """Verify, then hand the notifications to `sink` (an Engine: submitted through the
    shared inbound loop). Without a sink only the verification and parsing run."""
    problem = verify_v3(secret, method, uri, headers, body, now)
    if problem is not None:
        return WebhookResult(401, {"error": problem})
    try:
        events = orjson.loads(body)
    except orjson.JSONDecodeError:
        return WebhookResult(400, {"error": "the body is not JSON"})
    if not isinstance(events, list):
        return WebhookResult(400, {"error": "HubSpot sends a JSON array of events"})
    snaps = snapshots(events)
    if sink is None:
        return WebhookResult(200, {"received": len(events), "understood": len(snaps)})
    from revalign.connectors.sync.runner import ingest_snapshots

    report = ingest_snapshots(sink, records.SYSTEM, snaps, now)
    return WebhookResult(
        200,
        {
            "received": len(events),
            "new": report.new,
            "duplicates": report.duplicates,
            "conflicts": report.conflicts,
            "rejected": report.rejected,
        },
    )
