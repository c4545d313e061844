"""Dose rules through the headless core and the store: too soon, numbers that do not follow
the history, overrides with a reason (audited), programmes."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from desk import Desk
from desk.entry import Entry, Filled, Refused, Saved
from desk.people import log_in
from desk.scans import Skipped
from desk.sessions import open_session
from domain.dates import PartialDate
from domain.doses import dose_problems, next_dose_number
from domain.identity import Identity, IdType, Sex
from domain.scans import IdentityScan
from store import DoseRulesBroken, Store
from tests.conftest import (
    AN,
    SESSION_FORM,
    SUPERVISOR,
    SUPERVISOR_PIN,
    TEST_PIN,
    TEST_USER,
    VOLUNTEER,
    VOLUNTEER_PIN,
    YEN,
    FakeClock,
)
from vaxdesk.testing.desk import add_test_users

AN_CARD = Identity(IdType.CCCD, "079092001234", "Nguyễn Văn An", PartialDate(1992, 8, 15),
                   Sex.MALE)  # fmt: skip


@pytest.fixture
def desk(store: Store, clock: FakeClock) -> Desk:
    add_test_users(store)
    return Desk(store, clock, desk_id="desk-1")


def opened(desk: Desk, name: str = TEST_USER, pin: str = TEST_PIN, **session: str) -> Entry:
    log_in(desk, name, pin)
    form = {k: v for k, v in SESSION_FORM.items() if k != "entered_by"}
    open_session(desk, {**form, **session})
    return Entry(desk)


def scanned(entry: Entry) -> dict[str, str]:
    """The form after the person's chip card was scanned into an empty form."""
    blank = {**entry.clear({}), "screening": "D"}
    filled = entry.receive(IdentityScan(AN_CARD, None), blank)
    assert isinstance(filled, Filled)
    return {**blank, **filled.patch.values}


def overrides(store: Store) -> list[tuple[str, str]]:
    rows = store.conn.execute("SELECT user_name, detail FROM audit WHERE action = 'dose.override'")
    return [(user, detail) for user, detail in rows]


def test_the_same_card_scanned_twice_a_minute_apart_is_refused_with_the_earlier_dose(
    desk: Desk, clock: FakeClock
) -> None:
    entry = opened(desk)
    first = entry.save(scanned(entry))
    assert isinstance(first, Saved) and first.record.dose_number == 1
    clock.advance(minutes=1)
    blank = {**entry.clear({}), "screening": "D"}
    again = entry.receive(IdentityScan(AN_CARD, None), blank)
    assert isinstance(again, Skipped) and again.reason.code == "scan.saved_already"
    typed = {**blank, **AN}  # typed in anyway
    patch = entry.after_field(typed, "id_number")
    second = {**typed, **patch.values}
    assert second["dose_number"] == "2"
    refused = entry.save(second)
    assert isinstance(refused, Refused) and refused.overridable
    too_soon = refused.errors["dose_number"]
    assert too_soon.code == "dose.too_soon"
    assert str(too_soon) == (
        "dose_number: too soon: dose 1 AZ given on 23/11/2026 (lot NX1234, site TV-CN-01, "
        "desk desk-1); the next from 21/12/2026"
    )
    assert [r.dose_number for r in desk.store.history(AN_CARD.person_key)] == [1]


def test_the_same_paper_line_typed_twice_in_retrospective_mode_is_refused(desk: Desk) -> None:
    entry = opened(desk)
    entry.toggle_mode()
    line = {**AN, "vaccine": "AZ", "lot": "A1", "given_on": "01/06/2021", "screening": "D"}
    assert isinstance(saved := entry.save({**line, "dose_number": "1"}), Saved)
    assert saved.record.dose_number == 1
    again = entry.save({**line, "dose_number": "2"})
    assert isinstance(again, Refused) and again.errors["dose_number"].code == "dose.too_soon"
    assert again.errors["dose_number"].params["given_on"] == "01/06/2021"
    later = entry.save({**line, "given_on": "29/06/2021", "dose_number": "2"})  # 28 days on
    assert isinstance(later, Saved) and later.record.dose_number == 2


