"""Money in reports: exchange rates, conversion to the reporting currency, exclusions.

The rule (docs/metrics.md, "Money"): an amount in currency X dated D is reported in the
contract currency C at the latest `fx.rate` X→C dated on or before D (for two rates of one
day, the later in ledger order: a correction wins); without one, at the contract's standing
rate `fx.rates.X`; without that it is **excluded**: left out of the sum and reported beside
it with its currency, count and total. An amount in C is itself. Nothing is summed as if it
were another currency.

Converted amounts are Decimal, rounded half-even to `SCALE` (6) places: the scale of the
engines' DECIMAL(38,6) columns, so DuckDB, PostgreSQL and Spark add exactly the same numbers.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_EVEN, Context, Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from revalign.analytics.frames import Frames

SCALE = 6
_QUANTUM = Decimal(1).scaleb(-SCALE)
_CTX = Context(prec=60, rounding=ROUND_HALF_EVEN)  # 38 digits fit with room: never inexact
_CENT = Decimal("0.01")
NO_CURRENCY = "(none)"
_NO_DAY = np.iinfo(np.int64).min


def scaled(value: Decimal) -> Decimal:
    """`value` at the engines' scale (6 places, half-even)."""
    return value.quantize(_QUANTUM, context=_CTX)


def cents(value: Any) -> Decimal | None:
    """A reported money value: Decimal to 2 places (half-even); None/NaN → None."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        exact = value
    else:
        number = float(value)
        if number != number or number in (float("inf"), float("-inf")):
            return None
        exact = Decimal(repr(number))
    return exact.quantize(_CENT, context=_CTX)


@dataclass(frozen=True)
class Excluded:
    """Amounts in one currency that could not be converted (no rate): left out of a figure."""

    currency: str
    count: int
    total: Decimal

    def as_dict(self) -> dict[str, Any]:
        return {"currency": self.currency, "count": self.count, "total": plain(self.total)}


def plain(value: Decimal) -> Decimal:
    """`value` without trailing zeros and never in exponent form (50000000, not 5E+7)."""
    short = value.normalize(context=_CTX)
    exponent = short.as_tuple().exponent
    return (
        short.quantize(Decimal(1), context=_CTX)
        if isinstance(exponent, int) and exponent > 0
        else short
    )


def describe(items: Iterable[Excluded]) -> str:
    """'2 IDR amounts (50000000 IDR)' for notes under tables."""
    return ", ".join(
        f"{e.count} {e.currency} amount{'s' if e.count != 1 else ''} "
        f"({plain(e.total):,f} {e.currency})"
        for e in items
    )


class FxTable:
    """Rates to one quote currency: dated ones (from fx.rate events) and standing ones."""

    def __init__(
        self,
        quote: str,
        dated: Mapping[str, Iterable[tuple[int, Decimal]]] | None = None,
        standing: Mapping[str, Decimal] | None = None,
    ) -> None:
        self.quote = quote
        self._days: dict[str, list[int]] = {}
        self._rates: dict[str, list[Decimal]] = {}
        for currency, rows in (dated or {}).items():
            by_day = dict(rows)  # later rows of the same day win (ledger order)
            days = sorted(by_day)
            self._days[currency] = days
            self._rates[currency] = [by_day[d] for d in days]
        self.standing = dict(standing or {})

    @classmethod
    def from_frame(
        cls, fx: pd.DataFrame, quote: str, standing: Mapping[str, Decimal] | None = None
    ) -> FxTable:
        """From the frames' `fx` table (currency, quote, on, rate), keeping rates to `quote`."""
        mine = fx[fx["quote"] == quote]
        dated: dict[str, list[tuple[int, Decimal]]] = {}
        days = day_numbers(mine["on"])
        for currency, day, rate in zip(mine["currency"], days, mine["rate"], strict=True):
            dated.setdefault(str(currency), []).append((int(day), rate))
        return cls(quote, dated, standing)

    def rate(self, currency: str, day: int) -> Decimal | None:
        """The rate of `currency` for day number `day` (days since 1970-01-01), or None."""
        if currency == self.quote:
            return Decimal(1)
        days = self._days.get(currency)
        if days and day != _NO_DAY:
            i = bisect_right(days, day) - 1
            if i >= 0:
                return self._rates[currency][i]
        return self.standing.get(currency)

    def convert(self, amounts: pd.Series, currencies: pd.Series, days: pd.Series) -> pd.Series:
        """Each amount in the quote currency at its day's rate; None when it has no rate."""
        out: list[Decimal | None] = []
        day_nums = day_numbers(days)
        for amount, currency, day in zip(amounts, currencies, day_nums, strict=True):
            if missing(amount):
                out.append(None)
                continue
            rate = self.rate(str(currency), int(day)) if isinstance(currency, str) else None
            out.append(None if rate is None else scaled(_CTX.multiply(amount, rate)))
        return pd.Series(out, index=amounts.index, dtype=object)


def missing(value: Any) -> bool:
    """None, pd.NA or NaN: no amount."""
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def day_numbers(stamps: pd.Series) -> np.ndarray:
    """Days since 1970-01-01 (UTC) of tz-aware timestamps; NaT → int64 min."""
    naive = stamps.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[us]")
    out: np.ndarray = naive.astype("datetime64[D]").astype(np.int64)
    out[np.isnat(naive)] = _NO_DAY
    return out


def exclusions(amounts: pd.Series, currencies: pd.Series, reported: pd.Series) -> list[Excluded]:
    """The amounts that have a value but no reported value, per currency (sorted)."""
    totals: dict[str, tuple[int, Decimal]] = {}
    for amount, currency, value in zip(amounts, currencies, reported, strict=True):
        if missing(amount) or not missing(value):
            continue
        code = currency if isinstance(currency, str) else NO_CURRENCY
        n, total = totals.get(code, (0, Decimal(0)))
        totals[code] = (n + 1, total + amount)
    return [Excluded(c, n, t) for c, (n, t) in sorted(totals.items())]


def decimal_sum(values: Iterable[Any]) -> Decimal:
    """Exact sum of the Decimal values, skipping None."""
    return sum((v for v in values if not missing(v)), Decimal(0))


def convert_frames(
    frames: Frames, currency: str, standing: Mapping[str, Decimal] | None = None
) -> Frames:
    """The frames with `report_amount` filled in `currency` (None where no rate applies).

    Dates: an opportunity converts at its close (else its creation), a cost at its period
    start, a forecast when it was submitted.
    """
    fx = FxTable.from_frame(frames.fx, currency, standing)
    opps, costs, fcs = frames.opportunities, frames.costs, frames.forecasts
    opp_day = opps["closed_at"].fillna(opps["created_at"])
    return replace(
        frames,
        opportunities=_with_report(opps, fx, opp_day),
        costs=_with_report(costs, fx, costs["period_start"]),
        forecasts=_with_report(fcs, fx, fcs["submitted_at"]),
    )


def _with_report(table: pd.DataFrame, fx: FxTable, days: pd.Series) -> pd.DataFrame:
    out = table.copy(deep=False)
    same = (table["currency"] == fx.quote).fillna(False).to_numpy(dtype=bool)
    if same.all():  # the common case: one currency, no rate to look up
        values = [None if missing(a) else scaled(a) for a in table["amount"]]
        out["report_amount"] = pd.Series(values, index=table.index, dtype=object)
    else:
        out["report_amount"] = fx.convert(table["amount"], table["currency"], days)
    return out
