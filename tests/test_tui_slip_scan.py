"""A slip printed at one desk, scanned at another desk of the site (issue 14): the record opens
there for correction, through the camera (the slip's Code 128, as an image) or a keyboard-wedge
scanner; its next version reaches the hub. A desk of another site, a hub out of reach and a
form in use are each said in one line."""

from __future__ import annotations

from pathlib import Path

import barcode
from barcode.writer import ImageWriter
from textual import events
from textual.pilot import Pilot

from domain.slip_code import slip_code
from hub.db import HubDB
from scanner.sources import FileSource
from store import open_store
from sync.worker import HubConfig
from tests.conftest import SESSION_FORM, FakeClock, desk_app, until
from tests.test_sync import desk_store, drain
from tests.test_tui_desk import SIZE, entry, text_of
from tui.app import VaxdeskApp
from vaxdesk.testing.desk import log_in, type_text
from vaxdesk.testing.hub import HubServer, enrol, free_port

OTHER_SITE = "HN-BD-01"


def slip_image(folder: Path, record_id: str) -> Path:
    """The slip's Code 128, drawn with python-barcode as the slip carries it, as a PNG."""
    folder.mkdir(parents=True, exist_ok=True)
    drawn = barcode.get("code128", slip_code(record_id), writer=ImageWriter())
    drawn.save(str(folder / "slip"), options={"write_text": False, "quiet_zone": 6.0})
    return folder


async def open_session_at(pilot: Pilot, desk_id: str, site_id: str = SESSION_FORM["site_id"]
                          ) -> None:  # fmt: skip
    """Log in and open the session of this desk, field after field."""
    await log_in(pilot)
    values = {**SESSION_FORM, "site_id": site_id, "desk_id": desk_id}
    for name in ("site_id", "desk_id", "vaccinator", "vaccine", "lot"):
        field = pilot.app.screen.form.field(name)  # type: ignore[attr-defined]
        if name == "vaccinator":
            field.value = values[name]
        else:
            await type_text(pilot, values[name].lower())
        await pilot.press("enter")
    await pilot.press("enter")  # the date: today by default
    await pilot.pause()


async def wedge(pilot: Pilot, text: str) -> None:
    """A keyboard-wedge scanner: the code's characters in one burst, then Enter."""
    driver = pilot.app._driver
    assert driver is not None
    # Made at once, so their times are a scanner's whatever else the machine is doing.
    keys = [events.Key(character, character) for character in text]
    for key in [*keys, events.Key("enter", "\r")]:
        driver.send_message(key)


async def made_at_desk_1(
    tmp_path: Path, hub: HubServer, clock: FakeClock
) -> tuple[str, str, str]:
    """Desk 1 saves a record and syncs it: its id, the person's name, and desk 1's token."""
    path = desk_store(tmp_path, "desk-1", 1, seed=6, clock=clock)
    token = enrol(hub.db, "desk-1")
    await drain(path, hub.url, token)
    with open_store(path) as store:
        [row] = list(store.current_rows())
    return row["record_id"], row["full_name"], token


def app_at(tmp_path: Path, name: str, clock: FakeClock, url: str, token: str,
           camera: Path | None = None) -> VaxdeskApp:  # fmt: skip
    source = FileSource(camera, fps=0, hold=3) if camera is not None else None
    return desk_app(tmp_path / f"{name}.db", clock=clock, frame_source=source,
                    hub=HubConfig(url, token))  # fmt: skip


async def test_a_slip_seen_by_another_desks_camera_opens_the_record_and_the_correction_goes_up(
    tmp_path: Path, clock: FakeClock
) -> None:
    db = HubDB(f"sqlite:///{tmp_path / 'hub.db'}")
    server = HubServer(db).start()
    try:
        record_id, name, token_1 = await made_at_desk_1(tmp_path, server, clock)
        camera = slip_image(tmp_path / "camera", record_id)
        app = app_at(tmp_path, "desk-2", clock, server.url, enrol(db, "desk-2"), camera)
        async with app.run_test(size=SIZE) as pilot:
            await open_session_at(pilot, "desk-2")
            screen = entry(app)
            await until(pilot, lambda: screen.editing is not None, "the slip's record to open")
            assert screen.editing is not None and screen.editing.record_id == record_id
            assert screen.form.field("full_name").value == name
            assert text_of(app, "#message") == (
                f"Correcting the record of {name}: Ctrl+S saves, Esc cancels"
            )
            screen.form.field("phone").value = "0987654321"
            await pilot.press("ctrl+s")
            assert text_of(app, "#message").startswith(f"Corrected (v2) ✓ {name}")
            await until(pilot, lambda: db.count_versions() == 2, "version 2 at the hub")
        assert [(t["desk_id"], t["outcome"]) for t in db.lookups()] == [("desk-2", "record")]
        with open_store(tmp_path / "desk-2.db") as store:
            assert [r.version for r in store.versions(record_id)] == [1, 2]
            assert store.get(record_id).person.phone == "0987654321"
            assert store.backlog() == 0
        # Back at the desk that made it, the slip opens the version corrected elsewhere (not
        # this desk's own first one, whose correction the hub would hold as a conflict).
        home = app_at(tmp_path, "desk-1", clock, server.url, token_1)
        async with home.run_test(size=SIZE) as pilot:
            await open_session_at(pilot, "desk-1")
            screen = entry(home)
            screen.form.focus_field("id_number")
            await pilot.pause()
            await wedge(pilot, slip_code(record_id))
            await until(pilot, lambda: screen.editing is not None, "the slip's record to open")
            assert screen.editing is not None and screen.editing.version == 2
            assert screen.form.field("phone").value == "0987654321"
            screen.form.field("phone").value = "0911222333"
            await pilot.press("ctrl+s")
            assert text_of(home, "#message").startswith(f"Corrected (v3) ✓ {name}")
            await until(pilot, lambda: db.count_versions() == 3, "version 3 at the hub")
        with open_store(tmp_path / "desk-1.db") as store:
            assert [r.version for r in store.versions(record_id)] == [1, 2, 3]
            assert store.outbox_counts() == {"acked": 2}  # v1 and v3: no conflict
    finally:
        server.stop()
        db.close()


