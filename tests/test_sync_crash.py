"""Kill `revalign sync hubspot` at random points (mid-request, mid-page, mid-push), resume:
nothing is lost and nothing is stored twice."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

from fake_hubspot import FakeHubSpot
from revalign.connectors.sync.store import SyncStore
from revalign.core.events import EventType
from revalign.engine import open_engine
from revalign.ledger import open_ledger
from sync_support import HS_USERS, sync_contract
from test_sync_hubspot import hot, person

CONTACTS = 300


def contract_file(tmp_path: Path) -> Path:
    import yaml

    source = Path(__file__).resolve().parents[1] / "src" / "revalign" / "contract" / "default.yaml"
    users = yaml.safe_dump({"hubspot": HS_USERS}, default_flow_style=True).strip()
    body = source.read_text(encoding="utf-8").replace("  users: {}", f"  users: {users}")
    out = tmp_path / "contract.yaml"
    out.write_text(body, encoding="utf-8")
    return out


def sync_process(hs: FakeHubSpot, db: str, contract: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "REVALIGN_HUBSPOT_TOKEN": hs.token,
        "REVALIGN_HUBSPOT_URL": hs.url,
        "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src"),
    }
    code = "from revalign.cli.app import main; main()"
    args = [
        sys.executable,
        "-c",
        code,
        "sync",
        "hubspot",
        "--once",
        "--db",
        db,
        "--contract",
        str(contract),
        "--json",
    ]
    return subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_a_sync_killed_anywhere_resumes_with_nothing_lost_or_doubled(tmp_path: Path) -> None:
    rng = random.Random(14)
    db = f"sqlite:///{tmp_path / 'r.db'}"
    contract = contract_file(tmp_path)
    with FakeHubSpot() as hs:
        ids = [hot(hs, i) if i % 5 == 0 else hs.add("contacts", person(i)) for i in range(CONTACTS)]
        for i in range(0, CONTACTS, 10):
            call = hs.add(
                "calls", {"hs_timestamp": "2026-11-02T03:00:00.000Z", "hubspot_owner_id": "101"}
            )
            hs.associate("calls", call, "contacts", ids[i])
        kills = 0
        for _ in range(6):
            start = len(hs.requests)
            target = start + rng.randint(1, 12)
            child = sync_process(hs, db, contract)

            def kill(number: int, _path: str, target: int = target, pid: int = child.pid) -> None:
                if number == target:
                    os.kill(pid, signal.SIGKILL)

            hs.on_request = kill
            code = child.wait(timeout=120)
            kills += code == -signal.SIGKILL
            # a user edits HubSpot between runs too: the resumed sync must take it
            hs.set(
                "contacts", ids[rng.randrange(CONTACTS)], jobtitle=f"Director {rng.random():.3f}"
            )
        hs.on_request = None
        assert kills >= 3
        final = sync_process(hs, db, contract)
        _, err = final.communicate(timeout=120)
        assert final.returncode == 0, err.decode()

    ledger = open_ledger(db)
    try:
        events = list(ledger.read())
    finally:
        ledger.close()
    keys = Counter((e.source, e.source_id) for e in events)
    assert max(keys.values()) == 1
    from_hs = Counter(e.type for e in events if e.source == "hubspot")
    assert from_hs[EventType.LEAD_CAPTURED] == CONTACTS  # every contact, once
    assert from_hs[EventType.MARKETING_TOUCH] == CONTACTS // 5  # every demo request, once
    assert from_hs[EventType.REP_TOUCH] == CONTACTS // 10  # every call, once
    with open_engine(db, sync_contract()) as engine:
        store = SyncStore(engine.ledger, "hubspot")
        assert (
            len(store.identities()) == CONTACTS + CONTACTS // 10
            or len(engine.state.leads) == CONTACTS
        )
        for cid in ids:
            _, lead_id = store.identity("contacts", cid)  # type: ignore[misc]
            lead = engine.state.leads[lead_id]
            props = hs.props("contacts", cid)
            assert props.get("jobtitle") == lead.title  # the edits between crashes landed
            assert props.get("revalign_stage") == str(lead.stage)  # every decision went out
