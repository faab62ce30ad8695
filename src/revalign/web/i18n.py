"""The dashboard's strings and formats, from the shared catalogues (`revalign.i18n`, en/id).

Pages show some keys (metric, dimension and component names); `LABELS` gives their English
label, which is the msgid the catalogues translate.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from revalign.i18n import LANGUAGES, format_datetime, format_money, format_number, format_percent
from revalign.i18n import translator as catalog

LANGS: dict[str, str] = {"en": "English", "id": "Bahasa Indonesia"}
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
    "sla_compliance_sales": "SLA compliance, sales",
    "sla_compliance_marketing": "SLA compliance, marketing",
    "sla": "SLA compliance", "shared": "Shared metrics", "coverage": "Coverage in band",
    "nps": "Cross-team NPS",
    "admin": "Admin", "revops": "RevOps", "marketing": "Marketing",
    "sales_manager": "Sales manager", "rep": "Rep", "viewer": "Viewer", "sales": "Sales",
    "channel": "Channel", "campaign": "Campaign", "segment": "Segment", "team": "Team",
    "month": "Month", "lead": "Lead", "opportunity": "Opportunity", "clock": "SLA clock",
}  # fmt: skip


def lang_or_default(lang: str | None) -> str:
    return lang if lang in LANGUAGES else "en"


def translator(lang: str) -> Callable[[str], str]:
    """gettext for the page: a key's English label, then its translation."""
    tr = catalog(lang_or_default(lang))
    return lambda text: tr(LABELS.get(text, text))


class Formats:
    """Numbers, money and moments the way the language writes them, in the contract currency."""

    def __init__(self, lang: str, currency: str) -> None:
        self.lang = lang_or_default(lang)
        self.currency = currency

    def number(self, value: float | int | Decimal | None, digits: int = 0) -> str:
        return format_number(value, self.lang, digits)

    def money(self, value: float | Decimal | None) -> str:
        # whole units: a dashboard reads Rp1.250.000 and $479,000, not the cents
        return format_money(value, self.currency, self.lang, whole=True)

    def rate(self, value: float | None) -> str:
        return format_percent(value, self.lang)

    def when(self, value: datetime | None) -> str:
        return format_datetime(value, self.lang, "short")
