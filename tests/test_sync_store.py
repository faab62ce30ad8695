"""The sync tables on SQLite and PostgreSQL: upserts are idempotent, cursors order by
(time, id), pure pieces (ownership, retry) behave."""

from __future__ import annotations

from datetime import timedelta

import pytest

from revalign.connectors.sync.ownership import Ownership
from revalign.connectors.sync.retry import RateLimited, Retry, SessionExpired, SyncError, Transient
from revalign.connectors.sync.seam import Cursor
from revalign.connectors.sync.store import Link, SyncStore, Value, same
from revalign.contract.schema import Sync
from revalign.ledger import SqlLedger
from sync_support import NOW, Sleeps
from test_ledger_support import ledger, ledger_url  # noqa: F401


def test_links_cursors_and_values_upsert(ledger: SqlLedger) -> None:  # noqa: F811
    store = SyncStore(ledger, "hubspot")
    link = Link("hubspot", "contacts", "1", "lead", "L-1")
    store.links([link], NOW)
    store.links([link, Link("hubspot", "contacts", "1", "lead", "L-2", "merged")], NOW)
    assert store.identity("contacts", "1") == ("lead", "L-2")
    assert store.refs_of_leads(["L-2", "L-9"]) == {"L-2": [("contacts", "1")], "L-9": []}
    value = Value("hubspot", "contacts", "1", "score", 61.5, NOW, "pushed")
    store.save_page("contacts", Cursor(NOW, "1"), [value])
    store.save_page("contacts", Cursor(NOW + timedelta(seconds=1), "7"), [value])
    assert store.cursor("contacts") == Cursor(NOW + timedelta(seconds=1), "7")
    assert store.known("contacts", "1")["score"].value == 61.5
    assert SyncStore(ledger, "salesforce").cursors() == {}  # per system


def test_the_cursor_breaks_ties_on_the_id() -> None:
    cursor = Cursor(NOW, "00Q5")
    assert cursor.behind(NOW, "00Q6") and not cursor.behind(NOW, "00Q5")
    assert cursor.behind(NOW + timedelta(milliseconds=1), "00Q1")


def test_values_compare_as_stored() -> None:
    assert same(2, "2.0") and same("mql", "mql") and not same(None, "") and not same(1, 2)


def test_ownership_verdicts() -> None:
    policy = Ownership(Sync())
    later, earlier = NOW + timedelta(hours=1), NOW - timedelta(hours=1)
    assert policy.inbound("lead", "owner", "hubspot", later, NOW) == "conflict"
    assert policy.inbound("lead", "title", "hubspot", later, NOW) == "take"
    assert policy.inbound("lead", "title", "hubspot", earlier, NOW) == "conflict"
    assert policy.inbound("opportunity", "amount", "salesforce", earlier, NOW) == "take"
    assert policy.inbound("opportunity", "amount", "hubspot", later, NOW) == "ignore"
    assert policy.pushes("lead", "stage", "salesforce")
    assert not policy.pushes("opportunity", "amount", "salesforce")


def test_retry_backs_off_then_gives_up() -> None:
    sleeps = Sleeps()
    retry = Retry(sleeper=sleeps, attempts=4)
    calls: list[int] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise RateLimited("429", wait=5) if len(calls) == 1 else Transient("502")
        return "ok"

    assert retry.call("x", flaky) == "ok" and sleeps.waits == [5, 2.0]

    def always() -> None:
        raise Transient("503")

    with pytest.raises(SyncError, match="gave up after 4 attempts"):
        retry.call("x", always)
    logins: list[int] = []
    relog = Retry(sleeper=sleeps, relogin=lambda: logins.append(1))

    def expired() -> None:
        raise SessionExpired("INVALID_SESSION_ID")

    with pytest.raises(SyncError, match="session expired"):
        relog.call("x", expired)
    assert logins == [1]  # one new login, then a clear error
