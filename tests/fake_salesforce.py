"""A fake Salesforce REST API behind `responses` (simple-salesforce only speaks https://),
written from the REST API Developer Guide: query / queryAll with nextRecordsUrl, sobjects
PATCH, composite/sobjects, describe, the error array, Sforce-Limit-Info, SOAP login.

    with FakeSalesforce() as sf:
        sf.add("Lead", {"Email": "a@b.co", "LastName": "A", "Company": "B"})
        client = SalesforceClient(sf.login)
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import requests
import responses
from simple_salesforce.api import Salesforce

INSTANCE = "https://revalign-test.my.salesforce.com"
API = "/services/data/v59.0/"
T0 = datetime(2026, 11, 1, tzinfo=UTC)
PREFIX = {
    "Lead": "00Q",
    "Contact": "003",
    "Account": "001",
    "Opportunity": "006",
    "OpportunityHistory": "008",
    "Task": "00T",
    "Event": "00U",
    "CampaignMember": "00v",
    "Campaign": "701",
}
_SOQL = re.compile(
    r"SELECT (?P<fields>.+) FROM (?P<obj>\w+)(?: WHERE SystemModstamp > (?P<t>\S+) OR "
    r"\(SystemModstamp = \S+ AND Id > '(?P<id>\w+)'\))? ORDER BY SystemModstamp, Id$"
)


def sf_time(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}+0000"


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00").replace("+0000", "+00:00"))


class FakeSalesforce:
    def __init__(self, batch_size: int = 2000) -> None:
        self.records: dict[str, dict[str, dict[str, Any]]] = {}
        self.clock = T0
        self.counter = 0
        self.batch_size = batch_size
        self.cursors: dict[str, list[dict[str, Any]]] = {}
        self.valid_sessions = {"SESSION-1"}
        self.logins = 0
        self.api_used, self.api_total = 100, 15_000
        self.fail_next: list[str] = []  # "limit", "500", "expire" for the next API calls
        self.patches: list[dict[str, Any]] = []
        self.calls: list[str] = []
        self.on_call: Callable[[int, str], None] | None = None
        self.session = requests.Session()
        self._mock = responses.RequestsMock(assert_all_requests_are_fired=False)

    # -- data ---------------------------------------------------------------------------

    def tick(self) -> datetime:
        self.clock += timedelta(milliseconds=1)
        return self.clock

    def add(self, obj: str, fields: dict[str, Any], *, at: datetime | None = None) -> str:
        self.counter += 1
        rid = f"{PREFIX[obj]}{self.counter:012d}AAA"
        when = at or self.tick()
        self.records.setdefault(obj, {})[rid] = {
            "Id": rid,
            "IsDeleted": False,
            "CreatedDate": sf_time(when),
            "SystemModstamp": sf_time(when),
            **fields,
        }
        return rid

    def set(self, obj: str, rid: str, **fields: Any) -> None:
        rec = self.records[obj][rid]
        rec.update(fields)
        rec["SystemModstamp"] = sf_time(self.tick())

    def get(self, obj: str, rid: str) -> dict[str, Any]:
        return self.records[obj][rid]

    def convert(
        self, lead_id: str, *, opportunity: dict[str, Any] | None = None
    ) -> tuple[str, str, str | None]:
        """Lead conversion: a Contact, an Account and optionally an Opportunity."""
        lead = self.records["Lead"][lead_id]
        account = self.add("Account", {"Name": lead.get("Company"), "Website": lead.get("Website")})
        contact = self.add(
            "Contact",
            {
                k: lead.get(k)
                for k in (
                    "Email",
                    "FirstName",
                    "LastName",
                    "Title",
                    "LeadSource",
                    "OwnerId",
                    "Revalign_Stage__c",
                    "Revalign_Score__c",
                    "Revalign_Reason__c",
                )
            }
            | {"AccountId": account},
        )
        opp = None
        if opportunity is not None:
            opp = self.add(
                "Opportunity",
                {
                    "AccountId": account,
                    "ContactId": contact,
                    "IsClosed": False,
                    "IsWon": False,
                    **opportunity,
                },
            )
        self.set(
            "Lead",
            lead_id,
            IsConverted=True,
            ConvertedContactId=contact,
            ConvertedAccountId=account,
            ConvertedOpportunityId=opp,
            Status="Closed - Converted",
        )
        return contact, account, opp

    def merge(self, obj: str, master: str, duplicate: str) -> None:
        self.set(obj, duplicate, IsDeleted=True, MasterRecordId=master)
        self.set(obj, master)

    # -- responses ----------------------------------------------------------------------

    def __enter__(self) -> FakeSalesforce:
        m = self._mock
        m.start()
        api = re.compile(re.escape(INSTANCE + API) + r".*")
        for method in ("GET", "PATCH", "POST"):
            m.add_callback(method, api, callback=self._serve)
        m.add_callback(
            "POST",
            re.compile(r"https://login\.salesforce\.com/services/Soap/u/.*"),
            callback=self._soap_login,
        )
        return self

    def __exit__(self, *exc: object) -> None:
        self._mock.stop()
        self._mock.reset()

    def session_login(self) -> Salesforce:
        """A login with the current session id (what REVALIGN_SALESFORCE_SESSION_ID gives)."""
        self.logins += 1
        session = f"SESSION-{self.logins}"
        self.valid_sessions.add(session)
        return Salesforce(
            instance_url=INSTANCE, session_id=session, version="59.0", session=self.session
        )

    def _soap_login(self, request: Any) -> tuple[int, dict[str, str], str]:
        self.logins += 1
        session = f"SESSION-{self.logins}"
        self.valid_sessions.add(session)
        body = (
            '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope '
            'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>'
            "<loginResponse><result>"
            f"<serverUrl>{INSTANCE}/services/Soap/u/59.0/00D000000000001</serverUrl>"
            f"<sessionId>{session}</sessionId><userId>005000000000001AAA</userId>"
            "</result></loginResponse></soapenv:Body></soapenv:Envelope>"
        )
        return 200, {"Content-Type": "text/xml"}, body

    def _headers(self) -> dict[str, str]:
        self.api_used += 1
        return {
            "Content-Type": "application/json",
            "Sforce-Limit-Info": f"api-usage={self.api_used}/{self.api_total}",
        }

    def _serve(self, request: Any) -> tuple[int, dict[str, str], str]:
        url = urlparse(request.url)
        path = url.path[len(API) :]
        self.calls.append(f"{request.method} {path}")
        if self.on_call is not None:
            self.on_call(len(self.calls), path)
        session = (request.headers.get("Authorization") or "").removeprefix("Bearer ")
        failure = self.fail_next.pop(0) if self.fail_next else None
        if failure == "expire":
            self.valid_sessions.discard(session)
        if session not in self.valid_sessions:
            return (
                401,
                self._headers(),
                json.dumps(
                    [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
                ),
            )
        if failure == "limit":
            return (
                403,
                self._headers(),
                json.dumps(
                    [
                        {
                            "message": "TotalRequests Limit exceeded.",
                            "errorCode": "REQUEST_LIMIT_EXCEEDED",
                        }
                    ]
                ),
            )
        if failure == "500":
            return (
                500,
                self._headers(),
                json.dumps(
                    [{"message": "An unexpected error occurred.", "errorCode": "UNKNOWN_EXCEPTION"}]
                ),
            )
        body = json.loads(request.body) if request.body else None
        status, out = self._route(request.method, path, parse_qs(url.query), body)
        return status, self._headers(), json.dumps(out) if out is not None else ""

    def _route(
        self, method: str, path: str, qs: dict[str, list[str]], body: Any
    ) -> tuple[int, Any]:
        parts = path.strip("/").split("/")
        if parts[0] in ("query", "queryAll") and len(parts) == 1:
            return self._query(qs["q"][0], parts[0] == "queryAll")
        if parts[0] in ("query", "queryAll") and len(parts) == 2:
            return self._page(parts[1])
        if parts == ["composite", "sobjects"] and method == "PATCH":
            return self._composite(body)
        if parts[0] == "sobjects" and len(parts) == 3 and parts[2] == "describe":
            names = [
                "Id",
                "Email",
                "OwnerId",
                "Revalign_Stage__c",
                "Revalign_Score__c",
                "Revalign_Reason__c",
            ]
            return 200, {
                "name": parts[1],
                "queryable": True,
                "updateable": True,
                "fields": [{"name": n} for n in names],
            }
        if parts[0] == "sobjects" and len(parts) == 3 and method == "PATCH":
            error = self._patch(parts[1], parts[2], body)
            return (204, None) if error is None else (400, [error])
        return 404, [{"message": f"no resource {path}", "errorCode": "NOT_FOUND"}]

    def _query(self, soql: str, include_deleted: bool) -> tuple[int, Any]:
        match = _SOQL.match(soql)
        if match is None:
            return 400, [{"message": f"unexpected SOQL {soql}", "errorCode": "MALFORMED_QUERY"}]
        obj = match["obj"]
        rows = [
            r for r in self.records.get(obj, {}).values() if include_deleted or not r["IsDeleted"]
        ]
        if match["t"]:
            after = (_parse(match["t"]), match["id"])
            rows = [r for r in rows if (_parse(r["SystemModstamp"]), r["Id"]) > after]
        rows.sort(key=lambda r: (_parse(r["SystemModstamp"]), r["Id"]))
        fields = [f.strip() for f in match["fields"].split(",")]
        out = [self._shape(obj, r, fields) for r in rows]
        key = f"01gFAKE{len(self.cursors):06d}"
        self.cursors[key] = out
        return self._page(f"{key}-0")

    def _page(self, locator: str) -> tuple[int, Any]:
        key, _, start_text = locator.partition("-")
        rows = self.cursors[key]
        start = int(start_text or 0)
        chunk = rows[start : start + self.batch_size]
        done = start + self.batch_size >= len(rows)
        out: dict[str, Any] = {"totalSize": len(rows), "done": done, "records": chunk}
        if not done:
            out["nextRecordsUrl"] = f"{API}query/{key}-{start + self.batch_size}"
        return 200, out

    def _shape(self, obj: str, r: dict[str, Any], fields: list[str]) -> dict[str, Any]:
        out: dict[str, Any] = {"attributes": {"type": obj, "url": f"{API}sobjects/{obj}/{r['Id']}"}}
        for f in fields:
            if "." in f:
                rel, name = f.split(".", 1)
                target = self._related(obj, rel, r)
                out[rel] = (
                    None
                    if target is None
                    else {"attributes": {"type": rel}, name: target.get(name)}
                )
            else:
                out[f] = r.get(f)
        return out

    def _related(self, obj: str, rel: str, r: dict[str, Any]) -> dict[str, Any] | None:
        rid = r.get(f"{rel}Id")
        return self.records.get(rel, {}).get(rid) if rid else None

    def _patch(self, obj: str, rid: str, fields: dict[str, Any]) -> dict[str, Any] | None:
        rec = self.records.get(obj, {}).get(rid)
        if rec is None or rec["IsDeleted"]:
            return {"statusCode": "ENTITY_IS_DELETED", "message": "entity is deleted", "fields": []}
        if obj == "Lead" and rec.get("IsConverted"):
            return {
                "statusCode": "CANNOT_UPDATE_CONVERTED_LEAD",
                "message": "cannot reference converted lead",
                "fields": [],
            }
        unknown = [k for k in fields if k not in FIELDS_WRITABLE]
        if unknown:
            return {
                "statusCode": "INVALID_FIELD",
                "message": f"No such column '{unknown[0]}'",
                "fields": unknown,
            }
        rec.update(fields)
        rec["SystemModstamp"] = sf_time(self.tick())
        self.patches.append({"type": obj, "id": rid, **fields})
        return None

    def _composite(self, body: dict[str, Any]) -> tuple[int, Any]:
        items = body.get("records", [])
        if len(items) > 200:
            return 400, [{"message": "too many records: at most 200", "errorCode": "INVALID_FIELD"}]
        out = []
        for item in items:
            fields = {k: v for k, v in item.items() if k not in ("attributes", "id")}
            error = self._patch(item["attributes"]["type"], item["id"], fields)
            out.append(
                {"id": item["id"], "success": error is None, "errors": [error] if error else []}
            )
        return 200, out


FIELDS_WRITABLE = {
    "OwnerId",
    "Status",
    "Revalign_Stage__c",
    "Revalign_Score__c",
    "Revalign_Reason__c",
    "Title",
    "Email",
}
