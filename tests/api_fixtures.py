"""A small served ledger for the API tests: MQLs routed to reps budi / putri of sdr-apac,
one user per role (the rep is budi, the manager runs sdr-apac) and helpers to make leads."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from revalign.api import create_app
from revalign.api.runtime import Runtime
from revalign.auth.roles import Role
from revalign.contract.loader import default_contract_text
from revalign.core.events import Event, EventType
from revalign.services.facts import clean

FIT = {
    "title": "Director of IT",
    "company": "Acme",
    "employees": 120,
    "industry": "software",
    "country": "ID",
    "source": "paid_social",
}
REP, OTHER_REP, TEAM, OTHER_TEAM = "budi", "putri", "sdr-apac", "sdr-emea"
_ids = itertools.count(1)


@dataclass
class Served:
    """The app, its client, a token per role (plus another rep and another team's manager)."""

    app: FastAPI
    client: TestClient
    tokens: dict[str, str]
    made: list[str] = field(default_factory=list)

    @property
    def runtime(self) -> Runtime:
        runtime: Runtime = self.app.state.runtime
        return runtime

    def auth(self, who: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}

    def submit(self, type: EventType, lead_id: str | None, payload: dict[str, Any],
               opportunity_id: str | None = None, source: str = "test") -> None:  # fmt: skip
        event = Event(type=type, source=source, source_id=f"s{next(_ids)}",
                      occurred_at=datetime.now(UTC) - timedelta(minutes=5), lead_id=lead_id,
                      opportunity_id=opportunity_id, payload=clean(payload))  # fmt: skip
        self.runtime.locked(lambda e: e.submit([event]))

    def lead(self, stage: str = "mql", owner: str = REP, lead_id: str | None = None) -> str:
        """A fresh lead at `stage` (mql, sal, sql, opp) owned by `owner` in sdr-apac."""
        lead_id = lead_id or f"T-{next(_ids)}"
        email = f"{lead_id.lower()}@acme.co.id"
        self.submit(EventType.LEAD_CAPTURED, lead_id, {**FIT, "email": email}, source="form")
        if stage == "mql":
            self.submit(EventType.LEAD_ASSIGNED, lead_id, {"owner": owner, "team": TEAM,
                                                           "method": "manual"})  # fmt: skip
            return lead_id
        self.submit(EventType.SAL_ACCEPTED, lead_id, {"by": "maya", "owner": owner})
        if stage == "sal":
            return lead_id
        self.submit(EventType.REP_TOUCH, lead_id, {"by": owner, "kind": "call"})
        fields = {"budget": "50000", "authority": "CFO", "need": "crm", "timeline": "Q1"}
        self.submit(EventType.SQL_QUALIFIED, lead_id,
                    {"by": owner, "framework": "bant", "fields": fields})  # fmt: skip
        if stage == "sql":
            return lead_id
        opp = {"amount": "25000", "currency": "USD", "decision_process": "CFO signs",
               "stakeholders": ["CFO"], "decision_date": "2027-01-15", "owner": owner}  # fmt: skip
        self.submit(EventType.OPPORTUNITY_CREATED, lead_id, opp, opportunity_id=f"O-{lead_id}")
        return lead_id

    def stage_of(self, lead_id: str) -> str:
        return self.runtime.locked(lambda e: e.state.leads[lead_id].stage.value)


def serve(tmp: Path, url: str | None = None) -> Iterator[Served]:
    """The served app on a fresh ledger (SQLite in `tmp` unless `url`), users per role."""
    contract = tmp / "revalign.yaml"
    contract.write_text(default_contract_text(), "utf-8")
    app = create_app(url or f"sqlite:///{tmp / 'api.db'}", contract_path=contract)
    runtime: Runtime = app.state.runtime
    tokens: dict[str, str] = {}
    for role in Role:
        rep = REP if role == Role.REP else None
        team = TEAM if role == Role.SALES_MANAGER else None
        tokens[role.value] = runtime.users.add(role.value, role, rep_id=rep, team=team)[1]
    tokens["other_rep"] = runtime.users.add("other_rep", Role.REP, rep_id=OTHER_REP)[1]
    tokens["other_manager"] = runtime.users.add(
        "other_manager", Role.SALES_MANAGER, team=OTHER_TEAM
    )[1]
    with TestClient(app) as client:
        yield Served(app, client, tokens)
    shutil.rmtree(tmp / "backups", ignore_errors=True)
