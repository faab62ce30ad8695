"""`route explain|report`, `account match|review`, `lead merge|unmerge` on a real ledger."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

import revalign.cli  # noqa: F401  (registers the commands)
from _lifecycle import FIT_LEAD, MONDAY
from revalign.cli.app import app
from revalign.cli.app import run as cli_run
from revalign.contract.loader import default_contract
from revalign.core.events import Event, EventType
from revalign.engine import open_engine

PEOPLE = {
    "L-1": {**FIT_LEAD, "email": "dewi@tokopedia.com", "company": "PT Tokopedia"},
    "L-2": {**FIT_LEAD, "email": "andi@gmail.com", "company": "Tokopedia ID", "employees": 5},
    "L-3": {**FIT_LEAD, "email": "sari@acme.co.id", "company": "Acme", "first_name": "Sari"},
}


@pytest.fixture()
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    engine = open_engine(url, default_contract(), clock=lambda: MONDAY + timedelta(days=1))
    facts = [
        Event(type=EventType.LEAD_CAPTURED, source="test", source_id=lead, lead_id=lead,
              account_id="A-toko" if lead == "L-1" else None, occurred_at=MONDAY, payload=p)
        for lead, p in PEOPLE.items()
    ]  # fmt: skip
    engine.submit(facts)
    engine.close()
    return url


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def code_of(*args: str) -> int:
    """The exit code through the real entry point (user errors: 2)."""
    return cli_run(list(args))


def test_route_explain_prints_the_trace(db: str) -> None:
    code, out = run("route", "explain", "L-1", "--db", db)
    assert code == 0, out
    assert "rule apac" in out and "✓ rule apac" in out and "budi: 0 open, eligible" in out
    code, out = run("route", "explain", "L-1", "--db", db, "--json")
    decision = json.loads(out)["decisions"][0]
    assert decision["account"]["rule"] == "domain" and decision["trace"]["rules"][0]["matched"]
    assert code_of("route", "explain", "L-404", "--db", db) == 2


def test_account_match_and_review(db: str) -> None:
    code, out = run("account", "match", "L-1", "--explain", "--db", db)
    assert code == 0 and "A-toko (domain, score 100.0)" in out
    code, out = run("account", "review", "--db", db, "--json")
    rows = json.loads(out)
    assert [(r["lead_id"], r["candidate"]) for r in rows] == [("L-2", "A-toko")]


def test_merge_and_unmerge(db: str) -> None:
    code, out = run("lead", "merge", "L-3", "--into", "L-1", "--by", "rina", "--db", db)
    assert code == 0, out
    assert code_of("lead", "show", "L-3", "--db", db) == 2  # gone: folded into L-1
    assert code_of("lead", "merge", "L-3", "--into", "L-1", "--by", "rina", "--db", db) == 2
    code, out = run("lead", "unmerge", "L-3", "--by", "rina", "--db", db)
    assert code == 0 and "unmerged L-3 from L-1" in out
    assert code_of("lead", "show", "L-3", "--db", db) == 0
    assert code_of("lead", "unmerge", "L-3", "--by", "rina", "--db", db) == 2


def test_route_report(db: str) -> None:
    _, out = run("route", "report", "--period", "2026-11", "--db", db, "--json")
    view = json.loads(out)
    assert view["speed_to_route"]["routed"] == view["speed_to_route"]["mqls"] >= 2
    assert sum(r["leads"] for r in view["reps"]) == view["assignments"]
    assert code_of("route", "report", "--period", "nope", "--db", db) == 2
