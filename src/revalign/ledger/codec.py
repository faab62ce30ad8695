"""Event <-> storage row: JSON payloads, UTC datetimes that sort as text on SQLite.

The same conversion serves the SQLAlchemy column type (`UtcDateTime`) and the raw driver
bulk paths, so a row written by `executemany`/COPY reads back exactly like one written by Core.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Dialect

from revalign.core.events import Event, EventType
from revalign.errors import InputError

# Column order of the `events` table in every bulk path.
EVENT_COLUMNS: tuple[str, ...] = (
    "seq",
    "id",
    "type",
    "source",
    "source_id",
    "occurred_at",
    "recorded_at",
    "lead_id",
    "account_id",
    "opportunity_id",
    "payload",
    "contract_version",
    "caused_by",
    "schema_version",
)


def json_default(value: Any) -> Any:
    """Decimal, date and datetime as strings; enums as their value; sets as sorted lists."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    if isinstance(value, tuple):
        return list(value)  # named tuples: orjson hands tuple subclasses here, json lists them
    return str(value)


# The stdlib encoder is the fallback for what orjson refuses (ints past 64 bits, surrogates).
_ENCODER = json.JSONEncoder(default=json_default, separators=(",", ":"), ensure_ascii=False)
# Datetimes and dataclasses go through json_default too, so both encoders give the same text.
_ORJSON_OPTIONS = (
    orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
)


def dump_json(data: Any) -> str:
    """Compact JSON (Decimal, dates as strings): orjson, 4-6x faster than json.dumps."""
    try:
        return orjson.dumps(data, default=json_default, option=_ORJSON_OPTIONS).decode()
    except TypeError:
        return _ENCODER.encode(data)


def load_json(text: str | bytes) -> Any:
    return orjson.loads(text)


_EVENT_TYPES: dict[str, EventType] = {t.value: t for t in EventType}


def utc_text(value: datetime) -> str:
    """Fixed-width ISO 8601 in UTC, so text order is time order."""
    if value.tzinfo is UTC:
        if type(value) is datetime:
            # orjson writes the same RFC 3339 text 4x faster, but drops a zero fraction
            text = orjson.dumps(value)
            if len(text) == 34:
                return text[1:-1].decode()
            if len(text) == 27:
                return f"{text[1:20].decode()}.000000+00:00"
        return value.isoformat(timespec="microseconds")
    if value.tzinfo is None:
        raise InputError(f"naive datetime {value.isoformat()} (a time zone is required)")
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def parse_utc(value: str | datetime) -> datetime:
    if type(value) is str:
        parsed = datetime.fromisoformat(value)
        # our own text carries +00:00, which parses to the UTC singleton: nothing to convert
        return parsed if parsed.tzinfo is UTC else parsed.astimezone(UTC)
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(value).astimezone(UTC)


class UtcDateTime(sa.TypeDecorator[datetime]):
    """Aware UTC datetimes: TIMESTAMPTZ on PostgreSQL, fixed-width ISO text on SQLite."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.String(32))
        return dialect.type_descriptor(sa.DateTime(timezone=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return utc_text(value)
        if value.tzinfo is None:
            raise InputError(f"naive datetime {value.isoformat()} (a time zone is required)")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return None if value is None else parse_utc(value)


def stored_time(value: datetime, dialect_name: str) -> str | datetime:
    """What a bulk path sends to the driver for a datetime column."""
    if dialect_name == "sqlite":
        return utc_text(value)
    if value.tzinfo is None:
        raise InputError(f"naive datetime {value.isoformat()} (a time zone is required)")
    return value.astimezone(UTC)


def event_row(
    event: Event,
    recorded_at: datetime | str,
    dialect_name: str,
    payload_text: str | None = None,
) -> tuple[Any, ...]:
    """The row for `event` in EVENT_COLUMNS order (seq as given, possibly None).

    `recorded_at` may be given already converted by `stored_time` (one batch shares it).
    """
    recorded = (
        stored_time(recorded_at, dialect_name) if isinstance(recorded_at, datetime) else recorded_at
    )
    return (
        event.seq,
        event.id,
        event.type.value,
        event.source,
        event.source_id,
        stored_time(event.occurred_at, dialect_name),
        recorded,
        event.lead_id,
        event.account_id,
        event.opportunity_id,
        payload_text if payload_text is not None else dump_json(_plain(event.payload)),
        event.contract_version,
        event.caused_by,
        event.schema_version,
    )


def _plain(payload: Mapping[str, Any]) -> Any:
    """orjson takes dicts only; most payloads already are one."""
    return payload if type(payload) is dict else dict(payload)


# What the raw-driver reads select, in `stored_event`'s order.
READ_COLUMNS = ", ".join(c for c in EVENT_COLUMNS if c != "id")


def stored_event(r: Sequence[Any]) -> Event:
    """An Event from a raw driver row of READ_COLUMNS (no SQLAlchemy type processing)."""
    return Event(
        _EVENT_TYPES.get(r[1]) or EventType(r[1]),
        r[2],
        r[3],
        parse_utc(r[4]),
        r[6],
        r[7],
        r[8],
        orjson.loads(r[9]) if r[9] else {},
        r[10],
        r[11],
        int(r[12]),
        parse_utc(r[5]),
        int(r[0]),
    )


def row_event(m: Mapping[Any, Any]) -> Event:
    """An Event from a row mapping read through Core (datetimes converted by UtcDateTime)."""
    return Event(
        type=_EVENT_TYPES.get(m["type"]) or EventType(m["type"]),
        source=m["source"],
        source_id=m["source_id"],
        occurred_at=parse_utc(m["occurred_at"]),
        lead_id=m["lead_id"],
        account_id=m["account_id"],
        opportunity_id=m["opportunity_id"],
        payload=orjson.loads(m["payload"]) if m["payload"] else {},
        contract_version=m["contract_version"],
        caused_by=m["caused_by"],
        schema_version=int(m["schema_version"]),
        recorded_at=parse_utc(m["recorded_at"]),
        seq=int(m["seq"]),
    )
