"""The hub's app: a versioned JSON API over HTTP(S) that desks upload to (Starlette, under
uvicorn). Every call but health carries a token (`Authorization: Bearer vxd_...`); a desk
writes only as itself."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from starlette.applications import Starlette

from dbkit import utc_now
from domain.clock import DEFAULT_TIMEZONE
from hub import desks, record_lookup, records, stats
from hub.checking import Checker, default_workers
from hub.context import LOOKUPS_PER_MINUTE, HubContext, LookupLimiter
from hub.db import HubDB


def create_hub(
    db: HubDB,
    clock: Callable[[], datetime] = utc_now,
    site_timezone: str = DEFAULT_TIMEZONE,
    *,
    demo: bool = False,
    lookups_per_minute: int = LOOKUPS_PER_MINUTE,
    check_workers: int = 0,
) -> Starlette:
    """The hub's app; `clock` is the hub's own time (tests move it), `site_timezone` where its
    sites' day begins and ends (a zoneinfo name). Only the demo's hub (`demo`) keeps records
    the demo made; a desk may ask for `lookups_per_minute` people's doses a minute. Record
    bodies are checked in `check_workers` processes (-1: one a core but the hub's; 0: in the
    hub's own threads), stopped with the app."""
    workers = default_workers() if check_workers < 0 else check_workers
    hub = HubContext(db, clock, site_timezone, demo=demo,
                     lookups=LookupLimiter(lookups_per_minute),
                     checker=Checker(workers))  # fmt: skip

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        hub.checker.close()

    return Starlette(routes=[*desks.routes(hub), *records.routes(hub), *stats.routes(hub),
                             *record_lookup.routes(hub)], lifespan=lifespan)  # fmt: skip
