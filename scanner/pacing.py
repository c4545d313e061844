"""How much of each frame the scan loop decodes: the least that still reads what comes.

- A frame that shows what the last decoded one showed (`FrameChanges`) is not decoded again,
  but for the passes that scene has not had yet: a 1D code held still is read on its second
  frame.
- QR on every frame decoded; the 1D formats and DataMatrix on one frame in ten each (not the
  same one), where a QR costs ~1-7 ms and each of them ~1-5 ms more on an empty 1280x720 frame.
  `linear_every = 0` turns 1D off: a wedge scanner at the desk reads those better.
- Nothing in view (no code read, no symbol seen) for `idle_after` seconds: one frame every
  `idle_every` seconds, until something is. A card brought in view waits at most that long.
- A code read: its box, grown, is read first on the next frames (`region`), while it stays
  there; every `region_runs`-th frame reads the whole frame, for a second code elsewhere.

Time is given (`now`), never read here: tests run on their own clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from scanner.regions import Box, grown

if TYPE_CHECKING:
    import numpy as np

    from scanner.decode import Code


@dataclass(frozen=True)
class Rates:
    idle_after: float = 3.0  # seconds with nothing in view
    idle_every: float = 0.3  # seconds between frames decoded when idle
    linear_every: int = 10  # the 1D pass on one frame decoded in this many; 0: never
    matrix_every: int = 10  # the DataMatrix pass, likewise (half a cycle after 1D); 0: never
    region_for: float = 1.0  # seconds a code's box is read first after it was read
    region_runs: int = 5  # the whole frame at least once in this many frames


@dataclass(frozen=True)
class Plan:
    """What to decode in one frame (the arguments of `Decoder.decode`)."""

    qr: bool = True
    linear: bool = False
    matrix: bool = False
    region: Box | None = None


class Pacer:
    def __init__(self, rates: Rates | None = None, changes: FrameChanges | None = None) -> None:
        self.rates = rates or Rates()
        self.changes = changes if changes is not None else FrameChanges()
        self._decoded = 0  # frames decoded with QR, for the one-in-ten passes
        self._seen_at: float | None = None  # when something was last in view
        self._next_at = 0.0  # idle: not before this
        self._scene_linear = self._scene_matrix = True  # passes the current scene has had
        self._box: Box | None = None  # the last code's, grown
        self._box_at = 0.0
        self._region_runs = 0

    def idle(self, now: float) -> bool:
        if self._seen_at is None:
            self._seen_at = now  # the camera just started: as if something had been in view
        return now - self._seen_at >= self.rates.idle_after

    def interval(self, now: float) -> float:
        """Seconds between the frames worth handing on: a camera decodes no more than that."""
        return self.rates.idle_every if self.idle(now) else 0.0

    def plan(self, frame: np.ndarray, now: float) -> Plan | None:
        """What to decode of this frame; None: nothing."""
        rates = self.rates
        idle = self.idle(now)
        if idle and now < self._next_at:
            return None
        linear_on, matrix_on = rates.linear_every > 0, rates.matrix_every > 0
        if not self.changes.is_new(frame):
            linear = linear_on and not self._scene_linear
            matrix = matrix_on and not self._scene_matrix
            if not (linear or matrix):
                return None
            plan = Plan(qr=False, linear=linear, matrix=matrix)
        else:
            count = self._decoded
            self._decoded += 1
            linear = linear_on and count % rates.linear_every == 0
            matrix = matrix_on and count % rates.matrix_every == rates.matrix_every // 2
            plan = Plan(linear=linear, matrix=matrix, region=self._region(now))
            self._scene_linear = self._scene_matrix = False
        self._scene_linear |= plan.linear
        self._scene_matrix |= plan.matrix
        if idle:
            self._next_at = now + rates.idle_every
        return plan

    def _region(self, now: float) -> Box | None:
        if self._box is None or now - self._box_at > self.rates.region_for:
            return None
        self._region_runs += 1
        if self._region_runs >= self.rates.region_runs:
            self._region_runs = 0
            return None
        return self._box

    def saw(self, now: float, codes: list[Code], frame_shape: tuple[int, ...]) -> None:
        """What the plan's decode found: codes, or symbols seen and not read (`unread`)."""
        unread = getattr(codes, "unread", ())
        if codes or unread:
            self._seen_at = now
        if codes:
            self._scene_linear = self._scene_matrix = True  # read: nothing more to find here
            box = codes[0].box
            if box is not None:
                self._box, self._box_at = grown(box, frame_shape, by=0.5), now


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
