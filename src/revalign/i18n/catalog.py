"""Message catalogues: gettext .po files shipped as package data, read at run time.

The .po files are the source of truth (no compile step, no .mo in the repository): Babel
reads one into a catalogue, writes it to an in-memory .mo and gettext loads that, once
per language. English is the msgid language, so its catalogue only lists the messages.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from revalign.errors import InputError

Lang = Literal["en", "id"]
LANGUAGES: tuple[Lang, ...] = ("en", "id")
DOMAIN = "revalign"


def check_lang(lang: str, option: str = "--lang") -> Lang:
    """`lang` as a supported language, or a user error naming the choices."""
    if lang not in LANGUAGES:
        raise InputError(f"{option} {lang!r}: choose one of {', '.join(LANGUAGES)}")
    return "en" if lang == "en" else "id"


def po_text(lang: Lang) -> str:
    """The .po source of a language's catalogue."""
    files = resources.files("revalign.i18n") / "locales" / lang / "LC_MESSAGES"
    return (files / f"{DOMAIN}.po").read_text(encoding="utf-8")


def read_catalog(lang: Lang) -> Catalog:
    """The parsed catalogue of a language (msgid → translation)."""
    return read_po(io.StringIO(po_text(lang)), locale=lang, domain=DOMAIN)


@dataclass(frozen=True)
class Translator:
    """gettext for one language: `gettext` (alias `_`) and `ngettext`."""

    lang: Lang
    translations: Translations

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def __call__(self, message: str) -> str:
        return self.gettext(message)


@cache
def translator(lang: str = "en") -> Translator:
    """The translator of `lang` ("en" or "id"); an unknown language is a user error."""
    code = check_lang(lang)
    buffer = io.BytesIO()
    write_mo(buffer, read_catalog(code))
    buffer.seek(0)
    return Translator(code, Translations(fp=buffer, domain=DOMAIN))
