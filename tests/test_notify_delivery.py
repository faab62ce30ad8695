"""Notices reach people: real SMTP and HTTP receivers, signatures, retry, dedup, secrecy."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml

from _lifecycle import FIT_LEAD, MONDAY, contract_with
from notify_receivers import Inbox, WebhookReceiver, smtp_server
from revalign.cli.app import run
from revalign.contract.loader import default_contract, default_contract_text, parse_contract
from revalign.contract.schema import VersionedContract
from revalign.core.events import Event, EventType
from revalign.engine import Engine
from revalign.errors import ContractError, StorageError
from revalign.ledger import SqlLedger, open_ledger
from revalign.notify.deliver import CHECKPOINT, DeliveryReport, backoff
from revalign.notify.notices import deliveries, delivery_key
from revalign.notify.webhook import signature, verify
from revalign.notify.worker import MissingSecret, Worker, open_worker, senders_from_env

SECRET = "whsec-test-4f1d9a"
PASSWORD = "smtp-pass-77e2c1"


def _contract(hook: str, smtp_port: int, **extra: object) -> VersionedContract:
    notifications = {
        "recipients": {
            "breach": {"sales": [f"{hook}/sales-breach", "sales-lead@example.com"]},
            "ops": {"sales": [f"{hook}/ops"]},
        },
        "roles": {"sales_ops": ["sales-ops@example.com"], "marketing_ops": ["mops@example.com"]},
        "smtp": {"host": "127.0.0.1", "port": smtp_port},
        **extra,
    }
    return contract_with(notifications=notifications)


def _capture(engine: Engine, lead: str, at: datetime) -> None:
    payload = {**FIT_LEAD, "email": f"{lead}@acme.co.id"}
    engine.submit([Event(EventType.LEAD_CAPTURED, "form", lead, at, lead_id=lead, payload=payload)])


@dataclass
class Rig:
    engine: Engine
    worker: Worker
    hook: WebhookReceiver
    mail: Inbox

    @property
    def ledger(self) -> SqlLedger:
        return self.engine.ledger

    def records(self, kind: EventType) -> list[Event]:
        return [e for e in self.ledger.read() if e.type is kind]

    def notices(self) -> list[Event]:
        kinds = (EventType.SLA_BREACHED, EventType.ESCALATED)
        return [e for e in self.ledger.read() if e.type in kinds]


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    with WebhookReceiver(SECRET) as hook, smtp_server() as (port, mail):
        contract = _contract(hook.url, port)
        engine = Engine(open_ledger(f"sqlite:///{tmp_path / 'n.db'}"), contract, lambda: MONDAY)
        env = {"REVALIGN_WEBHOOK_SECRET": SECRET}
        worker = open_worker(engine, senders_from_env(contract.contract.notifications, env))
        yield Rig(engine, worker, hook, mail)
        engine.close()


def test_a_breach_reaches_every_recipient_once_signed(rig: Rig) -> None:
    _capture(rig.engine, "L1", MONDAY)  # an MQL: the SAL review clock starts
    first = rig.worker.step(MONDAY + timedelta(days=3))
    notices = rig.notices()
    assert {e.type for e in notices} == {EventType.SLA_BREACHED, EventType.ESCALATED}
    expected = {d.key for e in notices for d in deliveries(e, rig.engine.contract.contract)}
    got = rig.hook.inbox.keys() + rig.mail.keys()
    assert sorted(got) == sorted(expected)  # each once
    assert first.delivery.delivered == len(expected)
    assert rig.hook.forged == 0
    paths = {i.to for i in rig.hook.inbox.items}
    assert paths == {"/sales-breach", "/ops"}
    assert {i.to for i in rig.mail.items} == {
        "sales-lead@example.com",
        "sales-ops@example.com",
        "mops@example.com",
    }
    assert "SLA breached: *sal_review*" in rig.hook.inbox.items[0].text
    again = rig.worker.step(MONDAY + timedelta(days=3, hours=1))
    assert again.delivery.delivered == 0
    assert len(rig.hook.inbox.items) + len(rig.mail.items) == len(expected)
    delivered = rig.records(EventType.NOTICE_DELIVERED)
    assert sorted(e.source_id for e in delivered) == sorted(expected)
    assert rig.ledger.checkpoint(CHECKPOINT) > 0


def test_a_failed_webhook_is_retried_with_backoff_then_delivered(rig: Rig) -> None:
    _capture(rig.engine, "L1", MONDAY)
    rig.hook.fail_next = 2
    t0 = MONDAY + timedelta(days=3)
    first = rig.worker.step(t0)
    assert first.delivery.failed == 2  # the first two of the three webhooks answered 500
    assert first.delivery.next_retry_at == t0 + timedelta(seconds=30)
    waiting = rig.worker.step(t0 + timedelta(seconds=10))
    assert (waiting.delivery.waiting, waiting.delivery.delivered) == (2, 0)
    retried = rig.worker.step(t0 + timedelta(seconds=30))
    assert retried.delivery.delivered == 2
    failed = rig.records(EventType.NOTICE_FAILED)
    assert [e.payload["attempt"] for e in failed] == [1, 1]
    assert all(e.payload["error"] == "webhook answered HTTP 500" for e in failed)
    assert len(set(rig.hook.inbox.keys())) == len(rig.hook.inbox.keys()) == 3


def test_a_dead_channel_gives_up_after_the_attempts(rig: Rig, tmp_path: Path) -> None:
    contract = contract_with(
        notifications={
            "recipients": {"breach": {"sales": ["ops@example.com"]}},
            "smtp": {"host": "127.0.0.1", "port": 9},  # nothing listens on the discard port
            "retry": {"attempts": 3, "backoff_seconds": 60},
        }
    )
    engine = Engine(open_ledger(f"sqlite:///{tmp_path / 'dead.db'}"), contract, lambda: MONDAY)
    worker = open_worker(engine, senders_from_env(contract.contract.notifications, {}))
    _capture(engine, "L1", MONDAY)
    t = MONDAY + timedelta(days=3)
    for _ in range(5):
        report = worker.step(t).delivery
        t = report.next_retry_at or t + timedelta(hours=1)
    failed = [e for e in engine.ledger.read() if e.type is EventType.NOTICE_FAILED]
    assert [e.payload["attempt"] for e in failed] == [1, 2, 3]
    assert [e.payload["final"] for e in failed] == [False, False, True]
    gaps = [b.occurred_at - a.occurred_at for a, b in itertools.pairwise(failed)]
    assert gaps == [timedelta(seconds=60), timedelta(seconds=120)]
    assert engine.ledger.checkpoint(CHECKPOINT) == engine.ledger.last_seq()  # settled
    engine.close()


def test_backoff_doubles_and_is_capped() -> None:
    policy = contract_with(
        notifications={"retry": {"backoff_seconds": 10, "max_backoff_seconds": 50}}
    ).contract.notifications.retry
    assert [backoff(policy, n).total_seconds() for n in (1, 2, 3, 4)] == [10, 20, 40, 50]


def test_signature_verification() -> None:
    body, stamp = b'{"text":"hi"}', "1793000000"
    header = signature(SECRET, stamp, body)
    assert header.startswith("sha256=") and len(header) == 7 + 64
    assert verify(SECRET, stamp, body, header, now=1793000010)
    assert not verify(SECRET, stamp, body + b" ", header, now=1793000010)  # tampered
    assert not verify("other", stamp, body, header, now=1793000010)
    assert not verify(SECRET, stamp, body, header, now=1793000000 + 301)  # replayed late
    assert not verify(SECRET, "soon", body, header, now=1793000000)


def test_the_delivery_key_is_stable_and_holds_no_address() -> None:
    key = delivery_key("n-1", "webhook", "https://hooks.example.com/T000/B000/XXXX")
    assert key == delivery_key("n-1", "webhook", "https://hooks.example.com/T000/B000/XXXX")
    assert key != delivery_key("n-1", "webhook", "https://hooks.example.com/T000/B000/YYYY")
    assert "XXXX" not in key and "hooks" not in key


def test_the_default_contract_has_no_recipients_and_keeps_its_version() -> None:
    contract = default_contract()
    assert contract.contract.notifications.recipients == {}
    assert "notifications" not in contract.contract.model_dump(exclude_defaults=True)


def test_a_bad_recipient_is_a_located_contract_error() -> None:
    data = yaml.safe_load(default_contract_text())
    data["notifications"] = {"recipients": {"breach": {"sales": ["not an address"]}}}
    with pytest.raises(ContractError) as caught:
        parse_contract(yaml.safe_dump(data), "revalign.yaml")
    (issue,) = caught.value.issues
    assert ": notifications.recipients.breach.sales[0]: " in str(issue)
    assert "neither an http(s) webhook URL nor an e-mail address" in str(issue)


def test_a_webhook_without_its_secret_refuses_to_start(rig: Rig) -> None:
    contract = rig.engine.contract
    with pytest.raises(MissingSecret, match=r"\$REVALIGN_WEBHOOK_SECRET is not set"):
        open_worker(rig.engine, senders_from_env(contract.contract.notifications, {}))


def test_the_loop_waits_the_interval_and_wakes_early_for_a_retry(rig: Rig) -> None:
    _capture(rig.engine, "L1", MONDAY)
    rig.hook.fail_next = 2
    now = [MONDAY + timedelta(days=3)]
    waits: list[float] = []

    def wait(seconds: float) -> bool:
        waits.append(seconds)
        now[0] += timedelta(seconds=seconds)
        return len(waits) == 3

    steps = rig.worker.run(lambda: now[0], wait, interval=600)
    assert steps == 3
    assert waits == [30, 600, 600]  # the retry falls due in 30 s; then the plain interval
    assert len(rig.hook.inbox.keys()) == 3
    waits.clear()
    until = now[0] + timedelta(seconds=1500)

    def wait_on(seconds: float) -> bool:
        waits.append(seconds)
        now[0] += timedelta(seconds=seconds)
        return False

    assert rig.worker.run(lambda: now[0], wait_on, interval=600, until=until) == 3
    assert waits == [600, 600, 300]  # the last wait ends at `until`


def test_secrets_never_reach_output_or_ledger(
    rig: Rig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    token_url = f"{rig.hook.url}/T0SECRET/B0SECRET/tokenPath123"
    data = yaml.safe_load(default_contract_text())
    data["notifications"] = {
        "recipients": {"breach": {"sales": [token_url, "http://127.0.0.1:9/T0SECRET/dead"]}},
        "smtp": {"host": "127.0.0.1", "port": 9, "username": "bot"},
    }
    path = tmp_path / "revalign.yaml"
    path.write_text(yaml.safe_dump(data))
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    contract = parse_contract(path.read_text(), str(path))
    with Engine(open_ledger(db), contract, lambda: MONDAY) as engine:
        _capture(engine, "L1", MONDAY - timedelta(days=30))  # overdue by the real clock
    monkeypatch.setenv("REVALIGN_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("REVALIGN_SMTP_PASSWORD", PASSWORD)
    rig.hook.fail_next = 0
    clock = time.time()
    assert clock > MONDAY.timestamp()
    code = run(["worker", "--db", db, "--contract", str(path), "--once"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "delivered: 1" in out.out and "failed: 1" in out.out  # the dead URL failed
    ledger = open_ledger(db)
    stored = "\n".join(repr(e.to_dict()) for e in ledger.read())
    ledger.close()
    for secret in (SECRET, PASSWORD, "T0SECRET", "tokenPath123"):
        assert secret not in out.out + out.err
        assert secret not in stored
    assert "http://127.0.0.1/…" in stored  # recipients are recorded redacted


def test_the_loop_survives_a_database_outage(rig: Rig) -> None:
    real = rig.worker.deliverer.deliver
    calls: list[datetime] = []

    def flaky(now: datetime) -> DeliveryReport:
        calls.append(now)
        if len(calls) == 1:
            raise StorageError("ledger read failed: server closed the connection")
        return real(now)

    rig.worker.deliverer.deliver = flaky  # type: ignore[method-assign]
    now = [MONDAY]
    errors: list[str] = []

    def wait(seconds: float) -> bool:
        now[0] += timedelta(seconds=seconds)
        return len(calls) == 2

    steps = rig.worker.run(lambda: now[0], wait, interval=60, on_error=errors.append)
    assert steps == 1 and len(calls) == 2
    assert errors == ["ledger read failed: server closed the connection"]


def test_an_smtp_login_without_its_password_refuses_to_start() -> None:
    settings = contract_with(notifications={"smtp": {"username": "bot"}}).contract.notifications
    with pytest.raises(MissingSecret, match=r"\$REVALIGN_SMTP_PASSWORD is not set"):
        senders_from_env(settings, {})
    assert "email" in senders_from_env(settings, {"REVALIGN_SMTP_PASSWORD": PASSWORD})


def test_smtp_login_uses_the_password_from_the_environment(tmp_path: Path) -> None:
    with smtp_server(login=("bot", PASSWORD)) as (port, mail):
        smtp = {"host": "127.0.0.1", "port": port, "username": "bot", "timeout_seconds": 5}
        contract = contract_with(
            notifications={"recipients": {"breach": {"sales": ["a@example.com"]}}, "smtp": smtp}
        )
        engine = Engine(open_ledger(f"sqlite:///{tmp_path / 'auth.db'}"), contract, lambda: MONDAY)
        _capture(engine, "L1", MONDAY)
        settings = contract.contract.notifications
        wrong = open_worker(engine, senders_from_env(settings, {"REVALIGN_SMTP_PASSWORD": "x"}))
        refused = wrong.step(MONDAY + timedelta(days=3)).delivery
        assert (refused.failed, refused.delivered, mail.items) == (1, 0, [])
        right = open_worker(
            engine, senders_from_env(settings, {"REVALIGN_SMTP_PASSWORD": PASSWORD})
        )
        assert right.step(MONDAY + timedelta(days=4)).delivery.delivered == 1
        assert mail.keys() and len(mail.items) == 1
        engine.close()
