"""The scan loop: frames in, parsed scans out, run in one worker thread.

Only what changed is reported: a new code (debounced), and the camera's figures once a
second. The caller's `stop` event ends it; the source is released whatever happens. A frame
whose handling fails (decoder, parser, receiver) is counted and skipped: one bad code must not
stop the camera for the session.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from domain.errors import DeskError
from domain.messages import describe
from domain.scans import Rejected, Scan, parse_payload
from scanner.debounce import Debouncer
from scanner.decode import Code, Decoder
from scanner.sources import CameraError, FrameSource

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger("vaxdesk.scanner")


@dataclass(frozen=True)
class CameraState:
    source: str
    simulated: bool
    frames_per_second: float = 0.0
    decodes_per_second: float = 0.0
    error: str = ""
    running: bool = True
    failed_frames: int = 0  # frames whose handling raised, since the camera started


class ScanLoop:
    def __init__(
        self,
        source: FrameSource,
        decoder: Decoder,
        on_scan: Callable[[Scan, Code], None],
        on_state: Callable[[CameraState], None],
        today: Callable[[], date] = date.today,
        debouncer: Debouncer | None = None,
    ) -> None:
        self.source = source
        self.decoder = decoder
        self.on_scan = on_scan
        self.on_state = on_state
        self.today = today
        self.debouncer = debouncer or Debouncer()
        self.changes: FrameChanges | None = FrameChanges()

    def run(self, stop: threading.Event) -> None:
        name, simulated = self.source.name, self.source.simulated
        frames = decodes = failed = 0
        window = time.monotonic()
        try:
            for frame in self.source.frames(stop):
                if stop.is_set():
                    break
                frames += 1
                now = time.monotonic()
                try:
                    decodes += self.handle(frame, now)
                except Exception as error:  # logged by type only: a payload holds personal data
                    failed += 1
                    log.warning("scan frame failed: %s (%d so far)", type(error).__name__, failed)
                if now - window >= 1.0:
                    span = now - window
                    rates = frames / span, decodes / span
                    self.on_state(CameraState(name, simulated, *rates, failed_frames=failed))
                    frames = decodes = 0
                    window = now
        except Exception as error:  # a camera unplugged mid-session is a state, not a crash
            known = error if isinstance(error, CameraError) else DeskError("camera.stopped")
            shown = describe(known)
            log.warning("camera source failed: %s", type(error).__name__)
            self.on_state(
                CameraState(name, simulated, error=shown, running=False, failed_frames=failed)
            )
            return
        self.on_state(CameraState(name, simulated, running=False, failed_frames=failed))

    def handle(self, frame: np.ndarray, now: float) -> bool:
        """Decode one frame and pass on each new code; True when it held any code. A frame
        that shows what the last decoded one showed is not decoded again."""
        if self.changes is not None and not self.changes.is_new(frame):
            return False
        codes = self.decoder.decode(frame)
        for code in codes:
            if self.debouncer.is_new(code.data, now):
                self.on_scan(self.parse(code), code)
        return bool(codes)

    def parse(self, code: Code) -> Scan:
        return parse_code(code, today=self.today())


class FrameChanges:
    """Whether a frame shows something the last decoded frame did not: a held card, a still
    desk, a replayed image are decoded once. Compared on a sparse grid of pixels (every 16th
    of every 16th row: 80x45 of a 1280x720 frame) in blocks of 8x8 of them (128 px square): a
    block whose mean absolute difference passes `threshold` is a change. A phone's QR entering
    one block shows; a webcam's sensor noise (a few levels) does not."""

    def __init__(self, step: int = 16, block: int = 8, threshold: float = 8.0) -> None:
        self.step = step
        self.block = block
        self.threshold = threshold
        self._last: np.ndarray | None = None

    def is_new(self, frame: np.ndarray) -> bool:
        import numpy as np

        sample = frame[:: self.step, :: self.step].astype(np.int16)
        last = self._last
        if last is not None and last.shape == sample.shape:
            rows, cols = (max(1, n // self.block) * self.block for n in sample.shape)
            diff = np.abs(sample[:rows, :cols] - last[:rows, :cols])
            blocks = diff.reshape(rows // self.block, self.block, cols // self.block, self.block)
            if float(blocks.mean(axis=(1, 3)).max()) < self.threshold:
                return False
        self._last = sample
        return True


def parse_code(code: Code, *, today: date) -> Scan:
    """What a decoded code says; never raises."""
    scan = parse_payload(code.data, today=today)
    if code.check_character and isinstance(scan, Rejected):
        # The last character only looked like a Code 39 check character: it is the number's.
        whole = parse_payload(code.data + code.check_character, today=today)
        if not isinstance(whole, Rejected):
            return whole
    return scan
