"""`revalign worker` on the command line, on PostgreSQL, and the notices' wording."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from _lifecycle import FIT_LEAD, MONDAY, contract_with
from notify_receivers import WebhookReceiver, smtp_server
from revalign.cli.app import run
from revalign.contract.loader import default_contract_text
from revalign.core.events import Event, EventType
from revalign.engine import Engine
from revalign.ledger import open_ledger
from revalign.notify.deliver import CHECKPOINT
from revalign.notify.notices import Delivery, Notice, deliveries, notice_of
from revalign.notify.webhook import DeliveryError, WebhookSender
from revalign.notify.worker import open_worker, senders_from_env

SECRET = "cli-secret"


def _lead(engine: Engine, lead: str, days_ago: int = 60) -> None:
    payload = {**FIT_LEAD, "email": f"{lead}@acme.co.id"}
    at = MONDAY - timedelta(days=days_ago)
    engine.submit([Event(EventType.LEAD_CAPTURED, "form", lead, at, lead_id=lead, payload=payload)])


def _contract_file(tmp_path: Path, notifications: dict[str, object]) -> Path:
    data = yaml.safe_load(default_contract_text())
    data["notifications"] = notifications
    path = tmp_path / "revalign.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_once_json_and_skip_backlog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with smtp_server() as (port, mail):
        notifications = {
            "recipients": {"breach": {"sales": ["lead@example.com"]}},
            "smtp": {"host": "127.0.0.1", "port": port},
        }
        path = _contract_file(tmp_path, notifications)
        db = f"sqlite:///{tmp_path / 'c.db'}"
        with Engine(open_ledger(db), contract_with(notifications=notifications)) as engine:
            _lead(engine, "OLD")
            engine.tick(MONDAY)  # its breach is history when the worker first starts
        argv = ["worker", "--db", db, "--contract", str(path), "--once", "--json"]
        assert run([*argv, "--skip-backlog"]) == 0
        first = json.loads(capsys.readouterr().out)
        assert first["delivered"] == 0 and mail.keys() == []
        with Engine(open_ledger(db), contract_with(notifications=notifications)) as engine:
            _lead(engine, "NEW", days_ago=30)
        assert run(argv) == 0
        second = json.loads(capsys.readouterr().out)
        assert set(second) >= {"at", "ticked", "delivered", "failed", "waiting", "errors"}
        assert second["ticked"] >= 1 and second["delivered"] == 1
        (item,) = mail.items
        assert "NEW" in item.text and item.to == "lead@example.com"


def test_a_missing_secret_or_a_bad_until_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("REVALIGN_WEBHOOK_SECRET", raising=False)
    path = _contract_file(
        tmp_path, {"recipients": {"breach": {"sales": ["https://hooks.example.com/x"]}}}
    )
    db = f"sqlite:///{tmp_path / 'e.db'}"
    assert run(["migrate", "--db", db]) == 0  # the worker needs an existing ledger
    assert run(["worker", "--db", db, "--contract", str(path), "--once"]) == 2
    err = capsys.readouterr().err
    assert "$REVALIGN_WEBHOOK_SECRET is not set" in err and "Traceback" not in err
    assert run(["worker", "--db", db, "--until", "2027-01-01"]) == 2
    assert "needs a time zone" in capsys.readouterr().err


def test_notices_read_well_and_owners_can_be_told(tmp_path: Path) -> None:
    data = yaml.safe_load(default_contract_text())
    teams = data["teams"]
    for team in teams:
        for rep in team["reps"]:
            rep["email"] = f"{rep['id']}@acme.example"
    contract = contract_with(notifications={"notify_owner": True}, teams=teams)
    with Engine(open_ledger(f"sqlite:///{tmp_path / 'w.db'}"), contract) as engine:
        _lead(engine, "L1")
        engine.tick(MONDAY)
        events = list(engine.ledger.read())
    breach = next(e for e in events if e.type is EventType.SLA_BREACHED)
    notice = notice_of(breach)
    assert notice is not None and notice.level == "breach" and notice.side == "sales"
    assert notice.subject == f"[revalign] SLA breached: sal_review ({notice.owner})"
    # the SAL review clock belongs to the team's manager, who has an e-mail in the contract
    _, manager = contract.contract.rep(notice.owner)
    assert manager.email == f"{notice.owner}@acme.example"
    assert [d.recipient for d in deliveries(breach, contract.contract)] == [manager.email]
    escalation = next(e for e in events if e.type is EventType.ESCALATED)
    assert notice_of(escalation).level == "ops"  # type: ignore[union-attr]
    assert deliveries(escalation, contract.contract) == []  # no owner mail for the ladder


def test_a_warning_is_a_notice_at_the_warning_level() -> None:
    warned = getattr(EventType, "SLA_WARNED", None)
    if warned is None:
        pytest.skip("sla.warned arrives with the SLA engineer's branch")
    payload = {"clock_id": "c", "sla": "first_contact_standard", "owner": "budi"}
    payload |= {"owner_side": "sales", "due_at": "2026-11-03T03:00:00+00:00", "used_fraction": 0.75}
    event = Event(warned, "engine", "warn:c", MONDAY, lead_id="L1", payload=payload)
    notice = notice_of(event)
    assert notice is not None and notice.level == "warning"
    assert "75% of the time used" in notice.text


@pytest.mark.postgres
def test_delivery_on_postgresql_survives_a_restart(pg_schema_url: str) -> None:
    with WebhookReceiver(SECRET) as hook, smtp_server() as (port, mail):
        notifications = {
            "recipients": {"breach": {"sales": [f"{hook.url}/b", "x@example.com"]}},
            "roles": {"sales_ops": [f"{hook.url}/ops"]},
            "smtp": {"host": "127.0.0.1", "port": port},
        }
        contract = contract_with(notifications=notifications)
        env = {"REVALIGN_WEBHOOK_SECRET": SECRET}
        senders = senders_from_env(contract.contract.notifications, env)
        for round_ in range(2):  # the second worker is a restart: it sends nothing again
            with Engine(open_ledger(pg_schema_url), contract, lambda: MONDAY) as engine:
                if round_ == 0:
                    _lead(engine, "L1")
                open_worker(engine, senders).step(MONDAY)
                events = list(engine.ledger.read())
                assert engine.ledger.checkpoint(CHECKPOINT) > 0
        expected = {d.key for e in events for d in deliveries(e, contract.contract)}
        # sales: the breach (2 recipients) and its ops escalations (owner, side) to sales_ops;
        # marketing: two months under the MQL volume target, ops escalations to sales_ops too
        assert len(expected) == 8
        assert sorted(hook.inbox.keys() + mail.keys()) == sorted(expected)


def test_a_redirected_webhook_is_a_failure_not_a_delivery() -> None:
    class Moved(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(302)
            self.send_header("Location", "/elsewhere")
            self.end_headers()

        def do_GET(self) -> None:  # urllib would follow the 302 as a GET, without the body
            self.send_response(200)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Moved)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    notice = Notice("n1", "sla.breached", "breach", "sales", "budi", "s", "t", {})
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    try:
        with pytest.raises(DeliveryError, match="HTTP 302"):
            WebhookSender(SECRET).send(Delivery(notice, "webhook", url), MONDAY)
    finally:
        server.shutdown()
        server.server_close()
