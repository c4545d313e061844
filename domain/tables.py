"""Reference tables shipped as data files (with a version), loaded once."""

from __future__ import annotations

import re
import tomllib
from calendar import monthrange
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files

from domain.dates import PartialDate
from domain.errors import DeskError, FieldError
from domain.text import fold
from i18n import language


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
    programme: str
    primary_doses: int
    min_interval_days: int
    booster_interval_days: int
    intervals_days: tuple[int, ...] = ()  # after dose 1, 2, ... (instead of the two above)
    min_age_months: int | None = None  # inclusive, in completed months
    max_age_months: int | None = None
    name_vi: str = ""
    observation_minutes: int = 30  # watched at the site after the dose (the table's default)

    @property
    def display_name(self) -> str:
        """The name in the language in use, for completion lists and the session bar."""
        return self.name_vi if self.name_vi and language() == "vi" else self.name

    def interval_after(self, dose_number: int) -> int:
        """The shortest wait in days after dose `dose_number` of this vaccine; never the
        same day."""
        if 1 <= dose_number <= len(self.intervals_days):
            days = self.intervals_days[dose_number - 1]
        elif dose_number >= self.primary_doses:
            days = self.booster_interval_days
        else:
            days = self.min_interval_days
        return max(days, 1)

    def check_age(self, dob: PartialDate, on: date) -> None:
        """Refuse a person the vaccine is not for on that day (a birth year alone: only when
        every day of that year is outside the ages)."""
        oldest = _months_between(date(dob.year, dob.month or 1, dob.day or 1), on)
        last_month = dob.month or 12
        last_day = dob.day or monthrange(dob.year, last_month)[1]
        youngest = _months_between(date(dob.year, last_month, last_day), on)
        low, high = self.min_age_months, self.max_age_months
        if (low is not None and oldest < low) or (high is not None and youngest > high):
            raise FieldError("dob", "vaccine.age", vaccine=self.code, ages=self.age_range(),
                             age=max(youngest, 0) // 12, on=on)  # fmt: skip

    def age_range(self) -> DeskError:
        """The ages the vaccine is for, as a message (`ages.*`): words are made at the edge."""
        low, high = self.min_age_months or 0, self.max_age_months
        years = low % 12 == 0 and (high is None or (high + 1) % 12 == 0)
        if high is None:
            if years:
                return DeskError("ages.years_over", low=low // 12)
            return DeskError("ages.months_over", low=low)
        if years:
            return DeskError("ages.years", low=low // 12, high=(high + 1) // 12 - 1)
        return DeskError("ages.months", low=low, high=high)

    def ages(self) -> str:
        """'5-11 years', '12 years and over', '2-18 months', in the language in use."""
        from domain.messages import describe

        return describe(self.age_range())
    given_elsewhere_only: bool = False  # imported from certificates, never given here
    icd11: str = ""  # the vaccine's type in ICD-11 MMS (WHO DDCC:VS), for the FHIR export
    icd11_brand: str = ""  # the product in ICD-11 MMS, where WHO codes one


@dataclass(frozen=True)
class VaccineTable:
    version: str
    vaccines: tuple[Vaccine, ...]
    default_programme: str  # of a vaccine not in the table (imported from a certificate)
    observation_minutes: int = 30  # after a dose of a vaccine that sets none, or not in the table

    def minutes_observed(self, code: str) -> int:
        """How long a person is watched at the site after a dose of this vaccine."""
        vaccine = self.by_code(code)
        return vaccine.observation_minutes if vaccine is not None else self.observation_minutes

    def programme_of(self, code: str) -> str:
        vaccine = self.by_code(code)
        return vaccine.programme if vaccine is not None else self.default_programme

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
    return build_vaccine_table(_load("vaccines.toml"))


def build_vaccine_table(data: dict) -> VaccineTable:
    """The table from the data file's content (tests build variants of it)."""
    minutes = int(data.get("observation_minutes", 30))
    return VaccineTable(
        version=str(data["version"]),
        vaccines=tuple(_vaccine(entry, minutes) for entry in data["vaccine"]),
        default_programme=str(data["default_programme"]),
        observation_minutes=minutes,
    )


def vaccine_data() -> dict:
    """The data file's content, as read (for tests that vary it)."""
    return _load("vaccines.toml")


def _vaccine(entry: dict, observation_minutes: int = 30) -> Vaccine:
    """Ages given in years or months become months; the table's observation time is the
    vaccine's unless it sets its own."""
    entry = dict(entry)
    entry.setdefault("observation_minutes", observation_minutes)
    for bound in ("min", "max"):
        years = entry.pop(f"{bound}_age_years", None)
        if years is not None:
            entry[f"{bound}_age_months"] = years * 12 + (11 if bound == "max" else 0)
    entry["intervals_days"] = tuple(entry.get("intervals_days", ()))
    return Vaccine(**entry)


def _months_between(born: date, on: date) -> int:
    """Completed months of age on a day."""
    return (on.year - born.year) * 12 + on.month - born.month - (on.day < born.day)
