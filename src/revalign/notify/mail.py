"""E-mail over SMTP (stdlib smtplib): plain text, STARTTLS or implicit TLS by contract.

The Message-ID and an `X-Revalign-Delivery` header carry the delivery key, so a mail
system (or a person's filter) can drop the rare repeat of the at-least-once window.
"""

from __future__ import annotations

import smtplib
import ssl
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from revalign.contract.schema import Smtp
from revalign.notify.notices import Delivery
from revalign.notify.webhook import DELIVERY_HEADER, DeliveryError

# Long lines allowed (RFC 5322's 998): a folded delivery key would not match on the receiver.
_POLICY = SMTP.clone(max_line_length=998)


def message(delivery: Delivery, sender: str, now: datetime) -> EmailMessage:
    n = delivery.notice
    msg = EmailMessage(policy=_POLICY)
    msg["From"] = sender
    msg["To"] = delivery.recipient
    msg["Subject"] = n.subject
    msg["Date"] = format_datetime(now)
    domain = sender.rpartition("@")[2] or "revalign"
    msg["Message-ID"] = f"<{delivery.key.replace(':', '.')}@{domain}>"
    msg[DELIVERY_HEADER] = delivery.key
    msg.set_content(n.text.replace("*", "") + "\n\n-- revalign worker\n")
    return msg


class EmailSender:
    """One SMTP session per message: simple, and a dead connection never spans notices."""

    def __init__(self, settings: Smtp, password: str | None) -> None:
        self._s, self._password = settings, password

    def send(self, delivery: Delivery, now: datetime) -> None:
        s = self._s
        try:
            smtp = self._connect()
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"SMTP connection failed: {type(exc).__name__}") from None
        try:
            if s.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if s.username:
                smtp.login(s.username, self._password or "")
            smtp.send_message(message(delivery, s.from_address, now))
        except smtplib.SMTPResponseException as exc:
            smtp.close()
            raise DeliveryError(f"SMTP answered {exc.smtp_code}") from None
        except (smtplib.SMTPException, OSError) as exc:
            smtp.close()
            raise DeliveryError(f"SMTP failed: {type(exc).__name__}") from None
        try:  # accepted: a failing QUIT must not turn a delivery into a retry (a duplicate)
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()

    def _connect(self) -> smtplib.SMTP:
        s = self._s
        if s.security == "ssl":
            context = ssl.create_default_context()
            return smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout_seconds, context=context)
        return smtplib.SMTP(s.host, s.port, timeout=s.timeout_seconds)
