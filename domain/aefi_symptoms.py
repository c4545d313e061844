"""The symptoms an adverse event is recorded with: a versioned data table
(`domain/data/aefi_symptoms.toml`), names in Vietnamese and English."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from domain.text import fold
from i18n import language


@dataclass(frozen=True)
class Symptom:
    code: str
    vi: str
    en: str

    @property
    def name(self) -> str:
        """In the language in use."""
        return self.vi if language() == "vi" else self.en


@dataclass(frozen=True)
class SymptomList:
    version: str
    symptoms: tuple[Symptom, ...]

    def by_code(self, code: str) -> Symptom | None:
        return next((s for s in self.symptoms if s.code == code), None)

    def resolve(self, text: str) -> Symptom | None:
        """A code, or the one symptom whose code or name (either language, diacritics
        ignored) starts with the text."""
        key = fold(text).replace(" ", "_")
        if not key:
            return None
        if exact := self.by_code(key):
            return exact
        words = fold(text)
        hits = [s for s in self.symptoms
                if s.code.startswith(key) or fold(s.vi).startswith(words)
                or fold(s.en).startswith(words)]  # fmt: skip
        return hits[0] if len(hits) == 1 else None

    def complete(self, text: str) -> str | None:
        """The first code that starts with the text (completion of the last code typed)."""
        key = fold(text)
        if not key:
            return None
        return next((s.code for s in self.symptoms if s.code.startswith(key)), None)


@cache
def symptom_list() -> SymptomList:
    data = tomllib.loads(files("domain").joinpath("data", "aefi_symptoms.toml").read_text("utf-8"))
    return SymptomList(str(data["version"]), tuple(Symptom(**s) for s in data["symptom"]))
