"""The scan loop in its thread: one frame's failure (decoder, parser, receiver) is counted and
logged by its type, and scanning goes on; a failing source is a camera state in words."""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Iterator
from datetime import date

import numpy as np
import pytest

from domain.scans import IdentityScan, Scan
from scanner.decode import Code, make_decoder
from scanner.loop import CameraState, ScanLoop
from scanner.sources import CameraError
from scanner.synthetic import cccd_payload, empty_frame, scene
from tests.test_tui_scan import AN, YEN

TODAY = date(2026, 11, 23)


class ListSource:
    name = "test camera"
    simulated = True

    def __init__(self, frames: list[object], failure: Exception | None = None) -> None:
        self._frames = frames
        self._failure = failure

    def frames(self, stop: threading.Event) -> Iterator[np.ndarray]:
        yield from self._frames  # type: ignore[misc]
        if self._failure is not None:
            raise self._failure


def card(person: object) -> list[np.ndarray]:
    rng = random.Random(3)
    return [scene(cccd_payload(person), "clean", rng), empty_frame(rng)]  # type: ignore[arg-type]


def run(source: ListSource, on_scan: object = None) -> tuple[list[Scan], list[CameraState]]:
    scans: list[Scan] = []
    states: list[CameraState] = []

    def received(scan: Scan, code: Code) -> None:
        if on_scan is not None:
            on_scan(scan)  # type: ignore[operator]
        scans.append(scan)

    loop = ScanLoop(source, make_decoder("zxing"), received, states.append, today=lambda: TODAY)
    loop.run(threading.Event())
    return scans, states


def test_a_frame_the_decoder_cannot_take_is_counted_and_scanning_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    broken = np.zeros((2, 2, 2, 2), dtype=np.float64)  # no decoder reads such a frame
    with caplog.at_level(logging.WARNING, logger="vaxdesk.scanner"):
        scans, states = run(ListSource([broken, *card(YEN)]))
    assert [s.identity.full_name for s in scans if isinstance(s, IdentityScan)] == [YEN.full_name]
    last = states[-1]
    assert last.failed_frames == 1 and not last.error and not last.running
    assert [r.getMessage() for r in caplog.records] == ["scan frame failed: TypeError (1 so far)"]


def test_a_receiver_failing_on_one_code_does_not_lose_the_next(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def fail_on_yen(scan: Scan) -> None:
        if isinstance(scan, IdentityScan) and scan.identity == YEN:
            raise KeyError(scan.identity.id_number)

    with caplog.at_level(logging.WARNING, logger="vaxdesk.scanner"):
        scans, states = run(ListSource([*card(YEN), *card(AN)]), fail_on_yen)
    assert [s.identity.full_name for s in scans if isinstance(s, IdentityScan)] == [AN.full_name]
    assert states[-1].failed_frames == 1
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "KeyError" in logged and YEN.id_number not in logged  # the type, not the payload


def test_a_failing_source_is_a_state_in_words() -> None:
    _, states = run(ListSource([], RuntimeError("OpenCV(4.9) error: (-215:Assertion failed)")))
    assert states[-1] == CameraState("test camera", True, error="the camera stopped",
                                     running=False)  # fmt: skip
    _, states = run(ListSource([], CameraError("camera /dev/video0 was unplugged")))
    assert states[-1].error == "camera /dev/video0 was unplugged"
