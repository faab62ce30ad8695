"""The session cookie: the caller and the language, signed (itsdangerous), HTTP-only."""

from __future__ import annotations

import os
import secrets
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer

from revalign.web.auth import ROLES, Caller

COOKIE = "revalign_session"
MAX_AGE = 12 * 3600  # a working day; then log in again


def secret_key() -> str:
    """$REVALIGN_SECRET, else a random key per process (sessions end on restart)."""
    return os.environ.get("REVALIGN_SECRET") or secrets.token_urlsafe(32)


class Sessions:
    def __init__(self, key: str) -> None:
        self._signer = URLSafeTimedSerializer(key, salt="revalign-dashboard")

    def dump(self, caller: Caller, lang: str) -> str:
        return self._signer.dumps({"n": caller.name, "r": caller.role, "t": caller.team,
                                   "l": lang})  # fmt: skip

    def load(self, token: str | None) -> tuple[Caller, str] | None:
        """The caller and language of a valid, unexpired cookie; None otherwise."""
        if not token:
            return None
        try:
            data: dict[str, Any] = self._signer.loads(token, max_age=MAX_AGE)
        except BadSignature:
            return None
        role = data.get("r")
        if role not in ROLES:
            return None
        return Caller(str(data["n"]), role, data.get("t")), str(data.get("l") or "en")
