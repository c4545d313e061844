"""Arrival: a scan or a typed ID finds the person on the day's list, or says they are not on
it; walk-ins; counts; the follow-up export; the `vaxdesk list` commands."""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from desk import Desk
from desk.arrival import (
    FollowUp,
    NotOnList,
    day_counts,
    lookup,
    mark_absent,
    mark_arrived,
    path,
    register_walk_in,
    set_state,
    write_follow_up,
)
from desk.entry import Entry, Saved
from desk.people import log_in
from desk.sessions import open_session
from domain.dates import PartialDate
from domain.identity import Identity, IdType, Sex
from domain.messages import describe
from domain.scans import IdentityScan
from domain.subjects import ListEntry, SubjectState
from store import Store
from tests.conftest import SESSION_FORM, TEST_PIN, TEST_USER, FakeClock
from vaxdesk.cli import main
from vaxdesk.testing.desk import add_test_users

DAY = date(2026, 11, 23)
AN = Identity(IdType.CCCD, "079092001234", "Nguyễn Văn An", PartialDate(1992, 8, 15), Sex.MALE)
CUONG = Identity(IdType.NONE, "", "Lê Văn Cường", PartialDate(1960), Sex.MALE,
                 address="=HYPERLINK(\"x\")")  # fmt: skip
NEW = Identity(IdType.CCCD, "001185000123", "Trần Thị Bích", PartialDate(1985, 3, 2), Sex.FEMALE)


@pytest.fixture
def listed(store: Store) -> Store:
    store.subjects.apply_list(
        site_id="S1", day=DAY, list_hash="h", file_name="f.xlsx", by="-",
        entries=[ListEntry(person=AN, priority_group="1"),
                 ListEntry(person=CUONG, priority_group="9")],
    )  # fmt: skip
    return store


def test_a_scan_or_typed_id_finds_the_person(listed: Store) -> None:
    assert lookup(listed, "S1", DAY, id_text="0790 9200 1234").person.full_name == "Nguyễn Văn An"
    by_name = lookup(listed, "S1", DAY, name="le van cuong", dob=PartialDate(1960))
    assert by_name.person.full_name == "Lê Văn Cường"
    with pytest.raises(NotOnList) as caught:
        lookup(listed, "S1", DAY, id_text="001185000123")
    assert describe(caught.value) == "not on the list of 23/11/2026: register as a walk-in"
    with pytest.raises(NotOnList):
        lookup(listed, "S1", date(2026, 11, 24), id_text="079092001234")  # another day


def test_arrived_absent_walk_in_and_counts(listed: Store) -> None:
    an = mark_arrived(listed, lookup(listed, "S1", DAY, id_text="079092001234"), by="Hoa")
    assert mark_arrived(listed, an, by="Hoa").state_at == an.state_at  # scanned twice
    mark_absent(listed, lookup(listed, "S1", DAY, name="Lê Văn Cường", dob=PartialDate(1960)),
                by="Hoa")  # fmt: skip
    walk_in = register_walk_in(listed, "S1", DAY, NEW, by="Hoa", priority_group="15")
    assert walk_in.walk_in and walk_in.state is SubjectState.ARRIVED
    counts = day_counts(listed, "S1", DAY)
    assert counts.total == 3 and counts.of(SubjectState.ARRIVED) == 2
    assert counts.of(SubjectState.ABSENT, group="9") == 1


def test_follow_up_exports(listed: Store) -> None:
    an = lookup(listed, "S1", DAY, id_text="079092001234")
    for state in (SubjectState.ARRIVED, SubjectState.ELIGIBLE, SubjectState.VACCINATED):
        an = listed.subjects.set_state(an.subject_id, state, by="Hoa")
    out = io.StringIO()
    assert write_follow_up(listed, "S1", DAY, FollowUp.NOT_VACCINATED, out) == 1
    (row,) = csv.DictReader(io.StringIO(out.getvalue()))
    assert (row["full_name"], row["dob"], row["list_day"]) == ("Lê Văn Cường", "1960", "2026-11-23")
    assert row["address"] == "'=HYPERLINK(\"x\")" and row["priority_group"] == "9"
    assert write_follow_up(listed, "S1", DAY, FollowUp.ABSENT, io.StringIO()) == 0


