"""Adverse events through the real apps: a volunteer adds one a day after the dose from today's
list (F3, `a`), by keys; the supervisor's screen flags a severe one at once and lists the day's."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Static

import i18n
from domain.aefi import AefiContext, build_event, event_to_body
from domain.record import EntryContext, build_record
from hub.db import HubDB
from store import open_store
from tests.conftest import AN, SESSION_FORM, VOLUNTEER, VOLUNTEER_PIN, FakeClock, desk_app, until
from tests.test_supervise import HubClock, hub_clock, morning, site  # noqa: F401
from tests.test_tui_desk import SIZE, open_session
from tui.screens.aefi import AefiScreen
from tui.screens.site_aefi import SiteAefiScreen
from tui.screens.today import TodayScreen
from tui.supervise import make_supervisor_app
from vaxdesk.testing.desk import type_text
from vaxdesk.testing.hub import SITE, HubServer, enrol
from vaxdesk.testing.language import english_on, shown


async def test_a_volunteer_adds_an_event_the_next_day(
    db_path: Path, clock: FakeClock, live: EntryContext
) -> None:
    app = desk_app(db_path, clock=clock)
    with open_store(db_path, clock) as store:
        dose = store.save(build_record(AN, live))
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot, VOLUNTEER, VOLUNTEER_PIN)
        await pilot.press("f3")
        assert isinstance(app.screen, TodayScreen)
        await pilot.press("a")
        screen = app.screen
        assert isinstance(screen, AefiScreen)
        form = screen.form
        assert form.field("onset_on").value == "23/11/2026"
        assert form.field("vaccinator").value == SESSION_FORM["vaccinator"]
        assert app.focused is form.field("symptoms").input
        await type_text(pilot, "fev")
        await pilot.press("right")  # the name completed
        assert form.field("symptoms").value == "fever"
        await type_text(pilot, ", kho tho")  # the Vietnamese name without diacritics works too
        await pilot.press("enter")
        assert "Fever, Shortness of breath" in str(screen.query_one("#aefi-symptoms",
                                                                     Static).render())  # fmt: skip
        assert form.field("symptoms").value == "Fever, Shortness of breath"
        await pilot.press("enter")  # other signs: none
        await type_text(pilot, "3")  # not a severity: refused at the field
        await pilot.press("enter")
        assert "1 mild · 2 severe" in form.field("severity").error
        assert app.focused is form.field("severity").input
        form.field("severity").value = ""
        await type_text(pilot, "2")
        await pilot.press("enter")
        form.field("treatment").value = "adrenaline, oxygen"
        await pilot.press("enter")
        await type_text(pilot, "3")
        await pilot.press("enter")  # referred: the hospital comes next
        form.field("referral").value = "Bệnh viện Chợ Rẫy"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)
        assert "Adverse event saved ✓ Nguyễn Văn An: severe (v1)" in str(
            app.screen.query_one("#today-message", Static).render())  # fmt: skip
        # a again: the event opens for correction
        await pilot.press("a")
        assert isinstance(app.screen, AefiScreen) and app.screen.original is not None
        await pilot.press("escape")
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:  # the vaccinator: not theirs to correct
        await open_session(pilot)
        await pilot.press("f3", "a")
        assert isinstance(app.screen, AefiScreen) and app.screen.original is None
        assert "New adverse event" in str(app.screen.query_one("#aefi-message", Static).render())
        await pilot.press("escape")
    with open_store(db_path) as store:
        [event] = store.aefi_of_record(dose.record_id)
        kinds = [item.kind for item in store.outbox_claim(10)]
    assert event.symptoms == ("fever", "dyspnoea") and event.severity.value == "severe"
    assert event.referral == "Bệnh viện Chợ Rẫy" and event.outcome.value == "referred"
    assert event.entered_by == VOLUNTEER and event.vaccinator == SESSION_FORM["vaccinator"]
    assert kinds == ["record", "aefi"]


async def test_the_aefi_screen_speaks_vietnamese(
    db_path: Path, clock: FakeClock, live: EntryContext
) -> None:
    i18n.set_language("vi")
    app = desk_app(db_path, clock=clock)
    with open_store(db_path, clock) as store:
        store.save(build_record(AN, live))
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        await pilot.press("f3", "a")
        screen = app.screen
        assert isinstance(screen, AefiScreen)
        assert "Phản ứng sau tiêm" in str(screen.query_one("#aefi-title", Static).render())
        assert not english_on(shown(app)), english_on(shown(app))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not english_on(shown(app)), english_on(shown(app))
        assert "triệu chứng" in screen.form.field("symptoms").error
        assert screen.form.field("severity").error == "1 thông thường · 2 nặng"
        assert app.focused is screen.form.field("symptoms").input


async def test_the_supervisor_sees_a_severe_event_at_once(
    site: tuple[HubServer, HubDB, str], hub_clock: HubClock, morning: FakeClock,  # noqa: F811
    tmp_path: Path,
) -> None:  # fmt: skip
    from hub.aefi_db import ingest_aefi
    from hub.db import Desk

    hub_clock.now = morning()
    server, db, supervisor = site
    enrol(db, "desk-2")
    from domain.record import Mode, build_session

    session = build_session({**SESSION_FORM, "desk_id": "desk-2"}, today=morning().date())
    ctx = EntryContext(session=session, mode=Mode.LIVE, now=morning())
    with open_store(tmp_path / "d2.db", morning) as store:
        dose = store.save(build_record(AN, ctx))
        event = store.save_aefi(build_event(
            {"onset_on": "23/11/2026", "onset_time": "10:00", "symptoms": "anaphylaxis",
             "severity": "2", "outcome": "3", "referral": "BV tỉnh", "vaccinator": "Bình"},
            AefiContext(dose.record_id, dose.person.person_key, "desk-2", SITE,
                        dose.given_on, "Hoa", morning())))  # fmt: skip
    ingest_aefi(db, Desk("desk-2", SITE), [event_to_body(event)], morning())
    app = make_supervisor_app(server.url, supervisor, SITE, refresh_seconds=0.2)
    async with app.run_test(size=(160, 30)) as pilot:
        flag = app.screen.query_one("#site-aefi", Static)
        await until(pilot, lambda: "SEVERE adverse event" in str(flag.render()), "the flag")
        text = str(flag.render())
        assert "desk-2 · 10:00 · ********1234" in text and "079092001234" not in text
        await pilot.press("a")
        listing = app.screen
        assert isinstance(listing, SiteAefiScreen)
        table = listing.query_one(DataTable)
        assert table.row_count == 1
        cells = [str(getattr(c, "plain", c)) for c in table.get_row_at(0)]
        assert cells[2] == "desk-2" and cells[3] == "********1234" and "severe" in cells[4]
        assert "Anaphylaxis" in cells[6]
        assert "desk-2: 1 severe, 0 mild" in str(listing.query_one("#aefi-counts",
                                                                   Static).render())  # fmt: skip
        await pilot.press("escape")
        i18n.set_language("vi")  # the next refresh speaks Vietnamese
        await until(pilot, lambda: "Phản ứng NẶNG" in str(flag.render()), "the flag in vi")
        await pilot.press("a")
        await pilot.pause()
        body = shown(app).split("\n", 1)[1]  # the title was set in English, at the start
        assert "Phản ứng sau tiêm báo cáo hôm nay" in body
        assert not english_on(body), english_on(body)
