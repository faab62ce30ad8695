"""Readers of a lead's score between score.changed records show the current score.

A touch that does not cross the MQL threshold is not recorded; the `leads.score` column,
`revalign rebuild --contract`, the sync outbox's desired values and `lead show`'s recorded
score must still be the score at the lead's last rescoring fact (what a record per touch
would have held).
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from revalign.connectors.sync.outbox import desired
from revalign.connectors.sync.ownership import Ownership
from revalign.contract.loader import default_contract
from revalign.core.rescore import current_score
from revalign.core.scoring import score_lead
from revalign.engine import open_engine
from revalign.ledger import tables as t
from revalign.ledger.projections import rebuild
from test_ledger_support import T0, workload


def _column(engine_url: str) -> dict[str, float]:
    eng = sa.create_engine(engine_url)
    with eng.connect() as conn:
        rows = conn.execute(sa.select(t.leads.c.lead_id, t.leads.c.score)).all()
    eng.dispose()
    return {lead_id: score for lead_id, score in rows}


def test_the_score_column_and_the_outbox_carry_the_current_score(tmp_path: Path) -> None:
    contract = default_contract()
    url = f"sqlite:///{tmp_path / 'l.db'}"
    engine = open_engine(url, contract, clock=lambda: T0)
    engine.submit(workload(leads=20, touches=200, deals=3))
    state = engine.state
    unrecorded = [lead for lead in state.leads.values() if lead.score_due_at is not None]
    assert unrecorded  # the test means something: some touches were not recorded
    assert any(score_lead(x, contract, x.score_due_at).total != x.score for x in unrecorded)
    column = _column(url)
    for lead in state.leads.values():
        at = lead.score_due_at
        expected = lead.score if at is None else score_lead(lead, contract, at).total
        assert current_score(lead, contract) == expected
        assert column[lead.lead_id] == expected
    policy = Ownership(contract.contract.sync)
    for lead in unrecorded:
        want = desired(lead, policy, "hubspot", contract)
        if "score" in want:
            assert want["score"] == round(current_score(lead, contract), 2)
    engine.close()
    rebuild(open_engine(url, contract).ledger, contract=contract)
    assert _column(url) == column
