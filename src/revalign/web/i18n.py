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


# English labels of the keys pages show (metric, dimension, component and role names)
LABELS: dict[str, str] = {
    "leads": "Leads", "mqls": "MQLs", "sals": "SALs", "sqls": "SQLs",
    "opportunities": "Opportunities", "won_deals": "Won deals", "rejections": "Rejections",
    "pipeline_value": "Open pipeline", "won_revenue": "Won revenue",
    "marketing_sourced_revenue": "Marketing-sourced revenue", "mql_to_sql_rate": "MQL→SQL",
    "sal_acceptance_rate": "SAL acceptance", "cost_per_sql": "Cost per SQL",
    "sal_reviewed": "SAL decisions", "closed_deals": "Closed deals", "won_leads": "Won leads",
    "lead_aging_0_7": "0–7 days", "lead_aging_8_14": "8–14 days",
    "lead_aging_15_30": "15–30 days", "lead_aging_31_plus": "31+ days",
    "sla_met": "SLA clocks met", "sla_resolved": "SLA clocks settled",
    "sla": "SLA compliance", "shared": "Shared metrics", "coverage": "Coverage in band",
    "nps": "Cross-team NPS", "sales_manager": "sales manager",
    "channel": "Channel", "campaign": "Campaign", "segment": "Segment", "team": "Team",
    "rep": "Rep", "month": "Month",
}  # fmt: skip


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
    """A gettext-like function: the key's English label, translated when a translation exists."""
    table = _catalog(lang_or_default(lang))

    def gettext(text: str) -> str:
        english = LABELS.get(text, text)
        return table.get(text) or table.get(english) or english

    return gettext


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