def test_the_commands(tmp_path: Path) -> None:
    db, lst = tmp_path / "desk.db", tmp_path / "list.csv"
    lst.write_text("Họ và tên,Ngày sinh,Giới tính,Nhóm ưu tiên\nLê Văn Cường,1960,0,16\n"
                   "Lê Văn Cường,1960,0,16\nAi Đó,31/02/1990,1,1\n", encoding="utf-8")  # fmt: skip
    runner = CliRunner()
    args = ["--lang", "en", "list", "import", str(lst), "--db", str(db), "--site", "S1",
            "--day", "23/11/2026"]  # fmt: skip
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert ("3 rows read for 23/11/2026: 1 new, 0 updated, 0 unchanged, 1 duplicates left out, "
            "1 refused") in result.output  # fmt: skip
    assert f"1 refused row, with its reason, in {tmp_path / 'list-rejects.csv'}" in result.output
    out = tmp_path / "out.csv"
    result = runner.invoke(main, ["--lang", "en", "list", "export", str(out), "--db", str(db),
                                  "--site", "S1", "--day", "23/11/2026", "--state", "absent"])
    assert result.exit_code == 0 and out.read_text("utf-8").count("\n") == 1
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook")
    result = runner.invoke(main, ["--lang", "en", "list", "import", str(bad), "--db", str(db),
                                  "--site", "S1"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        f"Error: cannot import {bad}: bad.xlsx cannot be read as a spreadsheet (ZipError)")


def test_a_walk_in_already_on_the_list_is_marked_arrived(listed: Store) -> None:
    again = register_walk_in(listed, "S1", DAY, AN, by="Hoa")
    assert not again.walk_in and again.state is SubjectState.ARRIVED
    assert day_counts(listed, "S1", DAY).total == 2


def test_a_list_is_stored_whole_or_not_at_all(store: Store,
                                             monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    def broken(*args: object) -> None:
        raise OSError("disk gone")  # the last write of the transaction fails

    monkeypatch.setattr(store.people, "audit_in_tx", broken)
    with pytest.raises(OSError):
        store.subjects.apply_list(site_id="S1", day=DAY, list_hash="h", file_name="f", by="-",
                                  entries=[ListEntry(person=AN), ListEntry(person=CUONG)])
    assert list(store.subjects.of_day("S1", DAY)) == []
    assert store.conn.execute("SELECT COUNT(*) FROM subject_lists").fetchone()[0] == 0


def test_the_summary_in_vietnamese(tmp_path: Path) -> None:
    lst = tmp_path / "ds.csv"
    lst.write_text("Họ và tên,Ngày sinh,Giới tính\nLê Văn Cường,1960,0\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--lang", "vi", "list", "import", str(lst), "--db",
                                       str(tmp_path / "d.db"), "--site", "S1", "--day",
                                       "23/11/2026"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert ("đã đọc 1 dòng cho ngày 23/11/2026: 1 mới, 0 cập nhật, 0 không đổi, 0 dòng trùng "
            "bỏ qua, 0 bị từ chối") in result.output  # fmt: skip


# -- the entry form's arrival (the headless core, no pilot) ---------------------------------

S = SubjectState
SITE = "TV-CN-01"  # the test session's site (tests.conftest.SESSION_FORM)
AN_FORM = {"id_number": "079092001234", "full_name": "Nguyễn Văn An", "dob": "15/08/1992",
           "sex": "Nam"}  # fmt: skip
BICH_FORM = {"id_number": "001185000123", "full_name": "Trần Thị Bích", "dob": "02/03/1985",
             "sex": "Nữ"}  # fmt: skip


def test_the_steps_follow_the_days_rules() -> None:
    assert path(S.ON_LIST, S.VACCINATED) == [S.ARRIVED, S.ELIGIBLE, S.VACCINATED]
    assert path(S.ABSENT, S.DEFERRED) == [S.ARRIVED, S.DEFERRED]
    assert path(S.DEFERRED, S.VACCINATED) == [S.ELIGIBLE, S.VACCINATED]  # the doctor changed it
    assert path(S.VACCINATED, S.VACCINATED) == []
    assert path(S.VACCINATED, S.DEFERRED) is None  # a screening after the dose
    assert path(S.LEFT, S.VACCINATED) is None


@pytest.fixture
def entry(store: Store, clock: FakeClock) -> Entry:
    add_test_users(store)
    desk = Desk(store, clock, desk_id="desk-1")
    log_in(desk, TEST_USER, TEST_PIN)
    open_session(desk, {k: v for k, v in SESSION_FORM.items() if k != "entered_by"})
    store.subjects.apply_list(
        site_id=SITE, day=DAY, list_hash="h", file_name="f.xlsx", by="-",
        entries=[ListEntry(person=AN, priority_group="9"), ListEntry(person=CUONG)],
    )  # fmt: skip
    return Entry(desk)


def typed(entry: Entry, person: dict[str, str], screening: str = "D") -> dict[str, str]:
    """The form after the ID was typed and Enter pressed, the rest filled in."""
    form = {**entry.session_values(), "screening": screening, **person}
    patch = entry.after_field(form, "id_number")
    return {**form, **patch.values, "dose_number": "1" if screening == "D" else ""}


def test_an_id_on_the_list_arrives_and_a_dose_vaccinates(entry: Entry) -> None:
    form = typed(entry, AN_FORM)
    found = entry.arrival
    assert found is not None and found.arrived_now and found.subject is not None
    assert found.subject.state is S.ARRIVED and found.subject.entry.priority_group == "9"
    assert isinstance(entry.save(form), Saved)
    store = entry.desk.store
    an = lookup(store, SITE, DAY, id_text=AN.id_number)
    assert an.state is S.VACCINATED and an.vaccinated_at
    assert [state for state, _at, _by in store.subjects.history(an.subject_id)] == [
        S.ARRIVED, S.ELIGIBLE, S.VACCINATED]  # fmt: skip
    typed(entry, AN_FORM)  # scanned again: nothing changes, no second arrival
    assert entry.arrival is not None and not entry.arrival.arrived_now


def test_a_walk_in_is_registered_when_saved(entry: Entry) -> None:
    form = typed(entry, BICH_FORM, screening="H")
    assert entry.arrival is not None and entry.arrival.walk_in
    assert isinstance(entry.save(form), Saved)
    bich = lookup(entry.desk.store, SITE, DAY, id_text=BICH_FORM["id_number"])
    assert bich.walk_in and bich.state is S.DEFERRED  # screened: postponed, no dose
    assert day_counts(entry.desk.store, SITE, DAY).total == 3


def test_no_list_today_says_nothing(entry: Entry) -> None:
    entry.change_session(replace(entry.session, site_id="TV-CN-02"))  # a site without a list
    form = typed(entry, AN_FORM)
    assert entry.arrival is None
    assert isinstance(entry.save(form), Saved)
    assert day_counts(entry.desk.store, "TV-CN-02", DAY).total == 0


def test_a_refused_step_is_logged_never_blocks_the_save(
    entry: Entry, caplog: pytest.LogCaptureFixture
) -> None:
    store = entry.desk.store
    an = mark_arrived(store, lookup(store, SITE, DAY, id_text=AN.id_number), by="Hoa")
    set_state(store, an, S.LEFT, by="Hoa")
    form = typed(entry, AN_FORM)
    with caplog.at_level(logging.WARNING, logger="vaxdesk.desk"):
        assert isinstance(entry.save(form), Saved)
    assert lookup(store, SITE, DAY, id_text=AN.id_number).state is S.LEFT
    assert "left -> vaccinated refused" in caplog.text and AN.id_number not in caplog.text


def test_a_scanned_card_arrives_too(entry: Entry) -> None:
    outcome = entry.receive(IdentityScan(AN, None), {**entry.session_values(), "screening": "D"})
    assert outcome.__class__.__name__ == "Filled"
    assert entry.arrival is not None and entry.arrival.arrived_now
    assert lookup(entry.desk.store, SITE, DAY, id_text=AN.id_number).state is S.ARRIVED
