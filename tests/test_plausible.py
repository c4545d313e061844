"""Implausible records refused where they are typed: ages a vaccine is not for, a CCCD born
in the future, a birth year alone where a whole date is needed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from domain.dates import PartialDate, parse_date
from domain.errors import FieldError, ValidationError
from domain.identity import Identity, IdType, Sex
from domain.record import EntryContext, Mode, build_record
from domain.tables import vaccine_table
from tests.conftest import AN

TODAY = date(2026, 11, 23)
CHILD = {"id_number": "", "full_name": "Trần Bảo Ngọc", "dob": "01/01/2025", "sex": "2"}


def errors_of(form: dict[str, str], ctx: EntryContext) -> dict[str, str]:
    with pytest.raises(ValidationError) as refused:
        build_record(form, ctx)
    return {name: str(error) for name, error in refused.value.errors.items()}


def test_a_child_is_refused_the_adult_vaccine(live: EntryContext) -> None:
    pfizer = replace(live, session=replace(live.session, vaccine="PF"))
    assert errors_of(CHILD, pfizer) == {
        "dob": "dob: PF is for 12 years and over: this person is 1 on 23/11/2026"
    }
    paediatric = replace(live, session=replace(live.session, vaccine="PFC"))
    assert errors_of(CHILD, paediatric)["dob"] == (
        "dob: PFC is for 5-11 years: this person is 1 on 23/11/2026"
    )
    eight = build_record({**CHILD, "dob": "01/01/2018"}, paediatric)
    assert eight.vaccine == "PFC"
    twelve = {**CHILD, "dob": "22/11/2014"}  # 12 the day before
    assert "PFC is for 5-11 years" in errors_of(twelve, paediatric)["dob"]
    assert build_record({**twelve, "dob": "24/11/2014"}, paediatric).vaccine == "PFC"


def test_a_birth_year_alone_is_refused_only_when_every_day_of_it_is_outside(
    live: EntryContext,
) -> None:
    retro = replace(live, mode=Mode.RETROSPECTIVE)
    line = {**CHILD, "dob": "2014", "vaccine": "PFC", "lot": "", "given_on": "23/11/2026"}
    assert build_record(line, retro).person.dob == PartialDate(2014)  # 11 or 12: maybe 11
    assert "PFC is for 5-11 years" in errors_of({**line, "dob": "2013"}, retro)["dob"]


def test_ages_come_from_the_versioned_table() -> None:
    table = vaccine_table()
    assert table.version == "2026-12"
    assert table.by_code("PFC").ages() == "5-11 years"  # type: ignore[union-attr]
    assert table.by_code("AB").ages() == "19-65 years"  # type: ignore[union-attr]
    assert table.by_code("AZ").ages() == "18 years and over"  # type: ignore[union-attr]


def test_a_cccd_born_in_the_future_is_refused_at_the_id_field(live: EntryContext) -> None:
    form = {**AN, "id_number": "079230001234", "dob": "15/08/2030"}
    assert errors_of(form, live)["id_number"] == (
        "id_number: this CCCD says born in 2030, in the future: check the 4th to 6th digits"
    )
    card = Identity(IdType.CCCD, "079230001234", "Nguyễn Văn An", PartialDate(2030), Sex.MALE)
    with pytest.raises(FieldError, match="born in 2030"):
        card.validated(today=TODAY)


def test_a_year_alone_in_live_mode_says_what_to_type(live: EntryContext) -> None:
    with pytest.raises(FieldError) as refused:
        parse_date("1972", today=TODAY, field="dob")
    assert str(refused.value) == (
        "dob: 1972 is a year alone: type the whole date, e.g. 15/08/1972 (a year alone is for "
        "retrospective entry, F4)"
    )
    assert parse_date("1208", today=TODAY).display() == "12/08/2026"  # still day and month
    assert "a year alone" in errors_of({**AN, "dob": "1992"}, live)["dob"]
