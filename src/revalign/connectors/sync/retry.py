"""Rate limits, transient failures and expired sessions: retried with backoff.

The sleeper is injected (tests pass a recorder, so nothing really sleeps); a 429 or
REQUEST_LIMIT_EXCEEDED names its wait when the system says it (Retry-After, HubSpot's
X-HubSpot-RateLimit-Interval-Milliseconds), else the wait doubles from `base` up to `cap`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from revalign.errors import InputError

T = TypeVar("T")
Sleeper = Callable[[float], None]


class SyncError(InputError):
    """The foreign system refused the sync in a way the user must fix (credentials, scopes)."""


class RateLimited(Exception):
    def __init__(self, message: str, wait: float | None = None) -> None:
        super().__init__(message)
        self.wait = wait


class Transient(Exception):
    """A 5xx or a dropped connection: worth another try."""


class SessionExpired(Exception):
    """The session is no longer valid (Salesforce INVALID_SESSION_ID): log in again."""


@dataclass
class Retry:
    sleeper: Sleeper = time.sleep
    attempts: int = 6
    base: float = 1.0
    cap: float = 60.0
    relogin: Callable[[], None] | None = None
    waited: float = 0.0  # total seconds slept (reported by the sync)
    retries: int = 0

    def call(self, what: str, fn: Callable[[], T]) -> T:
        """`fn()`, retried on RateLimited / Transient / SessionExpired (one re-login)."""
        relogged = False
        last: Exception = SyncError(f"{what}: no attempt made")
        for attempt in range(self.attempts):
            try:
                return fn()
            except SessionExpired as exc:
                if relogged or self.relogin is None:
                    raise SyncError(f"{what}: the session expired and a new login failed") from exc
                relogged = True
                self.relogin()
                continue
            except RateLimited as exc:
                wait = exc.wait if exc.wait is not None else self._backoff(attempt)
                last = exc
            except Transient as exc:
                wait, last = self._backoff(attempt), exc
            if attempt + 1 < self.attempts:
                self.retries += 1
                self.waited += wait
                self.sleeper(wait)
        raise SyncError(f"{what}: gave up after {self.attempts} attempts: {last}")

    def _backoff(self, attempt: int) -> float:
        return float(min(self.cap, self.base * 2**attempt))
