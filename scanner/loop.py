"""The scan loop: frames in, parsed scans out, run in one worker thread.

Only what changed is reported: a new code (debounced), and the camera's figures once a
second; what of each frame is decoded, `scanner.pacing` says (`Rates`). The caller's `stop`
event ends it; the source is released whatever happens. A frame whose handling fails
(decoder, parser, receiver) is counted and skipped: one bad code must not stop the camera for
the session.
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
from scanner.pacing import FrameChanges, Pacer, Rates
from scanner.sources import CameraError, FrameSource

__all__ = ["CameraState", "FrameChanges", "ScanLoop", "parse_code"]

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
        rates: Rates | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.source = source
        self.decoder = decoder
        self.on_scan = on_scan
        self.on_state = on_state
        self.today = today
        self.debouncer = debouncer or Debouncer()
        self.pacer = Pacer(rates)
        self.clock = clock

    def run(self, stop: threading.Event) -> None:
        name, simulated = self.source.name, self.source.simulated
        frames = decodes = failed = 0
        window = self.clock()
        pace = getattr(self.source, "pace", None)  # a camera: decode (and convert) fewer
        try:
            for frame in self.source.frames(stop):
                if stop.is_set():
                    break
                frames += 1
                now = self.clock()
                try:
                    decodes += self.handle(frame, now)
                    if pace is not None:
                        pace(self.pacer.interval(now))
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
        """Decode what the pacer asks of one frame and pass on each new code; True when it
        held any code."""
        plan = self.pacer.plan(frame, now)
        if plan is None:
            return False
        codes = self.decoder.decode(frame, region=plan.region, qr=plan.qr, linear=plan.linear,
                                    matrix=plan.matrix)  # fmt: skip
        self.pacer.saw(now, codes, frame.shape)
        for code in codes:
            if self.debouncer.is_new(code.data, now):
                self.on_scan(self.parse(code), code)
        return bool(codes)

    def parse(self, code: Code) -> Scan:
        return parse_code(code, today=self.today())


def parse_code(code: Code, *, today: date) -> Scan:
    """What a decoded code says; never raises."""
    scan = parse_payload(code.data, today=today)
    if code.check_character and isinstance(scan, Rejected):
        # The last character only looked like a Code 39 check character: it is the number's.
        whole = parse_payload(code.data + code.check_character, today=today)
        if not isinstance(whole, Rejected):
            return whole
    return scan
