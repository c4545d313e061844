"""The schedule engine, pure: for a person, a history of (vaccine, date) and a day, per antigen
the doses that count, the next dose's earliest, recommended and overdue dates, and what is due.

It follows CDC's CDSi logic with Viet Nam's schedule as data (`domain/data/schedule.toml`):
- each dose given is evaluated against the antigen's next target dose: it counts when the
  vaccine may count for that dose, the person is at least the minimum age and at most the
  maximum, and the minimum interval since the antigen's previous dose has passed; the age and
  the interval are held with a grace period (4 days) when a dose given is evaluated, never
  when the next one is forecast;
- a combination vaccine is evaluated for each antigen it holds; dose numbers are per antigen;
- a dose given too young or too soon does not count, and the next interval runs from it; a
  dose of a vaccine the target dose does not take, or outside the product's ages, is passed
  over; a dose after a complete series is extra;
- catch-up: a late dose is forecast as soon as allowed, later ones from it (not realigned to
  the ages); target doses a late start no longer needs are skipped (conditional skips);
- an antigen with several series (with or without the hepatitis B birth dose; two rotavirus
  products) keeps a complete series, else the one with the most counted doses, else the first.
`domain.schedule_check` says whether a vaccine may be given today, and why not.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from domain.schedule_table import Duration, Schedule, ScheduleVaccine, Series, SeriesDose, schedule


@dataclass(frozen=True)
class Person:
    birth: date
    sex: str = ""  # "female", "male", "" unknown
    risks: frozenset[str] = frozenset()  # "pregnancy"


@dataclass(frozen=True, eq=False)  # two doses of a vaccine on one day are two doses
class Given:
    vaccine: str
    on: date


class Verdict(StrEnum):
    """What a dose given is, for one antigen."""

    COUNTED = "counted"
    TOO_YOUNG = "too_young"  # under the target dose's minimum age (less the grace)
    TOO_SOON = "too_soon"  # before the minimum interval since the previous dose (less grace)
    TOO_OLD = "too_old"  # at or after the target dose's maximum age
    OTHER_VACCINE = "other_vaccine"  # the target dose takes other vaccines
    PRODUCT_AGE = "product_age"  # outside the ages of the product itself
    EXTRA = "extra"  # the series was complete


@dataclass(frozen=True)
class EvaluatedDose:
    given: Given
    verdict: Verdict
    target: int  # the target dose (from 1) it was evaluated against
    number: int | None = None  # the antigen's dose number, when it counts
    earliest: date | None = None  # too young or too soon: from when it would have counted


class Status(StrEnum):
    COMPLETE = "complete"
    AGED_OUT = "aged_out"  # no further dose at this age
    NOT_YET = "not_yet"  # before the earliest date
    EARLY = "early"  # may be given, not yet recommended
    DUE = "due"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class NextDose:
    number: int  # the antigen's dose number
    earliest: date
    recommended: date | None  # None: may be given, never due (COVID-19 doses today)
    overdue: date | None  # overdue from this day (None: never)
    latest: date | None  # the last day it may be given
    vaccines: tuple[str, ...]  # the codes that would count
    label: str = ""


@dataclass(frozen=True)
class AntigenForecast:
    antigen: str
    series: str
    doses: tuple[EvaluatedDose, ...]
    counted: int
    status: Status
    next: NextDose | None

    @property
    def due(self) -> bool:
        return self.status in (Status.DUE, Status.OVERDUE)


@dataclass(frozen=True)
class Forecast:
    on: date
    antigens: dict[str, AntigenForecast]
    unknown: tuple[Given, ...] = field(default=())  # doses of vaccines the schedule lacks

    def due(self) -> list[AntigenForecast]:
        return [a for a in self.antigens.values() if a.due]


def age_date(person: Person, age: Duration) -> date:
    return age.after(person.birth)


def applies(series: Series, person: Person, history: Iterable[Given]) -> bool:
    """A series of a risk applies to a person with it, or once a vaccine only it names is
    given (VAT: the pregnancy series); a series of one sex to a person not known otherwise."""
    if series.sex and person.sex and person.sex != series.sex:
        return False
    if not series.risk or series.risk in person.risks:
        return True
    named = set().union(*(d.vaccines or () for d in series.doses))
    return any(g.vaccine.upper() in named for g in history)


class _Run:
    """One series evaluated over the antigen's doses, then forecast on a day."""

    def __init__(self, sched: Schedule, series: Series, person: Person) -> None:
        self.sched, self.series, self.person = sched, series, person
        self.target = 0
        self.counted: list[Given] = []
        self.previous: Given | None = None  # the antigen's previous dose, counted or early
        self.doses: list[EvaluatedDose] = []

    def skip(self, at: date) -> None:
        """Pass over target doses a late start no longer needs (CDSi conditional skip)."""
        while self.target < len(self.series.doses):
            dose = self.series.doses[self.target]
            old = dose.skip_from_age and at >= age_date(self.person, dose.skip_from_age)
            late = (dose.skip_if_previous_at and self.counted
                    and self.counted[-1].on >= age_date(self.person, dose.skip_if_previous_at))
            began = (dose.skip_if_first_at and self.counted
                     and self.counted[0].on >= age_date(self.person, dose.skip_if_first_at))
            if not (old or late or began):
                return
            self.target += 1

    def interval_date(self, dose: SeriesDose) -> date | None:
        """The minimum interval since the previous dose, as a date (None: no interval)."""
        if self.previous is None or self.target == 0:
            return None
        if self.series.intervals_from_vaccine_table:
            product = self.sched.table.by_code(self.previous.vaccine)
            days = product.interval_after(len(self.counted)) if product else 1
            return self.previous.on + timedelta(days=days)
        return dose.min_interval.after(self.previous.on) if dose.min_interval else None

    def evaluate(self, given: Given, vaccine: ScheduleVaccine, strict: bool = False) -> None:
        """`strict`: a dose about to be given, held to the minimums without the grace period
        (CDSi: the grace period evaluates doses given, it does not schedule them)."""
        self.skip(given.on)
        dose = self.series.target(self.target)
        number = self.target + 1
        grace = timedelta(days=0 if strict else self.sched.grace_days)
        if dose is None:
            self._say(given, Verdict.EXTRA, number)
            return
        if not dose.allows(vaccine.code):
            self._say(given, Verdict.OTHER_VACCINE, number)
            return
        if (vaccine.min_age and given.on < age_date(self.person, vaccine.min_age) - grace) or (
            vaccine.max_age and given.on >= age_date(self.person, vaccine.max_age)
        ):
            self._say(given, Verdict.PRODUCT_AGE, number)
            return
        if dose.max_age and given.on >= age_date(self.person, dose.max_age):
            self._say(given, Verdict.TOO_OLD, number)
            return
        young = age_date(self.person, dose.min_age) if dose.min_age else None
        if young and given.on < young - grace:
            self._say(given, Verdict.TOO_YOUNG, number, young)
            self.previous = given
            return
        soon = self.interval_date(dose)
        if soon and given.on < soon - grace:
            self._say(given, Verdict.TOO_SOON, number, soon)
            self.previous = given
            return
        self.counted.append(given)
        self.previous = given
        self.target += 1
        self.doses.append(EvaluatedDose(given, Verdict.COUNTED, number, len(self.counted)))

    def _say(self, given: Given, verdict: Verdict, number: int, at: date | None = None) -> None:
        self.doses.append(EvaluatedDose(given, verdict, number, earliest=at))

    def forecast(self, on: date) -> AntigenForecast:
        self.skip(on)
        dose = self.series.target(self.target)
        if dose is None:
            return self._result(Status.COMPLETE, None)
        person = self.person
        earliest = max(d for d in (
            person.birth, age_date(person, dose.min_age) if dose.min_age else None,
            self.interval_date(dose),
        ) if d)  # fmt: skip
        end = age_date(person, dose.max_age) if dose.max_age else None
        products = self._products(dose, max(earliest, on))
        if (end and (earliest >= end or on >= end)) or not products:
            return self._result(Status.AGED_OUT, None)
        earliest = max(earliest, min(products.values()))
        recommended = self._latest(dose.recommended_age, dose.recommended_interval)
        overdue = self._latest(dose.overdue_age, dose.overdue_interval)
        after = self.series.overdue_after or self.sched.overdue_after
        if overdue is None and recommended is not None and not self.series.never_overdue:
            overdue = after.after(recommended)
        if recommended is not None:
            recommended = max(recommended, earliest)
        latest = end - timedelta(days=1) if end else None
        nxt = NextDose(len(self.counted) + 1, earliest, recommended, overdue, latest,
                       tuple(products), dose.label)  # fmt: skip
        if on < earliest:
            status = Status.NOT_YET
        elif overdue is not None and on >= overdue:
            status = Status.OVERDUE
        elif recommended is not None and on >= recommended:
            status = Status.DUE
        else:
            status = Status.EARLY
        return self._result(status, nxt)

    def _products(self, dose: SeriesDose, on: date) -> dict[str, date]:
        """The vaccines that may count for the dose from `on`, each with the first day its
        own ages allow (none past its ages, none given elsewhere only)."""
        out = {}
        for code in self.sched.vaccines_of(self.series.antigen):
            vaccine = self.sched.vaccine(code)
            if vaccine is None or vaccine.given_elsewhere_only or not dose.allows(code):
                continue
            if vaccine.max_age and on >= age_date(self.person, vaccine.max_age):
                continue
            start = age_date(self.person, vaccine.min_age) if vaccine.min_age else None
            if start and dose.max_age and start >= age_date(self.person, dose.max_age):
                continue  # the product's ages and the dose's do not meet (Td for a baby)
            out[code] = start or self.person.birth
        return out

    def _latest(self, age: Duration | None, interval: Duration | None) -> date | None:
        """The later of an age's date and an interval after the previous dose (either may be
        missing; an interval without a previous dose is no date)."""
        dates = [age_date(self.person, age)] if age else []
        if interval and self.previous is not None:
            dates.append(interval.after(self.previous.on))
        return max(dates) if dates else None

    def _result(self, status: Status, nxt: NextDose | None) -> AntigenForecast:
        return AntigenForecast(self.series.antigen, self.series.code, tuple(self.doses),
                               len(self.counted), status, nxt)  # fmt: skip


