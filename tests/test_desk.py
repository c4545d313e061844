"""The desk's use cases through the headless core alone: no screen, no pilot."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from desk import Desk, DeskPorts
from desk.certificate import Imported
from desk.entry import Entry, Filled, Queued, Refused, Saved
from desk.people import (
    Attendance,
    Due,
    add_user,
    create_first_supervisor,
    first_run,
    log_in,
    unlock,
)
from desk.sessions import open_session, session_form
from desk.today import check_correct, reveal, today_rows, void
from domain.clock import SiteClock
from domain.dates import PartialDate
from domain.errors import DeskError, FieldError
from domain.identity import Identity, IdType, Sex
from domain.messages import describe
from domain.record import Mode, Source, Status
from domain.roles import NotAllowed, Role
from domain.scans import CertificateDose, CertificateScan, IdentityScan, Rejected
from store import Store
from store.people import LoginError
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

YEN_CARD = Identity(IdType.CCCD, "084185000321", "Ngô Ngọc Yến", PartialDate(1985, 3, 2),
                    Sex.FEMALE, address="Ấp Phú Hòa, Trà Vinh")  # fmt: skip


@pytest.fixture
def nudges() -> list[str]:
    return []


@pytest.fixture
def desk(store: Store, clock: FakeClock, nudges: list[str]) -> Desk:
    add_test_users(store)
    ports = DeskPorts(nudge_upload=lambda: nudges.append("nudge"))
    return Desk(store, clock, desk_id="desk-1", ports=ports)


def opened(desk: Desk, name: str = TEST_USER, pin: str = TEST_PIN) -> Entry:
    log_in(desk, name, pin)
    open_session(desk, {k: v for k, v in SESSION_FORM.items() if k != "entered_by"})
    return Entry(desk)


def form(entry: Entry, person: dict[str, str]) -> dict[str, str]:
    """A live form with the session's values, as the screen shows it, and this person."""
    return {**entry.session_values(), "screening": "D", **person}


def test_first_run_makes_a_supervisor_and_logs_in(store: Store, clock: FakeClock) -> None:
    desk = Desk(store, clock)
    assert first_run(store)
    with pytest.raises(DeskError, match="the first user must be a supervisor"):
        add_user(store, "Lê Văn Tâm", Role.VOLUNTEER, "1234", by=None)
    with pytest.raises(DeskError) as mismatch:
        create_first_supervisor(desk, "Trần Văn Giám", "1357", "1358")
    assert mismatch.value.code == "pin.mismatch"
    user = create_first_supervisor(desk, "Trần Văn Giám", "1357", "1357")
    assert user.role is Role.SUPERVISOR and desk.user == user and not first_run(store)
    with pytest.raises(NotAllowed):
        add_user(store, "Lê Văn Tâm", Role.VOLUNTEER, "1234", by=None)
    added = add_user(store, "Lê Văn Tâm", Role.VOLUNTEER, "1234", by=user)
    assert added.role is Role.VOLUNTEER


def test_nobody_logged_in_enters_nothing(desk: Desk) -> None:
    entry = opened(desk)
    desk.user = None
    refused = entry.save(form(entry, AN))
    assert isinstance(refused, Refused) and isinstance(refused.problem, NotAllowed)
    assert desk.store.count_versions() == 0


def test_login_unlock_and_attendance(desk: Desk) -> None:
    with pytest.raises(LoginError) as wrong:
        log_in(desk, TEST_USER, "0000")
    assert wrong.value.code == "login.wrong" and describe(wrong.value) == "wrong name or PIN"
    user = log_in(desk, TEST_USER, TEST_PIN)
    assert desk.user == user
    assert not unlock(desk, "0000") and unlock(desk, TEST_PIN)
    policy = Attendance(idle_lock_seconds=300, session_hours=12)
    assert policy.due(now=100, logged_in_at=0, last_key_at=50) is None
    assert policy.due(now=400, logged_in_at=0, last_key_at=50) is Due.LOCK
    assert policy.due(now=13 * 3600, logged_in_at=0, last_key_at=13 * 3600) is Due.LOG_OUT


def test_session_defaults_come_back(desk: Desk) -> None:
    opened(desk)
    again = Desk(desk.store, desk.clock, site_id="OTHER-SITE")
    values = session_form(again)
    assert values["site_id"] == "OTHER-SITE" and values["lot"] == "NX1234"
    assert values["session_date"] == "23/11/2026"


