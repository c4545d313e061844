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
        """A code, a whole name (either language, diacritics ignored), or the one symptom
        whose name starts with the text."""
        key = fold(text)
        if not key:
            return None
        for symptom in self.symptoms:
            if key in (symptom.code, fold(symptom.vi), fold(symptom.en)):
                return symptom
        hits = [s for s in self.symptoms
                if s.code.startswith(key.replace(" ", "_")) or fold(s.vi).startswith(key)
                or fold(s.en).startswith(key)]  # fmt: skip
        return hits[0] if len(hits) == 1 else None

    def complete(self, typed: str) -> str | None:
        """The first name (in the language in use) that starts with what was typed, written
        as typed and then as the name goes on: `kho t` → `kho thở`."""
        key = fold(typed)
        if not key:
            return None
        for symptom in self.symptoms:
            name = symptom.name
            if fold(name).startswith(key) and len(fold(name)) > len(key):
                return typed + name[len(key) :]
        return None

    def names(self, codes: tuple[str, ...]) -> str:
        """The symptoms' names in the language in use, comma between."""
        return ", ".join(s.name if (s := self.by_code(c)) else c for c in codes)


@cache
def symptom_list() -> SymptomList:
    data = tomllib.loads(files("domain").joinpath("data", "aefi_symptoms.toml").read_text("utf-8"))
    return SymptomList(str(data["version"]), tuple(Symptom(**s) for s in data["symptom"]))
