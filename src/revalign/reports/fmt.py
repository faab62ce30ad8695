"""Cell values as text in the report's language (Markdown, HTML, PDF) or as plain values
(CSV: machine-readable, the same in every language)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from revalign.i18n import (
    NULL,
    format_date,
    format_money,
    format_number,
    format_percent,
)


@dataclass(frozen=True)
class Fmt:
    lang: str
    currency: str

    def money(self, value: Any, whole: bool = True) -> str:
        return format_money(_number(value), self.currency, self.lang, whole=whole)

    def pct(self, value: Any, digits: int = 1) -> str:
        return format_percent(_number(value), self.lang, digits)

    def num(self, value: Any, digits: int | None = None) -> str:
        return format_number(_number(value), self.lang, digits)

    def count(self, value: Any) -> str:
        return format_number(_number(value), self.lang, 0)

    def day(self, value: Any) -> str:
        if isinstance(value, str):
            value = date.fromisoformat(value[:10])
        return format_date(value, self.lang)

    def cell(self, value: Any, kind: str) -> str:
        """A table cell as the reader sees it; None is the dash, never 0."""
        if value is None:
            return NULL
        if kind == "money":
            return self.money(value)
        if kind == "rate":
            return self.pct(value)
        if kind == "count":
            return self.count(value)
        if kind in ("number", "days", "hours"):
            return self.num(value, 1)
        if kind == "date":
            return self.day(value)
        return str(value)


def _number(value: Any) -> int | float | Decimal | None:
    if value is None or isinstance(value, int | float | Decimal):
        return value
    return Decimal(str(value))


def plain(value: Any) -> str:
    """A CSV cell: ISO dates, Decimal as written, None as empty."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")))
    if isinstance(value, float):
        return f"{value:.6g}" if abs(value) < 1e6 else f"{value:.2f}"
    if isinstance(value, list | tuple):
        return ";".join(plain(v) for v in value)
    return str(value)