def test_save_correct_and_void_through_the_core(desk: Desk, nudges: list[str]) -> None:
    entry = opened(desk)
    bad = entry.save(form(entry, {**AN, "dob": "150893"}))
    assert isinstance(bad, Refused) and set(bad.errors) == {"dob"}
    assert "born in 1992" in describe(bad.errors["dob"])
    saved = entry.save(form(entry, AN))
    assert isinstance(saved, Saved) and not saved.corrected and nudges == ["nudge"]
    assert saved.record.dose_number == 1 and saved.record.vaccine == "AZ"

    [row] = today_rows(desk)
    check_correct(desk, row.record)
    patch = entry.start_correction(row.record)
    assert patch.values["full_name"] == "Nguyễn Văn An" and patch.focus == "id_number"
    corrected = entry.save({**patch.values, "phone": "0987654321"})
    assert isinstance(corrected, Saved) and corrected.corrected
    assert corrected.record.version == 2 and corrected.record.person.phone == "0987654321"
    assert entry.editing is None

    with pytest.raises(NotAllowed):  # a vaccinator does not void
        void(desk, corrected.record, "entered twice")
    log_in(desk, SUPERVISOR, SUPERVISOR_PIN)
    with pytest.raises(FieldError):
        void(desk, corrected.record, "x")
    voided = void(desk, corrected.record, "entered twice")
    assert voided.status is Status.VOIDED and voided.void_reason == "entered twice"
    with pytest.raises(DeskError, match="voided record cannot be corrected"):
        check_correct(desk, today_rows(desk)[0].record)


def test_a_second_dose_number_is_refused_with_the_earlier_shown(desk: Desk) -> None:
    entry = opened(desk)
    assert isinstance(entry.save(form(entry, {**AN, "dose_number": "1"})), Saved)
    again = entry.save(form(entry, {**AN, "dose_number": "1"}))
    assert isinstance(again, Refused) and again.problem is not None
    assert "dose 1 already recorded on 23/11/2026" in describe(again.errors["dose_number"])


def test_volunteers_correct_their_own_records_only(desk: Desk) -> None:
    entry = opened(desk)
    saved = entry.save(form(entry, AN))
    assert isinstance(saved, Saved)
    as_volunteer = opened(desk, VOLUNTEER, VOLUNTEER_PIN)
    with pytest.raises(DeskError) as refused:
        check_correct(desk, saved.record)
    assert (
        describe(refused.value) == "a volunteer corrects only their own records: ask a supervisor"
    )
    # The outcome the doctor states: a volunteer enters it for the session's vaccinator.
    assert not {"screening", "aefi"} & as_volunteer.disabled({})
    postponed = as_volunteer.save(form(as_volunteer, {**YEN, "screening": "H"}))
    assert isinstance(postponed, Saved) and postponed.record.screening.value == "H"
    assert postponed.record.entered_by == VOLUNTEER
    assert postponed.record.vaccinator == SESSION_FORM["vaccinator"]
    assert reveal(desk, saved.record) == AN["id_number"]
    assert desk.store.people.rows()[-1]["action"] == "reveal"


def test_a_person_seen_before_comes_back_with_the_next_dose(desk: Desk) -> None:
    entry = opened(desk)
    assert isinstance(entry.save(form(entry, YEN)), Saved)
    patch = entry.after_field(form(entry, {"id_number": "084 185 000 321"}), "id_number")
    assert patch.values["id_number"] == "084185000321" and patch.values["sex"] == "Nữ"
    assert patch.values["full_name"] == "Ngô Ngọc Yến" and patch.values["dose_number"] == "2"
    assert patch.lookup is not None and patch.lookup.next is not None
    assert patch.lookup.next.due == date(2026, 11, 23) + timedelta(days=28)


def test_scans_fill_the_form_or_wait_for_it(desk: Desk) -> None:
    entry = opened(desk)
    scan = IdentityScan(YEN_CARD, None)
    filled = entry.receive(scan, form(entry, {}))
    assert isinstance(filled, Filled) and entry.source is Source.SCAN
    assert filled.patch.values["full_name"] == "Ngô Ngọc Yến" and filled.patch.focus == ""
    busy = form(entry, {"id_number": "079092001234"})
    assert isinstance(entry.receive(scan, busy), Queued) and len(entry.queue) == 1
    refused = entry.receive(Rejected("scan.not_recognised"), busy)
    assert isinstance(refused, Rejected) and len(entry.queue) == 1
    waiting = entry.next_queued(form(entry, {}))
    assert waiting is not None and waiting.scan == scan and not entry.queue