def _best(runs: list[AntigenForecast]) -> AntigenForecast:
    """A complete series, else the one with the most counted doses that is not aged out,
    else the most counted; the first listed on a tie."""
    for run in runs:
        if run.status is Status.COMPLETE:
            return run
    live = [r for r in runs if r.status is not Status.AGED_OUT] or runs
    return max(live, key=lambda r: r.counted)  # max keeps the first of equals


def forecast_antigen(
    antigen: str, person: Person, history: Sequence[Given], on: date,
    sched: Schedule | None = None, strict: Given | None = None,
) -> AntigenForecast | None:  # fmt: skip
    """The antigen's doses and next dose on a day; None when no series applies to the person.
    `strict`: a dose of the history about to be given (no grace period for it)."""
    sched = sched or schedule()
    doses = []
    for given in sorted((g for g in history if g.on <= on), key=lambda g: g.on):
        vaccine = sched.vaccine(given.vaccine)
        if vaccine is not None and antigen in vaccine.antigens:
            doses.append((given, vaccine))
    runs = []
    for series in sched.series_of(antigen):
        if not applies(series, person, history):
            continue
        run = _Run(sched, series, person)
        for given, vaccine in doses:
            run.evaluate(given, vaccine, strict=given is strict)
        runs.append(run.forecast(on))
    return _best(runs) if runs else None


def forecast(
    person: Person, history: Sequence[Given], on: date, *,
    antigens: Iterable[str] | None = None, sched: Schedule | None = None,
) -> Forecast:  # fmt: skip
    """Every antigen of the schedule (or those named) that applies to the person, on a day."""
    sched = sched or schedule()
    codes = [a.code for a in sched.antigens] if antigens is None else list(antigens)
    out = {}
    for code in codes:
        result = forecast_antigen(code, person, history, on, sched)
        if result is not None:
            out[code] = result
    unknown = tuple(g for g in history if sched.vaccine(g.vaccine) is None)
    return Forecast(on, out, unknown)
