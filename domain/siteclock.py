"""The site's clock: "today" is the site's day in its time zone, wherever the machine is."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

DEFAULT_SITE_TIMEZONE = "Asia/Ho_Chi_Minh"


def site_zone(name: str = "") -> ZoneInfo:
    """The zone of that name (the default when empty); ZoneInfoNotFoundError when unknown."""
    return ZoneInfo(name or DEFAULT_SITE_TIMEZONE)


def site_midnight(now: datetime, zone: ZoneInfo) -> datetime:
    """The start of the site's day that `now` (an aware moment) falls in."""
    return now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)


def site_today(now: datetime, zone: ZoneInfo) -> date:
    return now.astimezone(zone).date()
