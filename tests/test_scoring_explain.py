"""`explain_lead`: every rule that fired, totals that add up, JSON and Rich forms."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from rich.console import Console

from revalign.contract.schema import VersionedContract
from revalign.core.explain import explain_lead, explanation_to_json, render_explanation
from revalign.core.state import LeadState, Signal

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _lead() -> LeadState:
    return LeadState(
        lead_id="L-7",
        email="dewi@gmail.com",
        created_at=NOW - timedelta(days=3),
        title="Direktur Pemasaran",
        employees=120,
        industry="SaaS",
        country="ID",
        signals=(
            Signal("demo_request", NOW - timedelta(days=30)),
            Signal("pricing_page", NOW),
            Signal("page_view", NOW + timedelta(days=1)),  # future: ignored
        ),
    )


def test_explanation_json(contract: VersionedContract) -> None:
    data = explanation_to_json(explain_lead(_lead(), contract, NOW))
    assert data["lead_id"] == "L-7"
    assert data["contract_version"] == contract.version
    assert data["threshold"] == 60.0
    assert [(p["rule"], p["points"]) for p in data["parts"]] == [
        ("fit.employees", 25.0),
        ("fit.industry", 10.0),
        ("fit.seniority", 15.0),
        ("fit.geography", 10.0),
        ("negative.free_mail", -15.0),
        ("behaviour.demo_request", 20.0),
        ("behaviour.pricing_page", 10.0),
    ]
    assert (data["score"], data["fit"], data["behaviour"]) == (75.0, 45.0, 30.0)
    assert data["above_threshold"] is True
    assert data["high_intent"] is True
    assert data["seniority"] == "director"
    total = sum(Decimal(str(p["points"])) for p in data["parts"])
    assert total == Decimal(str(data["score"]))
    json.dumps(data)  # JSON-ready


def test_below_threshold_and_no_intent(contract: VersionedContract) -> None:
    quiet = LeadState(lead_id="L-8", email="x@acme.co.id", created_at=NOW, title="Staff")
    expl = explain_lead(quiet, contract, NOW)
    assert (expl.score, expl.above_threshold, expl.high_intent) == (0.0, False, False)


def test_rendered_table_names_every_rule(contract: VersionedContract) -> None:
    expl = explain_lead(_lead(), contract, NOW)
    console = Console(width=140, record=True)
    console.print(render_explanation(expl))
    text = console.export_text()
    for part in expl.parts:
        assert part.rule in text and part.detail in text
    assert "score 75.00 reaches the MQL threshold 60" in text
    assert "HIGH INTENT" in text
