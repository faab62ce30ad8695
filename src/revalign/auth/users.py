"""The users of the API and the CLI's `--as`: hashed tokens and passwords in the ledger DB.

A token reads `rva_<token id>_<secret>`: the token id finds the row (and goes into the audit
trail), the secret is checked against its scrypt hash. Only hashes are stored; the token is
shown once by `add` and `rotate`.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict

from revalign.auth.caller import Caller
from revalign.auth.hashing import hash_secret, verify_secret
from revalign.auth.roles import Role
from revalign.errors import Conflict, InputError, NotFound, Unauthorized
from revalign.ledger.tables import users

TOKEN_PREFIX = "rva_"
MIN_PASSWORD = 8
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,99}")
# verified against when the user is unknown, so a wrong name costs the same as a wrong password
_DUMMY_HASH = hash_secret(secrets.token_urlsafe(16))


class User(BaseModel):
    """A user as shown to admins: never a hash."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    role: Role
    rep_id: str | None
    team: str | None
    token_id: str
    disabled: bool
    has_password: bool
    created_at: datetime


def _user(row: Any) -> User:
    return User(
        id=row.id,
        name=row.name,
        role=Role(row.role),
        rep_id=row.rep_id,
        team=row.team,
        token_id=row.token_id,
        disabled=bool(row.disabled),
        has_password=row.password_hash is not None,
        created_at=row.created_at,
    )


def _caller(user: User) -> Caller:
    return Caller(user.id, user.name, user.role, user.rep_id, user.team, user.token_id)


def _new_token() -> tuple[str, str, str]:
    """(token, token id, hash of its secret)."""
    token_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    return f"{TOKEN_PREFIX}{token_id}_{secret}", token_id, hash_secret(secret)


def _role(role: str | Role) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise InputError(
            f"unknown role {role!r} (use {', '.join(r.value for r in Role)})"
        ) from None


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InputError(f"the password needs at least {MIN_PASSWORD} characters")


class UserStore:
    """Users on the ledger's database (the `users` table of migration 0003)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        # sha256(token) -> the stored hash it was verified against: scrypt once per token
        # and process, while a rotated or disabled token is still refused at once.
        self._verified: dict[str, str] = {}
        self._lock = threading.Lock()

    @contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        with self.engine.connect() as conn:
            conn.execution_options(revalign_write=True)
            with conn.begin():
                yield conn

    def _row(self, conn: sa.Connection, name: str) -> Any:
        row = conn.execute(sa.select(users).where(users.c.name == name)).first()
        if row is None:
            raise NotFound(f"no user {name!r}")
        return row

    def add(
        self,
        name: str,
        role: str | Role,
        *,
        rep_id: str | None = None,
        team: str | None = None,
        password: str | None = None,
    ) -> tuple[User, str]:
        """Create a user; returns it and its API token (shown this once, stored hashed)."""
        chosen = _role(role)
        if not _NAME.fullmatch(name):
            raise InputError(f"user name {name!r}: use letters, digits and . _ @ - (max 100)")
        if chosen == Role.REP and not rep_id:
            raise InputError("a rep user needs --rep REP_ID (the rep whose leads they work)")
        if chosen == Role.SALES_MANAGER and not team:
            raise InputError("a sales_manager user needs --team TEAM (the team they manage)")
        if password is not None:
            _check_password(password)
        token, token_id, token_hash = _new_token()
        values = {
            "id": str(uuid.uuid4()),
            "name": name,
            "role": chosen.value,
            "rep_id": rep_id,
            "team": team,
            "token_hash": token_hash,
            "token_id": token_id,
            "password_hash": hash_secret(password) if password is not None else None,
            "disabled": False,
            "created_at": datetime.now(UTC),
        }
        with self._write() as conn:
            if conn.execute(sa.select(users.c.id).where(users.c.name == name)).first():
                raise Conflict(f"user {name!r} already exists")
            try:
                conn.execute(users.insert().values(**values))
            except sa.exc.IntegrityError:  # another process added it meanwhile
                raise Conflict(f"user {name!r} already exists") from None
        return self.get(name), token

    def list(self) -> list[User]:
        """Every user, by name."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(users).order_by(users.c.name)).all()
        return [_user(r) for r in rows]

    def get(self, name: str) -> User:
        with self.engine.connect() as conn:
            return _user(self._row(conn, name))

    def disable(self, name: str) -> User:
        """Refuse the user's token and password from now on."""
        with self._write() as conn:
            self._row(conn, name)
            conn.execute(users.update().where(users.c.name == name).values(disabled=True))
        return self.get(name)

    def rotate(self, name: str) -> tuple[User, str]:
        """A new token for the user; the old one stops working at once."""
        token, token_id, token_hash = _new_token()
        with self._write() as conn:
            self._row(conn, name)
            conn.execute(
                users.update()
                .where(users.c.name == name)
                .values(token_id=token_id, token_hash=token_hash)
            )
        return self.get(name), token

    def set_password(self, name: str, password: str) -> User:
        """Set the password for the web login (stored as a scrypt hash)."""
        _check_password(password)
        with self._write() as conn:
            self._row(conn, name)
            conn.execute(
                users.update()
                .where(users.c.name == name)
                .values(password_hash=hash_secret(password))
            )
        return self.get(name)

    def caller_for(self, name: str) -> Caller:
        """The caller for `--as NAME` on the CLI (an enabled user)."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(users).where(users.c.name == name)).first()
        if row is None or row.disabled:
            raise Unauthorized(f"--as {name}: no such enabled user (see `revalign user list`)")
        return _caller(_user(row))

    def authenticate_token(self, token: str) -> Caller:
        """The caller a bearer token belongs to; Unauthorized if unknown, wrong or disabled."""
        token_id, _, secret = token.removeprefix(TOKEN_PREFIX).partition("_")
        if not token.startswith(TOKEN_PREFIX) or not token_id or not secret:
            raise Unauthorized("not a revalign API token")
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(users).where(users.c.token_id == token_id)).first()
        if row is None or row.disabled:
            raise Unauthorized("unknown or disabled token")
        key = hashlib.sha256(token.encode()).hexdigest()
        if self._verified.get(key) != row.token_hash:
            if not verify_secret(secret, row.token_hash):
                raise Unauthorized("unknown or disabled token")
            with self._lock:
                if len(self._verified) > 10_000:  # bounded: forget, re-verify on next use
                    self._verified.clear()
                self._verified[key] = row.token_hash
        return _caller(_user(row))

    def authenticate_password(self, name: str, password: str) -> Caller:
        """The caller for a web login; Unauthorized for any wrong name, password or state."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(users).where(users.c.name == name)).first()
        stored = row.password_hash if row is not None and row.password_hash else _DUMMY_HASH
        ok = verify_secret(password, stored)
        if row is None or row.disabled or not row.password_hash or not ok:
            raise Unauthorized("wrong user name or password")
        return _caller(_user(row))
