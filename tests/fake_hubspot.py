"""A loopback HubSpot: the CRM v3 objects, search, batch update, associations v4, forms,
marketing e-mail events, written from HubSpot's published REST reference.

    with FakeHubSpot() as hs:          # serves http://127.0.0.1:<port>
        hs.add("contacts", {"email": "a@b.co"})
        client = hubspot.Client.create(access_token="t", host=hs.url)

It enforces what a client must handle: the bearer token, the 10,000-result cap of search
(`after` beyond it is a 400), `lifecyclestage` never moving backwards in one request
(clear it first), and injected 429s (with the rate-limit headers) and 5xx answers.
"""

from __future__ import annotations

import contextlib
import functools
import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

LIFECYCLE = [
    "subscriber",
    "lead",
    "marketingqualifiedlead",
    "salesqualifiedlead",
    "opportunity",
    "customer",
    "evangelist",
    "other",
]
T0 = datetime(2026, 11, 1, tzinfo=UTC)
SEARCH_CAP = 10_000


def iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


class FakeHubSpot:
    def __init__(
        self, token: str = "pat-test", scopes: tuple[str, ...] = ("crm.objects.contacts.read",)
    ) -> None:
        self.token = token
        self.scopes = scopes
        self.objects: dict[str, dict[str, dict[str, Any]]] = {}
        self.assoc: dict[tuple[str, str], dict[str, list[str]]] = {}
        self.forms: list[dict[str, Any]] = []
        self.submissions: dict[str, list[dict[str, Any]]] = {}
        self.email_events: list[dict[str, Any]] = []
        self.clock = T0
        self.next_id = 1000
        self.requests: list[tuple[str, str]] = []
        self.searches: list[dict[str, Any]] = []  # every search body received
        self.updates: list[dict[str, Any]] = []  # every batch/update input accepted
        self.fail_next: list[int] = []  # statuses to answer the next requests with
        self.on_request: Callable[[int, str], None] | None = None  # (request number, path)
        self.lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # -- data ---------------------------------------------------------------------------

    def tick(self, step: timedelta = timedelta(milliseconds=1)) -> datetime:
        self.clock += step
        return self.clock

    def add(
        self, kind: str, props: dict[str, Any], *, at: datetime | None = None, id: str | None = None
    ) -> str:
        with self.lock:
            when = at or self.tick()
            oid = id or str(self._new_id())
            props = {k: None if v is None else str(v) for k, v in props.items()}
            props.update(
                hs_object_id=oid,
                hs_lastmodifieddate=iso(when),
                createdate=props.get("createdate") or iso(when),
            )
            self.objects.setdefault(kind, {})[oid] = {
                "id": oid,
                "properties": props,
                "createdAt": iso(when),
            }
            return oid

    def set(self, kind: str, oid: str, at: datetime | None = None, **props: Any) -> None:
        """A user's edit in HubSpot: new values and a new hs_lastmodifieddate."""
        with self.lock:
            rec = self.objects[kind][oid]["properties"]
            rec.update({k: None if v is None else str(v) for k, v in props.items()})
            rec["hs_lastmodifieddate"] = iso(at or self.tick())

    def associate(self, from_kind: str, from_id: str, to_kind: str, to_id: str) -> None:
        self.assoc.setdefault((from_kind, to_kind), {}).setdefault(from_id, []).append(to_id)
        self.assoc.setdefault((to_kind, from_kind), {}).setdefault(to_id, []).append(from_id)

    def props(self, kind: str, oid: str) -> dict[str, Any]:
        return self.objects[kind][oid]["properties"]

    def _new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    # -- server -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> FakeHubSpot:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                fake._serve(self, "GET")

            def do_POST(self) -> None:
                fake._serve(self, "POST")

            def do_PATCH(self) -> None:
                fake._serve(self, "PATCH")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    def _serve(self, h: BaseHTTPRequestHandler, method: str) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        url = urlparse(h.path)
        with self.lock:
            self.requests.append((method, url.path))
            number = len(self.requests)
            failure = self.fail_next.pop(0) if self.fail_next else None
        if self.on_request is not None:
            self.on_request(number, url.path)
        if h.headers.get("Authorization") != f"Bearer {self.token}":
            return _send(
                h,
                401,
                {
                    "status": "error",
                    "category": "INVALID_AUTHENTICATION",
                    "message": "Authentication credentials not found.",
                },
            )
        if failure == 429:
            headers = {
                "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
                "X-HubSpot-RateLimit-Max": "100",
                "X-HubSpot-RateLimit-Remaining": "0",
                "X-HubSpot-RateLimit-Daily": "250000",
                "X-HubSpot-RateLimit-Daily-Remaining": "249000",
                "Retry-After": "2",
            }
            return _send(
                h,
                429,
                {
                    "status": "error",
                    "category": "RATE_LIMITS",
                    "message": "You have reached your secondly limit.",
                    "policyName": "TEN_SECONDLY_ROLLING",
                },
                headers,
            )
        if failure is not None:
            return _send(h, failure, {"status": "error", "message": "internal error"})
        body = json.loads(raw) if raw else {}
        try:
            status, out = self._route(method, url.path, parse_qs(url.query), body)
        except KeyError as exc:
            status, out = (
                404,
                {"status": "error", "category": "OBJECT_NOT_FOUND", "message": f"not found: {exc}"},
            )
        _send(h, status, out)

    def _route(
        self, method: str, path: str, qs: dict[str, list[str]], body: dict[str, Any]
    ) -> tuple[int, Any]:
        parts = path.strip("/").split("/")
        with self.lock:
            if parts[:3] == ["crm", "v3", "objects"] and parts[-1] == "search":
                return self._search(parts[3], body)
            if parts[:3] == ["crm", "v3", "objects"] and parts[-2:] == ["batch", "update"]:
                return self._batch_update(parts[3], body)
            if parts[:3] == ["crm", "v4", "associations"] and parts[-2:] == ["batch", "read"]:
                pairs = self.assoc.get((parts[3], parts[4]), {})
                results = [
                    {
                        "from": {"id": i["id"]},
                        "to": [
                            {
                                "toObjectId": int(t),
                                "associationTypes": [
                                    {"category": "HUBSPOT_DEFINED", "typeId": 1, "label": None}
                                ],
                            }
                            for t in pairs.get(str(i["id"]), [])
                        ],
                    }
                    for i in body.get("inputs", [])
                    if pairs.get(str(i["id"]))
                ]
                return 200, {
                    "status": "COMPLETE",
                    "results": results,
                    "startedAt": iso(self.clock),
                    "completedAt": iso(self.clock),
                }
            if path == "/marketing/v3/forms":
                return 200, {"results": self.forms}
            if parts[:4] == ["form-integrations", "v1", "submissions", "forms"]:
                subs = self.submissions.get(parts[4], [])
                start = int(qs.get("after", ["0"])[0])
                limit = int(qs.get("limit", ["50"])[0])
                page = subs[start : start + limit]
                paging = (
                    {"next": {"after": str(start + limit)}} if start + limit < len(subs) else None
                )
                return 200, {"results": page, **({"paging": paging} if paging else {})}
            if path == "/email/public/v1/events":
                since = int(qs.get("startTimestamp", ["0"])[0])
                offset = int(qs.get("offset", ["0"])[0] or 0)
                limit = int(qs.get("limit", ["1000"])[0])
                events = [e for e in self.email_events if e["created"] >= since]
                page = events[offset : offset + limit]
                more = offset + limit < len(events)
                return 200, {"events": page, "hasMore": more, "offset": str(offset + limit)}
            if path == "/account-info/v3/details":
                return 200, {"portalId": 12345, "timeZone": "UTC", "uiDomain": "app.hubspot.com"}
            if path == "/oauth/v2/private-apps/get/access-token-info":
                return 200, {"scopes": list(self.scopes)}
        return 404, {"status": "error", "message": f"no route {method} {path}"}

    def _search(self, kind: str, body: dict[str, Any]) -> tuple[int, Any]:
        self.searches.append(body)
        after = int(body.get("after") or 0)
        limit = min(int(body.get("limit") or 10), 200)
        if after + limit > SEARCH_CAP:
            return 400, {
                "status": "error",
                "category": "VALIDATION_ERROR",
                "message": "Search results are limited to 10,000 records.",
            }
        records = list(self.objects.get(kind, {}).values())
        groups = body.get("filterGroups") or []
        if groups:
            records = [r for r in records if any(_group(r, g) for g in groups)]
        sorts = body.get("sorts") or [{"propertyName": "hs_object_id", "direction": "ASCENDING"}]
        name = sorts[0]["propertyName"]
        records.sort(key=lambda r: (_key(r["properties"].get(name)), int(r["id"])))
        page = records[after : after + limit]
        wanted = body.get("properties") or []
        results = [
            {
                "id": r["id"],
                "properties": {
                    k: r["properties"].get(k)
                    for k in {*wanted, "hs_object_id", "hs_lastmodifieddate", "createdate"}
                },
                "createdAt": r["createdAt"],
                "updatedAt": r["properties"]["hs_lastmodifieddate"],
                "archived": False,
            }
            for r in page
        ]
        out: dict[str, Any] = {"total": len(records), "results": results}
        if after + limit < len(records):
            out["paging"] = {"next": {"after": str(after + limit)}}
        return 200, out

    def _batch_update(self, kind: str, body: dict[str, Any]) -> tuple[int, Any]:
        inputs = body.get("inputs", [])
        if len(inputs) > 100:
            return 400, {
                "status": "error",
                "category": "VALIDATION_ERROR",
                "message": "inputs: at most 100",
            }
        results, errors = [], []
        for item in inputs:
            rec = self.objects.get(kind, {}).get(str(item["id"]))
            if rec is None:
                errors.append(
                    {
                        "status": "error",
                        "category": "OBJECT_NOT_FOUND",
                        "message": f"no {kind} {item['id']}",
                        "context": {"ids": [str(item["id"])]},
                    }
                )
                continue
            props = item.get("properties", {})
            new = props.get("lifecyclestage")
            old = rec["properties"].get("lifecyclestage")
            if (
                new
                and old
                and new in LIFECYCLE
                and old in LIFECYCLE
                and (LIFECYCLE.index(new) < LIFECYCLE.index(old))
            ):
                errors.append(
                    {
                        "status": "error",
                        "category": "VALIDATION_ERROR",
                        "message": f"{new} is before {old}: lifecyclestage cannot move "
                        "backwards; clear it first",
                        "context": {"ids": [str(item["id"])]},
                    }
                )
                continue
            rec["properties"].update({k: (v if v != "" else None) for k, v in props.items()})
            rec["properties"]["hs_lastmodifieddate"] = iso(self.tick())
            self.updates.append({"kind": kind, **item})
            results.append(
                {
                    "id": rec["id"],
                    "properties": rec["properties"],
                    "createdAt": rec["createdAt"],
                    "updatedAt": rec["properties"]["hs_lastmodifieddate"],
                    "archived": False,
                }
            )
        out: dict[str, Any] = {
            "status": "COMPLETE",
            "results": results,
            "startedAt": iso(self.clock),
            "completedAt": iso(self.clock),
        }
        if errors:
            out.update(numErrors=len(errors), errors=errors)
            return 207, out
        return 200, out


