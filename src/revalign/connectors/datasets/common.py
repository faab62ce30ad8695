"""Helpers every dataset adapter shares: locating files, dates, money, stable ids."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pandas as pd

from revalign.core.events import Event
from revalign.errors import InputError

# Dataset people have no real address; `.invalid` is reserved (RFC 2606) so it never mails anyone.
EMAIL_DOMAIN = "dataset.invalid"
UNKNOWN_CHANNEL = "unknown"


def locate(path: Path, filename: str) -> Path:
    """The dataset file `filename`, given its folder or the file itself."""
    path = Path(path)
    if path.is_dir():
        path = path / filename
    if not path.is_file():
        raise InputError(f"dataset file not found: {path} (expected {filename})")
    return path


def read_csv(path: Path) -> pd.DataFrame:
    """Read a dataset CSV with every column as text (values are parsed where used)."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=True)
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from exc


def text(value: Any) -> str | None:
    """A stripped string, or None for empty / NaN."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    out = str(value).strip()
    return out or None


def utc_datetime(value: Any) -> datetime | None:
    """Parse a date or timestamp written without a zone; the datasets state none, so UTC."""
    raw = text(value)
    if raw is None:
        return None
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise InputError(f"bad date {raw!r}") from exc
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def money(value: Any) -> Decimal:
    """A non-negative Decimal amount from text; empty means 0."""
    raw = text(value)
    if raw is None:
        return Decimal(0)
    try:
        amount = Decimal(raw)
    except InvalidOperation as exc:
        raise InputError(f"bad amount {raw!r}") from exc
    if amount < 0 or not amount.is_finite():
        raise InputError(f"bad amount {raw!r}")
    # `0.0` and `1054` both become plain decimal strings without exponent noise.
    return amount.quantize(Decimal("0.01"))


def dataset_email(dataset: str, record_id: str) -> str:
    return f"{record_id.lower()}@{dataset}.{EMAIL_DOMAIN}"


@dataclass(frozen=True)
class Rejected:
    """A dataset record that could not be translated, with the reason."""

    record: str
    reason: str


def guarded(record: str, build: Callable[[], list[Event]]) -> Iterator[Event | Rejected]:
    """The record's events, or one `Rejected` if it cannot be translated."""
    try:
        yield from build()
    except InputError as exc:
        yield Rejected(record, str(exc))


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows as column → value dicts (column names are strings in every dataset)."""
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict("records")]
