"""Telling a USB barcode scanner that acts as a keyboard from a person typing.

A wedge scanner "types" its payload in a burst (a few milliseconds a key) and ends with Enter;
nobody types nine keys or more that fast. Fed key times, this says when an Enter closes such
a burst, and what the burst was.
"""

from __future__ import annotations


class WedgeDetector:
    def __init__(self, max_gap: float = 0.03, min_length: int = 9) -> None:
        self.max_gap = max_gap
        self.min_length = min_length
        self._run: list[str] = []
        self._last = float("-inf")

    def key(self, character: str, at: float) -> None:
        if at - self._last > self.max_gap:
            self._run = []
        self._run.append(character)
        self._last = at

    def enter(self, at: float) -> str | None:
        """The burst this Enter ends, if it was a scanner's; None for typing."""
        run, last = self._run, self._last
        self._run = []
        if len(run) >= self.min_length and at - last <= self.max_gap:
            return "".join(run)
        return None