def _key(value: Any) -> Any:
    if value is None:
        return (0, "")
    return _text_key(str(value))


@functools.lru_cache(maxsize=200_000)
def _text_key(text: str) -> Any:
    if text.endswith("Z") and "T" in text:
        return (1, ms(datetime.fromisoformat(text.replace("Z", "+00:00"))))
    try:
        return (1, float(text))
    except ValueError:
        return (2, text)


def _group(record: dict[str, Any], group: dict[str, Any]) -> bool:
    for f in group.get("filters", []):
        have = _key(record["properties"].get(f["propertyName"]))
        op = f["operator"]
        if op == "HAS_PROPERTY":
            if have == (0, ""):
                return False
            continue
        value = f.get("value")
        want = (1, float(value)) if _numeric(value) else _key(value)
        ok = {
            "EQ": have == want,
            "GT": have > want,
            "GTE": have >= want,
            "LT": have < want,
            "LTE": have <= want,
            "NEQ": have != want,
        }[op]
        if not ok:
            return False
    return True


def _numeric(value: Any) -> bool:
    try:
        float(str(value))
    except ValueError:
        return False
    return True


def _send(
    h: BaseHTTPRequestHandler, status: int, body: Any, headers: dict[str, str] | None = None
) -> None:
    data = json.dumps(body).encode()
    # the client may be gone: the crash tests kill it mid-request
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        _write(h, status, data, headers)


def _write(
    h: BaseHTTPRequestHandler, status: int, data: bytes, headers: dict[str, str] | None
) -> None:
    h.send_response(status)
    h.send_header("Content-Type", "application/json;charset=utf-8")
    h.send_header("Content-Length", str(len(data)))
    for k, v in (headers or {}).items():
        h.send_header(k, v)
    h.end_headers()
    h.wfile.write(data)
