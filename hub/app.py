"""The hub's app: a versioned JSON API over HTTP(S) that desks upload to (Starlette, under
uvicorn). Every call but health carries a token (`Authorization: Bearer vxd_...`); a desk
writes only as itself."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from starlette.applications import Starlette

from dbkit import utc_now
from domain.clock import DEFAULT_TIMEZONE
from hub import desks, record_lookup, records, stats
from hub.context import LOOKUPS_PER_MINUTE, HubContext, LookupLimiter
from hub.db import HubDB


def create_hub(
    db: HubDB,
    clock: Callable[[], datetime] = utc_now,
    site_timezone: str = DEFAULT_TIMEZONE,
    *,
    demo: bool = False,
    lookups_per_minute: int = LOOKUPS_PER_MINUTE,
) -> Starlette:
    """The hub's app; `clock` is the hub's own time (tests move it), `site_timezone` where its
    sites' day begins and ends (a zoneinfo name). Only the demo's hub (`demo`) keeps records
    the demo made; a desk may ask for `lookups_per_minute` people's doses a minute."""
    hub = HubContext(db, clock, site_timezone, demo=demo,
                     lookups=LookupLimiter(lookups_per_minute))  # fmt: skip
    return Starlette(routes=[*desks.routes(hub), *records.routes(hub), *stats.routes(hub),
                             *record_lookup.routes(hub)])
