"""The hub's checks made cheaper (issue 15) give the same verdicts as before."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import FieldError
from domain.record import EntryContext, Mode, build_record, build_session, identity_to_form
from domain.text import has_control_characters
from domain.wire import _control, checked_record, record_to_body
from scanner.synthetic import people


@settings(max_examples=2000)
@given(st.text())
def test_the_fast_control_check_agrees_with_the_exact_one(text: str) -> None:
    assert _control(text) == has_control_characters(text)


@pytest.mark.parametrize("char", ["\t", "\n", "\x00", "\x7f", "\u200b", "\u00ad", "\ud800"])
def test_a_body_with_a_control_character_is_still_refused(char: str) -> None:
    now = date(2026, 11, 23)
    form = {"site_id": "TV-CN-01", "desk_id": "desk-1", "entered_by": "Lê Thị Hoa",
            "vaccinator": "Nguyễn Văn Bình", "vaccine": "AZ", "lot": "NX1234"}  # fmt: skip
    from datetime import datetime, timedelta, timezone

    moment = datetime(2026, 11, 23, 9, 30, tzinfo=timezone(timedelta(hours=7)))
    ctx = EntryContext(session=build_session(form, today=now), mode=Mode.LIVE, now=moment)
    record = build_record(identity_to_form(next(people(7))), ctx)
    body = record_to_body(record)
    body.update(dose_number=1, recorded_at=moment.isoformat())
    checked_record(body, today=now)  # the body as it is is kept
    for name in ("address", "vaccinator", "aefi_note"):
        bad = {**body, name: f"a{char}b"}
        with pytest.raises(FieldError) as refused:
            checked_record(bad, today=now)
        assert (refused.value.field, refused.value.code) == (name, "wire.characters")
