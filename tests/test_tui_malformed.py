"""A malformed code, from the camera or from a USB scanner, is refused on the message line:
the camera keeps scanning and the form keeps what was typed."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from textual import events

from scanner.synthetic import cccd_payload
from tests.conftest import FakeClock, desk_app, until
from tests.test_certificates import HCERT, certificate
from tests.test_tui_desk import SIZE, entry, open_session, rows, text_of
from tests.test_tui_scan import YEN, GatedSource, desk, held

# Valid structure, wrong types: the name as text where a map belongs.
NAME_AS_TEXT = certificate({**HCERT, "nam": "Nguyễn Văn An"})
REFUSAL = "Scan: unreadable vaccination certificate: its name is text where a map belongs"


class TwoGateSource(GatedSource):
    """The first frames once the gate opens, the rest once `then` opens too."""

    def __init__(self, first: list[np.ndarray], rest: list[np.ndarray]) -> None:
        super().__init__(first)
        self.rest = rest
        self.then = threading.Event()

    def frames(self, stop: threading.Event) -> Iterator[np.ndarray]:
        yield from super().frames(stop)
        self.then.wait(30)
        for frame in self.rest:
            if stop.is_set():
                return
            yield frame


async def test_a_malformed_certificate_in_view_leaves_the_camera_running(
    db_path: Path, clock: FakeClock
) -> None:
    source = TwoGateSource(held(NAME_AS_TEXT), held(cccd_payload(YEN)))
    app = desk(db_path, clock, source)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        screen = entry(app)
        screen.form.set_values({"full_name": "Trần Thị Bình", "phone": "0912345678"})
        source.gate.set()
        await until(pilot, lambda: "Scan:" in text_of(app, "#message"), "the refusal")
        assert REFUSAL in text_of(app, "#message")
        # The camera reads on: the next citizen's card waits for the form in use.
        source.then.set()
        await until(pilot, lambda: bool(screen.scan_queue), "the next code")
        assert "Scans waiting (1): CCCD ********0321" in text_of(app, "#scan-queue")
        assert screen.form.field("full_name").value == "Trần Thị Bình"
        assert screen.form.field("phone").value == "0912345678"
        camera = text_of(app, "#scanner")
        assert "Error" not in camera and "attribute" not in camera
        assert not app.screen.query_one("#scanner").has_class("-error")
    assert rows(db_path) == []


async def test_a_malformed_wedge_burst_leaves_the_form_intact(
    db_path: Path, clock: FakeClock
) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        screen = entry(app)
        screen.form.set_values({"full_name": "Trần Thị Bình"})
        screen.form.focus_field("phone")
        await pilot.pause()
        driver = app._driver
        assert driver is not None
        for character in NAME_AS_TEXT.decode("ascii"):
            key = "space" if character == " " else character
            driver.send_message(events.Key(key, character))
        driver.send_message(events.Key("enter", "\r"))
        # Not a code: the burst stays as typed (issue 11, point 7), and Enter checks the field.
        phone = screen.form.field("phone")
        await until(pilot, lambda: bool(phone.error), "the phone field's refusal")
        assert phone.value == NAME_AS_TEXT.decode("ascii") and "mobile" in phone.error
        assert entry(app) is screen and app.is_running
        assert screen.form.field("full_name").value == "Trần Thị Bình"
        phone.value = ""
        await pilot.press(*"0912345678")  # the desk goes on
        assert screen.form.field("phone").value == "0912345678"
    assert rows(db_path) == []
