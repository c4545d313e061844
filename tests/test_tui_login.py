"""The login screen as a volunteer meets it: a name typed without diacritics, the pick between
two names that read the same, and the login, first-run and lock screens in Vietnamese."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.widgets import Input, Static

import i18n
from desk.people import Attendance
from domain.roles import Role
from store import open_store
from tests.conftest import SUPERVISOR, SUPERVISOR_PIN, FakeClock, desk_app, until
from tests.test_tui_desk import SIZE, open_session, text_of, type_text
from tui.app import VaxdeskApp, make_app
from tui.screens.login import LockScreen, LoginScreen
from tui.screens.pick_user import PickUserModal
from tui.screens.session import SessionScreen

LAN, LAN_HAT = "Nguyễn Thị Lan", "Nguyễn Thị Lân"


def with_users(db_path: Path, clock: FakeClock, *names: str) -> VaxdeskApp:
    app = desk_app(db_path, clock=clock)
    with open_store(db_path, clock) as store:
        for name in names:
            store.people.add(name, Role.VOLUNTEER, "4321", by="test")
    return app


def rendered(app: App[object]) -> str:
    """The lines the terminal receives for the top screen (a modal included)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def box_text(app: App[object]) -> str:
    """The screen's own words, the key bar aside: labels, titles, messages, placeholders."""
    parts = []
    for widget in app.screen.query("#session-box *"):
        if isinstance(widget, Input):
            parts.append(widget.value or str(widget.placeholder))
        elif isinstance(widget, Static):
            parts.append(str(widget.render()))
    return "\n".join(parts)


def login(app: object) -> LoginScreen:
    screen = getattr(app, "screen", None)
    assert isinstance(screen, LoginScreen), type(screen)
    return screen


async def test_log_in_typing_the_name_without_diacritics(db_path: Path, clock: FakeClock) -> None:
    app = with_users(db_path, clock, LAN)
    async with app.run_test(size=SIZE) as pilot:
        login(app).form.focus_field("name")
        await type_text(pilot, "  nguyen THI   lan ")
        await pilot.press("enter")
        assert not isinstance(app.screen, PickUserModal)  # one name reads so: no question
        await type_text(pilot, "4321")
        await pilot.press("enter")
        assert isinstance(app.screen, SessionScreen)
        assert app.user is not None and app.user.name == LAN


async def test_two_names_that_read_the_same_ask_which(db_path: Path, clock: FakeClock) -> None:
    app = with_users(db_path, clock, LAN, LAN_HAT)
    async with app.run_test(size=SIZE) as pilot:
        screen = login(app)
        screen.form.focus_field("name")
        await type_text(pilot, "nguyen thi lan")
        await pilot.press("enter")
        modal = app.screen
        assert isinstance(modal, PickUserModal) and modal.names == [LAN, LAN_HAT]
        assert LAN in rendered(app) and LAN_HAT in rendered(app)
        await pilot.press("escape")  # not me: back to the name, as typed
        assert app.screen is screen and screen.form.values()["name"] == "nguyen thi lan"
        await pilot.press("enter")
        assert isinstance(app.screen, PickUserModal)
        await pilot.press("down", "enter")
        assert app.screen is screen and screen.form.values()["name"] == LAN_HAT
        assert screen.focused is screen.form.field("pin").input  # then the PIN
        await type_text(pilot, "4321")
        await pilot.press("enter")
        assert isinstance(app.screen, SessionScreen)
        assert app.user is not None and app.user.name == LAN_HAT


async def test_ctrl_s_with_an_ambiguous_name_asks_then_logs_in(
    db_path: Path, clock: FakeClock
) -> None:
    app = with_users(db_path, clock, LAN, LAN_HAT)
    async with app.run_test(size=SIZE) as pilot:
        login(app).form.set_values({"name": "NGUYEN THI LAN", "pin": "4321"})
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, PickUserModal)
        await pilot.press("enter")  # the first, highlighted
        assert isinstance(app.screen, SessionScreen)
        assert app.user is not None and app.user.name == LAN


async def test_the_exact_name_never_asks(db_path: Path, clock: FakeClock) -> None:
    app = with_users(db_path, clock, LAN, LAN_HAT)
    async with app.run_test(size=SIZE) as pilot:
        login(app).form.field("name").value = LAN_HAT
        login(app).form.focus_field("name")
        await pilot.press("enter")
        assert isinstance(app.screen, LoginScreen)
        await type_text(pilot, "0000")  # a wrong PIN: the usual answer, for that user only
        await pilot.press("enter")
        assert "Wrong name or PIN" in text_of(app, "#session-message")
    with open_store(db_path) as store:
        failed = [row for row in store.people.rows() if row["action"] == "login.failed"]
    assert [row["user_name"] for row in failed] == [LAN_HAT]


async def test_the_login_screen_speaks_vietnamese(db_path: Path, clock: FakeClock) -> None:
    i18n.set_language("vi")
    app = with_users(db_path, clock, LAN, LAN_HAT)
    async with app.run_test(size=SIZE) as pilot:
        shown = box_text(app)  # the key bar is translated where it is drawn (tui/widgets)
        assert "Đăng nhập" in shown and "Họ và tên" in shown and "Mã PIN" in shown
        assert "Log in" not in shown and "your name" not in shown
        login(app).form.field("name").value = "nguyen thi lan"
        login(app).form.focus_field("name")
        await pilot.press("enter")
        assert isinstance(app.screen, PickUserModal)
        assert "Chọn tên của bạn" in rendered(app) and LAN_HAT in rendered(app)


async def test_first_run_and_lock_speak_vietnamese(db_path: Path, clock: FakeClock) -> None:
    i18n.set_language("vi")
    first = make_app(db_path.with_name("first.db"), clock=clock)
    async with first.run_test(size=SIZE):
        assert login(first).first_run
        shown = box_text(first)
        assert "giám sát viên" in shown and "Mã PIN lần 2" in shown
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot, SUPERVISOR, SUPERVISOR_PIN)
        app.attendance = Attendance(idle_lock_seconds=0.2)
        await until(pilot, lambda: isinstance(app.screen, LockScreen), "the idle lock")
        assert "Đã khóa màn hình" in box_text(app) and "Mã PIN" in box_text(app)
        app.attendance = Attendance(idle_lock_seconds=300)
        await type_text(pilot, "0000")
        await pilot.press("enter")  # the PIN is checked in a thread: waited for
        await until(pilot, lambda: "Sai mã PIN" in text_of(app, "#session-message"), "the refusal")
