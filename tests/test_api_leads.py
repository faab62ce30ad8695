"""Lead list filters and keyset pagination, on SQLite and PostgreSQL; error JSON shapes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from api_fixtures import Served, serve


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Served]:
    url = request.getfixturevalue("pg_schema_url") if request.param == "postgres" else None
    yield from serve(tmp_path, url)


def _all(s: Served, query: str, who: str = "admin", limit: int = 3) -> list[str]:
    ids: list[str] = []
    cursor = ""
    while True:
        r = s.client.get(f"/api/leads?limit={limit}{query}{cursor}", headers=s.auth(who))
        assert r.status_code == 200, r.text
        body = r.json()
        ids += [i["lead_id"] for i in body["items"]]
        if body["next_cursor"] is None:
            return ids
        cursor = f"&cursor={body['next_cursor']}"


def test_pages_walk_every_lead_once_newest_first(served: Served) -> None:
    made = [served.lead("sal") for _ in range(7)] + [served.lead("mql") for _ in range(3)]
    walked = _all(served, "")
    assert sorted(walked) == sorted(made) and len(set(walked)) == len(walked)
    one_page = served.client.get("/api/leads?limit=500", headers=served.auth("admin")).json()
    assert [i["lead_id"] for i in one_page["items"]] == walked
    created = [i["created_at"] for i in one_page["items"]]
    assert created == sorted(created, reverse=True)


def test_filters_combine(served: Served) -> None:
    sal = [served.lead("sal") for _ in range(3)]
    mql = served.lead("mql")
    assert sorted(_all(served, "&stage=sal")) == sorted(sal)
    assert _all(served, "&stage=mql") == [mql]
    assert _all(served, "&stage=sal&owner=nobody") == []
    assert sorted(_all(served, "&q=acme&team=sdr-apac")) == sorted([*sal, mql])
    assert _all(served, f"&q={mql.lower()}") == [mql]  # the e-mail holds the id
    assert _all(served, "&score_min=1000") == []
    assert _all(served, "&created_to=2000-01-01T00:00:00Z") == []
    row = served.client.get(f"/api/leads?q={mql.lower()}", headers=served.auth("admin")).json()
    item = row["items"][0]
    assert item["email"] == f"{mql.lower()}@acme.co.id" and item["title"] == "Director of IT"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("cursor=nonsense", None),
        ("score_min=abc", "score_min"),
        ("created_from=2026-01-01T00:00:00", "created_from"),
        ("score_min=5&score_max=1", None),
    ],
)
def test_bad_list_queries_are_422_with_the_field(
    served: Served, query: str, field: str | None
) -> None:
    r = served.client.get(f"/api/leads?{query}", headers=served.auth("admin"))
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["message"] and error["field"] == field


def test_refusals_keep_their_status_and_shape(served: Served) -> None:
    lead = served.lead("sal")
    r = served.client.post(
        f"/api/leads/{lead}/accept", json={}, headers=served.auth("sales_manager")
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "illegal_transition"
    r = served.client.post(
        "/api/leads/nope/touches", json={"kind": "call"}, headers=served.auth("admin")
    )
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = served.client.post(
        f"/api/leads/{lead}/touches", json={"kind": "smoke-signal"}, headers=served.auth("admin")
    )
    assert r.status_code == 422 and "kind" in r.json()["error"]["message"]
    r = served.client.post(
        f"/api/leads/{lead}/touches",
        content=b"{",
        headers={**served.auth("admin"), "Content-Type": "application/json"},
    )
    assert r.status_code == 422
    r = served.client.put(
        "/api/contract", json={"text": "slas: [1\n"}, headers=served.auth("admin")
    )
    issue = r.json()["error"]["issues"][0]
    assert r.status_code == 422 and issue["line"] >= 1 and issue["column"] >= 1
