"""The real desk app for tests and benchmarks: a file with users to log in as, a hand-moved clock,
and the pilot steps every driver repeats (log in, wait for a thread's work)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from domain.roles import Role
from store import Store, open_store

if TYPE_CHECKING:
    from textual.pilot import Pilot

    from tui.app import VaxdeskApp

TEST_USER = "Lê Thị Hoa"  # a vaccinator
TEST_PIN = "2468"
SUPERVISOR = "Trần Văn Giám"
SUPERVISOR_PIN = "1357"
VOLUNTEER = "Phạm Thu Trang"
VOLUNTEER_PIN = "9753"


@dataclass
class FakeClock:
    """A desk clock the test moves by hand."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def add_test_users(store: Store) -> None:
    """The vaccinator, the supervisor and the volunteer the tests log in as."""
    store.people.add(TEST_USER, Role.VACCINATOR, TEST_PIN, by="test")
    store.people.add(SUPERVISOR, Role.SUPERVISOR, SUPERVISOR_PIN, by="test")
    store.people.add(VOLUNTEER, Role.VOLUNTEER, VOLUNTEER_PIN, by="test")


def desk_app(db: Path, **options: Any) -> VaxdeskApp:
    """The real desk app on a file that has a user (a vaccinator) to log in as, and a supervisor
    and a volunteer; `options` go to `tui.app.make_app`."""
    from tui.app import make_app

    clock = options.get("clock")
    with open_store(db, clock) if clock else open_store(db) as store:
        if not store.people.users():
            add_test_users(store)
    return make_app(db, **options)


async def type_text(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*["space" if ch == " " else ch for ch in text])


async def log_in(pilot: Pilot[Any], name: str = TEST_USER, pin: str = TEST_PIN) -> None:
    """From the login screen: the name (set, not typed), Enter, the PIN typed, Enter."""
    from tui.screens.login import LoginScreen

    app = pilot.app
    assert isinstance(app.screen, LoginScreen), type(app.screen)
    app.screen.form.field("name").value = name  # Vietnamese names: typing proves nothing
    app.screen.form.focus_field("name")
    await pilot.press("enter")
    await type_text(pilot, pin)
    await pilot.press("enter")


async def until(pilot: Pilot[Any], condition: Callable[[], object], what: str) -> None:
    """Let the app work until the condition holds (scans and uploads come from threads)."""
    for _ in range(300):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"timed out waiting for {what}")
