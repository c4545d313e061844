"""The screening checklist at the desk, through the headless core (no screen): the answers
stored with the record, who may change an outcome (a volunteer enters, only a doctor's or a
supervisor's login changes it), the wire backward compatible, and a real hub on loopback that
stores the answers."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from desk import Desk
from desk.entry import Entry, Patch, Refused, Saved
from desk.sessions import open_session
from domain.errors import DeskError, FieldError
from domain.fields import Screening
from domain.messages import describe
from domain.record import Record
from domain.screening import Outcome
from domain.wire import checked_record, content_hash, record_body, record_to_body
from hub.db import HubDB
from store import Store, open_store
from tests.conftest import (
    AN,
    SESSION_FORM,
    SUPERVISOR,
    SUPERVISOR_PIN,
    VOLUNTEER,
    VOLUNTEER_PIN,
    YEN,
    FakeClock,
)
from tests.test_screening import CHECKLIST, no_but
from tests.test_sync import drain
from vaxdesk.testing.desk import TEST_PIN, TEST_USER, add_test_users
from vaxdesk.testing.hub import HubServer, enrol

# -- the desk core: who may record what ------------------------------------------------------


@pytest.fixture
def desk(store: Store, clock: FakeClock) -> Desk:
    add_test_users(store)
    return Desk(store, clock, desk_id="desk-1")


def opened(desk: Desk, name: str = TEST_USER, pin: str = TEST_PIN, vaccine: str = "AZ") -> Entry:
    from desk.people import log_in

    log_in(desk, name, pin)
    session = {k: v for k, v in SESSION_FORM.items() if k != "entered_by"}
    open_session(desk, {**session, "vaccine": vaccine})
    return Entry(desk)


def form(entry: Entry, person: dict[str, str], screening: str = "D") -> dict[str, str]:
    return {**entry.session_values(), "screening": screening, **person}


def test_a_vaccinator_screens_on_the_checklist_and_the_answers_are_stored(desk: Desk) -> None:
    entry = opened(desk)
    patch = entry.take_checklist(form(entry, AN), no_but("7"), {"temperature": 36.6})
    assert isinstance(patch, Patch) and patch.values == {"screening": "D"}
    assert entry.screened is not None and entry.screened.derived.outcome is Outcome.CAUTION
    saved = entry.save(form(entry, AN))
    assert isinstance(saved, Saved) and saved.record.gives_dose
    assert saved.record.checklist_version == CHECKLIST.version
    stored = json.loads(saved.record.screening_answers)
    assert stored["items"]["7"] == "y" and stored["vitals"] == {"temperature": 36.6}
    row = desk.store.conn.execute(
        "SELECT checklist_version, screening_answers FROM records"
    ).fetchone()
    assert row == (CHECKLIST.version, saved.record.screening_answers)
    assert entry.screened is None  # the next citizen starts without


def test_a_yes_to_covid_in_six_months_postpones_and_no_dose_is_given(desk: Desk) -> None:
    entry = opened(desk)
    patch = entry.take_checklist(form(entry, AN), no_but("2"), {})
    assert isinstance(patch, Patch) and patch.values["screening"] == "H"
    saved = entry.save(form(entry, AN, patch.values["screening"]))
    assert isinstance(saved, Saved)
    record = saved.record
    assert record.screening is Screening.POSTPONE and not record.gives_dose
    assert (record.vaccine, record.lot, record.dose_number) == ("", "", None)


def test_the_letter_typed_over_the_checklist_is_refused(desk: Desk) -> None:
    entry = opened(desk)
    entry.take_checklist(form(entry, AN), no_but("3"), {})
    refused = entry.save(form(entry, AN, "D"))
    assert isinstance(refused, Refused) and set(refused.errors) == {"screening"}
    assert "the checklist's outcome is H" in describe(refused.errors["screening"])


def test_the_fast_path_one_letter_without_a_checklist_stays(desk: Desk) -> None:
    entry = opened(desk)
    saved = entry.save(form(entry, AN))
    assert isinstance(saved, Saved) and saved.record.checklist_version == ""
    assert saved.record.screening_answers == ""
    assert "checklist_version" not in record_to_body(saved.record)  # as before the checklist


def test_a_doctor_changes_the_outcome_with_a_reason_kept_in_the_audit(desk: Desk) -> None:
    entry = opened(desk)
    short = entry.take_checklist(form(entry, AN), no_but("2"), {}, Screening.ELIGIBLE, "ok")
    assert isinstance(short, Refused) and "override_reason" in short.errors
    reason = "PCR negative; COVID-19 was 7 months ago"
    patch = entry.take_checklist(form(entry, AN), no_but("2"), {}, Screening.ELIGIBLE, reason)
    assert isinstance(patch, Patch) and patch.values["screening"] == "D"
    saved = entry.save(form(entry, AN))
    assert isinstance(saved, Saved) and saved.record.gives_dose
    assert json.loads(saved.record.screening_answers)["override"] == reason
    audit = [r for r in desk.store.people.rows() if r["action"] == "screening.override"]
    assert len(audit) == 1 and audit[0]["user_name"] == TEST_USER
    assert reason in audit[0]["detail"] and saved.record.record_id in audit[0]["detail"]


def test_the_same_outcome_with_a_reason_is_no_change(desk: Desk) -> None:
    entry = opened(desk)
    patch = entry.take_checklist(form(entry, AN), no_but("2"), {}, Screening.POSTPONE, "x")
    assert isinstance(patch, Patch) and entry.screened is not None
    assert entry.screened.answers.override == "" and not entry.screened.overridden


def test_a_volunteer_enters_the_checklist_for_the_vaccinator_but_may_not_change_it(
    desk: Desk,
) -> None:
    entry = opened(desk, VOLUNTEER, VOLUNTEER_PIN)
    refused = entry.take_checklist(form(entry, YEN), no_but("2"), {}, Screening.ELIGIBLE,
                                   "the doctor says so")  # fmt: skip
    assert isinstance(refused, Refused) and refused.problem is not None
    assert describe(refused.problem) == (
        "a volunteer may not change the outcome of the screening checklist"
    )
    assert entry.screened is None
    patch = entry.take_checklist(form(entry, YEN), no_but("2"), {})
    assert isinstance(patch, Patch)
    saved = entry.save(form(entry, YEN, "H"))
    assert isinstance(saved, Saved) and saved.record.screening is Screening.POSTPONE
    assert saved.record.entered_by == VOLUNTEER
    assert saved.record.vaccinator == SESSION_FORM["vaccinator"]
    assert saved.record.checklist_version == CHECKLIST.version
    # The outcome the doctor states, typed by the volunteer without a checklist: kept.
    stated = entry.save(form(entry, AN, "C"))
    assert isinstance(stated, Saved) and stated.record.screening is Screening.CONTRAINDICATED


def test_a_supervisor_may_change_an_outcome(desk: Desk) -> None:
    entry = opened(desk, SUPERVISOR, SUPERVISOR_PIN)
    patch = entry.take_checklist(form(entry, AN), no_but("5"), {}, Screening.ELIGIBLE,
                                 "this site has anaphylaxis care")  # fmt: skip
    assert isinstance(patch, Patch) and patch.values["screening"] == "D"


def test_a_volunteer_corrects_a_doctors_change_without_changing_it(desk: Desk) -> None:
    """The outcome a doctor changed stays as it was through a volunteer's correction."""
    doctor = opened(desk)
    doctor.take_checklist(form(doctor, YEN), no_but("2"), {}, Screening.ELIGIBLE, "recovered")
    saved = doctor.save(form(doctor, YEN))
    assert isinstance(saved, Saved)
    volunteer = opened(desk, VOLUNTEER, VOLUNTEER_PIN)
    record = replace(saved.record, entered_by=VOLUNTEER)  # as if the volunteer had entered it
    patch = volunteer.start_correction(record)
    assert volunteer.screened is not None and volunteer.screened.overridden
    corrected = volunteer.save({**patch.values, "phone": "0912345678"})
    assert isinstance(corrected, Saved) and corrected.record.version == 2
    assert corrected.record.screening_answers == saved.record.screening_answers
    again = volunteer.take_checklist(patch.values, no_but("3"), {}, Screening.ELIGIBLE, "why")
    assert isinstance(again, Refused)


