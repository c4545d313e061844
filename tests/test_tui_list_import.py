"""Importing the day's list from the desk: F7, `i`, a path typed, Enter; the counts, the
reject file, the list shown again; refused to a vaccinator; a missing file stores nothing."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable

from desk.arrival import day_counts
from i18n import set_language
from tests.conftest import SUPERVISOR, SUPERVISOR_PIN, FakeClock, desk_app, until
from tests.test_tui_arrival import LIST, SITE, subjects
from tests.test_tui_desk import open_session, text_of
from tui.app import VaxdeskApp
from tui.screens.list_import import ListImportModal
from vaxdesk.testing.desk import type_text
from vaxdesk.testing.language import english_on, shown

BAD_ROW = "Trần Thị Bích,31/02/1985,1,001185000123,1\n"  # no such day


def a_list(folder: Path) -> Path:
    source = folder / "ds.csv"
    source.write_text(LIST + BAD_ROW, encoding="utf-8")
    return source


def stored(app: VaxdeskApp) -> int:
    return day_counts(app.desk.store, SITE, app.desk.clock().date()).total


async def open_import(pilot: Pilot, app: VaxdeskApp) -> ListImportModal:
    await pilot.press("f7")
    await pilot.pause()
    subjects(app)
    await pilot.press("i")
    await pilot.pause()
    assert isinstance(app.screen, ListImportModal), type(app.screen)
    return app.screen


async def test_a_supervisor_imports_the_days_list(db_path: Path, clock: FakeClock) -> None:
    source = a_list(db_path.parent)
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_session(pilot, SUPERVISOR, SUPERVISOR_PIN)
        modal = await open_import(pilot, app)
        assert modal.query_one("#import-day").value == "23/11/2026"  # type: ignore[attr-defined]
        await type_text(pilot, str(source))
        await pilot.press("enter")
        await until(pilot, lambda: "rows read" in text_of(app, "#import-status"), "import")
        reject = db_path.parent / "ds-rejects.csv"
        assert text_of(app, "#import-status") == (
            "4 rows read for 23/11/2026: 3 new, 0 updated, 0 unchanged, 0 duplicates left out,"
            f" 1 refused\n1 refused row, with its reason, in {reject}"
        )
        assert reject.exists() and "Trần Thị Bích" in reject.read_text("utf-8-sig")
        await pilot.press("escape")
        await pilot.pause()
        table = subjects(app).query_one(DataTable)
        assert table.row_count == 3
        assert "3 people" in text_of(app, "#subjects-counts")


async def test_a_missing_file_stores_nothing(db_path: Path, clock: FakeClock) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_session(pilot, SUPERVISOR, SUPERVISOR_PIN)
        await open_import(pilot, app)
        missing = db_path.parent / "nowhere.csv"
        await type_text(pilot, str(missing))
        await pilot.press("enter")
        await pilot.pause()
        assert text_of(app, "#import-status") == f"No file at {missing}"
        not_a_list = db_path.parent / "notes.csv"
        not_a_list.write_text("a,b\n1,2\n", encoding="utf-8")
        modal = app.screen
        modal.query_one("#import-path").value = str(not_a_list)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await until(pilot, lambda: "Nothing imported" in text_of(app, "#import-status"), "bad")
        assert "\n" not in text_of(app, "#import-status")
        await pilot.press("escape")
        await pilot.pause()
        assert stored(app) == 0 and subjects(app).query_one(DataTable).row_count == 0


async def test_a_vaccinator_is_refused(db_path: Path, clock: FakeClock) -> None:
    source = a_list(db_path.parent)
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_session(pilot)  # the vaccinator
        modal = await open_import(pilot, app)
        assert "may not export records" in text_of(app, "#import-status")
        modal.query_one("#import-path").value = str(source)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert stored(app) == 0
        await pilot.press("escape")
        await pilot.pause()
        subjects(app)


async def test_in_vietnamese(db_path: Path, clock: FakeClock) -> None:
    source = a_list(db_path.parent)
    set_language("vi")
    app = desk_app(db_path, clock=clock, language="vi")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_session(pilot, SUPERVISOR, SUPERVISOR_PIN)
        await open_import(pilot, app)
        assert not english_on(shown(app)), shown(app)
        await type_text(pilot, str(source))
        await pilot.press("enter")
        await until(pilot, lambda: "ds-rejects" in text_of(app, "#import-status"), "import")
        assert not english_on(shown(app)), shown(app)
