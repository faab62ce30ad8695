"""Read CSV / JSONL files row by row, and parse the values in a row.

Readers stream: one row at a time with its original row number, never the whole file.
Parsers raise `RowError(reason)`; the ingest loop turns that into a line in the rejects file.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any, Literal

from revalign.errors import InputError

Format = Literal["csv", "jsonl"]
Row = dict[str, Any]

_EXTENSIONS: dict[str, Format] = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
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
    values: Row
    raw: str | None = None  # the original text, when the row could not be parsed at all


def detect_format(path: Path, explicit: str | None = None) -> Format:
    """The file format from `--format` or the extension (.csv, .jsonl, .ndjson)."""
    if explicit:
        name = explicit.lower()
        if name not in ("csv", "jsonl"):
            raise InputError(f"unknown format {explicit!r} (use csv or jsonl)")
        return "csv" if name == "csv" else "jsonl"
    found = _EXTENSIONS.get(path.suffix.lower())
    if found is None:
        raise InputError(f"{path}: cannot tell the format from {path.suffix!r}; pass --format")
    return found


class ByteCounter(io.RawIOBase):
    """A raw reader that counts the bytes read so far (for progress bars over streamed files)."""

    def __init__(self, raw: io.FileIO) -> None:
        self._raw = raw
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self._raw.readinto(buffer) or 0
        self.bytes_read += n
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


def open_text(path: Path) -> tuple[IO[str], ByteCounter]:
    """Open as UTF-8 text (an Excel BOM is dropped) with a byte counter; missing: InputError."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    counter = ByteCounter(io.FileIO(path, "r"))
    return io.TextIOWrapper(io.BufferedReader(counter), encoding="utf-8-sig", newline=""), counter


def csv_rows(handle: IO[str], path: Path) -> tuple[list[str], Iterator[NumberedRow]]:
    """The header and the data rows of a CSV file; a file with no header is an InputError."""
    reader = csv.reader(handle)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InputError(f"{path}: empty file (no header row)") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a readable CSV file ({exc})") from exc
    if not any(header) or len(set(header)) != len(header):
        raise InputError(f"{path}: the header row must name each column once: {header}")

    def rows() -> Iterator[NumberedRow]:
        number = 1
        try:
            for cells in reader:
                number += 1
                if not any(c.strip() for c in cells):
                    continue  # blank line
                values: Row = dict(zip(header, cells, strict=False))
                if len(cells) > len(header):
                    values["__extra__"] = cells[len(header) :]
                yield NumberedRow(number, values)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise InputError(f"{path}: unreadable near row {number + 1} ({exc})") from exc

    return header, rows()


def jsonl_rows(handle: IO[str], path: Path) -> Iterator[NumberedRow]:
    """One JSON object per line; a line that is not an object becomes a row with `raw` set."""
    number = 0
    try:
        for line in handle:
            number += 1
            text = line.strip()
            if not text:
                continue
            try:
                value = json.loads(text)
            except json.JSONDecodeError:
                if number == 1:
                    raise InputError(f"{path}: line 1 is not JSON; is this a JSONL file?") from None
                yield NumberedRow(number, {}, raw=text)
                continue
            if isinstance(value, dict):
                yield NumberedRow(number, value)
            else:
                yield NumberedRow(number, {}, raw=text)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not a UTF-8 text file ({exc})") from exc


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
