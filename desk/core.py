"""The desk's context: its store, its clock, who is at it, the open session, and the two
things it asks of the world beyond the store (ports)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from domain.clock import SiteClock, day_bounds
from domain.record import Session
from domain.roles import Action, NotAllowed, Role, can
from store import Store
from store.db import DeskStats
from store.people import User

log = logging.getLogger("vaxdesk.desk")


def _nothing(*args: object) -> None:
    return None


@dataclass
class DeskPorts:
    """What the core asks of the app: upload soon, and fetch a person's doses recorded at
    other desks (answered later: the app calls `Entry.lookup` again when they arrive)."""

    nudge_upload: Callable[[], None] = _nothing
    want_history: Callable[[str], None] = _nothing
    hub_configured: bool = False


@dataclass
class Desk:
    store: Store
    clock: Callable[[], datetime]
    site_id: str = ""  # pre-filled in the session form (settings)
    desk_id: str = ""
    ports: DeskPorts = field(default_factory=DeskPorts)
    demo: bool = False  # `vaxdesk demo`: every record it makes is marked Source.DEMO
    user: User | None = None
    session: Session | None = None

    @property
    def role(self) -> Role:
        return self.user.role if self.user is not None else Role.VOLUNTEER

    def may(self, action: Action) -> bool:
        return self.user is not None and can(self.user.role, action)

    def require(self, action: Action) -> User:
        if self.user is None or not can(self.user.role, action):
            raise NotAllowed(self.role, action)
        return self.user

    def today(self) -> tuple[datetime, datetime]:
        """The site's day now: what "today" means on the status line and in today's list."""
        return day_bounds(self.clock())

    def stats(self) -> DeskStats:
        desk_id = self.session.desk_id if self.session else self.desk_id
        return self.store.stats(desk_id, self.clock())

    def adopt_timezone(self, name: str) -> bool:
        """The hub says the site's zone: "today" follows it (an injected clock stays)."""
        clock = self.clock
        if not name or not isinstance(clock, SiteClock) or name == clock.timezone:
            return False
        try:
            clock.set_timezone(name)
        except ValueError:
            log.warning("the hub's time zone is unknown here; keeping %s", clock.timezone)
            return False
        return True

    def audit(self, action: str, detail: str = "") -> None:
        self.store.people.audit(self.user.name if self.user else "-", action, detail)
