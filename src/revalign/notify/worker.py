"""`revalign worker`: tick the SLA clocks and deliver what they raise, forever or once.

    worker = Worker(engine, deliverer)
    worker.step(now)                        # one tick + one delivery pass (tests drive this)
    worker.run(clock, wait, interval=60)    # the loop; `wait(seconds)` returns True to stop

Catch-up after downtime needs nothing special: the core's tick at `now` emits every breach
and escalation due since the last tick (deterministically, each once by its key), and the
delivery pass resumes at the `notify` checkpoint. No sleeps inside: the loop waits through
the injected `wait` (a `threading.Event().wait` in production), so tests run it without time.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from revalign.contract.schema import Notifications, VersionedContract
from revalign.engine import Clock, Engine, SubmitReport
from revalign.errors import StorageError, UserError
from revalign.notify.deliver import Deliverer, DeliveryReport, Sender
from revalign.notify.mail import EmailSender
from revalign.notify.notices import Channel
from revalign.notify.webhook import WebhookSender

Wait = Callable[[float], bool]  # sleep up to `seconds`; True means "stop now"
MIN_WAIT = 1.0  # never spin: a retry due "now" still waits a second


class MissingSecret(UserError):
    """A channel the contract uses needs a secret its environment variable does not hold."""


@dataclass(frozen=True)
class StepReport:
    at: datetime
    tick: SubmitReport
    delivery: DeliveryReport


def senders_from_env(
    settings: Notifications, env: Mapping[str, str] | None = None
) -> dict[Channel, Sender]:
    """The channels, credentials taken from the environment (named in the contract)."""
    env = os.environ if env is None else env
    out: dict[Channel, Sender] = {}
    secret = env.get(settings.webhook_secret_env)
    if secret:
        out["webhook"] = WebhookSender(secret, settings.webhook_timeout_seconds)
    password = env.get(settings.smtp.password_env)
    if settings.smtp.username and not password:
        raise MissingSecret(
            f"${settings.smtp.password_env} is not set: notifications.smtp.username "
            f"{settings.smtp.username!r} needs its password"
        )
    out["email"] = EmailSender(settings.smtp, password)
    return out


def check_senders(contract: VersionedContract, senders: Mapping[Channel, Sender]) -> None:
    """Refuse to start when a configured webhook has no signing secret (rather than fail
    every delivery for days)."""
    n = contract.contract.notifications
    urls = [r for side in n.recipients.values() for r in (*side.marketing, *side.sales)]
    urls += [r for rs in n.roles.values() for r in rs]
    if "webhook" not in senders and any(r.startswith(("http://", "https://")) for r in urls):
        raise MissingSecret(
            f"${n.webhook_secret_env} is not set: webhooks are signed with it "
            "(see docs/notifications.md)"
        )


class Worker:
    """The clock and the mailman over one ledger."""

    def __init__(self, engine: Engine, deliverer: Deliverer) -> None:
        self.engine, self.deliverer = engine, deliverer

    def step(self, now: datetime) -> StepReport:
        """Decide what other writers appended, tick at `now`, deliver what is due."""
        self.engine.run()
        ticked = self.engine.tick(now)
        return StepReport(now, ticked, self.deliverer.deliver(now))

    def run(
        self,
        clock: Clock,
        wait: Wait,
        *,
        interval: float,
        until: datetime | None = None,
        on_step: Callable[[StepReport], None] | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> int:
        """Step every `interval` seconds (sooner when a retry falls due) until `wait` says
        stop or the clock passes `until`; return the number of steps. A step the database
        fails is reported to `on_error` and tried again after `interval`."""
        steps = 0
        while True:
            now = clock()
            if until is not None and now >= until:
                return steps
            try:
                report = self.step(now)
            except StorageError as exc:  # the database is away: try again next interval
                if on_error is not None:
                    on_error(str(exc))
                if wait(interval):
                    return steps
                continue
            steps += 1
            if on_step is not None:
                on_step(report)
            pause = interval
            retry = report.delivery.next_retry_at
            if retry is not None:
                pause = min(pause, max(MIN_WAIT, (retry - now).total_seconds()))
            if until is not None:
                pause = min(pause, max(MIN_WAIT, (until - now).total_seconds()))
            if wait(pause):
                return steps


def open_worker(engine: Engine, senders: Mapping[Channel, Sender] | None = None) -> Worker:
    """A worker on the engine's ledger and contract; channels from the environment by default."""
    contract = engine.contract
    chosen = senders_from_env(contract.contract.notifications) if senders is None else senders
    check_senders(contract, chosen)
    return Worker(engine, Deliverer(engine.ledger, contract.contract, chosen))
