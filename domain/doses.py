"""Dose rules, written once: the next dose number of a person, and when it is due."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from domain.record import Record
from domain.tables import vaccine_table


@dataclass(frozen=True)
class NextDose:
    number: int
    due: date | None  # None when the last dose's vaccine is not in the table


def next_dose_number(history: Sequence[Record]) -> int:
    """One more than the highest dose number the person has (1 for a first dose)."""
    return max((r.dose_number or 0 for r in history), default=0) + 1


def next_dose(history: Sequence[Record]) -> NextDose | None:
    """After the person's latest dose: its number and the earliest date it may be given
    (the vaccine's interval in its primary series, else its booster interval)."""
    if not history:
        return None
    last = history[-1]
    number = next_dose_number(history)
    vaccine = vaccine_table().by_code(last.vaccine)
    if vaccine is None:
        return NextDose(number, None)
    primary_done = (last.dose_number or 0) >= vaccine.primary_doses
    wait = vaccine.booster_interval_days if primary_done else vaccine.min_interval_days
    return NextDose(number, last.given_on + timedelta(days=wait))


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
