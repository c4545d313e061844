"""What a screen shows, as the terminal shows it, and the English words that must not be on it
when the product speaks Vietnamese."""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App

WORD = re.compile(r"[^\W\d_]+")
CODE = re.compile(r"\S*\d\S*")  # desk-1, TV-CN-01, v1: data, not words
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# Words the catalog's English and the screens share with Vietnamese use: key names, units,
# acronyms the Ministry writes as they are.
SHARED = {"enter", "esc", "tab", "ctrl", "shift", "space", "cccd", "cmnd", "pin", "qr", "http",
          "https", "url", "toml", "csv", "json", "utf", "lan", "hub"}  # fmt: skip


def shown(app: App) -> str:
    """The text of the top screen's every line, as rendered (modals included)."""
    strips = app.screen._compositor.render_strips()  # the lines the terminal receives
    return "\n".join(strip.text for strip in strips)


def ascii_words(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(CODE.sub(" ", text)) if w.isascii() and len(w) >= 3}


@cache
def english_words() -> frozenset[str]:
    """Every word of the catalog's English messages that its Vietnamese never uses."""
    from i18n.catalog import read_catalog

    english: set[str] = set()
    vietnamese: set[str] = set()
    for message in read_catalog("vi"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        for source in ids:
            english |= ascii_words(PLACEHOLDER.sub(" ", str(source)))
        for translation in strings:
            vietnamese |= ascii_words(PLACEHOLDER.sub(" ", str(translation or "")))
    return frozenset(english - vietnamese - SHARED)


def english_on(text: str) -> set[str]:
    """The English words (of the catalog's) in this text."""
    return ascii_words(text) & english_words()
