"""Reconciliation finds every mismatch planted in the fake HubSpot and repairs the allowed ones."""

from __future__ import annotations

from pathlib import Path

from fake_hubspot import FakeHubSpot
from revalign.connectors.sync.reconcile import reconcile
from revalign.connectors.sync.runner import sync_once
from revalign.connectors.sync.store import SyncStore
from revalign.core.events import Event, EventType
from revalign.engine import open_engine
from sync_support import NOW
from test_sync_hubspot import CONTRACT, connector, hot, person


def test_reconcile_finds_every_planted_mismatch_and_repairs_the_allowed(tmp_path: Path) -> None:
    with (
        FakeHubSpot() as hs,
        open_engine(f"sqlite:///{tmp_path / 'r.db'}", CONTRACT, clock=lambda: NOW) as engine,
    ):
        c = [hot(hs, i) for i in range(1, 6)]
        cold = hs.add("contacts", person(6))
        call = hs.add("calls", {"hs_timestamp": "2026-11-02T03:00:00.000Z"})
        hs.associate("calls", call, "contacts", cold)  # a touch on an unworked lead: refused
        sync_once(connector(hs), engine, now=NOW)
        store = SyncStore(engine.ledger, "hubspot")
        lead = {cid: store.identity("contacts", cid)[1] for cid in c}  # type: ignore[index]
        # identity split: contact 4 takes contact 5's e-mail (keyed on the id: two leads)
        hs.set("contacts", c[3], email=person(5)["email"])
        sync_once(connector(hs), engine, now=NOW)
        # planted after the last sync:
        hs.set("contacts", c[0], revalign_stage="lead")  # stale stage (revalign owns it)
        owner = hs.props("contacts", c[1])["hubspot_owner_id"]
        hs.set("contacts", c[1], hubspot_owner_id="104" if owner != "104" else "105")  # stale owner
        new = hs.add("contacts", person(7))  # missing in revalign
        engine.submit(
            [  # missing in hubspot; a title revalign changed (both may write it)
                Event(
                    EventType.LEAD_CAPTURED,
                    "file:leads",
                    "x",
                    NOW,
                    lead_id="L-file",
                    payload={"email": "only@file.co"},
                ),
                Event(
                    EventType.LEAD_UPDATED,
                    "file:leads",
                    "t",
                    NOW,
                    lead_id=lead[c[2]],
                    payload={"changes": {"title": "Head of Growth"}},
                ),
            ]
        )

        report = reconcile(connector(hs), engine)
        found = {(m.cause, m.foreign_id or m.lead_id, m.field) for m in report.mismatches}
        assert ("stale", c[0], "stage") in found
        assert ("stale", c[1], "owner") in found
        assert ("missing_in_revalign", new, None) in found
        assert ("missing_in_hubspot", "L-file", None) in found
        assert ("conflicting_field", c[2], "title") in found
        assert any(
            m.cause == "identity_split" and lead[c[3]] in m.detail for m in report.mismatches
        )
        assert any(
            m.cause == "refused_by_funnel" and m.foreign_id == call for m in report.mismatches
        )
        assert ("stale", c[2], "score") in found  # the new title rescored it; not pushed yet
        assert report.stage_counts["mql"] == {"revalign": 5, "hubspot": 4}

        dry = reconcile(connector(hs), engine, repair=True, dry_run=True)
        assert dry.repaired == 3 and hs.props("contacts", c[0])["revalign_stage"] == "lead"

        done = reconcile(connector(hs), engine, repair=True)
        assert done.repaired == 3 and not done.repair_errors
        assert hs.props("contacts", c[0])["revalign_stage"] == "mql"
        assert hs.props("contacts", c[1])["hubspot_owner_id"] == owner
        after = reconcile(connector(hs), engine)
        assert not [m for m in after.mismatches if m.cause == "stale"]
        assert after.by_cause["conflicting_field"] == 1  # a person decides that one


def test_salesforce_after_a_conversion_agrees_record_by_record(tmp_path: Path) -> None:
    from fake_salesforce import FakeSalesforce
    from test_sync_salesforce import CONTRACT as SF_CONTRACT
    from test_sync_salesforce import connector as sf_connector
    from test_sync_salesforce import ident, lead

    with (
        FakeSalesforce() as sf,
        open_engine(f"sqlite:///{tmp_path / 's.db'}", SF_CONTRACT, clock=lambda: NOW) as engine,
    ):
        ids = [sf.add("Lead", lead(i)) for i in range(5)]
        sync_once(sf_connector(sf), engine, now=NOW)
        lead_id = ident(engine, "Lead", ids[1])[1]  # type: ignore[index]
        engine.submit(
            [
                Event(
                    EventType.SAL_ACCEPTED, "t", "a", NOW, lead_id=lead_id, payload={"by": "maya"}
                ),
                Event(
                    EventType.SQL_QUALIFIED,
                    "t",
                    "q",
                    NOW,
                    lead_id=lead_id,
                    payload={
                        "by": "budi",
                        "framework": "bant",
                        "fields": {"budget": "y", "authority": "y", "need": "y", "timeline": "y"},
                    },
                ),
            ]
        )
        contact, _, _ = sf.convert(ids[1])
        sync_once(sf_connector(sf), engine, now=NOW)
        report = reconcile(sf_connector(sf), engine)
        assert report.mismatches == [] and report.matched == 5  # the Contact stands for the Lead
        assert report.stage_counts["sql"] == {"revalign": 1, "salesforce": 1}
        sf.set("Contact", contact, Revalign_Stage__c="mql")
        stale = reconcile(sf_connector(sf), engine, repair=True)
        assert [(m.cause, m.object) for m in stale.mismatches] == [("stale", "Contact")]
        assert sf.get("Contact", contact)["Revalign_Stage__c"] == "sql"
