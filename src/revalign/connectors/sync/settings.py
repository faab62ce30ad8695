"""Credentials for the sync: from the environment or a secrets file, never from the contract.

    settings = load_settings("hubspot", secrets=Path("/etc/revalign/secrets.env"))

The secrets file holds KEY=VALUE lines (the same names as the environment; `#` comments);
the environment wins over it. Values are never printed: `redacted()` shows which are set.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from revalign.errors import InputError

SECRETS_ENV = "REVALIGN_SECRETS_FILE"
NAMES: Mapping[str, Mapping[str, str]] = {
    "hubspot": {
        "token": "REVALIGN_HUBSPOT_TOKEN",
        "url": "REVALIGN_HUBSPOT_URL",
        "webhook_secret": "REVALIGN_HUBSPOT_WEBHOOK_SECRET",
    },
    "salesforce": {
        "instance_url": "REVALIGN_SALESFORCE_INSTANCE_URL",
        "session_id": "REVALIGN_SALESFORCE_SESSION_ID",
        "username": "REVALIGN_SALESFORCE_USERNAME",
        "password": "REVALIGN_SALESFORCE_PASSWORD",
        "security_token": "REVALIGN_SALESFORCE_SECURITY_TOKEN",
        "domain": "REVALIGN_SALESFORCE_DOMAIN",
        "consumer_key": "REVALIGN_SALESFORCE_CONSUMER_KEY",
        "private_key_file": "REVALIGN_SALESFORCE_PRIVATE_KEY_FILE",
    },
}
SECRET_KEYS = frozenset({"token", "session_id", "password", "security_token", "webhook_secret"})
SYSTEMS = tuple(NAMES)


def _read_file(path: Path) -> dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"secrets file {path}: {exc.strerror}") from None
    out: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise InputError(f"secrets file {path}:{number}: expected KEY=VALUE")
        out[key.strip()] = value.strip().strip('"').strip("'")
    return out


def system_name(system: str) -> str:
    if system not in NAMES:
        raise InputError(f"unknown system {system!r} (use {' or '.join(SYSTEMS)})")
    return system


def load_settings(
    system: str, *, secrets: Path | None = None, env: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The system's settings by short name (token, url, instance_url, ...); unset ones absent."""
    environ = os.environ if env is None else env
    chosen = secrets or (Path(environ[SECRETS_ENV]) if environ.get(SECRETS_ENV) else None)
    from_file = _read_file(chosen) if chosen is not None else {}
    out: dict[str, str] = {}
    for short, name in NAMES[system_name(system)].items():
        value = environ.get(name) or from_file.get(name)
        if value:
            out[short] = value
    return out


def redacted(settings: Mapping[str, str]) -> dict[str, str]:
    """What is set, with every secret replaced (safe to print or log)."""
    return {k: ("***" if k in SECRET_KEYS else v) for k, v in settings.items()}
