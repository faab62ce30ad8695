"""HubSpot webhook signature v3 (valid, invalid, stale, replayed) and the handler."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from revalign.connectors.hubspot.webhook import handle_hubspot_webhook, signature_v3, verify_v3
from revalign.core.events import Event, EventType
from revalign.engine import open_engine
from sync_support import NOW, sync_contract

SECRET = "app-client-secret"
URI = "https://revalign.example.com/webhooks/hubspot?portal=1%3A2"


def signed(body: bytes, at_ms: int, method: str = "POST", uri: str = URI) -> dict[str, str]:
    return {
        "X-HubSpot-Signature-v3": signature_v3(SECRET, method, uri, body, str(at_ms)),
        "X-HubSpot-Request-Timestamp": str(at_ms),
        "Content-Type": "application/json",
    }


def now_ms() -> int:
    return int(NOW.timestamp() * 1000)


def test_the_documented_v3_construction() -> None:
    import base64
    import hashlib
    import hmac

    body = b'[{"eventId":1}]'
    message = b"POST" + b"https://revalign.example.com/webhooks/hubspot?portal=1:2" + body + b"1"
    expected = base64.b64encode(
        hmac.new(SECRET.encode(), message, hashlib.sha256).digest()
    ).decode()
    assert signature_v3(SECRET, "post", URI, body, "1") == expected  # %3A decoded, method upper


def test_valid_invalid_and_stale_signatures() -> None:
    body = b"[]"
    assert verify_v3(SECRET, "POST", URI, signed(body, now_ms()), body, NOW) is None
    tampered = signed(body, now_ms())
    assert verify_v3(SECRET, "POST", URI, tampered, b"[{}]", NOW) == "signature mismatch"
    wrong_secret = {**signed(body, now_ms()), "X-HubSpot-Signature-v3": "AAAA"}
    assert verify_v3(SECRET, "POST", URI, wrong_secret, body, NOW) == "signature mismatch"
    old = now_ms() - int(timedelta(minutes=5, seconds=1).total_seconds() * 1000)
    assert "stale" in (verify_v3(SECRET, "POST", URI, signed(body, old), body, NOW) or "")
    assert "missing" in (verify_v3(SECRET, "POST", URI, {}, body, NOW) or "")


def test_the_handler_refuses_then_accepts_and_a_replay_adds_nothing(tmp_path: Path) -> None:
    contract = sync_contract()
    with open_engine(f"sqlite:///{tmp_path / 'r.db'}", contract, clock=lambda: NOW) as engine:
        from revalign.connectors.sync.store import Link, SyncStore

        engine.submit(
            [
                Event(
                    EventType.LEAD_CAPTURED,
                    "file:leads",
                    "1",
                    NOW,
                    lead_id="L-1",
                    payload={"email": "dewi@acme.co.id"},
                )
            ]
        )
        SyncStore(engine.ledger, "hubspot").links(
            [Link("hubspot", "contacts", "501", "lead", "L-1")], NOW
        )
        events = [
            {
                "eventId": 9,
                "subscriptionType": "contact.propertyChange",
                "objectId": 501,
                "propertyName": "jobtitle",
                "propertyValue": "CMO",
                "occurredAt": now_ms() - 1000,
            }
        ]
        body = json.dumps(events).encode()
        bad = handle_hubspot_webhook(
            "POST", URI, {"X-HubSpot-Signature-v3": "x"}, body, SECRET, NOW, engine
        )
        assert bad.status == 401
        headers = signed(body, now_ms())
        ok = handle_hubspot_webhook("POST", URI, headers, body, SECRET, NOW, engine)
        assert ok.status == 200 and ok.body["new"] == 1
        assert engine.state.leads["L-1"].title == "CMO"
        seq = engine.ledger.last_seq()
        replay = handle_hubspot_webhook("POST", URI, headers, body, SECRET, NOW, engine)
        assert replay.status == 200 and replay.body["new"] == 0
        assert engine.ledger.last_seq() == seq
        unknown = json.dumps([{**events[0], "eventId": 10, "objectId": 999}]).encode()
        later = handle_hubspot_webhook(
            "POST", URI, signed(unknown, now_ms()), unknown, SECRET, NOW, engine
        )
        assert later.body["new"] == 0 and "no e-mail" in later.body["rejected"][0]["reason"]
        assert SyncStore(engine.ledger, "hubspot").identity("contacts", "999") is None
        junk = b"not json"
        assert (
            handle_hubspot_webhook("POST", URI, signed(junk, now_ms()), junk, SECRET, NOW).status
            == 400
        )
