"""A simulated quarter of the demo with an injected clock: every notice reaches every
recipient, and a worker killed mid-delivery (after a send, before its record) and restarted
re-sends only that one delivery, with the same key, so receivers see each notice once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from _lifecycle import FIT_LEAD, MONDAY, contract_with
from notify_receivers import Received, WebhookReceiver, smtp_server
from revalign.contract.loader import default_contract, default_contract_text
from revalign.contract.schema import VersionedContract
from revalign.core.events import SOURCE_ENGINE, Event, EventType
from revalign.demo import build_demo
from revalign.demo.company import PERIOD_END
from revalign.engine import Engine, open_engine
from revalign.ledger import open_ledger
from revalign.notify.deliver import CHECKPOINT, Sender
from revalign.notify.notices import Delivery, deliveries
from revalign.notify.worker import Worker, open_worker, senders_from_env

SECRET = "quarter-secret"
QUARTER = (datetime(2026, 9, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))
STEP = timedelta(hours=6)
NOTICES = (EventType.SLA_BREACHED, EventType.ESCALATED)


class Killed(BaseException):
    """The process dies (not an Exception: nothing in the worker may catch it)."""


class KillAfterSend:
    """Sends for real, then dies before the worker can record the delivery, at the n-th send."""

    def __init__(self, inner: Sender, n: int) -> None:
        self.inner, self.n, self.sent = inner, n, 0
        self.in_flight: list[str] = []

    def send(self, delivery: Delivery, now: datetime) -> None:
        self.inner.send(delivery, now)
        self.sent += 1
        if self.sent == self.n:
            self.in_flight.append(delivery.key)
            raise Killed(delivery.key)


def _notifying(hook: str, smtp_port: int) -> VersionedContract:
    side = {"marketing": [f"{hook}/marketing"], "sales": [f"{hook}/sales"]}
    return contract_with(
        notifications={
            "recipients": {"breach": side, "ops": side, "vp": side, "executive": side},
            "roles": {
                "marketing_ops": ["mops@example.com"],
                "sales_ops": ["sops@example.com", f"{hook}/sales-ops"],
                "vp_marketing": ["vpm@example.com"],
                "vp_sales": ["vps@example.com"],
                "cro": ["cro@example.com"],
            },
            "smtp": {"host": "127.0.0.1", "port": smtp_port},
        }
    )


@pytest.fixture(scope="module")
def demo_facts(tmp_path_factory: pytest.TempPathFactory) -> list[Event]:
    """The source facts of a small demo (200 leads), in the order they happened."""
    folder = tmp_path_factory.mktemp("quarter")
    contract = default_contract()
    with open_engine(f"sqlite:///{folder / 'demo.db'}", contract, clock=lambda: PERIOD_END) as e:
        build_demo(e, contract, leads=200, seed=7, folder=folder / "files")
        facts = [x for x in e.ledger.read() if x.source != SOURCE_ENGINE]
    return sorted(facts, key=lambda x: (x.occurred_at, x.seq or 0))


def _fresh(event: Event) -> Event:
    return Event(
        type=event.type,
        source=event.source,
        source_id=event.source_id,
        occurred_at=event.occurred_at,
        lead_id=event.lead_id,
        account_id=event.account_id,
        opportunity_id=event.opportunity_id,
        payload=event.payload,
    )


class Simulation:
    """The demo replayed into a fresh ledger, a worker stepping every 6 hours of fake time."""

    def __init__(self, url: str, contract: VersionedContract, facts: list[Event]) -> None:
        self.url, self.contract = url, contract
        self.facts = [_fresh(f) for f in facts]
        self.now = QUARTER[0]
        self.next_fact = 0
        self.engine = self._engine()

    def _engine(self) -> Engine:
        return Engine(open_ledger(self.url), self.contract, lambda: self.now)

    def submit_until(self, t: datetime) -> None:
        start = self.next_fact
        while self.next_fact < len(self.facts) and self.facts[self.next_fact].occurred_at <= t:
            self.next_fact += 1
        self.engine.submit(self.facts[start : self.next_fact])

    def restart(self) -> Engine:
        """A new process: nothing survives but the ledger."""
        self.engine.close()
        self.engine = self._engine()
        return self.engine


def _expected(events: list[Event], after_seq: int, contract: VersionedContract) -> set[str]:
    return {
        d.key
        for e in events
        if (e.seq or 0) > after_seq  # every notice kind (sla.warned too, where it exists)
        for d in deliveries(e, contract.contract)
    }


def test_every_notice_of_a_quarter_is_delivered_once_across_a_kill(
    demo_facts: list[Event], tmp_path: Path
) -> None:
    with WebhookReceiver(SECRET) as hook, smtp_server() as (port, mail):
        contract = _notifying(hook.url, port)
        sim = Simulation(f"sqlite:///{tmp_path / 'q.db'}", contract, demo_facts)
        env = {"REVALIGN_WEBHOOK_SECRET": SECRET}

        def worker(kill_webhook: int = 0, kill_email: int = 0) -> tuple[Worker, list[str]]:
            senders = senders_from_env(contract.contract.notifications, env)
            killers = {"webhook": kill_webhook, "email": kill_email}
            wrapped: dict[str, Sender] = {}
            in_flight: list[str] = []
            for channel, sender in senders.items():
                n = killers[channel]
                if n:
                    killer = KillAfterSend(sender, n)
                    in_flight = killer.in_flight
                    wrapped[channel] = killer
                else:
                    wrapped[channel] = sender
            return open_worker(sim.engine, wrapped), in_flight  # type: ignore[arg-type]

        # The story before the quarter is history: tick it, deliver nothing of it.
        sim.submit_until(QUARTER[0])
        sim.engine.tick(QUARTER[0])
        skipped_to = sim.engine.ledger.last_seq()
        sim.engine.ledger.save_checkpoint(CHECKPOINT, skipped_to)

        # Die twice: on the 7th webhook, then (after a restart) on the 5th e-mail.
        plans = [(7, 0), (0, 5), (0, 0)]
        w, in_flight = worker(*plans[0])
        killed: list[str] = []
        kills, steps = 0, 0
        t = QUARTER[0]
        while t < QUARTER[1]:
            sim.now = t
            sim.submit_until(t)
            try:
                w.step(t)
                steps += 1
                t += STEP
            except Killed:
                kills += 1
                killed += in_flight
                sim.restart()  # and retry the same moment, as a restarted process would
                w, in_flight = worker(*plans[kills])
        assert kills == 2 and steps > 300

        ledger_events = list(sim.engine.ledger.read())
        sim.engine.close()

    expected = _expected(ledger_events, skipped_to, contract)
    received = Counter(hook.inbox.keys() + mail.keys())
    assert len(expected) > 100  # a real quarter's worth: breaches and every ladder level
    kinds = {e.type for e in ledger_events if e.type in NOTICES and (e.seq or 0) > skipped_to}
    assert kinds == set(NOTICES)
    assert set(received) == expected  # every recipient heard of every notice
    duplicates = {k for k, n in received.items() if n > 1}
    assert duplicates == set(killed) and all(received[k] == 2 for k in killed)
    assert hook.forged == 0
    delivered = [e.source_id for e in ledger_events if e.type is EventType.NOTICE_DELIVERED]
    assert sorted(delivered) == sorted(expected)  # recorded once each, the resent ones too


# -- a real process, really killed ----------------------------------------------------------


def _worker_cmd(db: str, contract: Path) -> list[str]:
    code = "from revalign.cli import main; main()"
    return [sys.executable, "-c", code, "worker", "--db", db, "--contract", str(contract), "--once"]


def test_a_worker_killed_by_sigkill_mid_delivery_resends_only_the_one_in_flight(
    tmp_path: Path,
) -> None:
    with WebhookReceiver(SECRET) as hook, smtp_server() as (port, mail):
        data = yaml.safe_load(default_contract_text())
        data["notifications"] = {
            "recipients": {
                "breach": {"sales": [f"{hook.url}/breach", "lead@example.com"]},
                "ops": {"sales": [f"{hook.url}/ops"]},
            },
            "smtp": {"host": "127.0.0.1", "port": port},
        }
        path = tmp_path / "revalign.yaml"
        path.write_text(yaml.safe_dump(data))
        db = f"sqlite:///{tmp_path / 'k.db'}"
        contract = contract_with(notifications=data["notifications"])
        with Engine(open_ledger(db), contract, lambda: MONDAY) as engine:
            for lead in ("L1", "L2"):  # MQLs long ago: their SAL review is overdue now
                payload = {**FIT_LEAD, "email": f"{lead}@acme.co.id"}
                at = MONDAY - timedelta(days=60)
                fact = Event(
                    EventType.LEAD_CAPTURED, "form", lead, at, lead_id=lead, payload=payload
                )
                engine.submit([fact])

        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(sys.path),
            "REVALIGN_WEBHOOK_SECRET": SECRET,
        }
        victim = subprocess.Popen(_worker_cmd(db, path), env=env, stdout=subprocess.PIPE)
        killed: list[Received] = []

        def kill_on_second(item: Received) -> None:
            if len(hook.inbox.keys()) == 2 and not killed:
                killed.append(item)
                os.kill(victim.pid, signal.SIGKILL)  # it waits for our answer: sent, unrecorded

        hook.on_post = kill_on_second
        victim.wait(timeout=60)
        assert victim.returncode == -signal.SIGKILL and killed
        hook.on_post = None
        again = subprocess.run(_worker_cmd(db, path), env=env, capture_output=True, timeout=60)
        assert again.returncode == 0, again.stderr

        ledger = open_ledger(db)
        events = list(ledger.read())
        ledger.close()
    expected = _expected(events, 0, contract)
    received = Counter(hook.inbox.keys() + mail.keys())
    assert set(received) == expected
    assert {k for k, n in received.items() if n > 1} == {killed[0].key}
    assert received[killed[0].key] == 2
    delivered = [e.source_id for e in events if e.type is EventType.NOTICE_DELIVERED]
    assert sorted(delivered) == sorted(expected)
