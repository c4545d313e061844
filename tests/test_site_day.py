"""A whole session at a site, as a test: the day's list imported on the command line, then by
keyboard at the desk: arrivals, the screening checklist, doses, the observation queue, an
adverse event recorded later, and the not-yet-vaccinated list exported for follow-up."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.widgets import DataTable

from desk.arrival import lookup
from domain.subjects import SubjectState
from store import open_store
from tests.conftest import SUPERVISOR, SUPERVISOR_PIN, FakeClock, desk_app, until
from tests.test_tui_desk import entry, open_session, text_of
from tui.app import VaxdeskApp
from tui.screens.aefi import AefiScreen
from tui.screens.observation import ObservationScreen
from tui.screens.subjects import SubjectsScreen
from tui.screens.today import TodayScreen
from vaxdesk.cli import main
from vaxdesk.testing.desk import add_test_users, type_text

SITE = "TV-CN-01"  # the site open_session types
# The national template's columns that matter here (header matching ignores case and marks).
LIST = (
    "Họ và tên,Ngày sinh dạng dd/mm/yyyy,Giới tính,Số CMT/CCCD,Mã nhóm đối tượng ưu tiên\n"
    "Nguyễn Văn An,15/08/1992,0,079092001234,9\n"
    "Ngô Ngọc Yến,02/03/1985,1,084185000321,1\n"
    "Lê Văn Cường,01/01/1960,0,079060000777,16\n"
    "Trần Thị Mai,30/02/1990,1,079190000888,1\n"  # no 30 February: refused, with its reason
)


def state(app: VaxdeskApp, id_number: str) -> SubjectState:
    return lookup(app.desk.store, SITE, app.desk.clock().date(), id_text=id_number).state


async def test_a_whole_session_by_keyboard(
    db_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(db_path, clock) as store:
        add_test_users(store)
    source = db_path.parent / "danh-sach.csv"
    source.write_text(LIST, encoding="utf-8")
    monkeypatch.setenv("VAXDESK_PIN", SUPERVISOR_PIN)
    imported = CliRunner().invoke(main, ["list", "import", str(source), "--db", str(db_path),
                                         "--site", SITE, "--day", "23/11/2026",
                                         "--as", SUPERVISOR])  # fmt: skip
    assert imported.exit_code == 0, imported.output
    rejects = (db_path.parent / "danh-sach-rejects.csv").read_text("utf-8-sig")
    assert "Trần Thị Mai" in rejects and "30/02/1990" in rejects  # the row, and why
    assert "Nguyễn Văn An" not in rejects

    app = desk_app(db_path, clock=clock)
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        await open_session(pilot, SUPERVISOR, SUPERVISOR_PIN)
        screen = entry(app)
        for number, name, born in (("079092001234", "Nguyễn Văn An", "150892"),
                                   ("084185000321", "Ngô Ngọc Yến", "020385")):  # fmt: skip
            await type_text(pilot, number)
            await pilot.press("enter")  # the ID: found on today's list, marked arrived
            assert "On today's list" in text_of(app, "#arrival")
            assert state(app, number) is SubjectState.ARRIVED
            screen.form.field("full_name").value = name  # typing Vietnamese proves nothing
            screen.form.focus_field("dob")
            await type_text(pilot, born)
            # Screened on the Ministry's checklist and saved: four keys.
            await pilot.press("f5", "a", "enter")  # the checklist, every item "no", confirmed
            assert screen.form.field("screening").value == "D"
            await pilot.press("enter")  # Enter on Screening saves
            await pilot.pause()
            assert f"Saved ✓ {name}" in text_of(app, "#message")
            assert state(app, number) is SubjectState.VACCINATED
            clock.advance(minutes=2)

        # Both are watched for 30 minutes; when An's time is up, the bell rings.
        await pilot.press("f6")
        watched = app.screen
        assert isinstance(watched, ObservationScreen)
        table = watched.query_one(DataTable)
        assert table.row_count == 2
        clock.advance(minutes=27)
        await until(pilot, lambda: bells, "the bell for An's time")
        await pilot.press("l")  # An leaves, no reaction
        await until(pilot, lambda: table.row_count == 1, "An's leaving")
        await pilot.press("escape")

        # Three hours later Yến comes back with a rash: an adverse event after her dose.
        clock.advance(hours=3)
        await pilot.press("f3")
        assert isinstance(app.screen, TodayScreen)
        await pilot.press("slash")
        await type_text(pilot, "ngoc yen")  # the search, without diacritics
        await pilot.press("down", "a")  # to the one found; an adverse event after her dose
        aefi = app.screen
        assert isinstance(aefi, AefiScreen) and aefi.record.person.full_name == "Ngô Ngọc Yến"
        await type_text(pilot, "fever")
        await pilot.press("enter", "enter")  # symptoms, no other signs
        await type_text(pilot, "1")  # mild
        await pilot.press("enter")
        aefi.form.field("treatment").value = "paracetamol"
        await pilot.press("enter")
        await type_text(pilot, "1")  # recovered
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)
        await pilot.press("escape")

        # The day's list: who is still expected, exported for the commune's follow-up.
        await pilot.press("f7")
        assert isinstance(app.screen, SubjectsScreen)
        assert "3 people" in text_of(app, "#subjects-counts")
        await pilot.press("e")
        await until(pilot, lambda: "exported" in text_of(app, "#subjects-message"), "export")
    with open_store(db_path) as store:
        [event] = store.aefi_of_record(aefi.record.record_id)
        kinds = sorted({item.kind for item in store.outbox_claim(50)})
        screened = [row["checklist_version"] for row in store.current_rows()]
    assert screened == ["covid19-adult-3445-2021"] * 2  # the answers' version, with each dose
    assert event.symptoms == ("fever",) and event.severity.value == "mild"
    assert "aefi" in kinds and "record" in kinds  # both wait for the hub
    out = db_path.parent / f"not-vaccinated-{SITE}-2026-11-23.csv"
    rows = list(csv.DictReader(out.read_text("utf-8-sig").splitlines()))
    assert [r["full_name"] for r in rows] == ["Lê Văn Cường"]
