"""Dose rules at the desk's screen: a dose too soon is refused at the dose field with the
earlier dose shown, and a vaccinator may give it anyway with a reason (audited)."""

from __future__ import annotations

from pathlib import Path

from domain.scans import IdentityScan
from store import open_store
from tests.conftest import SESSION_FORM, TEST_USER, FakeClock, desk_app
from tests.test_desk import YEN_CARD
from tests.test_doses import AN_CARD
from tests.test_tui_desk import SIZE, entry, open_session, rows, text_of
from tui.screens.override import OverrideModal
from tui.screens.session import SessionScreen
from vaxdesk.testing.desk import log_in, type_text


async def test_duplicate_dose_refused_showing_the_earlier(db_path: Path, clock: FakeClock) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        screen = entry(app)
        for attempt in range(2):
            screen.form.set_values({"full_name": "Nguyễn Văn An", "dob": "150892"})
            screen.form.focus_field("id_number")
            await type_text(pilot, "079092001234")
            await pilot.press("enter")
            if attempt == 1:
                # The history shows dose 1 and proposes dose 2; the volunteer insists on 1.
                assert "1) AZ 23/11/2026 (TV-CN-01)" in text_of(app, "#history")
                assert screen.form.field("dose_number").value == "2"
                screen.form.field("dose_number").value = "1"
            await pilot.press("ctrl+s")
            await pilot.pause()
        dose = screen.form.field("dose_number")
        assert "dose 1 already recorded on 23/11/2026: AZ lot NX1234" in dose.error
        assert app.focused is dose.input
        assert "Not saved" in text_of(app, "#message")
        # The proposed number the same day is too soon: the vaccinator is asked for a reason.
        dose.value = "2"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "too soon: dose 1 AZ given on 23/11/2026" in dose.error
        assert "the next from 21/12/2026" in dose.error
        assert isinstance(app.screen, OverrideModal)
        assert "Too soon: dose 1 AZ given on 23/11/2026" in text_of(app, "#override-problem")
        await pilot.press("escape")  # back to the form: nothing saved
        assert entry(app) is screen and len(rows(db_path)) == 1
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, OverrideModal)
        await pilot.press("enter")  # no reason: refused in the modal
        assert "give the reason" in text_of(app, "#override-error")
        await type_text(pilot, "first dose was invalid, doctor's order")
        await pilot.press("enter")
        await pilot.pause()
        assert entry(app) is screen and "dose 2 AZ" in text_of(app, "#message")
    assert sorted(r["dose_number"] for r in rows(db_path)) == [1, 2]
    with open_store(db_path) as store:
        [(user, detail)] = store.conn.execute(
            "SELECT user_name, detail FROM audit WHERE action = 'dose.override'"
        ).fetchall()
    second = next(r for r in rows(db_path) if r["dose_number"] == 2)
    assert user == TEST_USER
    assert detail == f"{second['record_id']} v1: first dose was invalid, doctor's order"


async def test_a_session_of_another_day_is_refused_saying_why(
    db_path: Path, clock: FakeClock
) -> None:
    """The session dated 20/11 showed 20/11 in "Given on" and stored today's date."""
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        screen.form.set_values({**SESSION_FORM, "session_date": "20/11/2026"})
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert screen.form.field("session_date").error == (
            "a session is for today, 23/11/2026: doses of other days are typed in "
            "retrospective entry (F4)"
        )
        screen.form.set_values({"session_date": "23/11/2026"})
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "23/11/2026" in text_of(app, "#session-bar")
        assert entry(app).form.field("given_on").value == "23/11/2026"


async def test_a_future_cccd_and_a_year_alone_are_refused_at_their_fields(
    db_path: Path, clock: FakeClock
) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        screen = entry(app)
        id_field = screen.form.field("id_number")
        await type_text(pilot, "079230001234")
        await pilot.press("enter")
        assert "this CCCD says born in 2030, in the future" in id_field.error
        assert app.focused is id_field.input
        id_field.value = ""
        await type_text(pilot, "079072001234")
        await pilot.press("enter")
        screen.form.field("full_name").value = "Nguyễn Văn An"
        screen.form.focus_field("dob")
        await type_text(pilot, "1972")
        await pilot.press("enter")
        dob = screen.form.field("dob")
        assert dob.error.startswith("1972 is a year alone: type the whole date, e.g. 15/08/1972")
        assert app.focused is dob.input
    assert rows(db_path) == []


async def test_the_scan_queue_does_not_offer_people_already_here(
    db_path: Path, clock: FakeClock
) -> None:
    """"Scans waiting (2): CCCD ****1234, CCCD ****1234" for a person already saved."""
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        screen = entry(app)
        await pilot.press(*"0790920")  # the volunteer is typing An...
        screen.receive_scan(IdentityScan(AN_CARD, None))  # ...whose card the camera reads
        screen.receive_scan(IdentityScan(AN_CARD, None))  # still in view
        assert len(screen.scan_queue) == 1
        assert "********1234 is waiting already" in text_of(app, "#message")
        screen.form.set_values({"id_number": AN_CARD.id_number, "full_name": AN_CARD.full_name,
                                "dob": "15/08/1992"})  # fmt: skip
        screen.receive_scan(IdentityScan(YEN_CARD, None))
        screen.receive_scan(IdentityScan(YEN_CARD, None))
        assert "Scans waiting (2): CCCD ********1234, CCCD ********0321" in text_of(
            app, "#scan-queue"
        )
        await pilot.press("ctrl+s")
        await pilot.pause()
        # An's waiting scan is dropped: he was just saved; Yến's fills the form.
        assert "Saved ✓ Nguyễn Văn An" in text_of(app, "#message")
        assert screen.form.field("full_name").value == "Ngô Ngọc Yến"
        assert text_of(app, "#scan-queue") == ""
        screen.receive_scan(IdentityScan(YEN_CARD, None))
        assert "Scan: ********0321 is on the form already" in text_of(app, "#message")
        clock.advance(minutes=2)
        screen.receive_scan(IdentityScan(AN_CARD, None))
        assert text_of(app, "#message") == (
            "Scan: ********1234 saved already at 09:30: to change it, F3 (today's list)"
        )
        assert text_of(app, "#scan-queue") == ""
        assert screen.form.field("full_name").value == "Ngô Ngọc Yến"
        clock.advance(minutes=20)  # long after: a new visit is offered again
        screen.receive_scan(IdentityScan(AN_CARD, None))
        assert "Scans waiting (1): CCCD ********1234" in text_of(app, "#scan-queue")
    assert [r["full_name"] for r in rows(db_path)] == ["Nguyễn Văn An"]
