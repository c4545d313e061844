"""Observation after the dose at this desk: who is watched now, until when, and marking a
person as gone ("left, no reaction").

The queue is derived from the store (today's doses of this desk given live, not voided, whose
person is not marked as gone), so it survives a restart. It is read again only when this
desk's file was written (a save, a correction, a void, a mark) or the day changed: the screens
ask it every second, and a second's tick costs no query.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from desk.core import Desk
from domain.observation import QueueSummary, Watch, longest_observation, summarise, watch_of
from domain.roles import Action
from store.observation import Mark, Observations

log = logging.getLogger("vaxdesk.desk")


@dataclass(frozen=True)
class Gone:
    """A person marked as gone: the mark, and whether their time was up then."""

    watch: Watch
    mark: Mark
    early: bool  # marked before the end of the observation


class ObservationQueue:
    """The people under observation at a desk, earliest end first. One a desk's entry screen:
    the bell for a person whose time is up is announced once (`newly_ended`)."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self._read_at: tuple[int, str, datetime] | None = None
        self._watches: list[Watch] = []
        self._announced: set[str] = set()

    @property
    def desk_id(self) -> str:
        return self.desk.session.desk_id if self.desk.session else self.desk.desk_id

    def watches(self) -> list[Watch]:
        """Everyone under observation now (read from the store when it changed)."""
        store = Observations(self.desk.store)
        start, end = self.desk.today()
        key = (store.changes(), self.desk_id, start)
        if key != self._read_at:
            zone = start.tzinfo
            # A dose given in the minutes before midnight is still watched after it.
            since = start - timedelta(minutes=longest_observation())
            found = (watch_of(r, zone) for r in store.watched(self.desk_id, since, end))
            watches = [w for w in found if w is not None]
            self._watches = sorted(watches, key=lambda w: w.ends_at)  # stable: given order
            self._read_at = key
        return self._watches

    def summary(self, now: datetime | None = None) -> QueueSummary:
        return summarise(self.watches(), now or self.desk.clock())

    def newly_ended(self, now: datetime | None = None) -> list[Watch]:
        """The people whose time is up and who were not announced yet: each once (the bell
        rings once a person, whichever screen asks)."""
        now = now or self.desk.clock()
        ended = [w for w in self.watches() if w.ended(now) and w.record_id not in self._announced]
        self._announced.update(w.record_id for w in ended)
        return ended

    def find(self, record_id: str) -> Watch | None:
        return next((w for w in self.watches() if w.record_id == record_id), None)

    def mark_left(self, watch: Watch) -> Gone:
        """Mark "left, no reaction": stored with who and when, and audited. Raises DeskError
        (voided meanwhile, marked already, nobody logged in)."""
        user = self.desk.require(Action.ENTER)
        now = self.desk.clock()
        mark = Observations(self.desk.store).mark(watch.record_id, user.name)
        log.info("observation of record %s ended: left", watch.record_id)
        return Gone(watch, mark, early=not watch.ended(now))
