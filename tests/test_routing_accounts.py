"""Lead-to-account matching, account-based routing, named accounts, duplicates and merges."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from _lifecycle import FIT_LEAD, MONDAY, Funnel, T, contract_with, of_type
from revalign.connectors.domains import registered_domain
from revalign.contract.schema import VersionedContract
from revalign.core.accounts import match_account, normalise_name
from revalign.core.events import Event
from revalign.core.run import run_events
from revalign.core.state import FunnelState, LeadState


@pytest.mark.parametrize(
    ("given", "domain"),
    [
        ("dewi@mail.acme.co.id", "acme.co.id"),
        ("kemenkeu.go.id", "kemenkeu.go.id"),
        ("https://www.shop.com.au/contact", "shop.com.au"),
        ("sales.eu.bigcorp.com", "bigcorp.com"),
        ("a@ui.ac.id", "ui.ac.id"),
        ("B@Tokopedia.COM", "tokopedia.com"),
    ],
)
def test_registered_domain_is_public_suffix_aware(given: str, domain: str) -> None:
    assert registered_domain(given) == domain


@pytest.mark.parametrize(
    ("name", "normal"),
    [
        ("PT. Maju Jaya Tbk", "maju jaya"),
        ("CV Sinar Abadi", "sinar abadi"),
        ("Acme GmbH", "acme"),
        ("Globex, Inc.", "globex"),
        ("PT Bank Mandiri (Persero) Tbk", "bank mandiri"),
        ("Tan & Co Pte Ltd", "tan"),
    ],
)
def test_legal_forms_are_dropped(name: str, normal: str) -> None:
    assert normalise_name(name) == normal


def capture(f: Funnel, lead_id: str, account_id: str | None = None, **fields: Any) -> list[Event]:
    f._n += 1
    event = Event(
        type=T.LEAD_CAPTURED, source="form", source_id=f"c{f._n}", occurred_at=MONDAY,
        lead_id=lead_id, account_id=account_id, payload={**FIT_LEAD, **fields},
    )  # fmt: skip
    placed = run_events(f.state, [event], f.contract)
    f.log += placed
    return placed


def known(f: Funnel) -> None:
    """Two accounts the funnel already knows (from earlier leads of their domains)."""
    capture(f, "K1", "A-toko", email="x@tokopedia.com", domain="tokopedia.com",
            company="PT Tokopedia", employees=5)  # fmt: skip
    capture(f, "K2", "A-mandiri", email="y@bankmandiri.co.id", domain="bankmandiri.co.id",
            company="PT Bank Mandiri (Persero) Tbk", employees=5)  # fmt: skip


def lead(**fields: Any) -> LeadState:
    return LeadState(
        lead_id="N", email=fields.pop("email", "n@gmail.com"), created_at=MONDAY, **fields
    )


@pytest.mark.parametrize(
    ("fields", "account", "rule"),
    [
        ({"email": "budi@tokopedia.com"}, "A-toko", "domain"),
        ({"email": "budi@mail.tokopedia.com"}, "A-toko", "domain"),  # subdomain
        ({"email": "budi@gmail.com", "company": "Tokopedia"}, "A-toko", "name"),  # free mail
        ({"email": "budi@gmail.com", "company": "Tokopedai"}, "A-toko", "name"),  # typo
        ({"email": "budi@yahoo.co.id", "company": "Bank Mandiri Tbk"}, "A-mandiri", "name"),
        ({"email": "budi@gmail.com"}, None, "free_mail"),
        ({"email": "budi@gmail.com", "company": "Bank Central Asia"}, None, "none"),
        (
            {"email": "x@co.id", "company": "Unknown Co"},
            None,
            "none",
        ),  # a bare suffix is no account
    ],
)
def test_match_table(
    contract: VersionedContract, fields: dict[str, Any], account: str | None, rule: str
) -> None:
    f = Funnel(contract)
    known(f)
    m = match_account(f.state, lead(**fields), contract.contract)
    assert (m.account_id, m.rule) == (account, rule)
    assert (m.score >= 88) == (account is not None)


def test_near_threshold_goes_to_review(contract: VersionedContract) -> None:
    f = Funnel(contract)
    known(f)
    m = match_account(f.state, lead(company="Tokopedia ID"), contract.contract)
    assert m.account_id is None
    assert m.near and m.near[0][0] == "A-toko"


NAMED = {
    "accounts": [
        {"id": "gojek", "name": "PT Gojek Indonesia", "domains": ["gojek.com"], "owner": "wei"},
        {"id": "grab", "name": "Grab Holdings", "domains": ["grab.com"], "pod": "sdr-emea"},
    ]
}


def test_named_account_owner_wins_then_pod(contract: VersionedContract) -> None:
    c = contract_with(routing=NAMED)
    f = Funnel(c)
    placed = capture(
        f, "L1", "A-gojek", email="dewi@gojek.com", domain="gojek.com", company="Gojek"
    )
    a = of_type(placed, T.LEAD_ASSIGNED)[0].payload
    assert (a["owner"], a["rule"], a["account"]["account_id"]) == ("wei", "account_owner", "gojek")
    placed = capture(f, "L2", None, email="andi@gmail.com", company="Gojek Indonesia Tbk")
    placed += f.behave("L2", "demo_request", MONDAY + timedelta(minutes=1))  # free mail: -points
    assert of_type(placed, T.LEAD_ASSIGNED)[0].payload["owner"] == "wei"  # by name
    placed = capture(f, "L3", None, email="x@grab.com", domain="grab.com")
    a = of_type(placed, T.LEAD_ASSIGNED)[0].payload
    assert (a["team"], a["rule"], a["owner"]) == ("sdr-emea", "account_pod", "sophie")


def test_open_opportunity_owner_wins(contract: VersionedContract) -> None:
    f = Funnel(contract)
    capture(f, "L1", "A-acme", email="a@acme.co.id", domain="acme.co.id", country="ID")
    f.accept("L1", MONDAY + timedelta(minutes=5))
    f.qualify("L1", MONDAY + timedelta(minutes=10))
    f.open_opp("L1", MONDAY + timedelta(minutes=20))
    owner = f.lead("L1").owner
    placed = capture(f, "L2", "A-acme", email="b@acme.co.id", domain="acme.co.id", country="US")
    a = of_type(placed, T.LEAD_ASSIGNED)[0].payload
    assert (a["owner"], a["rule"]) == (owner, "account_owner")
    assert "open opportunity" in a["reason"]


def test_same_email_merges_and_unmerge_restores(contract: VersionedContract) -> None:
    f = Funnel(contract)
    capture(f, "L1", email="dewi@acme.co.id", employees=5)
    f.behave("L1", "webinar", MONDAY + timedelta(minutes=1))
    placed = capture(f, "L2", email="Dewi@Acme.co.id", employees=5)
    merged = of_type(placed, T.LEAD_MERGED)
    assert merged and merged[0].payload == {"into": "L1", "reason": "same_email"}
    assert "L2" not in f.state.leads and f.state.merges["L2"].into == "L1"
    f.fact(T.LEAD_UNMERGED, "L2", MONDAY + timedelta(hours=1), {"by": "rina"})
    assert set(f.state.leads) >= {"L1", "L2"} and "L2" not in f.state.merges
    # rebuild: folding the log alone gives the same leads
    rebuilt = FunnelState()
    from revalign.core.evolve import evolve

    for event in f.log:
        evolve(rebuilt, event)
    assert rebuilt.leads == f.state.leads and rebuilt.rep_load == f.state.rep_load


def test_same_name_at_matched_account_merges(contract: VersionedContract) -> None:
    f = Funnel(contract)
    capture(f, "L1", "A-acme", email="budi@acme.co.id", domain="acme.co.id", company="PT Acme",
            first_name="Budi", last_name="Santoso", employees=5)  # fmt: skip
    f.behave("L1", "webinar", MONDAY + timedelta(minutes=1))
    placed = capture(f, "L2", None, email="budi.s@gmail.com", company="Acme Tbk",
                     first_name="budi", last_name="santoso", employees=5)  # fmt: skip
    assert of_type(placed, T.LEAD_MERGED)[0].payload["reason"] == "same_name_at_account"
    survivor = f.lead("L1")
    assert len(survivor.signals) == 1 and survivor.email == "budi@acme.co.id"


def test_dedup_can_be_switched_off(contract: VersionedContract) -> None:
    f = Funnel(contract_with(routing={"dedup": {"auto": False}}))
    capture(f, "L1", email="dewi@acme.co.id")
    assert not of_type(capture(f, "L2", email="DEWI@acme.co.id"), T.LEAD_MERGED)
