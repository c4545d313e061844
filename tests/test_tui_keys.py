"""Keys as people and USB scanners send them: fast bursts that are typing, not scans; quitting
with work on screen; the session form read from the top, one field at a time."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from tests.conftest import SESSION_FORM, FakeClock, desk_app
from tests.test_tui_desk import SIZE, entry, log_in, open_session, rows, type_text
from tests.test_tui_typing import keys_at_once
from tui.app import VaxdeskApp
from tui.screens.confirm import ConfirmModal
from tui.screens.entry import EntryScreen
from tui.screens.login import LoginScreen
from tui.screens.session import SessionScreen
from tui.screens.today import TodayScreen


async def burst(pilot: Pilot, text: str) -> None:
    """Keys posted without a pause, then Enter: how a wedge scanner, or a paste, arrives."""
    await keys_at_once(pilot, *("space" if c == " " else c for c in text), "enter")


async def test_a_name_in_one_burst_stays_in_the_vaccinator_field(
    db_path: Path, clock: FakeClock
) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        screen.form.focus_field("vaccinator")
        await pilot.pause()
        await burst(pilot, "Le Van Cuong")
        assert screen.form.field("vaccinator").value == "Le Van Cuong"
        assert app.focused is screen.form.field("vaccine").input  # Enter acted as Enter


async def test_a_name_in_one_burst_stays_on_the_first_run_screen(
    db_path: Path, clock: FakeClock
) -> None:
    from tui.app import make_app

    app = make_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, LoginScreen) and screen.first_run
        await burst(pilot, "Tran Van Giam")
        assert screen.form.field("name").value == "Tran Van Giam"
        assert app.focused is screen.form.field("pin").input


async def test_an_id_number_in_a_burst_on_the_login_is_typing(
    db_path: Path, clock: FakeClock
) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, LoginScreen)
        await burst(pilot, "079092001234")  # reads as a code, but no code is taken here
        assert screen.form.field("name").value == "079092001234"
        assert app.focused is screen.form.field("pin").input


async def test_a_burst_that_is_no_code_stays_typed_on_the_entry_screen(
    db_path: Path, clock: FakeClock
) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        screen = entry(app)
        screen.form.focus_field("full_name")
        await pilot.pause()
        await burst(pilot, "Le Van Cuong")
        assert screen.form.field("full_name").value == "Le Van Cuong"
        assert screen.source.value == "typed"
        assert app.focused is screen.form.field("dob").input


async def quit_asked(app: VaxdeskApp, pilot: Pilot) -> bool:
    await pilot.press("ctrl+q")
    await pilot.pause()
    return isinstance(app.screen, ConfirmModal)


async def test_ctrl_q_with_a_citizen_typed_asks_first(db_path: Path, clock: FakeClock) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        screen = entry(app)
        await type_text(pilot, "079092001234")
        assert await quit_asked(app, pilot)
        assert "The citizen typed will be lost" in str(
            app.screen.query_one("#confirm-question").render()
        )
        await pilot.press("enter")  # No is focused: Enter keeps the desk
        assert app.screen is screen and app.is_running
        assert screen.form.field("id_number").value == "079092001234"
        assert await quit_asked(app, pilot)
        await pilot.press("n")
        assert app.screen is screen and app.is_running
        assert await quit_asked(app, pilot)
        await pilot.press("y")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def test_ctrl_q_with_a_correction_open_asks_and_an_empty_form_quits(
    db_path: Path, clock: FakeClock
) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        screen = entry(app)
        screen.form.set_values({"id_number": "079092001234", "full_name": "Nguyễn Văn An",
                                "dob": "150892"})  # fmt: skip
        await pilot.press("ctrl+s")
        await pilot.press("f3")
        assert isinstance(app.screen, TodayScreen)
        await pilot.press("enter")
        assert screen.editing is not None and isinstance(app.screen, EntryScreen)
        screen.form.clear()  # even with the fields emptied, the correction is open
        assert await quit_asked(app, pilot)
        assert "The correction open" in str(app.screen.query_one("#confirm-question").render())
        await pilot.press("escape")
        assert app.screen is screen and app.is_running
        await pilot.press("escape")  # cancels the correction: nothing left to lose
        await pilot.pause()
        assert screen.editing is None
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running
    assert len(rows(db_path)) == 1


async def test_session_opens_on_site_and_enter_on_an_empty_field_stays(
    db_path: Path, clock: FakeClock
) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        site = screen.form.field("site_id")
        assert app.focused is site.input  # the top, where a volunteer starts reading
        await type_text(pilot, SESSION_FORM["site_id"])
        await pilot.press("enter")
        await type_text(pilot, SESSION_FORM["desk_id"])
        await pilot.press("enter")
        vaccinator = screen.form.field("vaccinator")
        assert app.focused is vaccinator.input
        await pilot.press("enter")  # empty and required: stays, saying so
        assert app.focused is vaccinator.input
        assert vaccinator.error and vaccinator.has_class("-invalid")
        assert isinstance(app.screen, SessionScreen)
        await type_text(pilot, "Le Van Cuong")
        await pilot.pause()
        assert vaccinator.error == ""  # corrected: the error goes at once, before Enter
        assert not vaccinator.has_class("-invalid")
        await pilot.press("enter")
        assert app.focused is screen.form.field("vaccine").input
        await pilot.press("enter")  # no vaccine typed: it stays, the lot keeps empty
        assert app.focused is screen.form.field("vaccine").input
        assert screen.form.field("lot").value == ""


async def test_a_corrected_field_loses_its_error_on_the_entry_screen(
    db_path: Path, clock: FakeClock
) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        screen = entry(app)
        await pilot.press("ctrl+s")  # nothing typed: refused at the fields
        full_name = screen.form.field("full_name")
        assert full_name.error
        screen.form.focus_field("full_name")
        await type_text(pilot, "An")
        await pilot.pause()
        assert full_name.error == "" and not full_name.has_class("-invalid")
        assert screen.form.field("dob").error  # the others still say what is missing
