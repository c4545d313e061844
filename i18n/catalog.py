"""The catalogs as files: extract the marked strings from the source, merge them into each
language's `.po`, compile the `.mo` the product reads. `scripts/i18n` runs these; the tests use
them to check the catalogs are complete and current."""

from __future__ import annotations

import io
import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

from i18n import DOMAIN, LOCALE_DIR

ROOT = LOCALE_DIR.parent.parent
SOURCES = ("i18n", "domain", "dbkit", "store", "scanner", "sync", "hub", "desk", "printing", "tui",
           "vaxdesk")
# N_ marks a message defined far from where it is shown; Nn_ a plural one (singular, plural).
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "Nn_": (1, 2)}
TRANSLATED = ("vi",)
PLACEHOLDER = re.compile(r"\{([a-z_]*)[^{}]*\}")


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(language: str) -> Path:
    return po_path(language).with_suffix(".mo")


def extract() -> Catalog:
    """Every marked message of the product's source, with the files it comes from."""
    template = Catalog(project="vaxdesk", domain=DOMAIN, charset="utf-8")
    for source in SOURCES:
        folder = ROOT / source
        found = extract_from_dir(
            str(folder),
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
            comment_tags=("TRANSLATORS:",),
            strip_comment_tags=True,
        )
        for filename, _lineno, message, comments, context in found:
            template.add(
                message,
                locations=[(f"{source}/{filename}", None)],  # type: ignore[list-item]  # no line numbers: quiet diffs
                auto_comments=comments,
                context=context,
            )
    return template


def untranslated(catalog: Catalog) -> list[str | tuple[str, ...]]:
    """The message ids still to translate (no translation, or a fuzzy guess); a plural
    message's id is its (singular, plural)."""
    return [
        tuple(message.id) if isinstance(message.id, list | tuple) else message.id
        for message in catalog
        if message.id and (message.fuzzy or not all(_strings(message.string)))
    ]


def _strings(string: object) -> tuple[str, ...]:
    return tuple(string) if isinstance(string, tuple | list) else (str(string or ""),)


def read_catalog(language: str) -> Catalog:
    with po_path(language).open("rb") as file:
        return read_po(file, locale=language, domain=DOMAIN)


def write_catalog(catalog: Catalog, language: str) -> None:
    path = po_path(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file:
        write_po(file, catalog, width=100, sort_output=True, include_lineno=False)


def update(language: str) -> Catalog:
    """The language's catalog with every message extracted now: new ones untranslated, gone
    ones dropped, changed ones fuzzy."""
    template = extract()
    if po_path(language).exists():
        catalog = read_catalog(language)
    else:
        catalog = Catalog(locale=language, domain=DOMAIN, project="vaxdesk", fuzzy=False)
    catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
    catalog.obsolete.clear()
    write_catalog(catalog, language)
    return catalog


def compiled(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def compile_catalog(language: str) -> None:
    mo_path(language).write_bytes(compiled(read_catalog(language)))


def compiled_messages(language: str) -> dict[object, object]:
    """What the shipped `.mo` holds, message id → translation."""
    with mo_path(language).open("rb") as file:
        catalog = read_mo(file)
    return {_key(message.id): _key(message.string) for message in catalog if message.id}


def _key(value: object) -> object:
    """A plural message's id and forms as the .po reader gives them: tuples, not lists."""
    return tuple(value) if isinstance(value, list) else value


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))
