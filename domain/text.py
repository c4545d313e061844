"""Text helpers: normalising names, folding for search, masking personal data."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def clean_text(text: str) -> str:
    """NFC-normalise, drop control characters, fold runs of white space, trim."""
    text = nfc(text)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch in " \t")
    return _SPACES.sub(" ", text).strip()


def has_control_characters(text: str) -> bool:
    """Control, format or unassigned characters: never in a field a person typed or scanned."""
    return any(unicodedata.category(ch)[0] == "C" for ch in text)


def fold(text: str) -> str:
    """Lower-case without diacritics, for search and matching ('Đắk Lắk' -> 'dak lak')."""
    text = clean_text(text).lower().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def mask(value: str, keep: int = 4) -> str:
    """'079092001234' -> '********1234': enough to tell people apart, not to identify."""
    value = value.strip()
    if not value:
        return ""
    if len(value) <= keep:
        return "*" * len(value)
    return "*" * (len(value) - keep) + value[-keep:]


def mask_phone(value: str) -> str:
    return mask(value, keep=3)