async def test_a_wedge_scanner_opens_it_too_and_another_sites_desk_is_told_unknown(
    tmp_path: Path, clock: FakeClock
) -> None:
    db = HubDB(f"sqlite:///{tmp_path / 'hub.db'}")
    server = HubServer(db).start()
    try:
        record_id, name, _token = await made_at_desk_1(tmp_path, server, clock)
        code = slip_code(record_id)
        app = app_at(tmp_path, "desk-2", clock, server.url, enrol(db, "desk-2"))
        async with app.run_test(size=SIZE) as pilot:
            await open_session_at(pilot, "desk-2")
            screen = entry(app)
            screen.form.focus_field("id_number")
            await pilot.pause()
            await wedge(pilot, code)
            await until(pilot, lambda: screen.editing is not None, "the slip's record to open")
            assert screen.form.field("full_name").value == name
            assert code not in screen.form.field("id_number").value  # not left as typing
            await pilot.press("escape")
        other = app_at(tmp_path, "hn-1", clock, server.url, enrol(db, "hn-1", OTHER_SITE))
        async with other.run_test(size=SIZE) as pilot:
            await open_session_at(pilot, "hn-1", OTHER_SITE)
            screen = entry(other)
            screen.form.focus_field("id_number")
            await pilot.pause()
            await wedge(pilot, code)
            await until(pilot, lambda: "Slip:" in text_of(other, "#message"), "the answer")
            assert text_of(other, "#message") == "Slip: no record of this site has this slip's code"
            assert screen.editing is None and screen.form.field("full_name").value == ""
        assert [t["outcome"] for t in db.lookups()] == ["record", "record-withheld"]
    finally:
        server.stop()
        db.close()


async def test_the_hub_out_of_reach_and_a_form_in_use_are_said(
    tmp_path: Path, clock: FakeClock
) -> None:
    code = slip_code("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b")
    app = app_at(tmp_path, "desk-2", clock, f"http://127.0.0.1:{free_port()}", "vxd_x")
    async with app.run_test(size=SIZE) as pilot:
        await open_session_at(pilot, "desk-2")
        screen = entry(app)
        # This desk's own record opens without the hub.
        screen.form.set_values({"id_number": "079092001234", "full_name": "Nguyễn Văn An",
                                "dob": "150892"})  # fmt: skip
        await pilot.press("ctrl+s")
        assert text_of(app, "#message").startswith("Saved ✓ Nguyễn Văn An")
        [row] = list(app.desk.store.current_rows())
        screen.form.focus_field("id_number")
        await pilot.pause()
        await wedge(pilot, slip_code(row["record_id"]))
        await until(pilot, lambda: screen.editing is not None, "this desk's record to open")
        assert text_of(app, "#message").startswith("Correcting the record of Nguyễn Văn An")
        await pilot.press("escape")
        # Voided since: said, not opened.
        app.desk.store.void(row["record_id"], "entered twice", "Lê Thị Hoa")
        screen.form.focus_field("id_number")
        await pilot.pause()
        await wedge(pilot, slip_code(row["record_id"]))
        await until(pilot, lambda: "voided" in text_of(app, "#message"), "the answer")
        assert text_of(app, "#message") == (
            "Slip: the record of Nguyễn Văn An on this slip was voided (entered twice): "
            "nothing to correct"
        )
        assert screen.editing is None
        # Not here, and the hub out of reach.
        screen.form.focus_field("id_number")
        await pilot.pause()
        await wedge(pilot, code)
        await until(pilot, lambda: "hub cannot" in text_of(app, "#message"), "the answer")
        assert text_of(app, "#message") == (
            "Slip: this record is not on this desk and the hub cannot be reached"
        )
        assert screen.editing is None
        # A citizen half typed: the slip does not replace them.
        screen.form.set_values({"full_name": "Nguyễn Văn An"})
        screen.form.focus_field("phone")
        await pilot.pause()
        await wedge(pilot, code)
        await until(pilot, lambda: "empty form" in text_of(app, "#message"), "the refusal")
        assert text_of(app, "#message").startswith("Scan: a slip opens its record on an empty")
        assert screen.form.field("full_name").value == "Nguyễn Văn An"
        assert screen.form.field("phone").value == ""
