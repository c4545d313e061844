"""The product's language: gettext catalogs (managed with Babel), the language in use, and
dates and numbers as its locale writes them.

Source strings are English and are the message ids; `vi` is the default language and has a
complete catalog (`i18n/locale/vi/LC_MESSAGES/vaxdesk.po`, compiled to `.mo` by
`scripts/i18n compile`; a test checks the `.mo` is current). English needs no catalog: a
message without a translation is its own id.

Mark a string with `_()` where it is shown, `ngettext()` where a number decides its form, and
`N_()` where it is defined long before it is shown (class attributes, tables): the text is
looked up when it is shown, in the language of that moment.
"""

from __future__ import annotations

import gettext as _gettext
from datetime import date, datetime, time
from pathlib import Path

DOMAIN = "vaxdesk"
LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT_LANGUAGE = "vi"
LANGUAGES: dict[str, str] = {"vi": "Tiếng Việt", "en": "English"}
BABEL_LOCALES = {"vi": "vi_VN", "en": "en_GB"}  # en_GB: day before month, as in Viet Nam


class UnknownLanguage(ValueError):
    """A language with no catalog; its text names the ones there are."""

    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__(
            _("unknown language '{text}': available {languages}").format(
                text=text, languages=", ".join(LANGUAGES)
            )
        )


def parse_language(text: str) -> str:
    """`vi`, `VI`, `vi_VN.UTF-8`, `vi-VN` → `vi`; a language with no catalog is refused."""
    code = text.strip().replace("-", "_").split(".")[0].split("_")[0].lower()
    if code not in LANGUAGES:
        raise UnknownLanguage(text)
    return code


def _load(code: str) -> _gettext.NullTranslations:
    if code == "en":
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, LOCALE_DIR, [code])


_current = DEFAULT_LANGUAGE
_translations: _gettext.NullTranslations = _gettext.NullTranslations()
_loaded = False


def set_language(text: str) -> str:
    """Speak this language from now on (the whole process: one desk, one language)."""
    global _current, _translations, _loaded
    code = parse_language(text)
    _current, _translations, _loaded = code, _load(code), True
    return code


def language() -> str:
    return _current


def _active() -> _gettext.NullTranslations:
    global _translations, _loaded
    if not _loaded:
        _translations, _loaded = _load(_current), True
    return _translations


def gettext(message: str) -> str:
    return _active().gettext(message) if message else message


_ = gettext


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a message for `count` (Vietnamese has one; English two)."""
    return _active().ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Marks a message for the catalog where it is defined; `_()` translates it where shown."""
    return message


def Nn_(singular: str, plural: str) -> tuple[str, str]:
    """Marks a plural message where it is defined; `ngettext(*marked, count)` where shown."""
    return singular, plural


def _locale() -> str:
    return BABEL_LOCALES[_current]


# Babel's short Vietnamese date is 15/8/92: the Ministry's forms write dd/mm/yyyy.
DATE_PATTERN = "dd/MM/yyyy"
TIME_PATTERN = "HH:mm"


def format_date(value: date) -> str:
    """15/08/1992, in both languages; machines (exports, the wire) keep ISO dates."""
    from babel.dates import format_date as babel_date

    return str(babel_date(value, DATE_PATTERN, locale=_locale()))


def format_time(value: time | datetime) -> str:
    """09:05: the 24-hour clock, in both languages."""
    from babel.dates import format_time as babel_time

    return str(babel_time(value, TIME_PATTERN, locale=_locale()))


def format_number(value: int | float) -> str:
    """1.234 in Vietnamese, 1,234 in English (Babel's locale data)."""
    from babel.numbers import format_decimal

    return str(format_decimal(value, locale=_locale()))


def format_percent(value: float) -> str:
    from babel.numbers import format_percent as babel_percent

    return str(babel_percent(value, locale=_locale()))
