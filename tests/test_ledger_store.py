"""The ledger suite, run on SQLite and PostgreSQL: idempotent, ordered, lossless round-trips."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from revalign.core.events import Event, EventType
from revalign.errors import DatabaseError, InputError, StorageError
from revalign.ledger import SqlLedger, open_ledger
from revalign.ledger.migrate import current_revision, head_revision
from revalign.ledger.tables import metadata
from test_ledger_support import T0, captured, ledger, ledger_url  # noqa: F401

PG_SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=6,
)
zones = st.sampled_from([UTC, timezone(timedelta(hours=7)), timezone(timedelta(hours=-5))])
moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2099, 1, 1), timezones=zones
)


@st.composite
def events(draw: st.DrawFn, prefix: str) -> Event:
    """An event whose key is drawn from a small pool, so batches repeat keys."""
    key = draw(st.integers(0, 12))
    return Event(
        type=draw(st.sampled_from(list(EventType))),
        source=f"{prefix}-{key % 3}",
        source_id=f"id-{key}",
        occurred_at=draw(moments),
        lead_id=draw(st.none() | st.sampled_from(["L1", "L2", "Lé"])),
        account_id=draw(st.none() | texts),
        payload=draw(st.dictionaries(texts, json_values, max_size=4)),
        contract_version=draw(st.none() | st.just("abc123def456")),
        caused_by=draw(st.none() | st.just(str(uuid.uuid4()))),
    )


def batches(prefix: str) -> st.SearchStrategy[list[list[Event]]]:
    return st.lists(st.lists(events(prefix), max_size=8), min_size=1, max_size=4)


@PG_SETTINGS
@given(data=st.data())
def test_append_stores_each_key_once_in_first_seen_order(
    ledger: SqlLedger,  # noqa: F811
    data: st.DataObject,
) -> None:
    prefix = uuid.uuid4().hex[:8]  # examples share the ledger; keys never collide across them
    start = ledger.last_seq()
    first_seen: dict[tuple[str, str], Event] = {}
    for batch in data.draw(batches(prefix)):
        expected_new = len({e.key for e in batch} - first_seen.keys())
        assert ledger.append(batch) == expected_new
        for e in batch:
            first_seen.setdefault(e.key, e)
    stored = list(ledger.read(after_seq=start))
    assert [e.key for e in stored] == list(first_seen)
    seqs = [e.seq or 0 for e in stored]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert all(s > start for s in seqs)
    for got in stored:
        want = first_seen[got.key]
        assert got.occurred_at == want.occurred_at and got.occurred_at.tzinfo is UTC
        assert got.recorded_at is not None and got.recorded_at.tzinfo is UTC
        assert (got.type, got.lead_id, got.account_id, got.caused_by, got.contract_version) == (
            want.type,
            want.lead_id,
            want.account_id,
            want.caused_by,
            want.contract_version,
        )
        assert got.payload == want.payload and got.id == want.id


def test_decimals_and_dates_in_payloads_read_back_as_strings(ledger: SqlLedger) -> None:  # noqa: F811
    e = Event(
        EventType.OPPORTUNITY_CREATED,
        "crm",
        "o-1",
        datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=timezone(timedelta(hours=7))),
        opportunity_id="O1",
        payload={"amount": Decimal("1250.50"), "close": datetime(2026, 5, 1, tzinfo=UTC).date()},
    )
    assert ledger.append([e]) == 1
    (got,) = ledger.read()
    assert got.payload == {"amount": "1250.50", "close": "2026-05-01"}
    assert got.occurred_at == datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=UTC) - timedelta(hours=7)
    assert got.seq == 1 and got.occurred_at.tzinfo is UTC


def test_big_batch_appends_in_one_call_and_reads_in_pages(ledger: SqlLedger) -> None:  # noqa: F811
    batch = [captured(i) for i in range(12_345)]
    assert ledger.append(batch) == 12_345
    assert ledger.append(batch[::-1]) == 0
    seqs = [e.seq for e in ledger.read(batch_size=1000)]
    assert seqs == list(range(1, 12_346))
    assert [e.source_id for e in ledger.read(after_seq=12_340)] == [
        f"row-{i}" for i in range(12_340, 12_345)
    ]
    assert len(list(ledger.read(after_seq=100, limit=2500, batch_size=1000))) == 2500
    assert ledger.last_seq() == ledger.count() == 12_345


def test_events_for_a_lead_and_existing_keys(ledger: SqlLedger) -> None:  # noqa: F811
    ledger.append([captured(1), captured(2), captured(1, source="crm")])
    assert [e.key for e in ledger.events_for(lead_id="L1")] == [("csv", "row-1"), ("crm", "row-1")]
    assert ledger.existing_keys([("csv", "row-2"), ("csv", "nope")]) == {("csv", "row-2")}
    with pytest.raises(ValueError):
        ledger.events_for()


def test_checkpoints_default_to_zero_and_persist(ledger: SqlLedger, ledger_url: str) -> None:  # noqa: F811
    assert ledger.checkpoint("engine") == 0
    ledger.save_checkpoint("engine", 7)
    ledger.save_checkpoint("engine", 9)
    reopened = open_ledger(ledger_url)
    assert reopened.checkpoint("engine") == 9 and reopened.checkpoint("other") == 0
    reopened.close()


def test_migrations_create_exactly_the_declared_tables(ledger: SqlLedger) -> None:  # noqa: F811
    with ledger.reader() as conn:
        assert current_revision(conn) == head_revision()
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_naive_datetimes_are_refused(ledger: SqlLedger) -> None:  # noqa: F811
    naive = Event(EventType.LEAD_CAPTURED, "csv", "n", datetime(2026, 1, 1), lead_id="L")
    with pytest.raises(InputError, match="time zone"):
        ledger.append([naive])
    assert ledger.count() == 0


def test_driver_errors_become_storage_errors(ledger: SqlLedger) -> None:  # noqa: F811
    with pytest.raises(StorageError, match="ledger write failed"), ledger.writer() as w:
        w.conn.execute(sa.text("insert into no_such_table values (1)"))


def test_bad_urls_are_user_errors(tmp_path: object) -> None:
    with pytest.raises(InputError, match="not a database URL"):
        open_ledger("not a url")
    with pytest.raises(InputError, match="unsupported"):
        open_ledger("mysql://x@localhost/db")
    with pytest.raises(DatabaseError, match="folder /nonexistent-dir/x does not exist"):
        open_ledger("sqlite:////nonexistent-dir/x/y.db")


def test_times_sort_as_stored(ledger: SqlLedger) -> None:  # noqa: F811
    early = Event(EventType.LEAD_CAPTURED, "s", "1", T0 + timedelta(hours=5), lead_id="L")
    late_but_east = Event(
        EventType.LEAD_CAPTURED,
        "s",
        "2",
        (T0 + timedelta(hours=6)).astimezone(timezone(timedelta(hours=14))),
        lead_id="L",
    )
    ledger.append([late_but_east, early])
    from revalign.ledger.tables import events as ev

    with ledger.reader() as conn:
        ids = conn.execute(sa.select(ev.c.source_id).order_by(ev.c.occurred_at)).scalars().all()
    assert ids == ["1", "2"]
