"""Languages and money: catalogues complete in Bahasa Indonesia, formats per locale."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

import revalign
from revalign.errors import UserError
from revalign.i18n import (
    check_lang,
    d3_format_locale,
    format_date,
    format_money,
    format_number,
    format_percent,
    translator,
)
from revalign.i18n.catalog import read_catalog

SRC = Path(revalign.__file__).parent
# The translated parts of the package: the reports (and the web pages, when present).
TRANSLATED = ("reports", "web", "charts")
_TEMPLATES = ("**/templates/**.j2", "**/templates/**.html")
_METHODS = [("**.py", "python"), *((p, "jinja2") for p in _TEMPLATES)]
_OPTIONS = {p: {"extensions": "jinja2.ext.i18n", "trimmed": "true"} for p in _TEMPLATES}
# `t` is the reports' name for their translator (inputs.t)
_KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "t": None}


def used_msgids() -> set[str]:
    """Every literal string the translated parts pass to gettext (`_`, `t`, `ngettext`)."""
    found: set[str] = set()
    for part in TRANSLATED:
        folder = SRC / part
        if not folder.is_dir():
            continue
        for _file, _line, message, _comments, _ctx in extract_from_dir(
            str(folder), _METHODS, _OPTIONS, keywords=_KEYWORDS
        ):
            found.update([message] if isinstance(message, str) else [m for m in message if m])
    return found


def test_every_msgid_has_an_indonesian_translation() -> None:
    english = {m.id for m in read_catalog("en") if m.id}
    indonesian = {m.id: m.string for m in read_catalog("id") if m.id}
    assert english, "the English catalogue lists the messages"
    missing = sorted(m for m in english if not indonesian.get(m))
    assert missing == []
    assert set(indonesian) == english  # no stale translation either


def test_every_string_in_the_code_is_in_the_catalogue() -> None:
    listed = {m.id for m in read_catalog("en") if m.id}
    used = used_msgids()
    assert "Cost per SQL" in used  # the extractor reads the reports
    assert sorted(used - listed) == []


def test_translator_switches_language() -> None:
    assert translator("en")("Cost per SQL") == "Cost per SQL"
    assert translator("id")("Cost per SQL") == "Biaya per SQL"
    assert translator("id")("a message nobody wrote") == "a message nobody wrote"


def test_unknown_language_is_a_user_error() -> None:
    with pytest.raises(UserError, match="--lang 'fr'"):
        check_lang("fr")
    with pytest.raises(UserError):
        translator("fr")


def test_idr_in_indonesian() -> None:
    assert format_money(Decimal("1250000"), "IDR", "id") == "Rp1.250.000"
    assert format_money(1250000, "IDR", "id", whole=True) == "Rp1.250.000"


def test_usd_in_both_languages() -> None:
    assert format_money(Decimal("1250000.5"), "USD", "en") == "$1,250,000.50"
    assert format_money(Decimal("1250000.5"), "USD", "id") == "US$1.250.000,50"
    assert format_money(Decimal("1250000.5"), "USD", "en", whole=True) == "$1,250,000"


def test_numbers_percent_dates_per_locale() -> None:
    assert format_number(1234.5, "en", 1) == "1,234.5"
    assert format_number(1234.5, "id", 1) == "1.234,5"
    assert format_percent(0.4567, "en") == "45.7%"
    assert format_percent(0.4567, "id") == "45,7%"
    assert format_date(date(2026, 11, 30), "en") == "Nov 30, 2026"
    assert format_date(date(2026, 11, 30), "id") == "30 Nov 2026"


def test_null_is_a_dash_never_zero() -> None:
    assert format_money(None, "USD", "en") == "—"
    assert format_percent(None, "id") == "—"
    assert format_number(None) == "—"
    assert format_date(None) == "—"


def test_chart_locale_carries_separators_and_symbol() -> None:
    loc = d3_format_locale("id", "IDR")
    assert (loc["decimal"], loc["thousands"], loc["currency"]) == (",", ".", ["Rp", ""])
    assert d3_format_locale("en", "USD")["currency"] == ["$", ""]
