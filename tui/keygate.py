"""Type-ahead across an Enter: keys typed after Enter in a form field go where the Enter sends
the cursor, not into the field being left.

Textual hands each key to the widget focused when the app reads it; the focus moves only when
the screen has judged the field, a few messages later. A fast typist's next keys were read in
between and landed in the old field (`079092001234Nguyen`). So after an Enter in a form's field
the app holds the keys it reads, and hands them on, in order, once the screen is done with the
Enter (`ScanInput.Judged`, posted behind the field's message so it arrives after it); an Enter
among them holds the rest again. Should no verdict come, the keys go on after `PATIENCE`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable

from textual import events

PATIENCE = 0.5  # seconds: an Enter nobody judged lets the keys go on after this


class KeyGate:
    """Keys held while an Enter awaits its verdict (pure: no app, testable alone)."""

    def __init__(self) -> None:
        self._held: deque[events.Key] | None = None
        self.closings = 0  # which closing a late timer is about

    @property
    def closed(self) -> bool:
        return self._held is not None

    def close(self) -> int:
        if self._held is None:
            self._held = deque()
        self.closings += 1
        return self.closings

    def hold(self, key: events.Key) -> None:
        assert self._held is not None
        self._held.append(key)

    async def open(self, deliver: Callable[[events.Key], Awaitable[None]]) -> None:
        """Deliver the held keys in order; stop if one of them closes the gate again (an
        Enter), keeping the rest, and any read meanwhile, behind it."""
        held, self._held = self._held or deque(), None
        while held:
            await deliver(held.popleft())
            if self._held is not None:
                self._held.extendleft(reversed(held))
                return
