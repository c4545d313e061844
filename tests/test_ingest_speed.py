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


@settings(max_examples=500)
@given(st.dictionaries(st.sampled_from(["full_name", "address", "lot", "aefi_note", "vaccine"]),
                       st.text(st.characters(exclude_categories=["Cs"]))),
       st.one_of(st.none(), st.integers(min_value=-(2**63), max_value=2**63)))  # fmt: skip
def test_the_canonical_body_is_the_json_it_always_was(fields: dict[str, str], dose: int) -> None:
    """The body kept and its hash are byte for byte those of json.dumps (sorted keys, compact,
    UTF-8 as is): a version the hub kept before is still recognised when sent again."""
    import hashlib
    import json

    from domain.wire import canonical_body, record_body

    body = {**fields, "dose_number": dose, "version": 3}
    old = json.dumps(record_body(body), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert canonical_body(body) == (old, hashlib.sha256(old.encode()).hexdigest())
