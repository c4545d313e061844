"""Dose rules, written once: the next dose number of a person in a programme, when it is due,
and what a new dose breaks (too soon after the one before, a number that does not follow)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from domain.errors import FieldError
from domain.record import Record
from domain.tables import vaccine_table
from domain.text import clean_text

# Said of a person's dose that breaks the rules; a vaccinator or supervisor may override them.
OVERRIDABLE = frozenset({"dose.too_soon", "dose.not_next"})


@dataclass(frozen=True)
class NextDose:
    number: int
    due: date | None  # None when the last dose's vaccine is not in the table


@dataclass(frozen=True)
class DoseOverride:
    """A vaccinator's or supervisor's reason for giving a dose the rules refuse."""

    reason: str
    by: str


def programme_of(vaccine: str) -> str:
    return vaccine_table().programme_of(vaccine)


def in_programme(history: Sequence[Record], programme: str | None) -> list[Record]:
    """The doses of one programme (all of them for None), in the order given."""
    if programme is None:
        return list(history)
    return [r for r in history if programme_of(r.vaccine) == programme]


def next_dose_number(history: Sequence[Record], programme: str | None = None) -> int:
    """One more than the highest dose number the person has in the programme (1 for a first)."""
    return max((r.dose_number or 0 for r in in_programme(history, programme)), default=0) + 1


def due_after(dose: Record) -> date | None:
    """The earliest date of the dose after this one; None when its vaccine is unknown."""
    vaccine = vaccine_table().by_code(dose.vaccine)
    if vaccine is None:
        return None
    return dose.given_on + timedelta(days=vaccine.interval_after(dose.dose_number or 1))


def next_dose(history: Sequence[Record], programme: str | None = None) -> NextDose | None:
    """After the person's latest dose in the programme: its number and the earliest date
    the next may be given."""
    doses = in_programme(history, programme)
    if not doses:
        return None
    return NextDose(next_dose_number(doses), due_after(doses[-1]))


def _before(record: Record, earlier: Sequence[Record]) -> list[Record]:
    same = in_programme(earlier, programme_of(record.vaccine))
    before = [r for r in same if r.record_id != record.record_id and r.given_on <= record.given_on]
    return sorted(before, key=lambda r: (r.given_on, r.dose_number or 0))


def expected_number(record: Record, earlier: Sequence[Record]) -> int:
    """The dose number the history gives a dose of this date: one after those before it."""
    return next_dose_number(_before(record, earlier))


def dose_problems(record: Record, earlier: Sequence[Record]) -> list[FieldError]:
    """What the dose breaks, against the person's other doses (of any desk): given before
    the previous dose of its programme allows (the same day always), or numbered otherwise
    than the history says. Each is reported at `dose_number`, the earlier dose shown."""
    if not record.gives_dose:
        return []
    before = _before(record, earlier)
    problems = []
    if before:
        last = before[-1]
        due = due_after(last) or last.given_on + timedelta(days=1)
        if record.given_on < due:
            params = duplicate_params(last)
            problems.append(
                FieldError("dose_number", "dose.too_soon", due=due, **params)
            )
    expected = next_dose_number(before)
    if record.dose_number is not None and record.dose_number != expected:
        problems.append(
            FieldError("dose_number", "dose.not_next", number=record.dose_number, expected=expected)
        )
    return problems


def parse_override_reason(text: str) -> str:
    reason = clean_text(text)[:200]
    if len(reason) < 3:
        raise FieldError("override_reason", "dose.override_reason")
    return reason


def duplicate_params(earlier: Record) -> dict[str, object]:
    """What the volunteer is told of the dose recorded already (code `dose.duplicate`)."""
    return {
        "number": earlier.dose_number,
        "given_on": earlier.given_on.strftime("%d/%m/%Y"),
        "vaccine": earlier.vaccine,
        "lot": earlier.lot or "?",
        "site": earlier.site_id,
        "desk": earlier.desk_id,
    }
