"""What a screen shows, as the terminal shows it, and the English that must not be on it when
the product speaks Vietnamese."""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App

WORD = re.compile(r"[^\W\d_]+")
CODE = re.compile(r"\S*\d\S*")  # desk-1, TV-CN-01, v1: data, not words
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# What Vietnamese screens write as it is: key names, acronyms, the product's name, what a
# placeholder shows ("DDMMYYYY"), "Nam" (male, as the CCCD writes it), "camera", "webcam".
ON_VIETNAMESE_SCREENS = {"enter", "esc", "tab", "ctrl", "shift", "cccd", "cmnd", "pin", "usb",
                         "camera", "webcam", "nam", "vaxdesk", "ddmmyy", "ddmmyyyy", "yyyy",
                         "utf"}  # fmt: skip


def shown(app: App) -> str:
    """The text of the top screen's every line, as rendered (modals included), and of the
    notifications on show (drawn on a layer of their own)."""
    strips = app.screen._compositor.render_strips()  # the lines the terminal receives
    toasts = [f"{note.title} {note.message}" for note in app._notifications]
    return "\n".join([*(strip.text for strip in strips), *toasts])


def ascii_words(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(CODE.sub(" ", text)) if w.isascii() and len(w) >= 3}


def _forms(value: object) -> tuple[str, ...]:
    return tuple(map(str, value)) if isinstance(value, tuple | list) else (str(value or ""),)


@cache
def english_words() -> frozenset[str]:
    """Every word of the catalog's English messages, but those Vietnamese screens write too."""
    from i18n.catalog import read_catalog

    english: set[str] = set()
    for message in read_catalog("vi"):
        for source in _forms(message.id) if message.id else ():
            english |= ascii_words(PLACEHOLDER.sub(" ", source))
    return frozenset(english - ON_VIETNAMESE_SCREENS)


@cache
def english_phrases() -> frozenset[str]:
    """The catalog's English phrases of two words or more (a message between placeholders)
    that its Vietnamese does not keep: one on screen is a message left untranslated."""
    from i18n.catalog import read_catalog

    phrases: set[str] = set()
    for message in read_catalog("vi"):
        if not message.id:
            continue
        kept = " ".join(_forms(message.string))
        for source in _forms(message.id):
            for part in PLACEHOLDER.split(source):
                part = part.strip(" .,:;·()-—'\"")
                if len(ascii_words(part)) >= 2 and part not in kept:
                    phrases.add(part)
    return frozenset(phrases)


def english_on(text: str) -> set[str]:
    """The English words (of the catalog's) and untranslated phrases in this text."""
    flat = " ".join(text.split())
    return (ascii_words(text) & english_words()) | {p for p in english_phrases() if p in flat}
