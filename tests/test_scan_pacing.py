"""How much of each frame the scan loop decodes (scanner/pacing.py), on a clock of the test's
own: idle after 3 s with nothing in view, the 1D and DataMatrix passes on one frame in ten,
a still scene decoded once, and the last code's box read first."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator

import numpy as np

from domain.scans import IdentityScan
from scanner.decode import Code, ZxingDecoder
from scanner.loop import ScanLoop
from scanner.pacing import Pacer, Plan, Rates
from scanner.synthetic import cccd_payload, code128_modules, empty_frame, frame_with, render, scene
from tests.test_scan_loop import TODAY
from tests.test_tui_scan import AN, YEN

FRAME = 0.125  # seconds between a camera's frames (exact in binary: no rounding at 3 s)
IDLE_FROM = 24  # the first frame 3 s after the start


class Recording:
    """The real decoder, noting what each frame was asked for."""

    name = "zxing"

    def __init__(self) -> None:
        self.inner = ZxingDecoder()
        self.plans: list[Plan] = []

    def decode(self, gray: np.ndarray, **plan: object) -> list[Code]:
        self.plans.append(Plan(**plan))  # type: ignore[arg-type]
        return self.inner.decode(gray, **plan)  # type: ignore[arg-type]


def busy(count: int, seed: int = 1) -> list[np.ndarray]:
    """Empty frames, each unlike the last (people passing behind the desk)."""
    rng = random.Random(seed)
    return [empty_frame(rng) for _ in range(count)]


class Clocked:
    """A camera whose frames come every FRAME seconds of a clock the test keeps."""

    name = "test camera"
    simulated = True

    def __init__(self, frames: list[np.ndarray]) -> None:
        self._frames = frames
        self.count = 0
        self.paced: list[float] = []

    def clock(self) -> float:
        return self.count * FRAME

    def pace(self, seconds: float) -> None:
        self.paced.append(seconds)

    def frames(self, stop: threading.Event) -> Iterator[np.ndarray]:
        for frame in self._frames:
            yield frame
            self.count += 1


def run(frames: list[np.ndarray], rates: Rates | None = None) -> tuple[Recording, Clocked, list]:
    source, decoder, scans = Clocked(frames), Recording(), []
    loop = ScanLoop(source, decoder, lambda scan, code: scans.append(scan), lambda state: None,
                    today=lambda: TODAY, rates=rates, clock=source.clock)  # fmt: skip
    loop.run(threading.Event())
    return decoder, source, scans


def test_nothing_in_view_for_3_s_decodes_a_frame_every_0_3_s() -> None:
    decoder, source, _ = run(busy(48))  # 6 s of frames, every one new
    # Every frame for 3 s; then the first frame 0.3 s after the last decoded: one in three.
    assert len(decoder.plans) == IDLE_FROM + 8
    assert source.paced[:IDLE_FROM] == [0.0] * IDLE_FROM  # the camera is told to slow down
    assert set(source.paced[IDLE_FROM:]) == {0.3}


def test_a_card_brought_in_view_wakes_the_loop() -> None:
    rng = random.Random(2)
    card = [scene(cccd_payload(AN), "clean", rng)] * 3
    decoder, _, scans = run(busy(40) + card + busy(20, seed=3))
    assert [s.identity.full_name for s in scans if isinstance(s, IdentityScan)] == [AN.full_name]
    # Idle from 3 s: frames 24, 27, …, 39 decoded; the card's third frame (0.375 s after the
    # last decoded one) is read, and every frame after it again, for 3 s.
    assert len(decoder.plans) == IDLE_FROM + 6 + 1 + 20


def test_1d_and_datamatrix_on_one_frame_in_ten_each_and_1d_off_with_a_wedge() -> None:
    decoder, _, _ = run(busy(IDLE_FROM))
    linear = [n for n, plan in enumerate(decoder.plans) if plan.linear]
    matrix = [n for n, plan in enumerate(decoder.plans) if plan.matrix]
    assert linear == [0, 10, 20] and matrix == [5, 15]
    assert all(plan.qr for plan in decoder.plans)
    wedge, _, _ = run(busy(IDLE_FROM), Rates(linear_every=0))
    assert not any(plan.linear for plan in wedge.plans)
    assert [n for n, plan in enumerate(wedge.plans) if plan.matrix] == [5, 15]


def test_a_still_scene_is_decoded_once_with_the_passes_it_lacked() -> None:
    still = busy(1)[0]
    decoder, _, _ = run([still] * 10)
    # The first frame: QR and 1D; the second, the same scene: DataMatrix alone; then nothing.
    assert decoder.plans == [Plan(qr=True, linear=True), Plan(qr=False, matrix=True)]


def test_a_code128_held_still_is_read_although_its_frames_are_not_the_1d_ones() -> None:
    bars = render(code128_modules("079092001234"), 3, bar_height=60)
    slip = frame_with(bars, rng=random.Random(2), code_width=520)
    decoder, _, scans = run(busy(3) + [slip] * 5)
    # The slip's first frame is not a 1D one; its second, the same scene, has the 1D pass.
    assert [plan.linear for plan in decoder.plans] == [True, False, False, False, True]
    assert [getattr(s, "id_number", None) for s in scans] == ["079092001234"]


def test_a_qr_read_in_a_still_scene_is_all_there_is() -> None:
    card = scene(cccd_payload(YEN), "clean", random.Random(4))
    decoder, _, scans = run(busy(1) + [card] * 6)
    assert len(decoder.plans) == 2 and len(scans) == 1


def test_the_last_codes_box_is_read_first_and_the_whole_frame_now_and_then() -> None:
    pacer = Pacer(Rates())
    frames = busy(12)
    code = Code("QRCode", b"x", box=(500, 200, 700, 400))
    assert pacer.plan(frames[0], 0.0) == Plan(linear=True)
    pacer.saw(0.0, [code], frames[0].shape)
    plans = [pacer.plan(frame, 0.1 * n) for n, frame in enumerate(frames[1:6], 1)]
    grown = (400, 100, 800, 500)  # half the box's side added around it
    assert [plan.region if plan else "none" for plan in plans] == [grown] * 4 + [None]
    assert pacer.plan(frames[6], 2.0) == Plan()  # not read for 1 s: the whole frame


def test_a_symbol_seen_and_not_read_keeps_the_loop_awake() -> None:
    from scanner.decode import Found

    pacer = Pacer(Rates())
    frames = busy(64)  # 8 s
    for n, frame in enumerate(frames):
        now = FRAME * n
        plan = pacer.plan(frame, now)
        assert plan is not None, now  # never idle: something is in view
        pacer.saw(now, Found(unread=[(10, 10, 50, 50)]), frame.shape)
    assert not pacer.idle(10.8) and pacer.idle(10.9 + 0.01)
