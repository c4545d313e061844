"""Behaviours of the desk app kept through the move to the desk core (review of issue 10)."""

from __future__ import annotations

from pathlib import Path
from time import monotonic

from desk.people import Attendance, log_in
from scanner.loop import CameraState
from tests.conftest import TEST_PIN, TEST_USER, FakeClock, desk_app
from tests.test_tui_desk import SIZE, open_session
from tui.screens.login import LoginScreen
from tui.screens.session import SessionScreen
from tui.widgets.scanner import ScannerPanel


async def test_a_new_login_is_not_ended_by_the_last_sessions_hours(
    db_path: Path, clock: FakeClock
) -> None:
    """The login screen logs the user in at the core, then hands them to the app: the idle
    check in between must not measure the new user by the previous session's start."""
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, LoginScreen)
        app.attendance = Attendance(session_hours=1 / 3600)
        app.logged_in_at = monotonic() - 10  # the previous user's session, long over
        user = log_in(app.desk, TEST_USER, TEST_PIN)  # what the login screen does first
        app.lock_if_idle()  # the app's one-second check, before the screen's result arrives
        await pilot.pause()
        assert app.desk.user == user, "logged out before being logged in"
        app.attendance = Attendance()
        app.screen.dismiss(user)
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)


async def test_heartbeats_report_no_camera_once_the_entry_screen_is_gone(
    db_path: Path, clock: FakeClock
) -> None:
    """The worker now runs at the login screen too: it must not go on reporting the camera of
    an entry screen that was closed (the panel, and its camera, stop with it)."""
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        panel = app.screen.query_one(ScannerPanel)
        panel.post_message(ScannerPanel.CameraStateChanged(CameraState("usb0", False, 12.0)))
        await pilot.pause()
        assert app.camera_summary.startswith("usb0 · 12 fps")
        app.log_out("The session ended")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        assert not app.camera_summary.startswith("usb0")
