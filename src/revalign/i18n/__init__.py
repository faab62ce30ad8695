"""Languages and money: message catalogues (en, id) and locale-aware formatting.

`translator(lang)` gives the gettext functions for a language; `format_money`,
`format_number`, `format_percent` and `format_date` format per locale with Babel's CLDR
data (IDR in Bahasa Indonesia: `Rp1.250.000`). A value that is None prints as "—".
"""

from revalign.i18n.catalog import LANGUAGES, Lang, Translator, check_lang, translator
from revalign.i18n.formats import (
    NULL,
    currency_symbol,
    d3_format_locale,
    format_date,
    format_datetime,
    format_money,
    format_number,
    format_percent,
)

__all__ = [
    "LANGUAGES",
    "NULL",
    "Lang",
    "Translator",
    "check_lang",
    "currency_symbol",
    "d3_format_locale",
    "format_date",
    "format_datetime",
    "format_money",
    "format_number",
    "format_percent",
    "translator",
]
