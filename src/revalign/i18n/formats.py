"""Numbers, money, percentages and dates per locale (Babel / CLDR)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

NULL = "—"  # what a value the data cannot give prints as, in every language
_LOCALES = {"en": "en_US", "id": "id_ID"}

Number = int | float | Decimal


def _locale(lang: str) -> str:
    return _LOCALES.get(lang, lang)


def format_money(
    amount: Number | None, currency: str, lang: str = "en", *, whole: bool = False
) -> str:
    """`amount` in `currency` the way `lang` writes it: `$1,250,000.00`, `Rp1.250.000`.

    `whole`: no minor units (chart labels and big totals); IDR has none anyway.
    """
    if amount is None:
        return NULL
    if whole:
        pattern = Locale.parse(_locale(lang)).currency_formats["standard"].pattern
        pattern = pattern.replace(".00", "")
        return babel_numbers.format_currency(
            round(Decimal(amount)), currency, pattern, locale=_locale(lang), currency_digits=False
        )
    return babel_numbers.format_currency(amount, currency, locale=_locale(lang))


def format_number(value: Number | None, lang: str = "en", digits: int | None = None) -> str:
    """A number with the locale's grouping and decimal sign; `digits`: fixed decimals."""
    if value is None:
        return NULL
    if digits is None:
        return babel_numbers.format_decimal(value, locale=_locale(lang))
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return babel_numbers.format_decimal(value, pattern, locale=_locale(lang))


def format_percent(value: Number | None, lang: str = "en", digits: int = 1) -> str:
    """A share (0.4567) as a percentage (`45.7%`, `45,7%`)."""
    if value is None:
        return NULL
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return babel_numbers.format_percent(value, pattern, locale=_locale(lang))


def format_date(value: date | datetime | None, lang: str = "en", style: str = "medium") -> str:
    """A calendar date (`Nov 30, 2026`, `30 Nov 2026`); a datetime prints its UTC date."""
    if value is None:
        return NULL
    day = value.date() if isinstance(value, datetime) else value
    return babel_dates.format_date(day, style, locale=_locale(lang))


def format_datetime(value: datetime | None, lang: str = "en", style: str = "medium") -> str:
    """A moment in UTC, written the locale's way."""
    if value is None:
        return NULL
    return babel_dates.format_datetime(value, style, tzinfo=None, locale=_locale(lang))


def currency_symbol(currency: str, lang: str = "en") -> str:
    """The symbol `lang` writes for `currency` (`$`, `Rp`, `US$`)."""
    return babel_numbers.get_currency_symbol(currency, _locale(lang))


def d3_format_locale(lang: str = "en", currency: str = "USD") -> dict[str, Any]:
    """A d3-format locale for Vega: the language's separators and the currency's symbol,
    so chart axes read like the tables beside them (vl-convert and vega-embed take it)."""
    loc = Locale.parse(_locale(lang))
    symbols = babel_numbers.get_decimal_symbol(loc), babel_numbers.get_group_symbol(loc)
    return {
        "decimal": symbols[0],
        "thousands": symbols[1],
        "grouping": [3],
        "currency": [currency_symbol(currency, lang), ""],
        "percent": "%",
        "minus": "-",
    }
