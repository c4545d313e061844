"""The hub's app: a versioned JSON API over HTTP(S) that desks upload to (Starlette, under
uvicorn). Every call but health carries a token (`Authorization: Bearer vxd_...`); a desk
writes only as itself."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from starlette.applications import Starlette

from dbkit import utc_now
from domain.clock import DEFAULT_TIMEZONE
from hub import desks, records, stats
from hub.context import HubContext
from hub.db import HubDB


def create_hub(
    db: HubDB,
    clock: Callable[[], datetime] = utc_now,
    site_timezone: str = DEFAULT_TIMEZONE,
) -> Starlette:
    """The hub's app; `clock` is the hub's own time (tests move it), `site_timezone` where its
    sites' day begins and ends (a zoneinfo name)."""
    hub = HubContext(db, clock, site_timezone)
    return Starlette(routes=[*desks.routes(hub), *records.routes(hub), *stats.routes(hub)])
