"""`POST /hooks/hubspot`: HubSpot's own webhooks on the API app, signature v3."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from api_fixtures import Served, serve
from revalign.api.hooks import HUBSPOT_SECRET_ENV
from revalign.connectors.hubspot.webhook import signature_v3

SECRET = "hubspot-app-secret"
URL = "http://testserver/hooks/hubspot"
BODY = orjson.dumps(
    [
        {
            "eventId": 1,
            "subscriptionType": "contact.propertyChange",
            "objectId": 77,
            "propertyName": "jobtitle",
            "propertyValue": "CMO",
            "occurredAt": int(time.time() * 1000) - 1000,
        }
    ]
)


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    monkeypatch.setenv(HUBSPOT_SECRET_ENV, SECRET)
    yield from serve(tmp_path)


def _headers(body: bytes, secret: str = SECRET) -> dict[str, str]:
    stamp = str(int(time.time() * 1000))
    return {
        "X-HubSpot-Signature-v3": signature_v3(secret, "POST", URL, body, stamp),
        "X-HubSpot-Request-Timestamp": stamp,
        "Content-Type": "application/json",
    }


def test_a_signed_delivery_is_verified_and_read(served: Served) -> None:
    r = served.client.post("/hooks/hubspot", content=BODY, headers=_headers(BODY))
    assert r.status_code == 200, r.text
    assert r.json()["received"] == 1  # an unknown contact with no e-mail is rejected, not stored


def test_a_wrong_signature_is_refused(served: Served) -> None:
    r = served.client.post("/hooks/hubspot", content=BODY, headers=_headers(BODY, "other"))
    assert r.status_code == 401


def test_without_a_secret_the_route_is_not_set_up(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(HUBSPOT_SECRET_ENV)
    r = served.client.post("/hooks/hubspot", content=BODY, headers=_headers(BODY))
    assert r.status_code == 404
    assert r.json()["error"]["code"]
