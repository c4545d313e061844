"""A card moved during the exposure (scanner/deblur.py): the motion found from the frame alone
and undone, only where a textured part of the frame has gradients of one direction."""

from __future__ import annotations

import random

import cv2
import numpy as np
import pytest

import scanner.decode
from scanner.deblur import deblurred, kernel, motion, textured
from scanner.decode import ZxingDecoder
from scanner.regions import midrange_and_contrast
from scanner.synthetic import cccd_payload, empty_frame, people, qr_modules, render, scene
from tests.test_scan_decode import raw_zxing
from tests.test_tui_scan import AN

CARD = np.pad(render(qr_modules(cccd_payload(AN)), 4), 30, constant_values=255)


@pytest.mark.parametrize(("length", "angle"), [(15, 30.0), (12, 100.0), (17, 160.0), (9, 0.0)])
def test_the_motion_is_found_from_the_blurred_card_alone(length: int, angle: float) -> None:
    moved = cv2.filter2D(CARD, -1, kernel(length, angle), borderType=cv2.BORDER_REPLICATE)
    found = motion(moved)
    assert found is not None
    found_angle, found_length = found
    assert found_length == length
    assert min(abs(found_angle - angle), 180 - abs(found_angle - angle)) < 6


def test_no_motion_in_a_sharp_or_an_out_of_focus_card() -> None:
    assert motion(CARD) is None
    assert motion(cv2.GaussianBlur(CARD, (0, 0), 2.5)) is None  # blurred alike every way


def test_undone_the_card_reads_again() -> None:
    moved = cv2.filter2D(CARD, -1, kernel(15, 30.0), borderType=cv2.BORDER_REPLICATE)
    assert raw_zxing(moved) == []
    angle, length = motion(moved) or (0.0, 0)
    assert raw_zxing(deblurred(moved, angle, length)) == [cccd_payload(AN).encode("utf-8")]


def test_an_empty_frame_has_no_textured_part_and_is_never_deblurred(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    looked: list[int] = []
    real = scanner.decode.motion

    def counting(gray: np.ndarray) -> tuple[float, int] | None:
        looked.append(1)
        return real(gray)

    monkeypatch.setattr(scanner.decode, "motion", counting)
    rng = random.Random(9)
    decoder = ZxingDecoder()
    for size in ((640, 480), (1280, 720)):
        frame = empty_frame(rng, size)
        assert textured(midrange_and_contrast(frame)[1], 2) is None
        assert decoder.decode(frame) == []
    assert looked == []


def test_strong_motion_frames_zxing_alone_misses_are_read() -> None:
    rng, decoder, stream = random.Random(5), ZxingDecoder(), people(5)
    ours = raw = 0
    for _ in range(8):
        payload = cccd_payload(next(stream)).encode("utf-8")
        frame = scene(payload, "motion-strong", rng, (640, 480))
        read = [code.data for code in decoder.decode(frame, linear=False, matrix=False)]
        assert set(read) <= {payload}  # never a wrong text
        ours += payload in read
        raw += payload in raw_zxing(frame)
    assert raw <= 1 and ours >= 5 and decoder.reads["deblurred"] >= 4
