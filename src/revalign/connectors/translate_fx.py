"""FX rows (date, currency, rate[, quote]) -> fx.rate events.

`rate` is the value of one unit of `currency` in `quote` (default: the contract currency),
valid from `date` until a later rate. The key includes the rate, so a corrected rate for the
same day is a new fact and, coming later in the ledger, wins (see analytics/money.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from decimal import Decimal, InvalidOperation

from revalign.connectors import rows
from revalign.connectors.base import Context, event, explicit_id
from revalign.connectors.identity import row_key
from revalign.core.events import Event, EventType


def _rate(value: str) -> Decimal:
    try:
        parsed = Decimal(value.strip().replace(",", ""))
    except InvalidOperation:
        raise rows.RowError(f"unparseable rate {value!r}") from None
    if not parsed.is_finite() or parsed <= 0:
        raise rows.RowError(f"rate must be a positive number, got {value!r}")
    return parsed


class FxTranslator:
    kind = "fx"
    required_columns = ("date", "currency", "rate")

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def submitted(self) -> None:
        """Nothing to forget."""

    def translate(self, row: rows.Row) -> list[Event]:
        on = rows.day(rows.required(row, "date"), "date")
        currency = rows.currency(rows.required(row, "currency"))
        quote_text = rows.text(row, "quote")
        quote = rows.currency(quote_text) if quote_text else self._ctx.contract.contract.currency
        if currency == quote:
            raise rows.RowError(f"a rate from {currency} to itself")
        rate = _rate(rows.required(row, "rate"))
        payload = {"currency": currency, "quote": quote, "rate": rate, "on": on}
        key = explicit_id(row) or row_key(currency, quote, on, rate.normalize())
        at = datetime.combine(on, time(0), tzinfo=UTC)
        return [event(self._ctx, EventType.FX_RATE, key, at, payload)]
