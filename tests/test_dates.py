from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.dates import PartialDate, parse_date
from domain.errors import FieldError
from domain.messages import MESSAGES, describe

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("150892", PartialDate(1992, 8, 15)),
        ("15081992", PartialDate(1992, 8, 15)),
        ("15/8/92", PartialDate(1992, 8, 15)),
        ("15/08/1992", PartialDate(1992, 8, 15)),
        ("15-8-1992", PartialDate(1992, 8, 15)),
        ("15.08.1992", PartialDate(1992, 8, 15)),
        (" 1 / 2 / 2003 ", PartialDate(2003, 2, 1)),
        ("010126", PartialDate(2026, 1, 1)),  # 26 is this year
        ("231126", PartialDate(2026, 11, 23)),  # today
        ("241127", PartialDate(1927, 11, 24)),  # 27 would be future: last century
        ("29/02/2024", PartialDate(2024, 2, 29)),
        ("1508", PartialDate(2026, 8, 15)),  # day and month of this year
        ("15/8", PartialDate(2026, 8, 15)),
        ("01011900", PartialDate(1900, 1, 1)),
    ],
)
def test_shorthands(typed: str, expected: PartialDate) -> None:
    assert parse_date(typed, today=TODAY) == expected


def test_year_only_when_allowed() -> None:
    assert parse_date("1992", today=TODAY, allow_year_only=True) == PartialDate(1992)
    assert parse_date("1992", today=TODAY, allow_year_only=True).display() == "1992"
    # Without the retrospective allowance, four digits are day and month; a year says so.
    with pytest.raises(FieldError, match="1992 is a year alone: type the whole date"):
        parse_date("1992", today=TODAY)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "required"),
        ("   ", "required"),
        ("310292", "does not exist"),
        ("29/02/2023", "does not exist"),
        ("32/01/2000", "does not exist"),
        ("00/01/2000", "does not exist"),
        ("15/13/2000", "does not exist"),
        ("24/11/2026", "in the future"),
        ("01/01/2027", "in the future"),
        ("31/12/1899", "before 1900"),
        ("abc", "not a date"),
        ("15/8/92/1", "not a date"),
        ("12345", "not a date"),
        ("1234567", "not a date"),
        ("15/8/19920", "not a year"),
        ("١٥٠٨٩٢", "not a date"),  # Arabic-Indic digits are digits, but not ours
        ("15/8/92; DROP TABLE records", "not a date"),
    ],
)
def test_refusals_say_why(typed: str, message: str) -> None:
    with pytest.raises(FieldError, match=message) as caught:
        parse_date(typed, today=TODAY, field="dob")
    assert caught.value.field == "dob"


def test_year_only_in_future_refused() -> None:
    with pytest.raises(FieldError, match="future"):
        parse_date("2027", today=TODAY, allow_year_only=True)


def test_future_allowed_on_request() -> None:
    assert parse_date("01/01/2027", today=TODAY, allow_future=True) == PartialDate(2027, 1, 1)


real_dates = st.dates(min_value=date(1927, 11, 24), max_value=TODAY)


@given(real_dates)
def test_every_written_form_reads_back(day: date) -> None:
    forms = [
        day.strftime("%d%m%Y"),
        day.strftime("%d%m%y"),
        day.strftime("%d/%m/%Y"),
        f"{day.day}/{day.month}/{day.year % 100}",
        f"{day.day}-{day.month}-{day.year}",
    ]
    for typed in forms:
        assert parse_date(typed, today=TODAY).to_date() == day, typed


@given(st.text(max_size=20))
def test_anything_typed_is_a_date_or_a_message(typed: str) -> None:
    try:
        value = parse_date(typed, today=TODAY, allow_year_only=True)
    except FieldError as error:
        assert error.code in MESSAGES and describe(error)
    else:
        assert 1900 <= value.year <= TODAY.year
        if value.is_full:
            assert value.to_date() <= TODAY


@given(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
def test_iso_round_trip(day: date) -> None:
    value = PartialDate.of(day)
    assert PartialDate.from_iso(value.iso()) == value
    assert PartialDate.from_iso(PartialDate(day.year).iso()) == PartialDate(day.year)


def test_future_by_one_day() -> None:
    tomorrow = TODAY + timedelta(days=1)
    with pytest.raises(FieldError):
        parse_date(tomorrow.strftime("%d%m%Y"), today=TODAY)


def test_a_month_without_its_day_where_a_year_alone_is_allowed() -> None:
    assert parse_date("05/1980", today=TODAY, allow_year_only=True) == PartialDate(1980, 5)
    assert parse_date("5.1980", today=TODAY, allow_year_only=True).display() == "05/1980"
    with pytest.raises(FieldError):
        parse_date("13/1980", today=TODAY, allow_year_only=True)
    with pytest.raises(FieldError):  # live entry wants the whole date
        parse_date("05/1980", today=TODAY)
