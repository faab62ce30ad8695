"""HubSpot through `hubspot-api-client`: search pages, batch updates, associations v4,
and the two legacy marketing endpoints (forms, e-mail events) through `api_request`.

Every call goes through `Retry`: a 429 waits what the rate-limit headers say, a 5xx or a
dropped connection backs off; a 401 or 403 is a SyncError naming the token or the scope.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import hubspot
import orjson
import urllib3
from hubspot.crm.associations.v4 import (
    BatchInputPublicFetchAssociationsBatchRequest,
    PublicFetchAssociationsBatchRequest,
)
from hubspot.crm.objects import (
    ApiException,
    BatchInputSimplePublicObjectBatchInput,
    PublicObjectSearchRequest,
    SimplePublicObjectBatchInput,
)

from revalign.connectors.sync.retry import RateLimited, Retry, SyncError, Transient

T = TypeVar("T")
PUBLIC_API = "https://api.hubapi.com"
SEARCH_LIMIT = 200  # the most one search page may return
SEARCH_CAP = 10_000  # search never pages past this many results of one query
BATCH = 100  # batch update inputs per request


def _wait(headers: Mapping[str, str] | None) -> float | None:
    """Seconds to wait from a 429's headers: Retry-After, else the rolling interval."""
    if not headers:
        return None
    lower = {k.lower(): v for k, v in headers.items()}
    if "retry-after" in lower:
        return float(lower["retry-after"])
    interval = lower.get("x-hubspot-ratelimit-interval-milliseconds")
    if interval and lower.get("x-hubspot-ratelimit-remaining") == "0":
        return float(interval) / 1000
    return None


def _message(body: Any) -> str:
    try:
        data = orjson.loads(body) if body else {}
    except orjson.JSONDecodeError:
        return str(body)[:200]
    return str(data.get("message") or data.get("category") or data)[:300]


def translated(status: int, headers: Mapping[str, str] | None, body: Any, what: str) -> Exception:
    """The sync's exception for a failed HubSpot answer."""
    message = _message(body)
    if status == 429:
        return RateLimited(f"{what}: HubSpot rate limit: {message}", _wait(headers))
    if status >= 500:
        return Transient(f"{what}: HubSpot answered {status}: {message}")
    if status == 401:
        return SyncError(f"{what}: HubSpot refused the token (REVALIGN_HUBSPOT_TOKEN): {message}")
    if status == 403:
        return SyncError(f"{what}: the token lacks a scope: {message}")
    return SyncError(f"{what}: HubSpot answered {status}: {message}")


class HubSpotClient:
    def __init__(self, token: str, url: str = PUBLIC_API, retry: Retry | None = None) -> None:
        base = url.rstrip("/")
        # `host` for the generated CRM clients, `base_url` for api_request (legacy endpoints)
        self.api = hubspot.Client.create(access_token=token, host=base, base_url=base)
        self.retry = retry or Retry()

    def _call(self, what: str, fn: Callable[[], T]) -> T:
        def attempt() -> T:
            try:
                return fn()
            except ApiException as exc:
                raise translated(int(exc.status or 0), exc.headers, exc.body, what) from None
            except urllib3.exceptions.HTTPError as exc:
                raise Transient(f"{what}: {type(exc).__name__}") from None

        return self.retry.call(what, attempt)

    def search(
        self,
        kind: str,
        groups: list[dict[str, Any]],
        properties: Sequence[str],
        after: int,
        limit: int = SEARCH_LIMIT,
    ) -> tuple[list[dict[str, Any]], int | None]:
        """One search page sorted by hs_lastmodifieddate: (records, next `after` or None)."""
        request = PublicObjectSearchRequest(
            filter_groups=groups,
            sorts=[{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}],
            properties=list(properties),
            limit=limit,
            after=str(after) if after else None,
        )
        page = self._call(
            f"search {kind}", lambda: self.api.crm.objects.search_api.do_search(kind, request)
        )
        records = [{"id": str(r.id), "properties": dict(r.properties or {})} for r in page.results]
        nxt = page.paging.next.after if page.paging and page.paging.next else None
        return records, int(nxt) if nxt else None

    def batch_update(
        self, kind: str, inputs: Sequence[tuple[str, Mapping[str, Any]]]
    ) -> dict[str, str]:
        """Update up to 100 records; the ids HubSpot refused, with its message."""
        body = BatchInputSimplePublicObjectBatchInput(
            inputs=[SimplePublicObjectBatchInput(id=i, properties=dict(p)) for i, p in inputs]
        )
        result = self._call(
            f"update {kind}", lambda: self.api.crm.objects.batch_api.update(kind, body)
        )
        failed: dict[str, str] = {}
        for err in getattr(result, "errors", None) or []:
            ids = (err.context or {}).get("ids") or []
            for oid in ids:
                failed[str(oid)] = f"{err.category}: {err.message}"
        return failed

    def associations(
        self, from_kind: str, to_kind: str, ids: Sequence[str]
    ) -> dict[str, list[str]]:
        """Associations v4: for each `from` id, the associated `to` ids."""
        if not ids:
            return {}
        body = BatchInputPublicFetchAssociationsBatchRequest(
            inputs=[PublicFetchAssociationsBatchRequest(id=i) for i in ids]
        )
        api = self.api.crm.associations.v4.batch_api
        result = self._call(
            f"associations {from_kind}->{to_kind}",
            lambda: api.get_page(
                from_kind, to_kind, batch_input_public_fetch_associations_batch_request=body
            ),
        )
        out: dict[str, list[str]] = {}
        for r in result.results or []:
            out[str(r._from.id)] = [str(t.to_object_id) for t in r.to or []]
        return out

    def get(self, path: str, qs: Mapping[str, Any] | None = None) -> Any:
        """A GET on an endpoint the generated clients do not cover (forms, e-mail events)."""

        def once() -> Any:
            try:
                response = self.api.api_request(
                    {"method": "GET", "path": path, "qs": dict(qs or {})}
                )
            except Exception as exc:  # requests' connection errors
                raise Transient(f"GET {path}: {type(exc).__name__}") from None
            if response.status_code >= 400:
                raise translated(
                    response.status_code, response.headers, response.content, f"GET {path}"
                )
            return response.json()

        return self.retry.call(f"GET {path}", once)
