"""UI strings in English and Bahasa Indonesia, and numbers, money and dates per locale.

Translations are gettext catalogues (`locale/<lang>.po`, read with Babel); an English
string without a translation is shown as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from functools import cache
from importlib import resources

from babel.dates import format_datetime
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, format_percent

LANGS: dict[str, str] = {"en": "English", "id": "Bahasa Indonesia"}
_LOCALES = {"en": "en_US", "id": "id_ID"}


def lang_or_default(lang: str | None) -> str:
    return lang if lang in LANGS else "en"


@cache
def _catalog(lang: str) -> dict[str, str]:
    if lang == "en":
        return {}
    path = resources.files("revalign.web").joinpath("locale", f"{lang}.po")
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=_LOCALES[lang])
    return {str(m.id): str(m.string) for m in catalog if m.id and m.string}


def translator(lang: str) -> Callable[[str], str]:
    table = _catalog(lang_or_default(lang))
    return lambda text: table.get(text, text)


class Formats:
    """Formatting for one language and the contract's currency."""

    def __init__(self, lang: str, currency: str) -> None:
        self.locale = _LOCALES[lang_or_default(lang)]
        self.currency = currency

    def number(self, value: float | int | Decimal | None, digits: int = 0) -> str:
        if value is None:
            return "—"
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return str(format_decimal(value, format=pattern, locale=self.locale))

    def money(self, value: float | Decimal | None) -> str:
        if value is None:
            return "—"
        # whole units: a dashboard reads Rp1.250.000 and $479,000, not the cents
        return str(format_currency(round(Decimal(str(value))), self.currency,
                                   locale=self.locale, currency_digits=False,
                                   format="¤#,##0"))  # fmt: skip

    def rate(self, value: float | None) -> str:
        if value is None:
            return "—"
        return str(format_percent(value, format="#,##0.0%", locale=self.locale))

    def when(self, value: datetime | None) -> str:
        if value is None:
            return "—"
        return str(format_datetime(value, "yyyy-MM-dd HH:mm", locale=self.locale))
