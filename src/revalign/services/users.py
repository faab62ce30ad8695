"""User verbs (admin / revops): list, add, disable, rotate, set a password."""

from __future__ import annotations

from revalign.auth.caller import Caller
from revalign.auth.permissions import Action, require
from revalign.auth.users import User, UserStore


def list_users(store: UserStore, caller: Caller) -> list[User]:
    require(caller, Action.USERS_ADMIN)
    return store.list()


def add_user(store: UserStore, caller: Caller, name: str, role: str, *,
             rep_id: str | None = None, team: str | None = None,
             password: str | None = None) -> tuple[User, str]:  # fmt: skip
    require(caller, Action.USERS_ADMIN)
    return store.add(name, role, rep_id=rep_id, team=team, password=password)


def disable_user(store: UserStore, caller: Caller, name: str) -> User:
    require(caller, Action.USERS_ADMIN)
    return store.disable(name)


def rotate_user(store: UserStore, caller: Caller, name: str) -> tuple[User, str]:
    require(caller, Action.USERS_ADMIN)
    return store.rotate(name)


def set_password(store: UserStore, caller: Caller, name: str, password: str) -> User:
    require(caller, Action.USERS_ADMIN)
    return store.set_password(name, password)
