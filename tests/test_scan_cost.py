"""What the camera loop does not do: decode again a frame that shows what the last one showed
(a held card, a still desk, a replayed image); and what it still does: read a card moved into
view, a slip's Code 128, a blurred QR."""

from __future__ import annotations

import random
import threading

import numpy as np
import pytest

from domain.scans import IdentityScan
from domain.slip_code import parse_slip_code, slip_code
from scanner.decode import Code, ZxingDecoder, make_decoder
from scanner.loop import FrameChanges, ScanLoop
from scanner.synthetic import cccd_payload, code128_modules, empty_frame, frame_with, render, scene
from tests.test_scan_loop import TODAY, ListSource
from tests.test_tui_scan import AN, YEN


class CountingDecoder:
    name = "counting"

    def __init__(self) -> None:
        self.inner = make_decoder("zxing")
        self.frames = 0

    def decode(self, gray: np.ndarray, **plan: object) -> list[Code]:
        self.frames += 1
        return self.inner.decode(gray, **plan)  # type: ignore[arg-type]


def test_a_held_card_is_decoded_once_and_the_next_card_at_once() -> None:
    rng = random.Random(5)
    an, yen = scene(cccd_payload(AN), "clean", rng), scene(cccd_payload(YEN), "clean", rng)
    noisy = np.clip(an.astype(np.int16) + rng.choice([-2, 2]), 0, 255).astype(np.uint8)
    decoder = CountingDecoder()
    scans: list[object] = []
    loop = ScanLoop(ListSource([an, an.copy(), noisy, an, yen, yen]), decoder,
                    lambda scan, code: scans.append(scan), lambda state: None,
                    today=lambda: TODAY)  # fmt: skip
    loop.run(threading.Event())
    assert decoder.frames == 2  # An once (held, then a little sensor noise), Yến once
    assert [s.identity.full_name for s in scans if isinstance(s, IdentityScan)] == [
        AN.full_name, YEN.full_name
    ]


def test_frame_changes_on_a_grid_of_pixels() -> None:
    rng = random.Random(1)
    changes = FrameChanges()
    still = empty_frame(rng)
    assert changes.is_new(still)
    assert not changes.is_new(still.copy())
    assert changes.is_new(scene(cccd_payload(AN), "clean", rng))
    assert changes.is_new(empty_frame(rng, (640, 480)))  # another size: another camera


@pytest.mark.parametrize("kind", ["blur", "motion", "clean"])
def test_a_qr_is_read_with_and_without_the_second_pass(kind: str) -> None:
    rng = random.Random(11)
    payload = cccd_payload(AN).encode("utf-8")
    frame = scene(payload, kind, rng)
    assert payload in [code.data for code in ZxingDecoder().decode(frame)]


def test_a_slips_code128_is_read_when_no_qr_is_in_view() -> None:
    record_id = "0190a8f0-1234-7000-8000-00000000abcd"
    bars = render(code128_modules(slip_code(record_id)), 3, bar_height=80)
    frame = frame_with(bars, rng=random.Random(4), code_width=700)
    codes = ZxingDecoder().decode(frame)
    assert [(c.format, parse_slip_code(c.data.decode())) for c in codes] == [
        ("Code128", record_id)
    ]
    assert ZxingDecoder(linear=False).decode(frame) == []



def test_sensor_noise_is_no_change_and_a_phone_entering_one_corner_is() -> None:
    rng = random.Random(8)
    noise = np.random.default_rng(8)
    desk = empty_frame(rng)

    def seen(frame: np.ndarray) -> np.ndarray:
        return np.clip(frame + noise.normal(0, 3, frame.shape), 0, 255).astype(np.uint8)

    changes = FrameChanges()
    assert changes.is_new(seen(desk))
    assert not any(changes.is_new(seen(desk)) for _ in range(10))
    phone = desk.copy()
    phone[40:180, 1100:1240] = render(np.kron(np.eye(7, dtype=np.uint8), np.ones((2, 2),
                                      dtype=np.uint8)), 10)[:140, :140]  # fmt: skip
    assert changes.is_new(seen(phone))
