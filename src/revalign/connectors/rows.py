"""A row as read, and the parsers of the values in a row.

Parsers raise `RowError(reason)`; the ingest loop turns that into a line in the rejects file.
The readers (CSV, JSONL, Excel) are in `readers.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

Row = dict[str, Any]

_EMAIL = re.compile(r"^[a-z0-9._%+'-]+@([a-z0-9-]+\.)+[a-z]{2,}$")
_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
_BAND = re.compile(r"^(\d+)\s*-\s*(\d+)$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


class RowError(ValueError):
    """One row cannot be translated; the message is the reason written to the rejects file."""


@dataclass(frozen=True, slots=True)
class NumberedRow:
    """A row as read: its 1-based row number in the file (CSV header = row 1) and its values."""

    number: int
    values: Row  # keyed by the file's own column names (see headers.py for ours)
    raw: str | None = None  # the original text, when the row could not be parsed at all
    error: str | None = None  # why the row cannot be read (e.g. bytes not in the encoding)


# --- value parsers -------------------------------------------------------------------------


def text(row: Row, column: str) -> str | None:
    """The stripped value of `column`, or None when absent or blank."""
    value = row.get(column)
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return str(value)


def required(row: Row, column: str) -> str:
    value = text(row, column)
    if value is None:
        raise RowError(f"missing {column}")
    return value


def email(value: str) -> str:
    """A lowercased, plausibly valid email address."""
    cleaned = value.strip().lower()
    if not _EMAIL.match(cleaned) or ".." in cleaned:
        raise RowError(f"invalid email {value!r}")
    return cleaned


def timestamp(value: str, column: str) -> datetime:
    """ISO 8601 date or date-time; naive values are taken as UTC."""
    try:
        parsed = datetime.fromisoformat(value.strip().replace(" ", "T", 1))
    except ValueError:
        raise RowError(f"unparseable {column} {value!r} (use ISO 8601)") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def day(value: str, column: str) -> date:
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise RowError(f"unparseable {column} {value!r} (use YYYY-MM-DD)") from None


def amount(value: str, column: str = "amount") -> Decimal:
    """A non-negative decimal; "1,250.50" is accepted, "1.250,50" is not (ambiguous)."""
    cleaned = value.strip().replace(" ", "")
    if _THOUSANDS.match(cleaned):
        cleaned = cleaned.replace(",", "")
    try:
        parsed = Decimal(cleaned)
    except InvalidOperation:
        raise RowError(f"unparseable {column} {value!r}") from None
    if not parsed.is_finite():
        raise RowError(f"unparseable {column} {value!r}")
    if parsed < 0:
        raise RowError(f"negative {column} {value!r}")
    return parsed


def currency(value: str) -> str:
    """A three-letter ISO 4217 code, upper-cased."""
    code = value.strip().upper()
    if not _CURRENCY.match(code):
        raise RowError(f"unknown currency format {value!r} (use a 3-letter code like USD)")
    return code


def count(value: str, column: str) -> int:
    """A non-negative whole number; a band like "51-200" gives its midpoint."""
    cleaned = value.strip().replace(",", "")
    band = _BAND.match(cleaned)
    if band:
        return (int(band.group(1)) + int(band.group(2))) // 2
    try:
        number = Decimal(cleaned.rstrip("+"))
    except InvalidOperation:
        raise RowError(f"unparseable {column} {value!r}") from None
    if not number.is_finite() or number < 0 or number != number.to_integral_value():
        raise RowError(f"{column} must be a whole number >= 0, got {value!r}")
    return int(number)


def listing(value: Any) -> list[str]:
    """A semicolon-separated text (or a JSON list) as a list of non-blank strings."""
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(";") if part.strip()]
