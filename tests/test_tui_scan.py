"""The desk fed by a frame source that yields its frames and stops, as a webcam would see them."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
from textual.widgets import Static

from domain.dates import PartialDate
from domain.identity import Identity, IdType, Sex
from scanner.sources import FileSource, read_image
from scanner.synthetic import cccd_payload, empty_frame, scene
from tests.conftest import FakeClock, desk_app, until
from tests.test_tui_desk import SIZE, entry, open_session, rows, text_of
from tui.app import VaxdeskApp
from tui.screens.entry import EntryScreen

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "dcc"
YEN = Identity(IdType.CCCD, "084185000321", "Ngô Ngọc Yến", PartialDate(1985, 3, 2), Sex.FEMALE,
               address="Ấp Phú Hòa, xã Hòa Thuận, Trà Vinh")  # fmt: skip
AN = Identity(IdType.CCCD, "079092001234", "Nguyễn Văn An", PartialDate(1992, 8, 15), Sex.MALE)


class GatedSource:
    """Frames held back until the test opens the gate, then yielded once."""

    name = "test camera"
    simulated = True

    def __init__(self, frames: list[np.ndarray]) -> None:
        self._frames = frames
        self.gate = threading.Event()

    def frames(self, stop: threading.Event) -> Iterator[np.ndarray]:
        self.gate.wait(30)
        for frame in self._frames:
            if stop.is_set():
                return
            yield frame


def held(payload: str | bytes, frames: int = 3) -> list[np.ndarray]:
    """A code held in view for a few frames, then taken away."""
    rng = random.Random(1)
    return [scene(payload, "clean", rng) for _ in range(frames)] + [empty_frame(rng)]


def desk(db: Path, clock: FakeClock, source: GatedSource) -> VaxdeskApp:
    return desk_app(db, clock=clock, frame_source=source)


async def test_a_chip_card_in_view_fills_the_form_and_enter_saves(
    db_path: Path, clock: FakeClock
) -> None:
    source = GatedSource(held(cccd_payload(YEN)))
    app = desk(db_path, clock, source)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        screen = entry(app)
        source.gate.set()
        await until(pilot, lambda: screen.form.field("full_name").value != "", "the scan")
        assert screen.form.field("full_name").value == "Ngô Ngọc Yến"  # diacritics intact
        assert screen.form.field("dob").value == "02/03/1985"
        assert screen.form.field("sex").value == "Nữ"
        assert "Scanned ✓ CCCD ********0321" in text_of(app, "#message")
        assert app.focused is screen.form.field("screening").input
        await pilot.press("enter")
        assert "Saved ✓ Ngô Ngọc Yến" in text_of(app, "#message")
        await until(pilot, lambda: "ended" in text_of(app, "#scanner"), "the camera to stop")
    [row] = rows(db_path)
    assert row["full_name"] == "Ngô Ngọc Yến" and row["source"] == "scan"
    assert row["address"] == "Ấp Phú Hòa, xã Hòa Thuận, Trà Vinh"


async def test_a_bad_code_fills_nothing(db_path: Path, clock: FakeClock) -> None:
    source = GatedSource(held("https://example.org/form"))
    app = desk(db_path, clock, source)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        screen = entry(app)
        source.gate.set()
        await until(pilot, lambda: "Scan:" in text_of(app, "#message"), "the refusal")
        assert "not a recognised ID code; nothing filled" in text_of(app, "#message")
        assert all(not screen.form.field(n).value for n in ("id_number", "full_name", "dob"))
    assert rows(db_path) == []


async def test_a_scan_waits_while_the_form_is_in_use(db_path: Path, clock: FakeClock) -> None:
    source = GatedSource(held(cccd_payload(YEN)))
    app = desk(db_path, clock, source)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        screen = entry(app)
        await pilot.press(*"0790920")  # the volunteer is typing someone
        source.gate.set()
        await until(pilot, lambda: bool(screen.scan_queue), "the scan to queue")
        assert screen.form.field("id_number").value == "0790920"  # not overwritten
        assert "Scans waiting (1): CCCD ********0321" in text_of(app, "#scan-queue")
        # The typed person is saved; then the waiting scan fills the free form.
        screen.form.set_values({"id_number": AN.id_number, "full_name": AN.full_name,
                                "dob": "15/08/1992"})  # fmt: skip
        await pilot.press("ctrl+s")
        assert "Saved ✓ Nguyễn Văn An" in text_of(app, "#message")
        assert "next: Scanned ✓ CCCD ********0321" in text_of(app, "#message")
        assert screen.form.field("full_name").value == "Ngô Ngọc Yến"
        assert text_of(app, "#scan-queue") == ""
        await pilot.press("enter")
    assert {r["full_name"] for r in rows(db_path)} == {"Ngô Ngọc Yến", "Nguyễn Văn An"}


async def test_a_known_person_shows_history_at_once(db_path: Path, clock: FakeClock) -> None:
    source = GatedSource(held(cccd_payload(YEN)) + held(b"https://x", 1) + held(cccd_payload(YEN)))
    app = desk(db_path, clock, source)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        screen = entry(app)
        screen.form.set_values({"id_number": YEN.id_number, "full_name": YEN.full_name,
                                "dob": "020385"})  # fmt: skip
        await pilot.press("ctrl+s")  # dose 1 typed earlier
        clock.advance(days=30)
        source.gate.set()
        await until(pilot, lambda: screen.form.field("full_name").value != "", "the scan")
        assert "1) AZ 23/11/2026 (TV-CN-01)" in text_of(app, "#history")
        assert "next dose 2 from" in text_of(app, "#history")
        assert screen.form.field("dose_number").value == "2"


async def test_a_usb_scanner_typing_into_any_field_is_a_scan(
    db_path: Path, clock: FakeClock
) -> None:
    from textual import events

    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        screen = entry(app)
        screen.form.focus_field("phone")
        await pilot.pause()
        # The wedge scanner types the ID's barcode in a burst and presses Enter.
        driver = app._driver
        assert driver is not None
        for character in "079092001234":
            driver.send_message(events.Key(character, character))
        driver.send_message(events.Key("enter", "\r"))
        await until(pilot, lambda: screen.form.field("id_number").value != "", "the wedge scan")
        assert screen.form.field("id_number").value == "079092001234"
        assert screen.form.field("phone").value == ""  # the burst did not land as typing
        assert screen.form.field("sex").value == "Nam"
        assert screen.source.value == "scan"
        # The cursor moves to the name once the scan is handled: waited for, not raced.
        name = screen.form.field("full_name").input
        await until(pilot, lambda: app.focused is name, "the cursor on the name")


async def test_a_vaccination_certificate_imports_its_doses(db_path: Path, clock: FakeClock) -> None:
    certificate = read_image(FIXTURES / "VN_1.3.0_VAC_VN.png")
    assert certificate is not None
    big = cv2.resize(certificate, None, fx=2, fy=2, interpolation=cv2.INTER_NEAREST)
    frame = np.full((720, 1280), 200, dtype=np.uint8)
    frame[100 : 100 + big.shape[0], 300 : 300 + big.shape[1]] = big
    source = GatedSource([frame, frame])
    app = desk(db_path, clock, source)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        screen = entry(app)
        source.gate.set()
        await until(pilot, lambda: screen.certificate is not None, "the certificate")
        assert screen.form.field("full_name").value == "Nguyễn Bảo Duy"
        assert screen.form.field("dob").value == "10/10/1983"
        assert "Certificate VN: dose 2 AZ 18/03/2021 (VN)" in text_of(app, "#history")
        await pilot.press("ctrl+s")  # no ID or sex yet: refused at the field
        assert screen.form.field("sex").error
        assert app.focused is screen.form.field("sex").input
        screen.form.focus_field("id_number")
        await pilot.press(*"025123456")
        screen.form.field("sex").value = "1"
        await pilot.press("ctrl+s")
        assert "Imported 1 dose from the certificate" in text_of(app, "#message")
    [row] = rows(db_path)
    assert (row["source"], row["vaccine"], row["dose_number"], row["given_on"]) == (
        "certificate", "AZ", 2, "2021-03-18")  # fmt: skip
    assert row["full_name"] == "Nguyễn Bảo Duy" and row["vaccinator"] == "Ban Co Yeu (VN)"
    assert row["lot"] == "" and row["id_number"] == "025123456"


async def test_no_camera_is_said_plainly(db_path: Path, clock: FakeClock) -> None:
    app = desk_app(db_path, clock=clock, camera="none")
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        await until(pilot, lambda: "none" in text_of(app, "#scanner"), "the camera state")
        assert "camera: none (typing and USB scanners only)" in text_of(app, "#scanner")


async def test_a_missing_camera_is_a_message_not_a_crash(db_path: Path, clock: FakeClock) -> None:
    app = desk_app(db_path, clock=clock, camera="/dev/video77")
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        await until(pilot, lambda: "no camera" in text_of(app, "#scanner"), "the camera error")
        assert "no camera at /dev/video77" in text_of(app, "#scanner")
        assert isinstance(app.screen, EntryScreen)


async def test_replayed_folder_drives_the_desk(
    db_path: Path, clock: FakeClock, tmp_path: Path
) -> None:
    folder = tmp_path / "frames"
    folder.mkdir()
    for number, frame in enumerate(held(cccd_payload(AN))):
        cv2.imwrite(str(folder / f"{number}.jpg"), frame)
    app = desk_app(db_path, clock=clock, frame_source=FileSource(folder, fps=0))
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        screen = entry(app)
        await until(pilot, lambda: screen.form.field("full_name").value != "", "the scan")
        await pilot.press("enter")
        assert isinstance(app.screen.query_one("#message", Static), Static)
    [row] = rows(db_path)
    assert row["full_name"] == "Nguyễn Văn An"
