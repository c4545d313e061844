"""Reference tables shipped as data files (with a version), loaded once."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from domain.text import fold


def _load(name: str) -> dict:
    return tomllib.loads(files("domain").joinpath("data", name).read_text("utf-8"))


@cache
def cccd_province_codes() -> dict[str, str]:
    """The 63 birth-registration province codes of the CCCD, '001' -> 'Hà Nội'."""
    return dict(_load("cccd_provinces.toml")["codes"])


@dataclass(frozen=True)
class Vaccine:
    code: str
    name: str
    primary_doses: int
    min_interval_days: int
    booster_interval_days: int
    given_elsewhere_only: bool = False  # imported from certificates, never given here


@dataclass(frozen=True)
class VaccineTable:
    version: str
    vaccines: tuple[Vaccine, ...]

    def by_code(self, code: str) -> Vaccine | None:
        code = code.strip().upper()
        return next((v for v in self.vaccines if v.code == code), None)

    def resolve(self, text: str) -> Vaccine | None:
        """A code, or the unique vaccine whose code or a word of whose name starts with the text."""
        if exact := self.by_code(text):
            return exact
        key = fold(text)
        if not key:
            return None
        hits = [
            v
            for v in self.vaccines
            if not v.given_elsewhere_only
            and (
                fold(v.code).startswith(key)
                or any(word.startswith(key) for word in re.split(r"[^a-z0-9]+", fold(v.name)))
            )
        ]
        return hits[0] if len(hits) == 1 else None

    def choices(self) -> list[str]:
        return [v.code for v in self.vaccines if not v.given_elsewhere_only]


@cache
def vaccine_table() -> VaccineTable:
    data = _load("vaccines.toml")
    return VaccineTable(
        version=str(data["version"]),
        vaccines=tuple(Vaccine(**entry) for entry in data["vaccine"]),
    )
