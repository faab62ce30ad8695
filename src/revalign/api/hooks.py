"""`POST /hooks/{source}`: signed webhook ingest from forms, trackers, MAPs and CRMs.

The sender signs `<timestamp>.<body>` with HMAC-SHA256 and the source's secret and sends
`X-Revalign-Timestamp` (unix seconds), `X-Revalign-Delivery` (a unique id) and
`X-Revalign-Signature: sha256=<hex>`. A request is refused (and nothing stored) when the
signature is wrong (401), the timestamp is over 5 minutes old (400 stale_timestamp) or ahead
(400 future_timestamp), the delivery id was seen before (409) or the body is too large (413).
The body is one JSON record or a list of them, of `?kind=` (leads, touches, stages…), and goes
through the same translators as `revalign ingest`.

Secrets: `REVALIGN_HOOK_SECRET_<SOURCE>` (source upper-cased, `-` as `_`), or a file named by
`REVALIGN_HOOK_SECRETS` with `source=secret` lines. Secrets are never logged.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import orjson
import sqlalchemy as sa
from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from revalign.api.deps import RuntimeDep
from revalign.auth.caller import Caller
from revalign.auth.roles import Role
from revalign.connectors.csv_ingest import KINDS
from revalign.errors import Conflict, InputError, NotFound, Unauthorized, UserError
from revalign.ledger.tables import hook_deliveries
from revalign.services import ingest
from revalign.services.views import IngestView

TOLERANCE_SECONDS = 300
HUBSPOT_SECRET_ENV = "REVALIGN_HUBSPOT_WEBHOOK_SECRET"
SECRETS_FILE_ENV = "REVALIGN_HOOK_SECRETS"
_SOURCE = re.compile(r"[a-z0-9][a-z0-9_-]{0,49}")

router = APIRouter(tags=["webhooks"])


class StaleTimestamp(UserError):
    http_status = 400


class FutureTimestamp(UserError):
    http_status = 400


class BadSignature(Unauthorized):
    pass


def hook_secret(source: str) -> str | None:
    """The source's secret from the environment, else from the secrets file."""
    env = os.environ.get("REVALIGN_HOOK_SECRET_" + source.upper().replace("-", "_"))
    if env:
        return env
    path = os.environ.get(SECRETS_FILE_ENV)
    if not path or not Path(path).is_file():
        return None
    for line in Path(path).read_text("utf-8").splitlines():
        name, sep, secret = line.strip().partition("=")
        if sep and name.strip() == source and secret.strip():
            return secret.strip()
    return None


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header value a sender computes."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, signature: str, body: bytes, now: float) -> None:
    """Raise unless the signature matches and the timestamp is within the tolerance."""
    if not hmac.compare_digest(sign(secret, timestamp, body), signature):
        raise BadSignature("the signature does not match the body")
    try:
        sent = int(timestamp)
    except ValueError:
        raise InputError("X-Revalign-Timestamp must be unix seconds") from None
    if sent < now - TOLERANCE_SECONDS:
        raise StaleTimestamp(f"the timestamp is over {TOLERANCE_SECONDS} s old")
    if sent > now + TOLERANCE_SECONDS:
        raise FutureTimestamp(f"the timestamp is over {TOLERANCE_SECONDS} s ahead")


def _jsonl(body: bytes) -> bytes:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise InputError("the body is not JSON") from None
    records = data if isinstance(data, list) else [data]
    if not records or not all(isinstance(r, dict) for r in records):
        raise InputError("the body must be a JSON object or a list of objects")
    return b"\n".join(orjson.dumps(r) for r in records) + b"\n"


def _hook_caller(source: str, delivery: str, client: str | None) -> Caller:
    # the audit names the source and the delivery; the signature is its credential
    return Caller(user_id=f"hook:{source}", name=f"hook:{source}", role=Role.REVOPS,
                  request_id=delivery, client=client)  # fmt: skip


def _seen(conn: sa.Connection, source: str, delivery: str) -> bool:
    query = sa.select(hook_deliveries.c.delivery_id).where(
        hook_deliveries.c.source == source, hook_deliveries.c.delivery_id == delivery
    )
    return conn.execute(query).first() is not None


@router.post("/hooks/hubspot", tags=["webhooks"],
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/json": {"schema": {}}}}})  # fmt: skip
async def receive_hubspot(request: Request, rt: RuntimeDep) -> JSONResponse:
    """HubSpot's own webhooks, verified with its signature v3 (base64 HMAC-SHA256 of
    method + URI + body + timestamp, 5-minute tolerance), fed through the sync's loop."""
    from revalign.connectors.hubspot.webhook import handle_hubspot_webhook

    secret = os.environ.get(HUBSPOT_SECRET_ENV)
    if not secret:
        raise NotFound(f"HubSpot webhooks are not set up (set {HUBSPOT_SECRET_ENV})")
    body = await request.body()
    method, uri, headers = request.method, str(request.url), dict(request.headers)

    def deliver(engine: Any) -> JSONResponse:
        result = handle_hubspot_webhook(method, uri, headers, body, secret,
                                        datetime.now(UTC), sink=engine)  # fmt: skip
        return JSONResponse(result.body, status_code=result.status)

    return await run_in_threadpool(rt.locked, deliver)


@router.post("/hooks/{source}", response_model=IngestView,
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/json": {"schema": {}}}}})  # fmt: skip
async def receive_hook(
    source: str,
    request: Request,
    rt: RuntimeDep,
    kind: Annotated[str, Query(max_length=20)],
    x_revalign_timestamp: Annotated[str, Header(max_length=20)],
    x_revalign_delivery: Annotated[str, Header(min_length=1, max_length=200)],
    x_revalign_signature: Annotated[str, Header(max_length=200)],
) -> IngestView:
    """Verify a signed delivery and ingest its records."""
    secret = hook_secret(source) if _SOURCE.fullmatch(source) else None
    if secret is None:
        raise NotFound(f"no webhook source {source!r} (set REVALIGN_HOOK_SECRET_<SOURCE>)")
    if kind not in KINDS:
        raise InputError(f"kind {kind!r}: use {', '.join(KINDS)}")
    body = await request.body()
    verify(secret, x_revalign_timestamp, x_revalign_signature, body, time.time())
    data = _jsonl(body)
    caller = _hook_caller(source, x_revalign_delivery,
                          request.client.host if request.client else None)  # fmt: skip

    def deliver(engine: Any) -> IngestView:
        with rt.ledger.reader() as conn:
            if _seen(conn, source, x_revalign_delivery):
                raise Conflict(f"delivery {x_revalign_delivery!r} was already received")
        view = ingest.upload(engine, caller, kind, data, fmt="jsonl", source=f"hook:{source}")
        with rt.ledger.writer() as w:
            row = {"source": source, "delivery_id": x_revalign_delivery,
                   "received_at": datetime.now(UTC)}  # fmt: skip
            w.conn.execute(hook_deliveries.insert().values(**row))
        return view

    return await run_in_threadpool(rt.locked, deliver)
