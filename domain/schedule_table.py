"""The immunization schedule as data (`domain/data/schedule.toml`): antigens, the vaccines
that hold them, and per antigen the series of doses with their ages and intervals. Read once;
checked when read (a series naming an unknown vaccine is a broken file, said at once). The
rules that use it are in `domain.schedule`."""

from __future__ import annotations

import re
import tomllib
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib.resources import files

from domain.tables import VaccineTable, vaccine_table
from i18n import language

_PART = re.compile(r"(\d+)([ymwd])")


@dataclass(frozen=True)
class Duration:
    """An age or an interval: years, months, weeks, days (CDSi's units)."""

    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0

    @classmethod
    def parse(cls, text: str) -> Duration:
        """'6w', '2m', '1y6m', '28d'; anything else is a broken data file."""
        text = str(text).strip().lower()
        parts = _PART.findall(text)
        if not parts or "".join(n + u for n, u in parts) != text:
            raise ValueError(f"not a duration: {text!r}")
        units = {"y": 0, "m": 0, "w": 0, "d": 0}
        for number, unit in parts:
            units[unit] += int(number)
        return cls(units["y"], units["m"], units["w"], units["d"])

    @classmethod
    def of_months(cls, months: int) -> Duration:
        return cls(months=months)

    def after(self, start: date) -> date:
        """The date this long after `start`, as CDSi adds: years, then months, then weeks and
        days; a day the month does not have moves to the first of the next month."""
        month_index = start.month - 1 + self.months
        year = start.year + self.years + month_index // 12
        month = month_index % 12 + 1
        if start.day > monthrange(year, month)[1]:
            shifted = date(year + month // 12, month % 12 + 1, 1)
        else:
            shifted = date(year, month, start.day)
        return shifted + timedelta(weeks=self.weeks, days=self.days)

    def __str__(self) -> str:
        units = zip((self.years, self.months, self.weeks, self.days), "ymwd", strict=True)
        return "".join(f"{n}{u}" for n, u in units if n) or "0d"


@dataclass(frozen=True)
class Antigen:
    code: str
    name_en: str
    name_vi: str

    @property
    def name(self) -> str:
        return self.name_vi if language() == "vi" else self.name_en


@dataclass(frozen=True)
class ScheduleVaccine:
    """A vaccine as the schedule sees it: the antigens it counts for, its own ages."""

    code: str
    name_en: str
    name_vi: str
    antigens: tuple[str, ...]
    programme: str  # "tcmr" (expanded programme), "service" (paid), "covid19"
    min_age: Duration | None = None
    max_age: Duration | None = None  # exclusive: a dose from that age counts for nothing
    given_elsewhere_only: bool = False
    in_vaccine_table: bool = False  # defined in vaccines.toml (COVID-19, tetanus toxoid)

    @property
    def name(self) -> str:
        return self.name_vi if self.name_vi and language() == "vi" else self.name_en


@dataclass(frozen=True)
class SeriesDose:
    """One dose of a series (CDSi's target dose); see the data file for each field."""

    min_age: Duration | None = None
    min_interval: Duration | None = None
    recommended_age: Duration | None = None
    recommended_interval: Duration | None = None
    overdue_age: Duration | None = None
    overdue_interval: Duration | None = None
    max_age: Duration | None = None
    vaccines: frozenset[str] | None = None  # None: every vaccine of the antigen
    skip_from_age: Duration | None = None
    skip_if_previous_at: Duration | None = None
    skip_if_first_at: Duration | None = None
    repeat: bool = False
    label: str = ""

    def allows(self, vaccine: str) -> bool:
        return self.vaccines is None or vaccine in self.vaccines


@dataclass(frozen=True)
class Series:
    code: str
    antigen: str
    doses: tuple[SeriesDose, ...]
    risk: str = ""  # applies to a person with this risk only ("pregnancy")
    sex: str = ""  # "female", "male" or "" for both
    intervals_from_vaccine_table: bool = False
    overdue_after: Duration | None = None  # instead of the table's
    never_overdue: bool = False  # no dose of it is ever overdue (given at pregnancies)

    @property
    def repeats(self) -> bool:
        return self.doses[-1].repeat

    def target(self, index: int) -> SeriesDose | None:
        """The index-th dose (from 0); the last again when it repeats; None past the end."""
        if index < len(self.doses):
            return self.doses[index]
        return self.doses[-1] if self.repeats else None


@dataclass(frozen=True)
class Schedule:
    version: str
    grace_days: int
    overdue_after: Duration
    antigens: tuple[Antigen, ...]
    vaccines: tuple[ScheduleVaccine, ...]
    series: tuple[Series, ...]
    table: VaccineTable  # vaccines.toml, for the intervals of its products

    def antigen(self, code: str) -> Antigen:
        return next(a for a in self.antigens if a.code == code)

    def vaccine(self, code: str) -> ScheduleVaccine | None:
        code = code.strip().upper()
        return next((v for v in self.vaccines if v.code == code), None)

    def series_of(self, antigen: str) -> tuple[Series, ...]:
        return tuple(s for s in self.series if s.antigen == antigen)

    def vaccines_of(self, antigen: str) -> tuple[str, ...]:
        return tuple(v.code for v in self.vaccines if antigen in v.antigens)


@cache
def schedule() -> Schedule:
    data = tomllib.loads(files("domain").joinpath("data", "schedule.toml").read_text("utf-8"))
    return build_schedule(data, vaccine_table())


def schedule_data() -> dict:
    """The data file's content, as read (tests build variants of it)."""
    return tomllib.loads(files("domain").joinpath("data", "schedule.toml").read_text("utf-8"))


def _duration(entry: dict, key: str) -> Duration | None:
    value = entry.get(key)
    return None if value is None else Duration.parse(value)


def _from_table(table: VaccineTable, entry: dict) -> list[ScheduleVaccine]:
    out = []
    for v in table.vaccines:
        if v.programme != entry["programme"]:
            continue
        low = None if v.min_age_months is None else Duration.of_months(v.min_age_months)
        high = None if v.max_age_months is None else Duration.of_months(v.max_age_months + 1)
        out.append(ScheduleVaccine(
            v.code, v.name, v.name_vi, tuple(entry["antigens"]), entry["schedule_programme"],
            low, high, v.given_elsewhere_only, in_vaccine_table=True,
        ))  # fmt: skip
    return out


def _dose(entry: dict) -> SeriesDose:
    ages = ("min_age", "min_interval", "recommended_age", "recommended_interval",
            "overdue_age", "overdue_interval", "max_age", "skip_from_age",
            "skip_if_previous_at", "skip_if_first_at")  # fmt: skip
    known = {*ages, "vaccines", "repeat", "label"}
    if unknown := set(entry) - known:
        raise ValueError(f"unknown fields of a series dose: {sorted(unknown)}")
    vaccines = entry.get("vaccines")
    return SeriesDose(
        **{key: _duration(entry, key) for key in ages},
        vaccines=None if vaccines is None else frozenset(str(c).upper() for c in vaccines),
        repeat=bool(entry.get("repeat", False)), label=str(entry.get("label", "")),
    )  # fmt: skip


def build_schedule(data: dict, table: VaccineTable) -> Schedule:
    """The schedule from the data file's content, every reference checked."""
    antigens = tuple(Antigen(a["code"], a["name"], a["name_vi"]) for a in data["antigen"])
    known = {a.code for a in antigens}
    vaccines: list[ScheduleVaccine] = []
    for entry in data.get("from_vaccine_table", []):
        vaccines += _from_table(table, entry)
    for v in data["vaccine"]:
        vaccines.append(ScheduleVaccine(
            str(v["code"]).upper(), v["name"], v.get("name_vi", ""), tuple(v["antigens"]),
            v["programme"], _duration(v, "min_age"), _duration(v, "max_age"),
            bool(v.get("given_elsewhere_only", False)),
        ))  # fmt: skip
    codes = [v.code for v in vaccines]
    if len(set(codes)) != len(codes):
        raise ValueError(f"a vaccine code twice: {sorted(c for c in codes if codes.count(c) > 1)}")
    for v in vaccines:
        if missing := set(v.antigens) - known:
            raise ValueError(f"{v.code}: unknown antigens {sorted(missing)}")
    series = tuple(
        Series(s["code"], s["antigen"], tuple(_dose(d) for d in s["dose"]), s.get("risk", ""),
               s.get("sex", ""), bool(s.get("intervals_from_vaccine_table", False)),
               _duration(s, "overdue_after"), bool(s.get("never_overdue", False)))
        for s in data["series"]
    )  # fmt: skip
    for s in series:
        if s.antigen not in known:
            raise ValueError(f"series {s.code}: unknown antigen {s.antigen}")
        for dose in s.doses:
            for code in dose.vaccines or ():
                v = next((x for x in vaccines if x.code == code), None)
                if v is None or s.antigen not in v.antigens:
                    raise ValueError(f"series {s.code}: {code} is no vaccine of {s.antigen}")
    return Schedule(
        version=str(data["version"]), grace_days=int(data["grace_days"]),
        overdue_after=Duration.parse(data["overdue_after"]), antigens=antigens,
        vaccines=tuple(vaccines), series=series, table=table,
    )  # fmt: skip
