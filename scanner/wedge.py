"""Telling a USB barcode scanner that acts as a keyboard from a person typing.

A wedge scanner "types" its payload in a burst (a few milliseconds a key) and ends with Enter;
nobody types nine keys or more that fast. Fed key times, this says when an Enter closes such
a burst, and what the burst was. Speed alone is not enough: a volunteer's fast typing, or a
name pasted through the terminal, arrives as quickly, so a burst is a scan only when its text
reads as a code where it was typed (`is_code`); anything else stays typed.
"""

from __future__ import annotations

from collections.abc import Callable


def never_a_code(text: str) -> bool:
    """Where no code is expected (login, session): every burst is typing."""
    return False


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

    def enter(self, at: float, is_code: Callable[[str], bool] = never_a_code) -> str | None:
        """The burst this Enter ends, if it was a scanner's code; None for typing."""
        run, last = self._run, self._last
        self._run = []
        if len(run) >= self.min_length and at - last <= self.max_gap:
            text = "".join(run)
            if is_code(text):
                return text
        return None