def test_a_certificate_imports_its_doses_once(desk: Desk, nudges: list[str]) -> None:
    entry = opened(desk)
    doses = tuple(
        CertificateDose("PF", "Comirnaty", n, 2, date(2021, 8, n * 2), "VN", "Bộ Y tế")
        for n in (1, 2)
    )
    scan = CertificateScan("Nguyễn Văn", "An", PartialDate(1992, 8, 15), doses, "VN")
    filled = entry.receive(scan, form(entry, {}))
    assert isinstance(filled, Filled) and filled.patch.certificate == scan
    values = form(entry, {**filled.patch.values, "id_number": "079092001234"})
    result = entry.save(values)
    assert result == Imported(imported=2, known=0) and entry.certificate is None
    history = desk.store.history("cccd:079092001234")
    assert [(r.dose_number, r.source) for r in history] == [
        (1, Source.CERTIFICATE),
        (2, Source.CERTIFICATE),
    ]
    entry.receive(scan, form(entry, {}))
    assert entry.save(values) == Imported(imported=0, known=2)
    assert nudges


def test_retrospective_mode_starts_blank_and_keeps_the_paper_lines_values(desk: Desk) -> None:
    entry = opened(desk)
    assert entry.toggle_mode() is Mode.RETROSPECTIVE
    first = entry.clear({"vaccine": "AZ", "lot": "NX1234", "given_on": "23/11/2026"})
    assert first["vaccine"] == "" and first["given_on"] == ""
    kept = entry.clear({"vaccine": "VC", "lot": "", "given_on": "150821", "full_name": "X"})
    assert kept["vaccine"] == "VC" and kept["given_on"] == "150821" and kept["full_name"] == ""
    assert "vaccine" not in entry.disabled({})
    assert entry.toggle_mode() is Mode.LIVE and "vaccine" in entry.disabled({})


def test_the_desk_takes_the_site_zone_the_hub_gives(store: Store, clock: FakeClock) -> None:
    site_clock = SiteClock("Asia/Ho_Chi_Minh")
    desk = Desk(store, site_clock)
    assert desk.adopt_timezone("Asia/Bangkok") and site_clock.timezone == "Asia/Bangkok"
    assert not desk.adopt_timezone("Asia/Bangkok")  # nothing new
    assert not desk.adopt_timezone("Mars/Olympus") and site_clock.timezone == "Asia/Bangkok"
    start, end = desk.today()
    assert start.tzinfo is site_clock.zone and (end - start).total_seconds() == 86400
    injected = Desk(store, clock)  # a test's clock is never moved by the hub
    assert not injected.adopt_timezone("Asia/Bangkok") and injected.clock is clock


def test_a_correction_drops_a_certificate_on_offer(desk: Desk) -> None:
    """F3 while a certificate waits in the form: Ctrl+S then saves the correction, it does not
    import the certificate into the record being corrected."""
    entry = opened(desk)
    saved = entry.save(form(entry, YEN))
    assert isinstance(saved, Saved)
    doses = (CertificateDose("PF", "Comirnaty", 1, 2, date(2021, 8, 2), "VN", "Bộ Y tế"),)
    scan = CertificateScan("Nguyễn Văn", "An", PartialDate(1992, 8, 15), doses, "VN")
    assert isinstance(entry.receive(scan, form(entry, {})), Filled)
    patch = entry.start_correction(saved.record)
    assert entry.certificate is None
    result = entry.save({**patch.values, "phone": "0912345678"})
    assert isinstance(result, Saved) and result.corrected
    assert desk.store.history("cccd:079092001234") == []


def test_another_id_number_gets_its_own_dose_number(desk: Desk) -> None:
    entry = opened(desk)
    assert isinstance(entry.save(form(entry, YEN)), Saved)
    typed = form(entry, {"id_number": YEN["id_number"]})
    first = entry.after_field(typed, "id_number")
    assert first.values["dose_number"] == "2"
    other = {**typed, **first.values, "id_number": AN["id_number"], "full_name": ""}
    assert entry.after_field(other, "id_number").values["dose_number"] == "1"
    typed_by_hand = {**form(entry, {"dose_number": "3"}), "id_number": AN["id_number"]}
    entry.clear(typed_by_hand)
    assert "dose_number" not in entry.after_field(typed_by_hand, "id_number").values


def test_no_session_change_in_the_middle_of_a_correction(desk: Desk) -> None:
    entry = opened(desk)
    saved = entry.save(form(entry, AN))
    assert isinstance(saved, Saved)
    entry.check_session_change()
    entry.start_correction(saved.record)
    with pytest.raises(DeskError, match="finish or cancel"):
        entry.check_session_change()
