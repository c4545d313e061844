"""Every screen at 80×24 and 120×40: snapshots of each, and the facts that matter asserted
plainly (an error readable under its field, the Status column, where ↓ lands)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from domain.dates import PartialDate
from domain.identity import Identity, IdType, Sex
from tests.conftest import FakeClock, desk_app, until
from tests.test_tui_desk import entry, log_in, open_session, text_of, type_text
from tui.app import VaxdeskApp, make_app
from tui.screens.login import LockScreen
from tui.screens.today import TodayScreen

SIZES = [(80, 24), (120, 40)]
AN = Identity(IdType.CCCD, "079092001234", "Nguyễn Văn An", PartialDate(1992, 8, 15), Sex.MALE,
              address="12 Lê Lợi, phường 1")  # fmt: skip
CUONG = {"id_number": "079085004321", "full_name": "Lê Văn Cường", "dob": "010185"}

Steps = Callable[[Pilot], Awaitable[None]]


async def still(pilot: Pilot) -> None:
    """No blinking cursor or animation in a snapshot: the same picture every run."""
    app = pilot.app
    app.animation_level = "none"
    if app.screen.query("#scanner"):  # the camera's line comes from its thread
        await until(pilot, lambda: "camera:" in text_of(app, "#scanner").lower(), "the camera line")
    for screen in app.screen_stack:
        for field in screen.query(Input):
            field.cursor_blink = False
    await pilot.pause()


async def typed_id_error(pilot: Pilot) -> None:
    await open_session(pilot)
    await type_text(pilot, "003092001234")
    await pilot.press("enter")


async def scan_filled(pilot: Pilot) -> None:
    await open_session(pilot)
    entry(pilot.app).fill_identity(AN)
    await pilot.pause()


async def two_saved_one_voided(pilot: Pilot) -> None:
    app = pilot.app
    assert isinstance(app, VaxdeskApp)
    clock = app.desk.clock
    assert isinstance(clock, FakeClock)
    await log_in(pilot, "Trần Văn Giám", "1357")  # a supervisor may void
    await open_session(pilot, "Trần Văn Giám", "1357")
    screen = entry(app)
    for person in (CUONG, {"id_number": AN.id_number, "full_name": AN.full_name, "dob": "150892"}):
        screen.form.set_values(person)
        await pilot.press("ctrl+s")
        clock.advance(minutes=5)  # newest first, in a fixed order
    await pilot.press("f3")
    await pilot.press("down", "v")  # the second row: Lê Văn Cường, saved first
    await type_text(pilot, "entered twice")
    await pilot.press("enter")
    await pilot.pause()


async def locked(pilot: Pilot) -> None:
    await open_session(pilot)
    app = pilot.app
    assert isinstance(app, VaxdeskApp)
    app.lock()
    await pilot.pause()


async def nothing(pilot: Pilot) -> None:
    return None


async def logged_in(pilot: Pilot) -> None:
    await log_in(pilot)


SCREENS: dict[str, tuple[bool, Steps]] = {
    # name: (first run, the keys that reach the screen)
    "first_run": (True, nothing),
    "login": (False, nothing),
    "session": (False, logged_in),
    "entry_id_error": (False, typed_id_error),
    "entry_scan_filled": (False, scan_filled),
    "today_voided": (False, two_saved_one_voided),
    "lock": (False, locked),
}


def app_for(db: Path, clock: FakeClock, first_run: bool) -> VaxdeskApp:
    return make_app(db, clock=clock) if first_run else desk_app(db, clock=clock)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", list(SCREENS))
def test_snapshot(
    snap_compare: Callable[..., bool], db_path: Path, clock: FakeClock, name: str, size: tuple
) -> None:
    first_run, steps = SCREENS[name]

    async def run_before(pilot: Pilot) -> None:
        await pilot.pause()
        await steps(pilot)
        await still(pilot)

    app = app_for(db_path, clock, first_run)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


async def typed_long_id_error(pilot: Pilot) -> None:
    await open_session(pilot)
    await type_text(pilot, "12345")  # not an ID number: the longest of the ID errors
    await pilot.press("enter")


# The desk's screens in Vietnamese, the longer language: at 80×24 and 100×30.
VI_SCREENS: dict[str, Steps] = {"entry_long_error": typed_long_id_error, "session": logged_in}
VI_SNAPSHOTS = [("entry_long_error", (80, 24)), ("entry_long_error", (100, 30)),
                ("session", (80, 24))]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "size"), VI_SNAPSHOTS, ids=[f"{n}-{w}x{h}" for n, (w, h) in VI_SNAPSHOTS]
)
def test_snapshot_vi(
    snap_compare: Callable[..., bool], db_path: Path, clock: FakeClock, name: str, size: tuple
) -> None:
    async def run_before(pilot: Pilot) -> None:
        await pilot.pause()
        await VI_SCREENS[name](pilot)
        await still(pilot)

    app = desk_app(db_path, clock=clock, language="vi")
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_an_id_error_is_readable_under_its_field(
    db_path: Path, clock: FakeClock, size: tuple[int, int]
) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=size) as pilot:
        await typed_id_error(pilot)
        field = entry(app).form.field("id_number")
        error = field.query_one(".error", Static)
        assert "003, which is not a province code" in str(error.render())
        region = error.content_region
        assert region.width >= 20 and region.height <= 4  # today: 2 wide, 67 tall
        assert region.y > field.input.region.y  # under the input, starting with it
        assert region.x == field.input.region.x
        assert region.right <= app.size.width
        await type_text(pilot, "x")
        await pilot.pause()
        assert not error.display  # corrected: gone


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_header_and_session_bar_keep_the_people(
    db_path: Path, clock: FakeClock, size: tuple[int, int]
) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=size) as pilot:
        await open_session(pilot)
        assert "Lê Thị Hoa" in app.sub_title
        bar = app.screen.query_one("#session-bar", Static)
        assert "entered by Lê Thị Hoa" in text_of(app, "#session-bar")
        lines = bar.render_lines(bar.region.reset_offset)
        shown = "".join(line.text for line in lines)
        assert "entered by Lê Thị Hoa" in " ".join(shown.split())  # wrapped, not cut


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_first_run_box_fits(
    db_path: Path, clock: FakeClock, size: tuple[int, int]
) -> None:
    app = make_app(db_path, clock=clock)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        box = app.screen.query_one("#session-box")
        assert box.region.right <= size[0]
        assert app.screen.query_one("#field-pin2").region.right <= size[0]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_todays_list_shows_status_and_lot_and_down_lands_on_the_first_row(
    db_path: Path, clock: FakeClock, size: tuple[int, int]
) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=size) as pilot:
        await two_saved_one_voided(pilot)
        screen = app.screen
        assert isinstance(screen, TodayScreen)
        table = screen.query_one(DataTable)
        visible = table.scrollable_content_region.width
        right = 0
        for column in table.ordered_columns:
            right += column.get_render_width(table)
            if str(column.label) in ("Status", "Lot"):
                assert right <= visible, f"{column.label} cut at {size}"
        voided = table.get_row_at(1)
        assert "void: entered twice" in str(voided[1])
        assert all("strike" in str(cell.style) for cell in voided)  # visibly voided
        assert not any("strike" in str(cell.style) for cell in table.get_row_at(0))
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press("down")
        assert app.focused is table and table.cursor_row == 0  # the first row, not the second
        await pilot.pause()
        assert "Nguyễn Văn An" in text_of(app, "#row-detail")


async def test_the_lock_screen_names_the_user_at_80_columns(
    db_path: Path, clock: FakeClock
) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await locked(pilot)
        assert isinstance(app.screen, LockScreen)
        title = app.screen.query_one("#session-title", Static)
        assert "Lê Thị Hoa" in str(title.render()) and title.region.right <= 80
