"""The screening checklist through the real app, keys only: F5 opens it on the entry screen,
one key answers every item "no", Enter confirms, and the SQLite row holds the answers and the
checklist's version; a "yes" postpones the dose; a volunteer may not change an outcome."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

import i18n
from domain.screening import checklist_for
from store import open_store
from tests.conftest import VOLUNTEER, VOLUNTEER_PIN, FakeClock, desk_app
from tests.test_tui_desk import SIZE, entry, open_session, rows, text_of
from tui.app import VaxdeskApp
from tui.screens.checklist import ChecklistModal
from tui.widgets.form import FormField
from vaxdesk.testing.desk import TEST_USER, type_text
from vaxdesk.testing.language import english_on, shown

VERSION = checklist_for("AZ").version  # type: ignore[union-attr]
AN = {"id_number": "079092001234", "full_name": "Nguyễn Văn An", "dob": "150892"}


def modal(app: VaxdeskApp) -> ChecklistModal:
    assert isinstance(app.screen, ChecklistModal), type(app.screen)
    return app.screen


def hint(app: VaxdeskApp) -> str:
    return text_of(app, "#screening-outcome")


def checklist_text(app: VaxdeskApp) -> str:
    return " ".join(f.error for f in modal(app).query(FormField))


async def person_then_checklist(pilot: Pilot) -> ChecklistModal:
    screen = entry(pilot.app)  # type: ignore[arg-type]
    screen.form.set_values(AN)
    await pilot.press("f5")
    await pilot.pause()
    return modal(pilot.app)  # type: ignore[arg-type]


async def test_all_no_in_one_key_then_saved_with_the_answers(
    db_path: Path, clock: FakeClock
) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        assert hint(app) == "F5 checklist"
        checklist = await person_then_checklist(pilot)
        assert "Acute illness now" in str(checklist.query_one("#item-2 .text", Static).render())
        assert "11 items left to answer" in text_of(app, "#checklist-outcome")
        await pilot.press("a")  # every item "no"
        assert "Outcome: eligible" in text_of(app, "#checklist-outcome")
        await pilot.press("enter")
        await pilot.pause()
        screen = entry(app)
        assert screen.form.field("screening").value == "D"
        assert app.focused is screen.form.field("screening").input
        assert hint(app) == "✓ checklist: eligible"
        await pilot.press("enter")  # Enter on Screening saves
        await pilot.pause()
        assert "Saved ✓" in text_of(app, "#message")
        assert hint(app) == "F5 checklist"  # the next citizen starts without
    [row] = rows(db_path)
    assert row["checklist_version"] == VERSION and row["screening"] == "D"
    answers = json.loads(row["screening_answers"])
    assert answers["items"] == {i: "n" for i in answers["items"]} and len(answers["items"]) == 11
    assert answers["vaccine"] == "AZ" and row["dose_number"] == 1


async def test_a_yes_to_covid_in_six_months_postpones_without_a_dose(
    db_path: Path, clock: FakeClock
) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        await person_then_checklist(pilot)
        await pilot.press("k", "c")  # item 1 không, item 2 có (Vietnamese keys)
        await pilot.press("enter")  # not all answered: the cursor goes to item 3
        assert "item 3 is not answered" in text_of(app, "#checklist-message")
        assert modal(app).cursor == 2
        await pilot.press("a")
        assert "Outcome: postponed (item 2)" in text_of(app, "#checklist-outcome")
        await pilot.press("enter")
        await pilot.pause()
        assert entry(app).form.field("screening").value == "H"
        assert "postponed (item 2)" in hint(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Saved ✓" in text_of(app, "#message")
    [row] = rows(db_path)
    assert row["screening"] == "H" and row["vaccine"] == "" and row["dose_number"] is None
    assert json.loads(row["screening_answers"])["items"]["2"] == "y"


async def test_vital_signs_are_checked_and_a_fever_is_caution(
    db_path: Path, clock: FakeClock
) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        checklist = await person_then_checklist(pilot)
        await pilot.press("a", "tab")  # all no; Tab to the temperature
        assert app.focused is checklist.vital_field("temperature").input
        await type_text(pilot, "3")
        await pilot.press("enter")
        assert "cannot be right" in checklist.vital_field("temperature").error
        checklist.vital_field("temperature").value = ""
        await type_text(pilot, "38,2")
        await pilot.press("enter")
        await pilot.pause()
        assert entry(app).form.field("screening").value == "D"
        assert "eligible, with caution (item 10)" in hint(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
    [row] = rows(db_path)
    answers = json.loads(row["screening_answers"])
    assert answers["vitals"] == {"temperature": 38.2} and answers["items"]["10"] == "n"
    assert row["dose_number"] == 1


async def test_a_doctor_changes_the_outcome_with_a_reason(db_path: Path, clock: FakeClock) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)  # a vaccinator's login
        await person_then_checklist(pilot)
        await pilot.press("n", "y", "a", "o")  # item 2 yes; change the outcome
        await type_text(pilot, "d")
        await pilot.press("tab")
        await type_text(pilot, "PCR negative, 7 months")
        await pilot.press("enter")
        await pilot.pause()
        assert entry(app).form.field("screening").value == "D"
        assert "changed by the doctor" in hint(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Saved ✓" in text_of(app, "#message")
    [row] = rows(db_path)
    assert json.loads(row["screening_answers"])["override"] == "PCR negative, 7 months"
    assert row["dose_number"] == 1 and row["entered_by"] == TEST_USER
    with open_store(db_path) as store:
        assert [r["action"] for r in store.people.rows()].count("screening.override") == 1


async def test_a_volunteer_screens_but_may_not_change_an_outcome(
    db_path: Path, clock: FakeClock
) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot, VOLUNTEER, VOLUNTEER_PIN)
        screen = entry(app)
        assert screen.form.field("screening").enabled  # the volunteer records screening now
        await person_then_checklist(pilot)
        await pilot.press("1", "a", "o")  # item 1: contraindicated; try to change it
        assert "A volunteer may not change the outcome" in text_of(app, "#checklist-message")
        assert not modal(app).has_class("-changing")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.form.field("screening").value == "C"
        await pilot.press("enter")
        await pilot.pause()
        assert "Saved ✓" in text_of(app, "#message")
    [row] = rows(db_path)
    assert row["screening"] == "C" and row["entered_by"] == VOLUNTEER
    assert row["vaccinator"] == "Nguyễn Văn Bình" and row["checklist_version"] == VERSION


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_the_checklist_in_vietnamese(
    db_path: Path, clock: FakeClock, size: tuple[int, int]
) -> None:
    i18n.set_language("vi")
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=size) as pilot:
        await open_session(pilot)
        checklist = await person_then_checklist(pilot)
        first = str(checklist.query_one("#item-1 .text", Static).render())
        assert "Tiền sử rõ ràng bị COVID-19 trong vòng 6 tháng" in first
        assert "1 C Y có" in text_of(app, "#checklist-keys")
        await pilot.press("1", "a", "o")  # a vaccinator changes the outcome
        await pilot.press("tab", "enter")  # no outcome letter typed: the checklist's own
        await pilot.pause()
        assert not english_on(shown(app)), english_on(shown(app))
        assert entry(app).form.field("screening").value == "C"
        await pilot.press("f5")  # again: the answers kept; item 1 "no", item 10 "yes"
        await pilot.pause()
        await pilot.press("0", "end", "1")
        assert "đủ điều kiện tiêm, nhóm thận trọng" in text_of(app, "#checklist-outcome")
        await pilot.press("tab", *"3", "enter")
        await pilot.pause()
        assert "không hợp lý" in checklist_text(app)
        assert not english_on(shown(app)), english_on(shown(app))
        await pilot.press("escape")  # back, nothing changed
        await pilot.pause()
        assert entry(app).form.field("screening").value == "C"
        assert hint(app) == "✓ phiếu: chống chỉ định (mục 1)"
        await pilot.press("escape")  # the form cleared: the next citizen
        await pilot.pause()
        assert hint(app) == "F5 phiếu sàng lọc"
