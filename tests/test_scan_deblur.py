"""A card moved during the exposure (scanner/deblur.py): the motion found from the frame alone
and undone where a textured part of the frame has gradients of one direction; a lens out of
focus undone where they have none."""

from __future__ import annotations

import random

import cv2
import numpy as np
import pytest

import scanner.decode
from scanner.deblur import deblurred, kernel, motion, refocused, textured
from scanner.decode import ZxingDecoder
from scanner.regions import midrange_and_contrast
from scanner.synthetic import (
    cccd_payload,
    cluttered_frame,
    empty_frame,
    people,
    qr_modules,
    render,
    scene,
)
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


@pytest.mark.parametrize("sigma", [2.5, 3.0])
def test_a_card_out_of_focus_reads_refocused(sigma: float) -> None:
    out_of_focus = cv2.GaussianBlur(CARD, (0, 0), sigma)
    assert raw_zxing(out_of_focus) == [] and motion(out_of_focus) is None
    assert raw_zxing(refocused(out_of_focus)) == [cccd_payload(AN).encode("utf-8")]


def test_an_empty_desk_or_one_of_sharp_papers_is_never_deblurred(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    looked: list[str] = []
    motion_of, refocus = scanner.decode.motion, scanner.decode.refocused

    def counting_motion(gray: np.ndarray) -> tuple[float, int] | None:
        looked.append("motion")
        return motion_of(gray)

    def counting_refocus(gray: np.ndarray) -> np.ndarray:
        looked.append("refocus")
        return refocus(gray)

    monkeypatch.setattr(scanner.decode, "motion", counting_motion)
    monkeypatch.setattr(scanner.decode, "refocused", counting_refocus)
    rng = random.Random(9)
    decoder = ZxingDecoder()
    for size in ((640, 480), (1280, 720)):
        empty = empty_frame(rng, size)
        assert textured(midrange_and_contrast(empty)[1], 2) is None
        assert decoder.decode(empty) == []
        for _ in range(4):
            assert decoder.decode(cluttered_frame(rng, size)) == []
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