def test_a_typed_dose_number_must_follow_the_history_or_be_overridden(desk: Desk) -> None:
    entry = opened(desk)
    form = {**entry.session_values(), "screening": "D", **YEN, "dose_number": "3"}
    refused = entry.save(form)
    assert isinstance(refused, Refused) and refused.overridable
    assert str(refused.errors["dose_number"]) == (
        "dose_number: the history makes this dose 1, not 3"
    )
    assert isinstance(short := entry.save(form, override_reason="x"), Refused)
    assert short.problem is not None and short.problem.code == "dose.override_reason"
    saved = entry.save(form, override_reason="doses 1 and 2 abroad, card seen")
    assert isinstance(saved, Saved) and saved.record.dose_number == 3
    record = saved.record
    assert overrides(desk.store) == [
        (TEST_USER, f"{record.record_id} v1: doses 1 and 2 abroad, card seen")
    ]


def test_a_volunteer_may_not_override_the_dose_rules(desk: Desk) -> None:
    entry = opened(desk, VOLUNTEER, VOLUNTEER_PIN)
    form = {**entry.session_values(), "screening": "D", **YEN, "dose_number": "2"}
    refused = entry.save(form, override_reason="card seen, dose 1 elsewhere")
    assert isinstance(refused, Refused) and refused.problem is not None
    assert refused.problem.code == "role.not_allowed"
    assert desk.store.history("cccd:084185000321") == [] and overrides(desk.store) == []


def test_a_correction_that_keeps_an_overridden_dose_is_not_refused_again(desk: Desk) -> None:
    entry = opened(desk, SUPERVISOR, SUPERVISOR_PIN)
    form = {**entry.session_values(), "screening": "D", **YEN, "dose_number": "2"}
    saved = entry.save(form, override_reason="dose 1 at the district hospital")
    assert isinstance(saved, Saved)
    entry.start_correction(saved.record)
    fixed = entry.save({**form, "phone": "0912345678"})
    assert isinstance(fixed, Saved) and fixed.record.version == 2
    assert len(overrides(desk.store)) == 1


def test_dose_numbers_and_intervals_count_per_programme(desk: Desk, clock: FakeClock) -> None:
    entry = opened(desk, vaccine="VAT", lot="TT-77")
    form = {**entry.session_values(), "screening": "D", **YEN, "dose_number": "1"}
    assert isinstance(tetanus := entry.save(form), Saved)
    entry.change_session(replace(entry.session, vaccine="AZ", lot="NX1234"))
    lookup = entry.lookup({**YEN, "vaccine": "AZ"})
    assert [r.vaccine for r in lookup.history] == ["VAT"] and lookup.next is None
    covid = entry.save({**form, **entry.session_values(), "dose_number": "1"})
    assert isinstance(covid, Saved) and covid.record.dose_number == 1  # the same day: another
    history = desk.store.history("cccd:084185000321")
    assert next_dose_number(history, "covid19") == 2 and next_dose_number(history, "tetanus") == 2
    booster = replace(covid.record, record_id="b", dose_number=3,
                      given_on=covid.record.given_on + timedelta(days=200))  # fmt: skip
    assert [p.code for p in dose_problems(booster, history)] == ["dose.not_next"]
    assert dose_problems(replace(booster, dose_number=2), history) == []
    assert tetanus.record.dose_number == 1


def test_a_dose_the_store_numbers_itself_is_checked_too(
    store: Store, desk: Desk, clock: FakeClock
) -> None:
    entry = opened(desk)
    first = entry.save({**entry.session_values(), "screening": "D", **AN})
    assert isinstance(first, Saved)
    record = replace(first.record, record_id="0190-another", dose_number=None)
    with pytest.raises(DoseRulesBroken, match="the dose rules refuse it") as refused:
        store.save(record)
    assert [p.code for p in refused.value.problems] == ["dose.too_soon"]


def test_a_session_left_open_past_midnight_stores_nothing_under_another_date(
    desk: Desk, clock: FakeClock
) -> None:
    entry = opened(desk)
    clock.advance(days=1)
    form = {**entry.session_values(), "screening": "D", **AN}
    assert form["given_on"] == "23/11/2026"  # what the field shows: the session's day
    refused = entry.save(form)
    assert isinstance(refused, Refused)
    assert str(refused.errors["given_on"]) == (
        "given_on: the session is of 23/11/2026, not today: open today's session (F2)"
    )
    assert desk.store.history(AN_CARD.person_key) == []
