"""Arrival through the real app: a list imported for today, an ID typed on the entry screen
finds the person, a save moves their state, F7 shows the day's list with its keys."""

from __future__ import annotations

import csv
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from desk.arrival import lookup
from desk.lists import import_list
from domain.subjects import SubjectState
from store import Store, open_store
from tests.conftest import SUPERVISOR, SUPERVISOR_PIN, FakeClock, desk_app, until
from tests.test_tui_desk import entry, open_session, text_of
from tui.app import VaxdeskApp
from tui.screens.entry import EntryScreen
from tui.screens.subjects import SubjectsScreen
from vaxdesk.testing.desk import type_text

SITE = "TV-CN-01"  # the site open_session types
LIST = (
    "Họ và tên,Ngày sinh,Giới tính,Số CMT/CCCD,Nhóm ưu tiên\n"
    "Nguyễn Văn An,15/08/1992,0,079092001234,9\n"
    "Ngô Ngọc Yến,02/03/1985,1,084185000321,1\n"
    "Lê Văn Cường,1960,0,,16\n"
)


def with_list(db: Path, clock: FakeClock) -> None:
    """Today's list of the site, imported on the desk's file before the app starts."""
    source = db.parent / "list.csv"
    source.write_text(LIST, encoding="utf-8")
    today = clock().date()
    with open_store(db, clock) as store:
        report = import_list(store, source, site_id=SITE, day=today, today=today)
    assert report.rows == 3


def state_of(app: VaxdeskApp, id_number: str) -> SubjectState:
    store: Store = app.desk.store
    return lookup(store, SITE, app.desk.clock().date(), id_text=id_number).state


async def fill_and_save(pilot: Pilot, screen: EntryScreen, name: str, dob: str) -> None:
    screen.form.field("full_name").value = name
    screen.form.field("dob").value = dob
    await pilot.press("ctrl+s")
    await pilot.pause()


def subjects(app: VaxdeskApp) -> SubjectsScreen:
    assert isinstance(app.screen, SubjectsScreen), type(app.screen)
    return app.screen


async def test_arrival_save_and_the_days_list(db_path: Path, clock: FakeClock) -> None:
    with_list(db_path, clock)
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_session(pilot, SUPERVISOR, SUPERVISOR_PIN)  # the follow-up is a supervisor's
        screen = entry(app)
        await type_text(pilot, "079092001234")
        await pilot.press("enter")
        assert text_of(app, "#arrival") == (
            "On today's list · group 9: People with chronic diseases, people over 65 · arrived"
            " · F7: the list")
        assert state_of(app, "079092001234") is SubjectState.ARRIVED
        await fill_and_save(pilot, screen, "Nguyễn Văn An", "15/08/1992")
        assert "Saved ✓ Nguyễn Văn An" in text_of(app, "#message")
        assert state_of(app, "079092001234") is SubjectState.VACCINATED
        assert not screen.query_one("#arrival").display  # cleared for the next citizen

        await pilot.press("f7")
        await pilot.pause()
        listing = subjects(app)
        table = listing.query_one(DataTable)
        assert table.row_count == 3
        counts = text_of(app, "#subjects-counts")
        assert "3 people · on the list 2 · vaccinated 1" in counts
        assert "********1234" in str(table.get_row_at(0)) and "079092001234" not in counts
        await pilot.press("down", "x")  # Yến did not come
        await pilot.pause()
        assert text_of(app, "#subjects-message") == "Ngô Ngọc Yến: absent"
        assert state_of(app, "084185000321") is SubjectState.ABSENT
        await pilot.press("x")  # absent already: nothing changes, nothing breaks
        await pilot.press("s")  # the first state present: on the list
        await pilot.pause()
        assert [row[0] for row in (table.get_row_at(i) for i in range(table.row_count))] == [
            "Lê Văn Cường"]  # fmt: skip
        await pilot.press("s", "s", "s", "g")  # states: vaccinated, absent, all; group 1
        await pilot.pause()
        assert table.row_count == 1 and table.get_row_at(0)[0] == "Ngô Ngọc Yến"
        assert "group 1" in text_of(app, "#subjects-counts")
        await pilot.press("g", "g", "g")  # groups 9, 16, all
        await pilot.press("slash")
        await type_text(pilot, "cuong")  # no diacritics needed
        await pilot.pause()
        assert table.row_count == 1 and table.get_row_at(0)[0] == "Lê Văn Cường"
        await pilot.press("down")  # back to the list
        await pilot.pause()
        assert app.focused is table

        await pilot.press("e")
        await until(pilot, lambda: "exported" in text_of(app, "#subjects-message"), "export")
        out = db_path.parent / f"not-vaccinated-{SITE}-2026-11-23.csv"
        assert text_of(app, "#subjects-message") == (
            f"2 people not yet vaccinated exported to {out}")
        rows = list(csv.DictReader(out.read_text("utf-8-sig").splitlines()))
        assert [(r["full_name"], r["state"]) for r in rows] == [
            ("Ngô Ngọc Yến", "absent"), ("Lê Văn Cường", "on_list")]  # fmt: skip
        await pilot.press("b")
        absent = db_path.parent / f"absent-{SITE}-2026-11-23.csv"
        await until(pilot, lambda: str(absent) in text_of(app, "#subjects-message"), "export")
        assert [r["id_number"] for r in csv.DictReader(
            absent.read_text("utf-8-sig").splitlines())] == ["084185000321"]  # fmt: skip
        assert oct(absent.stat().st_mode & 0o777) == "0o600"

        await pilot.press("escape")
        await pilot.pause()
        screen = entry(app)
        await type_text(pilot, "001185000123")  # not on the list
        await pilot.press("enter")
        assert text_of(app, "#arrival") == "Not on today's list: enter as a walk-in · F7: the list"
        await fill_and_save(pilot, screen, "Trần Thị Bích", "02/03/1985")
        assert "Saved ✓ Trần Thị Bích" in text_of(app, "#message")
        walk_in = lookup(app.desk.store, SITE, clock().date(), id_text="001185000123")
        assert walk_in.walk_in and walk_in.state is SubjectState.VACCINATED


async def test_a_volunteer_may_not_export(db_path: Path, clock: FakeClock) -> None:
    with_list(db_path, clock)
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_session(pilot)  # the vaccinator
        await pilot.press("f7", "e")
        await pilot.pause()
        assert "may not export records" in text_of(app, "#subjects-message")
        assert not list(db_path.parent.glob("not-vaccinated-*.csv"))


async def test_in_vietnamese_at_80_columns(db_path: Path, clock: FakeClock) -> None:
    with_list(db_path, clock)
    app = desk_app(db_path, clock=clock, language="vi")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_session(pilot, SUPERVISOR, SUPERVISOR_PIN)
        await type_text(pilot, "079092001234")
        await pilot.press("enter")
        assert text_of(app, "#arrival") == (
            "Trong danh sách hôm nay · nhóm 9: Người mắc bệnh mạn tính, người trên 65 tuổi · "
            "đã đến · F7: danh sách")  # fmt: skip
        await pilot.press("escape", "f7")
        await pilot.pause()
        keys = text_of(app, "#keybar")
        assert len(keys.rstrip()) <= 80, keys
        for word in ("Trạng thái", "Nhóm", "Đã đến", "Vắng", "DS chưa tiêm", "DS vắng"):
            assert word in keys
        assert "Esc quay lại" in subjects(app).query_one(Input).placeholder
        assert "3 người · trong danh sách 2 · đã đến 1" in text_of(app, "#subjects-counts")
