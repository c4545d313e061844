"""The desk driven as a volunteer drives it: keys only, asserting the screen and the file."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from domain.dates import PartialDate
from domain.identity import Identity, IdType, Sex
from domain.record import Mode, Source, Status
from store import open_store
from tests.conftest import (
    SESSION_FORM,
    SUPERVISOR,
    SUPERVISOR_PIN,
    TEST_PIN,
    TEST_USER,
    FakeClock,
    desk_app,
)
from tui.app import VaxdeskApp
from tui.screens.entry import EntryScreen
from tui.screens.login import LoginScreen
from tui.screens.session import SessionScreen
from tui.screens.today import TodayScreen
from tui.screens.void import VoidModal
from vaxdesk.testing.desk import log_in, type_text

SIZE = (140, 42)


def text_of(app: VaxdeskApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def entry(app: VaxdeskApp) -> EntryScreen:
    assert isinstance(app.screen, EntryScreen), type(app.screen)
    return app.screen


def rows(db: Path) -> list[dict]:
    with open_store(db) as store:
        return list(store.current_rows())


async def open_session(pilot: Pilot, name: str = TEST_USER, pin: str = TEST_PIN) -> None:
    """Log in, then type the session as a volunteer would, field after field, Enter after each."""
    app = pilot.app
    if isinstance(app.screen, LoginScreen):
        await log_in(pilot, name, pin)
    assert isinstance(app.screen, SessionScreen)
    for name in ("site_id", "desk_id", "vaccinator", "vaccine", "lot"):
        field = app.screen.form.field(name)
        assert app.focused is field.input, f"focus should be on {name}"
        if name == "vaccinator":
            field.value = SESSION_FORM[name]
        else:
            await type_text(pilot, SESSION_FORM[name].lower())
        await pilot.press("enter")
    await pilot.press("enter")  # the date: today by default
    await pilot.pause()


async def test_a_typed_record_is_stored_and_counted(db_path: Path, clock: FakeClock) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        screen = entry(app)
        bar = text_of(app, "#session-bar")
        assert "site TV-CN-01" in bar
        assert "AZ · AstraZeneca (Vaxzevria / Covishield) · lot NX1234" in bar  # code and name
        assert app.focused is screen.form.field("id_number").input
        await type_text(pilot, "079 092 001 234")
        await pilot.press("enter")
        assert screen.form.field("sex").value == "Nam"  # read from the CCCD
        assert screen.form.field("dose_number").value == "1"
        assert "No earlier doses" in text_of(app, "#history")
        screen.form.field("full_name").value = "nguyễn văn an"
        screen.form.focus_field("full_name")
        await pilot.press("enter")
        await type_text(pilot, "150892")
        await pilot.press("enter", "enter")  # born, sex (filled)
        await type_text(pilot, "0912345678")
        await pilot.press("enter")
        await type_text(pilot, "gia lai")
        await pilot.press("enter")
        assert screen.form.field("province").value == "Gia Lai"
        # ward, address, dose (auto), AEFI (none), screening (D): Enter on the last saves.
        await pilot.press("enter", "enter", "enter", "enter", "enter")
        await pilot.pause()
        assert "Saved ✓ Nguyễn Văn An · ********1234 · dose 1 AZ" in text_of(app, "#message")
        assert "Today 1 · last hour 1/h · backlog 1 (no hub set)" in text_of(app, "#status")
        assert screen.form.field("id_number").value == ""  # ready for the next citizen
        assert app.focused is screen.form.field("id_number").input
    [row] = rows(db_path)
    assert row["id_number"] == "079092001234" and row["full_name"] == "Nguyễn Văn An"
    assert row["dob"] == "1992-08-15" and row["sex"] == "Nam" and row["phone"] == "0912345678"
    assert row["vaccine"] == "AZ" and row["lot"] == "NX1234" and row["dose_number"] == 1
    assert row["given_time"] == "09:30" and row["source"] == "typed"
    assert row["entered_by"] == "Lê Thị Hoa" and row["vaccinator"] == "Nguyễn Văn Bình"


async def test_bad_input_is_refused_at_the_field(db_path: Path, clock: FakeClock) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        screen = entry(app)
        id_field = screen.form.field("id_number")
        await type_text(pilot, "003092001234")
        await pilot.press("enter")
        assert "003, which is not a province code" in id_field.error
        assert app.focused is id_field.input  # stays for the fix
        assert id_field.has_class("-invalid")
        id_field.value = ""
        await type_text(pilot, "079092001234")
        await pilot.press("enter")
        assert id_field.error == ""
        screen.form.field("full_name").value = "Nguyễn Văn An"
        await pilot.press("enter")
        await type_text(pilot, "310292")
        await pilot.press("enter")
        dob = screen.form.field("dob")
        assert dob.error == "31/02/1992 does not exist" and app.focused is dob.input
        dob.value = "150893"
        await pilot.press("enter")
        assert dob.error == "the CCCD says born in 1992, the date of birth says 1993"
        # Saving anyway shows every error and saves nothing.
        await pilot.press("ctrl+s")
        assert "Not saved" in text_of(app, "#message")
        assert app.focused is dob.input
    assert rows(db_path) == []


async def test_correct_and_void_from_todays_list(db_path: Path, clock: FakeClock) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot, SUPERVISOR, SUPERVISOR_PIN)
        screen = entry(app)
        for number, name in (("079092001234", "Nguyễn Văn An"), ("084185000321", "Ngô Ngọc Yến")):
            screen.form.set_values({"id_number": number, "full_name": name})
            screen.form.focus_field("dob")
            await type_text(pilot, "1508" + number[4:6])
            await pilot.press("ctrl+s")
            clock.advance(minutes=5)
        await pilot.press("f3")
        today = app.screen
        assert isinstance(today, TodayScreen)
        table = today.query_one(DataTable)
        assert table.row_count == 2
        assert "2 records today" in text_of(app, "#today-message")
        # Search by name without diacritics, then open the one found.
        await pilot.press("slash")
        await type_text(pilot, "ngoc yen")
        assert table.row_count == 1
        await pilot.press("enter")  # to the list
        await pilot.press("enter")  # open for correction
        screen = entry(app)
        assert screen.editing is not None and "CORRECTING v1" in text_of(app, "#session-bar")
        assert screen.form.field("full_name").value == "Ngô Ngọc Yến"
        screen.form.focus_field("phone")
        await type_text(pilot, "0861234567")
        await pilot.press("ctrl+s")
        assert "Corrected (v2) ✓ Ngô Ngọc Yến" in text_of(app, "#message")
        assert screen.editing is None
        # Void the other one, with a reason, from the list.
        await pilot.press("f3")
        today = app.screen
        table = today.query_one(DataTable)
        await pilot.press("down")  # newest first: Yến, then An
        await pilot.press("v")
        assert isinstance(app.screen, VoidModal)
        await pilot.press("enter")  # no reason yet
        assert isinstance(app.screen, VoidModal)
        await type_text(pilot, "entered twice")
        await pilot.press("enter")
        assert "Voided: Nguyễn Văn An (entered twice)" in text_of(app, "#today-message")
        assert "void: entered twice" in str(table.get_row_at(1)[1])  # Status: second
        await pilot.press("escape")
        assert "Today 1 ·" in text_of(app, "#status")
    by_name = {r["full_name"]: r for r in rows(db_path)}
    assert (
        by_name["Ngô Ngọc Yến"]["version"] == 2 and by_name["Ngô Ngọc Yến"]["phone"] == "0861234567"
    )
    assert by_name["Nguyễn Văn An"]["status"] == Status.VOIDED.value
    assert by_name["Nguyễn Văn An"]["void_reason"] == "entered twice"
    with open_store(db_path) as store:
        assert store.count_versions() == 4  # nothing overwritten


async def test_retrospective_entry(db_path: Path, clock: FakeClock) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        await pilot.press("f4")
        screen = entry(app)
        assert screen.mode is Mode.RETROSPECTIVE and "HỒI CỨU" in text_of(app, "#session-bar")
        assert screen.form.field("vaccine").enabled and screen.form.field("vaccine").value == ""
        screen.form.set_values({"id_number": "084185000321", "full_name": "Ngô Ngọc Yến"})
        screen.form.focus_field("dob")
        await type_text(pilot, "1985")  # year only, from a paper list
        screen.form.focus_field("vaccine")
        await type_text(pilot, "xyz")
        await pilot.press("enter")
        assert "unknown vaccine 'xyz'" in screen.form.field("vaccine").error
        screen.form.field("vaccine").value = ""
        await type_text(pilot, "vero")
        await pilot.press("enter")
        assert screen.form.field("vaccine").value == "VC"
        await pilot.press("enter")  # no lot on the paper list
        await type_text(pilot, "150821")
        await pilot.press("ctrl+s")
        assert "Saved ✓ Ngô Ngọc Yến" in text_of(app, "#message")
        # Vaccine and date stay for the next line of the same list.
        assert screen.form.field("vaccine").value == "VC"
        assert screen.form.field("given_on").value == "150821"
    [row] = rows(db_path)
    assert row["source"] == Source.RETROSPECTIVE.value and row["dob"] == "1985"
    assert row["vaccine"] == "VC" and row["given_on"] == "2021-08-15" and row["given_time"] == ""


async def test_scanned_identity_saves_with_one_key(db_path: Path, clock: FakeClock) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        screen = entry(app)
        screen.fill_identity(
            Identity(
                IdType.CCCD,
                "001303001234",
                "Trần Thị Mai",
                PartialDate(2003, 3, 1),
                Sex.FEMALE,
                address="Số 1 Tràng Tiền, Hoàn Kiếm, Hà Nội",
            )
        )
        await pilot.pause()
        assert app.focused is screen.form.field("screening").input
        await pilot.press("enter")
        assert "Saved ✓ Trần Thị Mai" in text_of(app, "#message")
    [row] = rows(db_path)
    assert row["source"] == "scan" and row["address"] == "Số 1 Tràng Tiền, Hoàn Kiếm, Hà Nội"


async def test_escape_clears_and_session_change(db_path: Path, clock: FakeClock) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        screen = entry(app)
        await type_text(pilot, "079092001234")
        await pilot.press("escape")
        assert screen.form.field("id_number").value == ""
        await pilot.press("f2")
        assert isinstance(app.screen, SessionScreen)
        assert app.screen.form.field("lot").value == "NX1234"  # the open session's values
        app.screen.form.field("lot").value = ""
        app.screen.form.focus_field("lot")
        await type_text(pilot, "nx5678")
        await pilot.press("ctrl+s")
        screen = entry(app)
        assert "AZ · AstraZeneca (Vaxzevria / Covishield) · lot NX5678" in text_of(
            app, "#session-bar"
        )
    with open_store(db_path) as store:
        last = store.last_session()
        assert last is not None and last.lot == "NX5678"
        assert store.lots("AZ")[:2] == ["NX5678", "NX1234"]


async def test_next_start_remembers_the_session(db_path: Path, clock: FakeClock) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        # Everything pre-filled: Ctrl+S opens the same session again.
        assert isinstance(app.screen, SessionScreen)
        await pilot.press("ctrl+s")
        assert "vaccinator Nguyễn Văn Bình" in text_of(app, "#session-bar")


async def test_session_refuses_bad_values(db_path: Path, clock: FakeClock) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await pilot.press("ctrl+s")
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        assert screen.form.field("site_id").error
        assert app.focused is screen.form.field("site_id").input
        assert isinstance(app.focused, Input)


async def test_the_log_names_records_not_people(
    db_path: Path, clock: FakeClock, tmp_path: Path
) -> None:
    import logging

    from vaxdesk.logs import setup_logging

    log_file = setup_logging(tmp_path / "desk.log")
    app = desk_app(db_path, clock=clock)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await open_session(pilot, SUPERVISOR, SUPERVISOR_PIN)
            screen = entry(app)
            screen.form.set_values(
                {"id_number": "079092001234", "full_name": "Nguyễn Văn An", "dob": "150892",
                 "phone": "0912345678"}
            )  # fmt: skip
            await pilot.press("ctrl+s")
            await pilot.press("f3", "v")
            await type_text(pilot, "wrong person")
            await pilot.press("enter")
    finally:
        for handler in logging.getLogger("vaxdesk").handlers[:]:
            logging.getLogger("vaxdesk").removeHandler(handler)
            handler.close()
    [row] = rows(db_path)
    text = log_file.read_text("utf-8")
    assert f"saved record {row['record_id']} v1" in text
    assert f"voided record {row['record_id']}" in text
    for personal in ("079092001234", "Nguyễn Văn An", "Nguyen Van An", "0912345678", "1992-08-15"):
        assert personal not in text


async def test_completion_of_vaccines_lots_and_places(db_path: Path, clock: FakeClock) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        await pilot.press("f4")  # retrospective: vaccine and lot typed per record
        screen = entry(app)
        screen.form.focus_field("vaccine")
        await type_text(pilot, "a")
        await pilot.pause()
        await pilot.press("right")  # accept the inline suggestion
        assert screen.form.field("vaccine").value == "AZ"
        await pilot.press("enter")
        await type_text(pilot, "n")
        await pilot.pause()
        await pilot.press("right")
        assert screen.form.field("lot").value == "nX1234"  # completed from the session's lot
        screen.form.focus_field("province")
        await type_text(pilot, "quang n")
        await pilot.pause()
        await pilot.press("right")
        assert screen.form.field("province").value == "quang ninh"
        await pilot.press("enter")
        assert screen.form.field("province").value == "Quảng Ninh"
        await type_text(pilot, "ha lo")
        await pilot.pause()
        await pilot.press("right")
        await pilot.press("enter")
        assert screen.form.field("ward").value == "Phường Hạ Long"
