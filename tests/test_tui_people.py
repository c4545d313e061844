"""Logins, roles, the idle lock and the first run, driven as people at a desk would."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, Static

from desk.people import Attendance
from domain.roles import Role
from store import open_store
from tests.conftest import (
    SUPERVISOR,
    SUPERVISOR_PIN,
    TEST_USER,
    VOLUNTEER,
    VOLUNTEER_PIN,
    FakeClock,
    desk_app,
)
from tests.test_tui_desk import SIZE, entry, log_in, open_session, rows, text_of, type_text
from tui.app import VaxdeskApp
from tui.screens.entry import EntryScreen
from tui.screens.login import LockScreen, LoginScreen, NoRecordsScreen
from tui.screens.session import SessionScreen
from tui.screens.today import TodayScreen


def screen_text(app: VaxdeskApp) -> str:
    """What the screen shows, as text: every input's value and every label's text."""
    parts = []
    for widget in app.screen.query("*"):
        if isinstance(widget, Input):
            parts.append(widget.value)
        elif isinstance(widget, Static):
            parts.append(str(widget.render()))
    return "\n".join(parts)


async def test_first_run_creates_the_first_supervisor(db_path: Path, clock: FakeClock) -> None:
    from tui.app import make_app

    app = make_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, LoginScreen) and screen.first_run
        assert "no default password" in text_of(app, "#session-title")
        screen.form.field("name").value = "Trần Văn Giám"
        await pilot.press("enter", *"1357", "enter", *"1375", "enter")
        assert "The two PINs differ" in text_of(app, "#session-message")
        await pilot.press(*"1357", "enter", *"1357", "enter")
        assert isinstance(app.screen, SessionScreen)
        assert app.user is not None and app.user.role is Role.SUPERVISOR
        await open_session(pilot)
        screen = entry(app)
        screen.form.set_values({"id_number": "079092001234", "full_name": "Nguyễn Văn An",
                                "dob": "150892"})  # fmt: skip
        await pilot.press("ctrl+s")
    [row] = rows(db_path)
    assert row["entered_by"] == "Trần Văn Giám"  # every record carries its author


async def test_wrong_pins_and_lockout_at_the_login(db_path: Path, clock: FakeClock) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        for attempt in range(5):
            await log_in(pilot, TEST_USER, "0000")
            assert "Wrong name or PIN" in text_of(app, "#session-message"), attempt
        await log_in(pilot, TEST_USER, "2468")  # the right PIN, too late
        assert "Locked after 5 wrong PINs" in text_of(app, "#session-message")
        assert isinstance(app.screen, LoginScreen)


async def test_idle_lock_hides_everything_personal(db_path: Path, clock: FakeClock) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        screen = entry(app)
        screen.form.set_values({"id_number": "079092001234", "full_name": "Nguyễn Văn An",
                                "dob": "150892", "phone": "0912345678"})  # fmt: skip
        assert "Nguyễn Văn An" in screen_text(app)
        app.attendance = Attendance(idle_lock_seconds=0.5)  # the volunteer walks away
        await pilot.pause(1.6)
        assert isinstance(app.screen, LockScreen)
        shown = screen_text(app)
        for personal in ("Nguyễn Văn An", "079092001234", "0912345678", "1234"):
            assert personal not in shown
        await pilot.press(*"0000", "enter")
        assert isinstance(app.screen, LockScreen) and "Wrong PIN" in shown + screen_text(app)
        app.attendance = Attendance(idle_lock_seconds=300)
        await pilot.press(*"2468", "enter")
        assert isinstance(app.screen, EntryScreen)
        assert screen.form.field("full_name").value == "Nguyễn Văn An"  # nothing lost
    with open_store(db_path) as store:
        actions = [row["action"] for row in store.people.rows()]
    assert "lock" in actions and "unlock" in actions


async def test_another_user_closes_the_session(db_path: Path, clock: FakeClock) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        app.lock()
        await pilot.pause()
        await pilot.press("ctrl+u")
        assert isinstance(app.screen, LoginScreen) and app.user is None
        assert "Another user" in text_of(app, "#session-message")
        await log_in(pilot, VOLUNTEER, VOLUNTEER_PIN)
        assert isinstance(app.screen, SessionScreen)
        assert app.user is not None and app.user.name == VOLUNTEER


async def test_a_volunteer_enters_and_screens_but_does_not_void(
    db_path: Path, clock: FakeClock
) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot, VOLUNTEER, VOLUNTEER_PIN)
        screen = entry(app)
        # The screening and adverse events, for the session's vaccinator (issue 13).
        assert screen.form.field("screening").enabled and screen.form.field("aefi").enabled
        screen.form.set_values({"id_number": "079092001234", "full_name": "Nguyễn Văn An",
                                "dob": "150892"})  # fmt: skip
        screen.last_field().input.focus()
        assert screen.last_field().field_name == "screening"
        await pilot.press("enter")  # Enter on the last field saves
        assert "Saved ✓" in text_of(app, "#message")
        await pilot.press("f3")
        today = app.screen
        assert isinstance(today, TodayScreen)
        await pilot.press("v")
        assert "may not void records" in text_of(app, "#today-message")
        await pilot.press("x")  # reveal: allowed, and audited
        assert "079092001234 (audited)" in text_of(app, "#today-message")
        await pilot.press("enter")  # their own record: correctable
        assert isinstance(app.screen, EntryScreen) and app.screen.editing is not None
    with open_store(db_path) as store:
        reveals = [r for r in store.people.rows() if r["action"] == "reveal"]
        assert reveals and reveals[0]["user_name"] == VOLUNTEER
        assert "079092001234" not in reveals[0]["detail"]


async def test_a_volunteer_corrects_only_their_own(db_path: Path, clock: FakeClock) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot, SUPERVISOR, SUPERVISOR_PIN)
        screen = entry(app)
        screen.form.set_values({"id_number": "079092001234", "full_name": "Nguyễn Văn An",
                                "dob": "150892"})  # fmt: skip
        await pilot.press("ctrl+s")
        app.log_out("next")
        await pilot.pause()
        await open_session(pilot, VOLUNTEER, VOLUNTEER_PIN)
        await pilot.press("f3")
        assert isinstance(app.screen, TodayScreen)
        assert app.screen.query_one(DataTable).row_count == 1
        await pilot.press("enter")
        assert "corrects only their own records" in text_of(app, "#today-message")
        assert isinstance(app.screen, TodayScreen)


async def test_a_technician_sees_no_records(db_path: Path, clock: FakeClock) -> None:
    app = desk_app(db_path, clock=clock)
    with open_store(db_path) as store:
        store.people.add("Kỹ Thuật", Role.TECHNICIAN, "8642", by="test")
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "Kỹ Thuật", "8642")
        assert isinstance(app.screen, NoRecordsScreen)
        await type_text(pilot, "x")
        assert isinstance(app.screen, NoRecordsScreen)
