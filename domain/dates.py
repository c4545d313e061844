"""Dates as volunteers type them: '150892', '15/8/92', '15.08.1992', and '1992' for a year only."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from domain.errors import FieldError

EARLIEST_YEAR = 1900
_SEPARATORS = re.compile(r"[/\-. ]+")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date of which only the year (paper lists) or the year and month (certificates) may
    be known."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def of(cls, d: date) -> PartialDate:
        return cls(d.year, d.month, d.day)

    @property
    def is_full(self) -> bool:
        return self.month is not None and self.day is not None

    def to_date(self) -> date:
        if self.month is None or self.day is None:
            raise ValueError("year-only date")
        return date(self.year, self.month, self.day)

    def iso(self) -> str:
        """'1992-08-15', '1992-08' for a month or '1992' for a year only: the stored form."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def display(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.month:02d}/{self.year:04d}"
        return f"{self.day:02d}/{self.month:02d}/{self.year:04d}"

    @classmethod
    def from_iso(cls, text: str) -> PartialDate:
        if re.fullmatch(r"\d{4}", text):
            return cls(int(text))
        if re.fullmatch(r"\d{4}-\d{2}", text):
            date(int(text[:4]), int(text[5:]), 1)  # raises ValueError for a month that is not
            return cls(int(text[:4]), int(text[5:]))
        return cls.of(date.fromisoformat(text))


def _expand_year(two_digits: int, today: date) -> int:
    """A two-digit year is the most recent year ending so, never a future one."""
    year = today.year - today.year % 100 + two_digits
    return year - 100 if year > today.year else year


def parse_date(
    text: str,
    *,
    today: date,
    field: str = "date",
    allow_year_only: bool = False,
    allow_future: bool = False,
) -> PartialDate:
    """Parse a typed date; raise FieldError with a message for the volunteer."""
    raw = text.strip()
    if not raw:
        raise FieldError(field, "required")
    parts = [p for p in _SEPARATORS.split(raw) if p]
    if not all(p.isdigit() and p.isascii() for p in parts):
        raise FieldError(field, "date.not_a_date", text=raw)
    day: int | None
    month: int | None
    if len(parts) == 1:
        digits = parts[0]
        if len(digits) == 8:
            day, month, year = int(digits[:2]), int(digits[2:4]), int(digits[4:])
        elif len(digits) == 6:
            day, month = int(digits[:2]), int(digits[2:4])
            year = _expand_year(int(digits[4:]), today)
        elif len(digits) == 4 and allow_year_only:
            return _check(PartialDate(int(digits)), today, field, allow_future)
        elif len(digits) == 4:
            day, month, year = int(digits[:2]), int(digits[2:]), today.year
            if (day > 31 or month > 12) and EARLIEST_YEAR <= int(digits) <= today.year:
                raise FieldError(field, "date.year_only", year=digits)
        else:
            raise FieldError(field, "date.digits", text=raw)
    elif len(parts) == 2 and len(parts[1]) == 4 and allow_year_only:
        # MM/YYYY: a month without its day, as certificates and some paper lists give it.
        month, year = int(parts[0]), int(parts[1])
        if not 1 <= month <= 12:
            raise FieldError(field, "date.does_not_exist", day=1, month=month, year=year)
        return _check(PartialDate(year, month), today, field, allow_future)
    elif len(parts) in (2, 3):
        day, month = int(parts[0]), int(parts[1])
        if len(parts) == 2:
            year = today.year
        elif len(parts[2]) == 4:
            year = int(parts[2])
        elif len(parts[2]) <= 2:
            year = _expand_year(int(parts[2]), today)
        else:
            raise FieldError(field, "date.not_a_year", text=parts[2])
    else:
        raise FieldError(field, "date.shape", text=raw)
    try:
        real = date(year, month, day)
    except ValueError:
        raise FieldError(field, "date.does_not_exist", day=day, month=month, year=year) from None
    return _check(PartialDate.of(real), today, field, allow_future)


def _check(value: PartialDate, today: date, field: str, allow_future: bool) -> PartialDate:
    if value.year < EARLIEST_YEAR:
        raise FieldError(field, "date.too_early", date=value.display(), earliest=EARLIEST_YEAR)
    if not allow_future:
        future = value.year > today.year if not value.is_full else value.to_date() > today
        if future:
            raise FieldError(field, "date.future", date=value.display())
    return value
