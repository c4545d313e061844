"""The language machinery: the catalogs are complete and current, languages parse, and dates
and numbers are written as each locale writes them."""

from __future__ import annotations

from datetime import date, datetime

import pytest

import i18n
from i18n.catalog import (
    compiled,
    compiled_messages,
    extract,
    placeholders,
    read_catalog,
    untranslated,
)


@pytest.fixture(scope="module")
def extracted() -> set[object]:
    """Message ids: text, or a plural message's (singular, plural)."""
    return {message.id for message in extract() if message.id}


def forms(text: object) -> tuple[str, ...]:
    return tuple(text) if isinstance(text, tuple | list) else (str(text or ""),)


def test_every_message_of_the_source_has_a_vietnamese_translation(
    extracted: set[object],
) -> None:
    catalog = read_catalog("vi")
    in_catalog = {message.id for message in catalog if message.id}
    missing = sorted(map(str, extracted - in_catalog))
    assert not missing, f"not in vi.po (run scripts/i18n update): {missing[:10]}"
    todo = [message for message in untranslated(catalog) if message in extracted]
    assert not todo, f"{len(todo)} untranslated or fuzzy in vi.po: {todo[:10]}"


def test_translations_keep_every_placeholder() -> None:
    for message in read_catalog("vi"):
        if not message.id or not message.string:
            continue
        expected = set().union(*(placeholders(text) for text in forms(message.id)))
        for text in forms(message.string):
            assert placeholders(text) == expected, (message.id, text)


def test_the_shipped_catalog_is_compiled_from_the_current_po() -> None:
    catalog = read_catalog("vi")
    assert compiled(catalog), "compiles"
    wanted = {
        message.id: message.string for message in catalog if message.id and not message.fuzzy
    }
    assert compiled_messages("vi") == wanted, "run scripts/i18n compile"


@pytest.mark.parametrize(
    ("text", "code"),
    [("vi", "vi"), ("VI", "vi"), ("vi_VN.UTF-8", "vi"), ("vi-VN", "vi"), ("en", "en"),
     ("en_GB", "en"), (" en ", "en")],
)  # fmt: skip
def test_a_language_is_named_as_people_and_locales_name_it(text: str, code: str) -> None:
    assert i18n.parse_language(text) == code


@pytest.mark.parametrize("text", ["fr", "", "vietnamese", "zz_ZZ"])
def test_an_unknown_language_names_the_ones_there_are(text: str) -> None:
    with pytest.raises(i18n.UnknownLanguage) as refused:
        i18n.parse_language(text)
    assert "vi, en" in str(refused.value)


def test_vietnamese_is_the_default_and_english_is_a_choice() -> None:
    assert i18n.DEFAULT_LANGUAGE == "vi"
    i18n.set_language("vi")
    assert i18n.language() == "vi"
    assert i18n._("unknown language '{text}': available {languages}").startswith("không có")
    i18n.set_language("en")
    assert i18n._("unknown language '{text}': available {languages}").startswith("unknown")


def test_plurals_follow_the_language() -> None:
    one, many = "Not saved: {count} field to fix", "Not saved: {count} fields to fix"
    i18n.set_language("en")
    assert (i18n.ngettext(one, many, 1), i18n.ngettext(one, many, 2)) == (one, many)
    i18n.set_language("vi")  # one form for every count
    vietnamese = "Chưa lưu: {count} ô cần sửa"
    assert i18n.ngettext(one, many, 1) == i18n.ngettext(one, many, 2) == vietnamese


@pytest.mark.parametrize(
    ("language", "number", "day", "moment"),
    [("vi", "1.234.567", "05/08/1992", "09:05"), ("en", "1,234,567", "05/08/1992", "09:05")],
)
def test_dates_times_and_numbers_are_written_as_the_locale_writes_them(
    language: str, number: str, day: str, moment: str
) -> None:
    i18n.set_language(language)
    assert i18n.format_number(1234567) == number
    assert i18n.format_date(date(1992, 8, 5)) == day
    assert i18n.format_time(datetime(2026, 12, 1, 9, 5)) == moment
