"""A walk through every screen, in Vietnamese (the default) and in English: in Vietnamese no
English word of the catalog is on screen; in English the same walk reads English."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot

import i18n
from desk.people import Attendance
from hub.db import HubDB
from hub.tokens import issue_supervisor_token
from tests.conftest import SUPERVISOR, SUPERVISOR_PIN, FakeClock, desk_app, until
from tests.test_sync import desk_store, drain
from tests.test_tui_desk import entry, open_session
from tui.app import make_app
from tui.screens.confirm import ConfirmModal
from tui.screens.login import LockScreen, LoginScreen
from tui.screens.session import SessionScreen
from tui.screens.today import TodayScreen
from tui.screens.void import VoidModal
from tui.supervise import make_supervisor_app
from vaxdesk.testing.hub import SITE, HubServer, enrol
from vaxdesk.testing.language import english_on, english_phrases, english_words, shown

SIZES = [(80, 24), (100, 30)]


class Walk:
    """Each screen's text on the way, by name."""

    def __init__(self) -> None:
        self.screens: dict[str, str] = {}

    async def see(self, pilot: Pilot, name: str) -> None:
        await pilot.pause()
        self.screens[name] = shown(pilot.app)

    def english(self) -> dict[str, set[str]]:
        return {name: words for name, text in self.screens.items() if (words := english_on(text))}


async def walk_the_desk(db_path: Path, clock: FakeClock, size: tuple[int, int]) -> Walk:
    walk = Walk()
    first = make_app(db_path.with_name("first.db"), clock=clock)
    async with first.run_test(size=size) as pilot:
        assert isinstance(first.screen, LoginScreen) and first.screen.first_run
        await walk.see(pilot, "first run")
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=size) as pilot:
        await walk.see(pilot, "login")
        await pilot.press("enter")  # no name: refused
        await walk.see(pilot, "login refused")
        await open_session(pilot, SUPERVISOR, SUPERVISOR_PIN)  # who may void
        screen = entry(app)
        await walk.see(pilot, "entry")
        await pilot.press(*"003092001234", "enter")  # not a province code
        await walk.see(pilot, "entry, field error")
        screen.form.set_values({"id_number": "079092001234", "full_name": "Nguyễn Văn An",
                                "dob": "150892", "phone": "0912345678"})  # fmt: skip
        await pilot.press("ctrl+s")
        await walk.see(pilot, "entry, saved")
        await pilot.press("f2")
        assert isinstance(app.screen, SessionScreen)
        await walk.see(pilot, "session")
        await pilot.press("escape")
        await pilot.press("f3")
        assert isinstance(app.screen, TodayScreen)
        await walk.see(pilot, "today's list")
        await pilot.press("down", "v")  # from the search to the list, void the record
        assert isinstance(app.screen, VoidModal)
        await walk.see(pilot, "void")
        await pilot.press("escape", "escape")
        entry(app).form.set_values({"full_name": "Trần Thị Bích"})  # work that quitting loses
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, ConfirmModal)
        await walk.see(pilot, "quit?")
        await pilot.press("n")
        app.attendance = Attendance(idle_lock_seconds=0.2)
        await until(pilot, lambda: isinstance(app.screen, LockScreen), "the idle lock")
        await walk.see(pilot, "lock")
    return walk


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[HubServer, str, str]]:
    db = HubDB(f"sqlite:///{tmp_path / 'hub.db'}")
    supervisor = issue_supervisor_token(db, SITE, datetime.now(UTC))
    server = HubServer(db).start()
    yield server, supervisor, enrol(db, "desk-1")
    server.stop()
    db.close()


async def walk_the_supervisor(
    site: tuple[HubServer, str, str], tmp_path: Path, size: tuple[int, int]
) -> Walk:
    server, supervisor, desk_token = site
    await drain(desk_store(tmp_path, "desk-1", 3, seed=4), server.url, desk_token)
    walk = Walk()
    app = make_supervisor_app(server.url, supervisor, SITE, refresh_seconds=0.2)
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: "desk-1" in shown(app), "the desk")
        await walk.see(pilot, "supervisor")
        await pilot.press("ctrl+c")  # out of habit: told how to quit
        await walk.see(pilot, "supervisor, ctrl+c")
        await pilot.press("enter")
        await walk.see(pilot, "desk detail")
        await pilot.press("escape")
        server.stop()
        await until(pilot, lambda: "desk-1" in shown(app) and len(shown(app)) > 0, "the screen")
        await pilot.pause(0.6)  # refreshes every 0.2 s: the outage is seen
        await walk.see(pilot, "supervisor, hub unreachable")
    return walk


def test_the_catalog_knows_english_words_to_look_for() -> None:
    words = english_words()
    assert {"saved", "screening", "backlog", "site", "hub", "version", "demo"} <= words
    assert "Not saved" in english_phrases() or any("saved" in p for p in english_phrases())


@pytest.mark.parametrize("size", SIZES)
async def test_the_desk_speaks_vietnamese_by_default(
    db_path: Path, clock: FakeClock, size: tuple[int, int]
) -> None:
    i18n.set_language(i18n.DEFAULT_LANGUAGE)
    walk = await walk_the_desk(db_path, clock, size)
    assert walk.english() == {}
    assert "Họ và tên" in walk.screens["entry"] and "Đã lưu" in walk.screens["entry, saved"]


async def test_the_desk_speaks_english_when_asked(db_path: Path, clock: FakeClock) -> None:
    i18n.set_language("en")
    walk = await walk_the_desk(db_path, clock, (100, 30))
    assert "Saved" in walk.screens["entry, saved"]
    assert all(english_on(text) for text in walk.screens.values()), "English on every screen"


async def test_the_supervisor_reads_vietnamese(
    site: tuple[HubServer, str, str], tmp_path: Path
) -> None:
    i18n.set_language("vi")
    walk = await walk_the_supervisor(site, tmp_path, (100, 30))
    assert walk.english() == {}


async def test_the_supervisor_reads_english_when_asked(
    site: tuple[HubServer, str, str], tmp_path: Path
) -> None:
    i18n.set_language("en")
    walk = await walk_the_supervisor(site, tmp_path, (100, 30))
    assert all(english_on(text) for text in walk.screens.values())
