"""Signed webhooks: valid, wrong signature, stale, future, replayed, oversized — each refused
with its own error and nothing stored."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
import sqlalchemy as sa

from api_fixtures import Served, serve
from revalign.api.hooks import TOLERANCE_SECONDS, sign
from revalign.ledger.tables import events, hook_deliveries

SECRET = "s3cret-form-key"
LEAD = {"email": "hook@acme.co.id", "created_at": "2026-11-02T03:00:00Z", "company": "Acme"}


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    monkeypatch.setenv("REVALIGN_HOOK_SECRET_WEBFORM", SECRET)
    yield from serve(tmp_path)


def _post(
    s: Served,
    body: bytes,
    *,
    delivery: str = "d-1",
    ts: int | None = None,
    secret: str = SECRET,
    source: str = "webform",
    kind: str = "leads",
) -> object:
    stamp = str(int(time.time()) if ts is None else ts)
    headers = {
        "X-Revalign-Timestamp": stamp,
        "X-Revalign-Delivery": delivery,
        "X-Revalign-Signature": sign(secret, stamp, body),
        "Content-Type": "application/json",
    }
    return s.client.post(f"/hooks/{source}?kind={kind}", content=body, headers=headers)


def _stored(s: Served) -> tuple[int, int]:
    with s.runtime.ledger.reader() as conn:
        hooks = conn.execute(sa.select(sa.func.count()).select_from(hook_deliveries)).scalar()
        facts = conn.execute(
            sa.select(sa.func.count()).select_from(events).where(events.c.source == "hook:webform")
        ).scalar()
    return int(facts or 0), int(hooks or 0)


def test_a_valid_delivery_goes_through_the_translators(served: Served) -> None:
    r = _post(served, orjson.dumps(LEAD))
    assert r.status_code == 200, r.text  # type: ignore[attr-defined]
    body = r.json()  # type: ignore[attr-defined]
    assert body["report"]["accepted"] == 1 and body["rejects"] == []
    assert _stored(served) == (1, 1)
    lead = served.runtime.locked(lambda e: next(iter(e.state.leads.values())))
    assert lead.email == "hook@acme.co.id"
    audit = served.client.get("/api/audit", headers=served.auth("admin")).json()["items"]
    assert audit[0]["user"] == "hook:webform" and audit[0]["request_id"] == "d-1"


def test_bad_rows_come_back_as_rejects(served: Served) -> None:
    r = _post(served, orjson.dumps([LEAD, {"email": "not-an-email", "created_at": "x"}]))
    body = r.json()  # type: ignore[attr-defined]
    assert r.status_code == 200 and body["report"]["rejected"] == 1  # type: ignore[attr-defined]
    assert body["rejects"][0]["reason"]


def _refused(s: Served, response: object, status: int, code: str) -> None:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    assert response.json()["error"]["code"] == code  # type: ignore[attr-defined]
    assert _stored(s) == (0, 0)


def test_wrong_signature(served: Served) -> None:
    _refused(served, _post(served, orjson.dumps(LEAD), secret="guess"), 401, "bad_signature")


def test_body_changed_after_signing(served: Served) -> None:
    stamp = str(int(time.time()))
    headers = {
        "X-Revalign-Timestamp": stamp,
        "X-Revalign-Delivery": "d-2",
        "X-Revalign-Signature": sign(SECRET, stamp, b"{}"),
    }
    r = served.client.post("/hooks/webform?kind=leads", content=orjson.dumps(LEAD), headers=headers)
    _refused(served, r, 401, "bad_signature")


def test_stale_timestamp(served: Served) -> None:
    old = int(time.time()) - TOLERANCE_SECONDS - 60
    _refused(served, _post(served, orjson.dumps(LEAD), ts=old), 400, "stale_timestamp")


def test_future_timestamp(served: Served) -> None:
    ahead = int(time.time()) + TOLERANCE_SECONDS + 60
    _refused(served, _post(served, orjson.dumps(LEAD), ts=ahead), 400, "future_timestamp")


def test_replayed_delivery_id(served: Served) -> None:
    assert _post(served, orjson.dumps(LEAD)).status_code == 200  # type: ignore[attr-defined]
    before = _stored(served)
    other = orjson.dumps({**LEAD, "email": "second@acme.co.id"})
    r = _post(served, other)  # same delivery id, new (validly signed) body
    assert r.status_code == 409 and r.json()["error"]["code"] == "conflict"  # type: ignore[attr-defined]
    assert _stored(served) == before


def test_oversized_body(served: Served) -> None:
    big = orjson.dumps([LEAD] * 200_000)
    assert len(big) > 10 * 1024 * 1024
    _refused(served, _post(served, big), 413, "too_large")


def test_unknown_source_and_bad_json(served: Served) -> None:
    _refused(served, _post(served, orjson.dumps(LEAD), source="nosecret"), 404, "not_found")
    _refused(served, _post(served, b"{not json"), 422, "input_error")
    _refused(served, _post(served, orjson.dumps(LEAD), kind="planets"), 422, "input_error")
