"""The site's clock: one time zone for every "today", at the desk and at the hub."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.errors import DeskError

DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


class UnknownZone(DeskError, ValueError):
    """A time zone the machine does not know (code `clock.unknown_zone`)."""


def site_zone(name: str) -> ZoneInfo:
    """The zone of that name; ValueError naming it when the machine knows no such zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UnknownZone("clock.unknown_zone", name=name) from None


class SiteClock:
    """Now, in the site's time zone. The hub may tell the desk another zone."""

    def __init__(self, timezone: str = DEFAULT_TIMEZONE) -> None:
        self.zone = site_zone(timezone)

    @property
    def timezone(self) -> str:
        return self.zone.key

    def set_timezone(self, name: str) -> None:
        self.zone = site_zone(name)

    def __call__(self) -> datetime:
        return datetime.now(self.zone)


def day_bounds(moment: datetime) -> tuple[datetime, datetime]:
    """The site day holding `moment` (aware, in the site's zone): [midnight, next midnight)."""
    start = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    end = (start + timedelta(days=1, hours=2)).replace(hour=0)
    return start, end
