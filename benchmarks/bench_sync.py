"""Records per second of a first full sync from the fake HubSpot (loopback HTTP) and the fake
Salesforce (`responses`, in-process), through the real engine and ledger (SQLite).

    .venv/bin/python benchmarks/bench_sync.py            # 2,000 people per system
    .venv/bin/python benchmarks/bench_sync.py --full     # 10,000

Prints, per system: records pulled, seconds for the pull + push pass, records/s, facts
stored and updates pushed; then the second (incremental, all echoes) pass.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fake_hubspot import FakeHubSpot
from fake_salesforce import FakeSalesforce
from revalign.connectors.hubspot.client import HubSpotClient
from revalign.connectors.hubspot.connector import HubSpotConnector
from revalign.connectors.salesforce.client import SalesforceClient
from revalign.connectors.salesforce.connector import SalesforceConnector
from revalign.connectors.sync.ownership import Ownership
from revalign.connectors.sync.runner import SyncReport, sync_once
from revalign.connectors.sync.seam import Connector
from revalign.engine import open_engine
from sync_support import NOW, Sleeps, sync_contract


def _timed(conn: Connector, db: str) -> None:
    contract = sync_contract()
    with open_engine(db, contract, clock=lambda: NOW) as engine:
        for label in ("first", "again"):
            start = time.perf_counter()
            report: SyncReport = sync_once(conn, engine, now=NOW)
            took = time.perf_counter() - start
            pulled = sum(report.pulled.values())
            print(
                f"  {label}: {pulled} records in {took:.2f} s = {pulled / took:,.0f} records/s;"
                f" {report.new} facts (+{report.derived} derived), {report.pushed} pushed"
            )


def hubspot(n: int, folder: Path) -> None:
    with FakeHubSpot() as hs:
        for i in range(n):
            hs.add(
                "contacts",
                {
                    "email": f"p{i}@acme{i % 97}.co.id",
                    "firstname": f"P{i}",
                    "jobtitle": "VP Marketing",
                    "company": f"Acme {i % 97}",
                    "country": "ID",
                    "industry": "software",
                },
            )
        client = HubSpotClient(hs.token, hs.url, Sleeps().retry())
        print(f"hubspot (loopback HTTP), {n} contacts")
        _timed(
            HubSpotConnector(client, Ownership(sync_contract().contract.sync)),
            f"sqlite:///{folder / 'hs.db'}",
        )


def salesforce(n: int, folder: Path) -> None:
    with FakeSalesforce() as sf:
        for i in range(n):
            sf.add(
                "Lead",
                {
                    "Email": f"p{i}@acme{i % 97}.co.id",
                    "LastName": f"P{i}",
                    "Title": "VP Marketing",
                    "Company": f"Acme {i % 97}",
                    "Country": "ID",
                    "Industry": "software",
                    "NumberOfEmployees": 120,
                    "IsConverted": False,
                },
            )
        client = SalesforceClient(sf.session_login, Sleeps().retry())
        print(f"salesforce (responses, in-process), {n} leads")
        _timed(
            SalesforceConnector(client, Ownership(sync_contract().contract.sync)),
            f"sqlite:///{folder / 'sf.db'}",
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--full", action="store_true", help="10,000 people per system")
    args = parser.parse_args()
    n = 10_000 if args.full else 2_000
    with tempfile.TemporaryDirectory() as tmp:
        hubspot(n, Path(tmp))
        salesforce(n, Path(tmp))


if __name__ == "__main__":
    main()
