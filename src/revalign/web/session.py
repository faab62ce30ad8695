"""The session cookie: the user's name and language, signed (itsdangerous), HTTP-only.

The role is not in the cookie: every request asks the user store, so a disabled user or a
changed role takes effect at once."""

from __future__ import annotations

import os
import secrets
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "revalign_session"
MAX_AGE = 12 * 3600  # a working day; then log in again


def secret_key() -> str:
    """$REVALIGN_SECRET, else a random key per process (sessions end on restart)."""
    return os.environ.get("REVALIGN_SECRET") or secrets.token_urlsafe(32)


class Sessions:
    def __init__(self, key: str) -> None:
        self._signer = URLSafeTimedSerializer(key, salt="revalign-dashboard")

    def dump(self, name: str, lang: str) -> str:
        return self._signer.dumps({"n": name, "l": lang})

    def load(self, token: str | None) -> tuple[str, str] | None:
        """The user name and language of a valid, unexpired cookie; None otherwise."""
        if not token:
            return None
        try:
            data: dict[str, Any] = self._signer.loads(token, max_age=MAX_AGE)
        except BadSignature:
            return None
        name = data.get("n")
        return (name, str(data.get("l") or "en")) if isinstance(name, str) else None
