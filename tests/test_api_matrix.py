"""Role × endpoint matrix, generated from the permission table: every endpoint, every role.

Allowed → 2xx, forbidden → 403, anonymous → 401, a rep on another rep's lead → 404, a
manager on another team's lead → 404. A test also checks that every /api route is covered.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from api_fixtures import TEAM, Served, serve
from revalign.auth.permissions import PERMISSIONS, Action
from revalign.auth.roles import Role
from revalign.contract.loader import default_contract_text

_n = itertools.count(1)
Body = Callable[[], Any]


@dataclass(frozen=True)
class Endpoint:
    name: str
    action: Action
    method: str
    path: str  # {lead} / {opp} filled from a fresh lead at `stage`
    stage: str | None = None
    body: Body | None = None
    content: bytes | None = None


def _touch() -> dict[str, Any]:
    return {"kind": "call"}


CSV_LEADS = b"email,created_at,company\nn{n}@acme.co.id,2026-11-02T03:00:00Z,Acme\n"
CSV_TOUCHES = b"email,occurred_at,kind,by\nnobody@x.io,2026-11-02T03:00:00Z,call,budi\n"

ENDPOINTS = [
    Endpoint("leads.list", Action.LEAD_READ, "GET", "/api/leads"),
    Endpoint("leads.show", Action.LEAD_READ, "GET", "/api/leads/{lead}", "sal"),
    Endpoint("leads.explain", Action.LEAD_READ, "GET", "/api/leads/{lead}/explain", "sal"),
    Endpoint("leads.timeline", Action.LEAD_READ, "GET", "/api/leads/{lead}/timeline", "sal"),
    Endpoint("leads.accept", Action.SAL_DECIDE, "POST", "/api/leads/{lead}/accept", "mql", dict),
    Endpoint(
        "leads.reject",
        Action.SAL_DECIDE,
        "POST",
        "/api/leads/{lead}/reject",
        "mql",
        lambda: {"reason": "wrong_size"},
    ),
    Endpoint("leads.touch", Action.LEAD_WORK, "POST", "/api/leads/{lead}/touches", "sal", _touch),
    Endpoint(
        "leads.qualify",
        Action.LEAD_WORK,
        "POST",
        "/api/leads/{lead}/qualify",
        "sal",
        lambda: {"fields": {"budget": "5", "authority": "CFO", "need": "crm", "timeline": "Q1"}},
    ),
    Endpoint(
        "leads.disqualify",
        Action.LEAD_WORK,
        "POST",
        "/api/leads/{lead}/disqualify",
        "sal",
        lambda: {"reason": "bad_data"},
    ),
    Endpoint(
        "leads.recycle",
        Action.LEAD_WORK,
        "POST",
        "/api/leads/{lead}/recycle",
        "sal",
        lambda: {"reason": "wrong_timing"},
    ),
    Endpoint(
        "leads.reassign",
        Action.LEAD_REASSIGN,
        "POST",
        "/api/leads/{lead}/reassign",
        "sal",
        lambda: {"owner": "putri"},
    ),
    Endpoint(
        "opps.create",
        Action.OPPORTUNITY_WRITE,
        "POST",
        "/api/opportunities",
        "sql",
        lambda: {
            "amount": "1000",
            "decision_process": "CFO",
            "stakeholders": ["CFO"],
            "decision_date": "2027-01-15",
        },
    ),
    Endpoint(
        "opps.stage",
        Action.OPPORTUNITY_WRITE,
        "POST",
        "/api/opportunities/{opp}/stage",
        "opp",
        lambda: {"stage": "proposal"},
    ),
    Endpoint(
        "opps.won", Action.OPPORTUNITY_WRITE, "POST", "/api/opportunities/{opp}/won", "opp", dict
    ),
    Endpoint(
        "opps.lost",
        Action.OPPORTUNITY_WRITE,
        "POST",
        "/api/opportunities/{opp}/lost",
        "opp",
        lambda: {"reason": "price"},
    ),
    Endpoint(
        "capacity",
        Action.CAPACITY_WRITE,
        "POST",
        "/api/capacity-notices",
        None,
        lambda: {"team": TEAM, "capacity": 30, "effective_from": "2027-03-01"},
    ),
    Endpoint(
        "forecasts",
        Action.FORECAST_WRITE,
        "POST",
        "/api/forecasts",
        None,
        lambda: {"period": "2027Q1", "amount": "50000"},
    ),
    Endpoint(
        "surveys",
        Action.SURVEY_WRITE,
        "POST",
        "/api/surveys",
        None,
        lambda: {"team": "sales", "about": "marketing", "score": 8},
    ),
    Endpoint(
        "costs",
        Action.COST_WRITE,
        "POST",
        "/api/costs",
        None,
        lambda: {
            "campaign": "c1",
            "channel": "paid_social",
            "amount": "100",
            "period_start": "2026-11-01",
            "period_end": "2026-11-30",
        },
    ),
    Endpoint("metrics", Action.METRICS_READ, "GET", "/api/metrics"),
    Endpoint("attribution", Action.METRICS_READ, "GET", "/api/attribution?model=linear"),
    Endpoint("plan", Action.METRICS_READ, "GET", "/api/plan?quarter=2027Q1&target=100000"),
    Endpoint("sla.status", Action.METRICS_READ, "GET", "/api/sla/status"),
    Endpoint("sla.report", Action.METRICS_READ, "GET", "/api/sla/report"),
    Endpoint("contract.get", Action.CONTRACT_READ, "GET", "/api/contract"),
    Endpoint(
        "contract.validate",
        Action.CONTRACT_READ,
        "POST",
        "/api/contract/validate",
        None,
        lambda: {"text": default_contract_text()},
    ),
    Endpoint(
        "contract.replace",
        Action.CONTRACT_WRITE,
        "PUT",
        "/api/contract",
        None,
        lambda: {"text": default_contract_text()},
    ),
    Endpoint(
        "replay",
        Action.REPLAY_RUN,
        "POST",
        "/api/replay",
        None,
        lambda: {"contract": default_contract_text()},
    ),
    Endpoint(
        "events",
        Action.INGEST,
        "POST",
        "/api/events",
        None,
        lambda: {
            "events": [
                {
                    "type": "marketing.touch",
                    "source": "map",
                    "source_id": f"m{next(_n)}",
                    "occurred_at": "2026-11-02T03:00:00Z",
                    "lead_id": "nobody",
                    "payload": {"kind": "page_view"},
                }
            ]
        },
    ),
    Endpoint("ingest.touches", Action.INGEST, "POST", "/api/ingest/touches", content=CSV_TOUCHES),
    Endpoint("ingest.leads", Action.LEAD_IMPORT, "POST", "/api/ingest/leads", content=CSV_LEADS),
    Endpoint("users.list", Action.USERS_ADMIN, "GET", "/api/users"),
    Endpoint(
        "users.add",
        Action.USERS_ADMIN,
        "POST",
        "/api/users",
        None,
        lambda: {"name": f"u{next(_n)}", "role": "viewer"},
    ),
    Endpoint("users.disable", Action.USERS_ADMIN, "POST", "/api/users/{user}/disable"),
    Endpoint("users.rotate", Action.USERS_ADMIN, "POST", "/api/users/{user}/rotate"),
    Endpoint(
        "users.password",
        Action.USERS_ADMIN,
        "POST",
        "/api/users/{user}/password",
        None,
        lambda: {"password": "long-enough"},
    ),
    Endpoint("audit", Action.AUDIT_READ, "GET", "/api/audit"),
]
ROLES = [r.value for r in Role]
UNCOVERED = {"/api/me"}  # any valid token; checked on its own


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    yield from serve(tmp_path_factory.mktemp("matrix"))


def _call(s: Served, ep: Endpoint, who: str | None, lead_owner: str = "budi") -> Any:
    path = ep.path
    if ep.stage is not None:
        lead = s.lead(ep.stage, owner=lead_owner)
        path = path.replace("{lead}", lead).replace("{opp}", f"O-{lead}")
    if "{user}" in path:
        name = f"victim{next(_n)}"
        s.runtime.users.add(name, Role.VIEWER)
        path = path.replace("{user}", name)
    kwargs: dict[str, Any] = {"headers": s.auth(who)}
    if ep.content is not None:
        kwargs["content"] = ep.content.replace(b"{n}", str(next(_n)).encode())
    elif ep.body is not None:
        body = ep.body()
        if ep.name == "opps.create":
            body["lead_id"] = lead
        kwargs["json"] = body
    return s.client.request(ep.method, path, **kwargs)


def test_every_api_route_is_in_the_matrix(served: Served) -> None:
    routes = {
        (m, r.path)  # type: ignore[attr-defined]
        for r in served.app.routes
        if getattr(r, "path", "").startswith("/api/") and hasattr(r, "methods")
        for m in r.methods  # type: ignore[attr-defined]
    }
    covered = {(e.method, e.path.split("?")[0]) for e in ENDPOINTS}
    norm = {
        (
            m,
            p.replace("{lead_id}", "{lead}")
            .replace("{opportunity_id}", "{opp}")
            .replace("{name}", "{user}")
            .replace("{kind}", k),
        )
        for m, p in routes
        for k in (["touches", "leads"] if "{kind}" in p else [""])
    }
    assert norm - {(m, p) for m, p in norm if p in UNCOVERED} <= covered
    assert {a for e in ENDPOINTS for a in [e.action]} == set(Action)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("ep", ENDPOINTS, ids=lambda e: e.name)
def test_role_matrix(served: Served, ep: Endpoint, role: str) -> None:
    allowed = Role(role) in PERMISSIONS[ep.action]
    response = _call(served, ep, role)
    if allowed:
        assert 200 <= response.status_code < 300, (role, ep.name, response.text)
    else:
        assert response.status_code == 403, (role, ep.name, response.text)
        assert response.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("ep", ENDPOINTS, ids=lambda e: e.name)
def test_anonymous_is_401(served: Served, ep: Endpoint) -> None:
    response = _call(served, ep, None)
    assert response.status_code == 401, response.text
    assert response.json()["error"]["code"] == "unauthorized"


def test_a_bad_token_is_401(served: Served) -> None:
    response = served.client.get("/api/me", headers={"Authorization": "Bearer rva_x_y"})
    assert response.status_code == 401
    assert served.client.get("/api/me", headers=served.auth("viewer")).json()["role"] == "viewer"


LEAD_ENDPOINTS = [e for e in ENDPOINTS if e.stage is not None]


@pytest.mark.parametrize("ep", LEAD_ENDPOINTS, ids=lambda e: e.name)
@pytest.mark.parametrize("who", ["other_rep", "other_manager"])
def test_another_reps_or_teams_lead_is_hidden(served: Served, ep: Endpoint, who: str) -> None:
    role = Role.REP if who == "other_rep" else Role.SALES_MANAGER
    response = _call(served, ep, who)
    expected = 404 if role in PERMISSIONS[ep.action] else 403
    assert response.status_code == expected, response.text


def test_a_rep_lists_only_their_own_leads(served: Served) -> None:
    served.lead("sal", owner="putri")
    served.lead("sal", owner="budi")
    for who, owner in (("rep", "budi"), ("other_rep", "putri")):
        items = served.client.get("/api/leads?limit=500", headers=served.auth(who)).json()["items"]
        assert items and {i["owner"] for i in items} == {owner}
    asked = served.client.get("/api/leads?owner=putri", headers=served.auth("rep")).json()
    assert all(i["owner"] == "budi" for i in asked["items"])
