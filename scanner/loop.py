"""The scan loop: frames in, parsed scans out, run in one worker thread.

Only what changed is reported: a new code (debounced), and the camera's figures once a
second. The caller's `stop` event ends it; the source is released whatever happens.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from domain.scans import Scan, parse_payload
from scanner.debounce import Debouncer
from scanner.decode import Code, Decoder
from scanner.sources import FrameSource


@dataclass(frozen=True)
class CameraState:
    source: str
    simulated: bool
    frames_per_second: float = 0.0
    decodes_per_second: float = 0.0
    error: str = ""
    running: bool = True


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

    def run(self, stop: threading.Event) -> None:
        name, simulated = self.source.name, self.source.simulated
        frames = decodes = 0
        window = time.monotonic()
        try:
            for frame in self.source.frames(stop):
                if stop.is_set():
                    break
                frames += 1
                codes = self.decoder.decode(frame)
                decodes += bool(codes)
                now = time.monotonic()
                for code in codes:
                    if self.debouncer.is_new(code.data, now):
                        self.on_scan(parse_payload(code.data, today=self.today()), code)
                if now - window >= 1.0:
                    span = now - window
                    self.on_state(CameraState(name, simulated, frames / span, decodes / span))
                    frames = decodes = 0
                    window = now
        except Exception as error:  # a camera unplugged mid-session is a state, not a crash
            self.on_state(CameraState(name, simulated, error=str(error), running=False))
            return
        self.on_state(CameraState(name, simulated, running=False))
