"""A code held in view is read once: it counts again only after being out of view a while."""

from __future__ import annotations


class Debouncer:
    def __init__(self, quiet_seconds: float = 3.0) -> None:
        self.quiet_seconds = quiet_seconds
        self._last_seen: dict[bytes, float] = {}

    def is_new(self, payload: bytes, now: float) -> bool:
        last = self._last_seen.get(payload)
        self._last_seen[payload] = now
        if len(self._last_seen) > 256:  # forget codes long gone
            cutoff = now - self.quiet_seconds
            self._last_seen = {k: t for k, t in self._last_seen.items() if t >= cutoff}
        return last is None or now - last > self.quiet_seconds
