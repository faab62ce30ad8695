"""`lead show` reads one lead from the projection tables: the same LeadState, clocks and
opportunity as the engine's folded state, for every lead of a demo (any stage, merged,
erased-free), and the same view; when the projections lag the checkpoint, the state answers."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from revalign import services
from revalign.auth.caller import LOCAL_ADMIN
from revalign.cli.app import run
from revalign.contract.loader import default_contract
from revalign.engine import ENGINE_CHECKPOINT, Engine, open_engine
from revalign.errors import NotFound
from revalign.ledger import open_ledger
from revalign.ledger.lead_reads import LeadRecord, read_lead
from revalign.ledger.projections import PROJECTIONS_CHECKPOINT

AT = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = Path(tmp_path_factory.mktemp("reads")) / "demo.db"
    url = f"sqlite:///{db}"
    assert run(["demo", "--leads", "300", "--db", url, "--json"]) == 0
    return url


def test_every_lead_reads_back_exactly_as_the_engine_holds_it(demo_url: str) -> None:
    with open_engine(demo_url, default_contract()) as engine:
        state = engine.state
        assert len(state.leads) > 250
        with engine.ledger.reader() as conn:
            for lead_id, lead in state.leads.items():
                record = read_lead(conn, lead_id)
                assert record == engine.lead_record(lead_id), lead_id
                assert record is not None and record.lead == lead
        stages = {lead.stage for lead in state.leads.values()}
        assert len(stages) >= 6  # leads of every kind were compared
        with engine.ledger.reader() as conn:
            assert read_lead(conn, "L-nobody") is None


def test_lead_show_is_the_same_from_the_projections_and_from_the_state(demo_url: str) -> None:
    contract = default_contract()
    with open_engine(demo_url, contract) as loaded:
        ids = sorted(loaded.state.leads)[:60]
        from_state = [services.lead_show(loaded, LOCAL_ADMIN, i, AT) for i in ids]
    with open_engine(demo_url, contract) as fresh:
        from_rows = [services.lead_show(fresh, LOCAL_ADMIN, i, AT) for i in ids]
        assert fresh._state is None  # answered without loading the state
        with pytest.raises(NotFound):
            services.lead_show(fresh, LOCAL_ADMIN, "L-nobody", AT)
    assert from_rows == from_state


def test_projections_behind_the_checkpoint_are_not_read(demo_url: str) -> None:
    with open_engine(demo_url, default_contract()) as engine:
        lead_id = next(iter(engine.state.leads))
    led = open_ledger(demo_url)
    with led.writer() as w:
        seq = w.checkpoint(ENGINE_CHECKPOINT)
        w.save_checkpoint(PROJECTIONS_CHECKPOINT, seq - 1)
    engine = Engine(led, default_contract())
    try:
        record = engine.lead_record(lead_id)
        assert isinstance(record, LeadRecord)
        assert engine._state is not None  # the state answered, and rewrote the projections
        assert led.checkpoint(PROJECTIONS_CHECKPOINT) == seq
    finally:
        engine.close()


def test_explain_and_timeline_read_the_lead_from_the_projections(demo_url: str) -> None:
    contract = default_contract()
    with open_engine(demo_url, contract) as loaded:
        ids = sorted(loaded.state.leads)[:20]
        from_state = [(services.explain(loaded, LOCAL_ADMIN, i, AT),
                       services.timeline(loaded, LOCAL_ADMIN, i)) for i in ids]  # fmt: skip
    with open_engine(demo_url, contract) as fresh:
        from_rows = [(services.explain(fresh, LOCAL_ADMIN, i, AT),
                      services.timeline(fresh, LOCAL_ADMIN, i)) for i in ids]  # fmt: skip
        assert fresh._state is None  # answered without loading the state
        with pytest.raises(NotFound):
            services.explain(fresh, LOCAL_ADMIN, "L-nobody", AT)
    assert from_rows == from_state
