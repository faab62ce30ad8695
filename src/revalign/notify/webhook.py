"""Webhooks: Slack-compatible JSON, signed with HMAC-SHA256 over `timestamp + "." + body`.

Headers sent with every POST:
- `X-Revalign-Timestamp`: Unix seconds when signed (reject old ones to stop replays);
- `X-Revalign-Signature`: `sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`;
- `X-Revalign-Delivery`: the delivery key; the same notice to the same URL always has the same
  key, so a receiver that keeps the keys it saw drops the rare repeat (see docs/notifications.md).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import datetime
from typing import Any

from revalign.notify.notices import Delivery

SIGNATURE_HEADER = "X-Revalign-Signature"
TIMESTAMP_HEADER = "X-Revalign-Timestamp"
DELIVERY_HEADER = "X-Revalign-Delivery"


class DeliveryError(Exception):
    """A channel could not hand over a notice; the message never holds a secret or a URL."""


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(
    secret: str, timestamp: str, body: bytes, header: str, now: float, tolerance: float = 300
) -> bool:
    """What a receiver checks: the signature matches and the timestamp is recent."""
    try:
        fresh = abs(now - float(timestamp)) <= tolerance
    except ValueError:
        return False
    return fresh and hmac.compare_digest(signature(secret, timestamp, body), header)


def body(delivery: Delivery) -> bytes:
    """Slack's incoming-webhook shape: `text` (the fallback) and one mrkdwn section block."""
    n = delivery.notice
    message = {
        "text": n.text,
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": n.text}}],
    }
    return json.dumps(message, sort_keys=True).encode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is a failure: urllib would follow a 302 as a GET and drop the notice."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


class WebhookSender:
    """POSTs a delivery's JSON to its URL; any non-2xx answer or network error is a failure.

    The signature's timestamp is the wall clock (`wall`), not the worker's clock: it proves
    freshness to a receiver comparing it with its own clock, also when a test fakes `now`.
    """

    def __init__(
        self, secret: str, timeout: float = 10, wall: Callable[[], float] = time.time
    ) -> None:
        self._secret, self._timeout, self._wall = secret, timeout, wall

    def send(self, delivery: Delivery, now: datetime) -> None:
        data = body(delivery)
        stamp = str(int(self._wall()))
        request = urllib.request.Request(
            delivery.recipient,
            data=data,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "User-Agent": "revalign-worker",
                TIMESTAMP_HEADER: stamp,
                SIGNATURE_HEADER: signature(self._secret, stamp, data),
                DELIVERY_HEADER: delivery.key,
            },
        )
        try:
            with _OPENER.open(request, timeout=self._timeout) as response:
                response.read()
        except urllib.error.HTTPError as exc:  # before URLError: it is one
            raise DeliveryError(f"webhook answered HTTP {exc.code}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise DeliveryError(f"webhook unreachable: {type(reason).__name__}") from None