def test_a_vaccine_without_a_checklist_says_so(desk: Desk) -> None:
    entry = opened(desk, vaccine="VAT")
    with pytest.raises(DeskError) as none:
        entry.open_checklist(form(entry, YEN))
    assert describe(none.value) == "no screening checklist for VAT: type the outcome"


def test_sputnik_in_pregnancy_at_the_desk(desk: Desk) -> None:
    entry = opened(desk, vaccine="SP")
    patch = entry.take_checklist(form(entry, YEN), no_but("4b"), {})
    assert isinstance(patch, Patch) and patch.values["screening"] == "C"


# -- the wire and the hub --------------------------------------------------------------------


def screened_record(desk: Desk) -> Record:
    entry = opened(desk)
    entry.take_checklist(form(entry, AN), no_but("8"), {"pulse": 72})
    saved = entry.save(form(entry, AN))
    assert isinstance(saved, Saved)
    return saved.record


def test_the_wire_carries_the_checklist_and_old_bodies_stay_valid(
    desk: Desk, clock: FakeClock
) -> None:
    record = screened_record(desk)
    body = record_to_body(record)
    assert body["checklist_version"] == CHECKLIST.version
    assert checked_record(body, today=clock().date()) == record
    old = {k: v for k, v in body.items() if k not in ("checklist_version", "screening_answers")}
    old["screening"] = "D"
    assert checked_record(old, today=clock().date()).screening_answers == ""
    # An old body hashes as it always did; an empty field is the same as none.
    assert content_hash(old) == content_hash({**old, "checklist_version": "",
                                              "screening_answers": ""})  # fmt: skip
    assert "checklist_version" not in record_body(old)
    forged = {**body, "screening_answers": body["screening_answers"].replace('"8":"y"',
                                                                             '"8":"n"')}
    assert checked_record(forged, today=clock().date()).screening is Screening.ELIGIBLE
    bad = {**body, "screening": "H", "vaccine": "", "lot": "", "dose_number": None}
    with pytest.raises(FieldError) as refused:
        checked_record(bad, today=clock().date())
    assert refused.value.field == "screening"
    with pytest.raises(FieldError, match="must be text"):
        checked_record({**body, "screening_answers": 3}, today=clock().date())


async def test_the_answers_reach_the_hub_and_are_stored_there(
    hub: HubServer, hub_db: HubDB, tmp_path: Path, clock: FakeClock
) -> None:
    path = tmp_path / "desk-1.db"
    with open_store(path, clock) as store:
        desk = Desk(store, clock, desk_id="desk-1")
        add_test_users(store)
        record = screened_record(desk)
        plain = opened(desk)
        saved = plain.save(form(plain, YEN))
        assert isinstance(saved, Saved)
    await drain(path, hub.url, enrol(hub_db, "desk-1"))
    with hub_db._tx() as cur:
        cur.execute("SELECT record_id, checklist_version, screening_answers, checklist_outcome, "
                    "body FROM records ORDER BY record_id")  # fmt: skip
        rows = {row[0]: row[1:] for row in cur.fetchall()}
    version, answers, outcome, body = rows[record.record_id]
    assert (version, answers, outcome) == (CHECKLIST.version, record.screening_answers, "caution")
    assert json.loads(body)["screening_answers"] == record.screening_answers
    assert rows[saved.record.record_id][:3] == ("", "", "")
