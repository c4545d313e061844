from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.dates import PartialDate
from domain.errors import ValidationError
from domain.identity import IdType, Sex
from domain.messages import MESSAGES, describe
from domain.places import province_name, resolve_province, resolve_ward
from domain.record import (
    FORM_FIELDS,
    Aefi,
    EntryContext,
    Mode,
    Screening,
    Source,
    build_record,
    build_session,
    record_to_form,
)
from domain.tables import vaccine_table
from tests.conftest import AN, ICT, SESSION_FORM, YEN

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=ICT)
TODAY = NOW.date()


def test_live_record_takes_the_session_defaults(live: EntryContext) -> None:
    record = build_record(AN, live)
    assert record.vaccine == "AZ" and record.lot == "NX1234"
    assert record.given_on == live.now.date() and record.given_time == "09:30"
    assert record.observed_until == "10:00"
    assert record.person.sex is Sex.MALE  # read from the CCCD
    assert record.person.full_name == "Nguyễn Văn An"
    assert record.source is Source.TYPED and record.version == 1
    assert record.dose_number is None  # numbered by the store


def test_every_bad_field_is_named(live: EntryContext) -> None:
    form = {
        "id_number": "079092001234",
        "full_name": "An 2",
        "dob": "150893",
        "phone": "12345",
        "province": "atlantis",
        "dose_number": "12",
        "aefi": "2",
    }
    ctx = replace(live, resolve_province=resolve_province, resolve_ward=resolve_ward)
    with pytest.raises(ValidationError) as caught:
        build_record(form, ctx)
    errors = caught.value.errors
    assert list(errors) == ["full_name", "dob", "phone", "province", "dose_number", "aefi_note"]
    assert "born in 1992" in describe(errors["dob"])
    assert "atlantis" in describe(errors["province"])


def test_bad_cccd_province(live: EntryContext) -> None:
    with pytest.raises(ValidationError) as caught:
        build_record({**AN, "id_number": "003092001234"}, live)
    assert "not a province code" in describe(caught.value.errors["id_number"])


def test_not_screened_eligible_means_no_dose(live: EntryContext) -> None:
    record = build_record({**YEN, "screening": "h", "dose_number": "2"}, live)
    assert record.screening is Screening.POSTPONE
    assert record.vaccine == "" and record.lot == "" and record.dose_number is None
    assert record.observed_until == ""


def test_retrospective_takes_vaccine_and_date_per_record(live: EntryContext) -> None:
    retro = replace(live, mode=Mode.RETROSPECTIVE)
    form = {**YEN, "dob": "1985", "vaccine": "vero", "given_on": "150821", "lot": ""}
    record = build_record(form, retro)
    assert record.vaccine == "VC"
    assert str(record.given_on) == "2021-08-15" and record.given_time == ""
    assert record.person.dob == PartialDate(1985)
    assert record.source is Source.RETROSPECTIVE
    with pytest.raises(ValidationError) as caught:
        build_record({**form, "vaccine": "XYZ", "given_on": "01/01/2030"}, retro)
    assert "unknown vaccine 'XYZ'" in describe(caught.value.errors["vaccine"])
    assert "future" in describe(caught.value.errors["given_on"])


def test_year_only_birth_is_for_retrospective_entry(live: EntryContext) -> None:
    with pytest.raises(ValidationError) as caught:
        build_record({**YEN, "dob": "1985"}, live)
    assert "1985 is a year alone: type the whole date" in describe(caught.value.errors["dob"])


def test_aefi_needs_a_note(live: EntryContext) -> None:
    record = build_record({**AN, "aefi": "1", "aefi_note": "sốt nhẹ"}, live)
    assert record.aefi is Aefi.MILD and record.aefi_note == "sốt nhẹ"


def test_correction_keeps_id_time_and_source(live: EntryContext) -> None:
    first = build_record(AN, replace(live, source=Source.SCAN))
    later = replace(live, now=live.now.replace(hour=15), original=first)
    form = {**record_to_form(first), "phone": "0987654321", "lot": "nx9999"}
    second = build_record(form, later)
    assert second.record_id == first.record_id and second.version == 2
    assert second.given_time == first.given_time and second.source is Source.SCAN
    assert second.lot == "NX9999" and second.person.phone == "0987654321"


def test_form_round_trip(live: EntryContext) -> None:
    ctx = replace(live, resolve_province=resolve_province, resolve_ward=resolve_ward)
    record = build_record({**AN, "province": "gia lai", "address": " ấp 3 "}, ctx)
    assert province_name(record.person.province_code) == "Gia Lai"
    again = build_record(record_to_form(record), replace(ctx, original=record))
    assert again.person == record.person


def test_session_form(clock) -> None:
    session = build_session(
        {**SESSION_FORM, "vaccine": "pf", "session_date": ""}, today=clock().date()
    )
    assert session.vaccine == "PF" and session.session_date == clock().date()
    with pytest.raises(ValidationError) as caught:
        build_session({"vaccine": "zz", "lot": "a b!"}, today=clock().date())
    assert set(caught.value.errors) == {
        "site_id",
        "desk_id",
        "entered_by",
        "vaccinator",
        "vaccine",
        "lot",
    }


def test_vaccine_table_is_versioned_data() -> None:
    table = vaccine_table()
    assert table.version
    assert {"AZ", "PF", "MD", "VC", "SP", "AB", "HV", "JJ", "CVX", "SPL"} <= set(table.choices())
    assert table.resolve("moderna").code == "MD"
    assert table.resolve("sputnik") is None  # ambiguous: V or Light
    assert table.by_code("jj").primary_doses == 1
    assert all(v.primary_doses == 1 or v.min_interval_days > 0 for v in table.vaccines)


def test_people_without_documents(live: EntryContext) -> None:
    paediatric = replace(live, session=replace(live.session, vaccine="PFC"))  # Na is 7
    record = build_record({"full_name": "Bé Na", "dob": "010519", "sex": "2"}, paediatric)
    assert record.person.id_type is IdType.NONE


form_values = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["079092001234", "150892", "1992", "AZ", "D", "1", "2", "0912345678", ""]),
)


@settings(max_examples=300, deadline=None)
@given(
    form=st.dictionaries(st.sampled_from(FORM_FIELDS), form_values),
    mode=st.sampled_from(Mode),
)
def test_any_form_is_a_record_or_named_errors(form: dict[str, str], mode: Mode) -> None:
    session = build_session(SESSION_FORM, today=TODAY)
    ctx = EntryContext(
        session=session,
        mode=mode,
        now=NOW,
        resolve_province=resolve_province,
        resolve_ward=resolve_ward,
    )
    try:
        record = build_record(form, ctx)
    except ValidationError as error:
        assert error.errors and all(e.code in MESSAGES for e in error.errors.values())
        assert set(error.errors) <= set(FORM_FIELDS)
    else:
        # Whatever was accepted is valid by the same rules when read back.
        assert record.person.validated(today=TODAY) == record.person
        assert record.gives_dose == bool(record.vaccine)
