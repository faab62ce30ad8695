"""Real local receivers for the notification tests: an SMTP server and an HTTP endpoint.

The HTTP receiver verifies every request's HMAC signature the way docs/notifications.md
tells a receiver to; both record the delivery key of everything they accept.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from revalign.notify.webhook import DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verify


@dataclass
class Received:
    key: str
    to: str  # the URL path or the e-mail address
    text: str
    valid: bool = True


@dataclass
class Inbox:
    items: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, item: Received) -> None:
        with self.lock:
            self.items.append(item)

    def keys(self) -> list[str]:
        with self.lock:
            return [i.key for i in self.items]


class WebhookReceiver:
    """POST endpoint; `fail_next` answers 500 that many times; `on_post` runs before answering."""

    def __init__(self, secret: str, now: Callable[[], float] = time.time) -> None:
        self.inbox = Inbox()
        self.forged = 0  # requests whose signature did not verify
        self.fail_next = 0
        self.on_post: Callable[[Received], None] | None = None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                valid = verify(
                    secret,
                    self.headers.get(TIMESTAMP_HEADER, ""),
                    raw,
                    self.headers.get(SIGNATURE_HEADER, ""),
                    now=now(),
                )
                text = json.loads(raw)["text"]
                item = Received(self.headers.get(DELIVERY_HEADER, ""), self.path, text, valid)
                if receiver.fail_next > 0:
                    receiver.fail_next -= 1
                    self.send_response(500)
                    self.end_headers()
                    return
                if not valid:
                    receiver.forged += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                receiver.inbox.add(item)
                if receiver.on_post is not None:
                    receiver.on_post(item)
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Handler:
    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = message_from_bytes(envelope.content)
        body = msg.get_payload(decode=True)
        text = body.decode() if isinstance(body, bytes) else str(body)
        for to in envelope.rcpt_tos:
            self.inbox.add(Received(str(msg[DELIVERY_HEADER]), to, text))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Login:
    """aiosmtpd authenticator accepting one user and password (AUTH PLAIN / LOGIN)."""

    def __init__(self, user: str, password: str) -> None:
        self.user, self.password = user.encode(), password.encode()

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, auth: Any) -> Any:
        from aiosmtpd.smtp import AuthResult

        ok = auth.login == self.user and auth.password == self.password
        return AuthResult(success=ok)


@contextmanager
def smtp_server(login: tuple[str, str] | None = None) -> Iterator[tuple[int, Inbox]]:
    """A real SMTP server (aiosmtpd) on a free local port; with `login`, it offers AUTH."""
    inbox = Inbox()
    port = free_port()
    auth: dict[str, Any] = {}
    if login is not None:  # plain-text AUTH on localhost: no TLS certificate in the tests
        auth = {"authenticator": _Login(*login), "auth_require_tls": False}
    controller = Controller(_Handler(inbox), hostname="127.0.0.1", port=port, **auth)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()
