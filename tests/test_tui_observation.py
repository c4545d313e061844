"""The observation queue driven through the real app: the line on the entry screen, F6, the
countdown with a fake clock, the end highlighted with one bell, `l` and `a`, a restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widgets import DataTable

from domain import tables
from domain.tables import build_vaccine_table, vaccine_data
from store import open_store
from store.observation import Observations
from tests.conftest import SUPERVISOR, SUPERVISOR_PIN, TEST_USER, FakeClock, desk_app, until
from tests.test_tui_desk import entry, open_session, text_of
from tui.app import VaxdeskApp
from tui.screens.entry import EntryScreen
from tui.screens.observation import ObservationScreen
from tui.widgets.observation import ObservationLine
from vaxdesk.testing.desk import type_text

SIZE = (100, 30)
AN = {"id_number": "079092001234", "full_name": "Nguyễn Văn An", "dob": "150892"}
YEN = {"id_number": "084185000321", "full_name": "Ngô Ngọc Yến", "dob": "020385", "sex": "2"}


async def give(pilot: Pilot, person: dict[str, str]) -> None:
    """A dose saved at the entry screen (Ctrl+S), as a volunteer saves it."""
    screen = entry(pilot.app)  # type: ignore[arg-type]
    screen.form.set_values(person)
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert "Saved ✓" in text_of(pilot.app, "#message"), text_of(pilot.app, "#message")  # type: ignore[arg-type]


def line(app: VaxdeskApp) -> str:
    screen = next(s for s in app.screen_stack if isinstance(s, EntryScreen))
    return str(screen.query_one(ObservationLine).render())


def table(app: VaxdeskApp) -> DataTable:
    assert isinstance(app.screen, ObservationScreen), type(app.screen)
    return app.screen.query_one(DataTable)


def cells(app: VaxdeskApp, row: int = 0) -> list[str]:
    return [str(cell) for cell in table(app).get_row_at(row)]


def count_bells(app: VaxdeskApp) -> list[int]:
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    return bells


async def test_a_saved_dose_is_watched_and_counted_down(db_path: Path, clock: FakeClock) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        assert line(app) == "Observation after the dose: nobody · F6 list"
        await give(pilot, AN)
        await until(pilot, lambda: "1 person" in line(app), "the line to count the dose")
        assert line(app) == "Observation after the dose: 1 person · first done at 10:00 · F6"
        await pilot.press("f6")
        assert cells(app) == ["10:00", "30:00", "********1234", "1 AZ", "Nguyễn Văn An"]
        assert "1 person under observation, time up: 0" in text_of(app, "#observation-count")
        keys = text_of(app, "#keybar")
        for description in ("Left, no reaction", "Adverse event", "Back"):
            assert description in keys
        clock.advance(minutes=10, seconds=30)
        await until(pilot, lambda: cells(app)[1] == "19:30", "the countdown to move")
        await pilot.press("escape")
        assert isinstance(app.screen, EntryScreen)


async def test_the_end_is_highlighted_and_the_bell_rings_once(
    db_path: Path, clock: FakeClock
) -> None:
    app = desk_app(db_path, clock=clock)
    bells = count_bells(app)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        await give(pilot, AN)
        clock.advance(minutes=5)
        await give(pilot, YEN)
        await pilot.press("f6")
        await until(pilot, lambda: table(app).row_count == 2, "both under observation")
        clock.advance(minutes=25)  # 10:00: An's time is up
        await until(pilot, lambda: cells(app)[1] == "time up", "An's time to be up")
        assert all(cell.style for cell in table(app).get_row_at(0))  # the whole row stands out
        assert not any(cell.style for cell in table(app).get_row_at(1))
        assert cells(app, 1)[1] == "05:00"
        assert bells == [1]
        await pilot.pause(1.2)  # another tick or two: still once
        assert bells == [1]
        await pilot.press("escape")
        await until(pilot, lambda: "time up: 1" in line(app), "the line to say it")
        assert line(app) == (
            "Observation after the dose: 2 people · time up: 1 · next 10:05 · F6"
        )
        observation_line = entry(app).query_one(ObservationLine)
        assert observation_line.has_class("-ended")
        clock.advance(minutes=5)  # Yến's time, with the entry screen showing: its bell
        await until(pilot, lambda: len(bells) == 2, "the second bell")
        await pilot.press("f6")  # the screen shares the queue: no bell again for either
        await pilot.pause(1.2)
        assert bells == [1, 1]


async def test_left_takes_them_off_and_is_stored(db_path: Path, clock: FakeClock) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        await give(pilot, AN)
        clock.advance(minutes=1)
        await give(pilot, YEN)
        await pilot.press("f6")
        await pilot.press("l")  # An, first: before the end
        assert text_of(app, "#observation-message") == (
            "Left before the end of observation: Nguyễn Văn An"
        )
        assert table(app).row_count == 1 and cells(app)[4] == "Ngô Ngọc Yến"
        clock.advance(minutes=31)
        await pilot.press("enter")  # Enter marks too
        assert text_of(app, "#observation-message") == "Left, no reaction: Ngô Ngọc Yến"
        assert table(app).row_count == 0
        assert text_of(app, "#observation-count") == "Nobody under observation"
        await pilot.press("l")  # nobody left to mark: nothing happens
        await pilot.press("escape")
        await until(pilot, lambda: "nobody" in line(app), "the line to empty")
    with open_store(db_path) as store:
        marks = [Observations(store).mark_of(row["record_id"]) for row in store.current_rows()]
        assert [(m.outcome, m.marked_by) for m in marks if m] == [(
            "left", TEST_USER)] * 2  # fmt: skip
        actions = [row["action"] for row in store.people.rows()]
        assert actions.count("observation.left") == 2


async def test_the_queue_survives_a_restart(db_path: Path, clock: FakeClock) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        await give(pilot, AN)
    clock.advance(minutes=5)
    again = desk_app(db_path, clock=clock)  # a new app on the same file
    async with again.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        assert line(again) == "Observation after the dose: 1 person · first done at 10:00 · F6"
        await pilot.press("f6")
        await until(pilot, lambda: cells(again)[1] == "25:00", "the countdown, from the file")
        assert cells(again)[4] == "Nguyễn Văn An"


async def test_a_voided_dose_leaves_the_queue(db_path: Path, clock: FakeClock) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot, SUPERVISOR, SUPERVISOR_PIN)
        await give(pilot, AN)
        await until(pilot, lambda: "1 person" in line(app), "the line to count the dose")
        await pilot.press("f3", "v")
        await type_text(pilot, "entered twice")
        await pilot.press("enter", "escape")
        await until(pilot, lambda: "nobody" in line(app), "the voided dose to go")
        await pilot.press("f6")
        assert table(app).row_count == 0


async def test_the_adverse_event_key_opens_its_entry(db_path: Path, clock: FakeClock) -> None:
    from tui.screens.aefi import AefiScreen

    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        await give(pilot, AN)
        await pilot.press("f6")
        assert isinstance(app.screen, ObservationScreen)
        await pilot.press("a")
        await pilot.pause()
        aefi = app.screen
        assert isinstance(aefi, AefiScreen)
        with open_store(db_path) as store:
            [row] = list(store.current_rows())
        assert aefi.record.record_id == row["record_id"]  # the dose of the person watched
        await pilot.press("escape")
        assert isinstance(app.screen, ObservationScreen) and table(app).row_count == 1


async def test_a_vaccines_own_minutes(
    db_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = vaccine_data()
    data["vaccine"] = [dict(v, observation_minutes=15) if v["code"] == "AZ" else v
                       for v in data["vaccine"]]  # fmt: skip
    monkeypatch.setattr(tables, "vaccine_table", lambda: build_vaccine_table(data))
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)  # the session's vaccine: AZ
        await give(pilot, AN)
        await until(pilot, lambda: "1 person" in line(app), "the line to count the dose")
        assert "first done at 09:45" in line(app)
        await pilot.press("f6")
        assert cells(app)[:2] == ["09:45", "15:00"]


async def test_the_observation_speaks_vietnamese_at_80_columns(
    db_path: Path, clock: FakeClock
) -> None:
    app = desk_app(db_path, clock=clock, language="vi")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_session(pilot)
        await give_vi(pilot, AN)
        await until(pilot, lambda: "1 người" in line(app), "the line in Vietnamese")
        assert line(app) == "Theo dõi sau tiêm: 1 người · sớm nhất xong lúc 10:00 · F6"
        region = entry(app).query_one(ObservationLine).content_region
        assert region.width >= cell_len(line(app))  # whole at 80 columns
        await pilot.press("f6")
        keys = text_of(app, "#keybar")
        assert cell_len(keys.rstrip()) <= 80, keys
        for description in ("Đã về, không phản ứng", "Phản ứng sau tiêm", "Quay lại"):
            assert description in keys
        header = [str(c.label) for c in table(app).columns.values()]
        assert header == ["Xong lúc", "Còn lại", "Số CCCD/CMND", "Mũi", "Họ và tên"]
        clock.advance(minutes=30)
        await until(pilot, lambda: cells(app)[1] == "đã đủ giờ", "the end, in Vietnamese")
        await pilot.press("l")
        assert text_of(app, "#observation-message") == "Đã về, không phản ứng: Nguyễn Văn An"


async def give_vi(pilot: Pilot, person: dict[str, str]) -> None:
    screen = entry(pilot.app)  # type: ignore[arg-type]
    screen.form.set_values(person)
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert text_of(pilot.app, "#message").startswith("Đã lưu ✓")  # type: ignore[arg-type]


async def test_a_corrected_name_shows_in_the_queue(db_path: Path, clock: FakeClock) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        await give(pilot, AN)
        await pilot.press("f6")
        assert cells(app)[4] == "Nguyễn Văn An"
        await pilot.press("escape", "f3", "enter")  # today's list: correct the record
        entry(app).form.set_values({"full_name": "Nguyễn Văn Ân"})
        await pilot.press("ctrl+s")
        assert "Corrected (v2)" in text_of(app, "#message")
        await pilot.press("f6")
        await until(pilot, lambda: cells(app)[4] == "Nguyễn Văn Ân", "the corrected name")
        assert cells(app)[:2] == ["10:00", "30:00"]  # the same end: a correction keeps it
