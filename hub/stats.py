"""A site's figures for its supervisor (or its desks): today per desk, and a desk's latest."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from domain.text import mask
from domain.wire import DESK_RECENT_PATH, SITE_STATS_PATH
from hub.context import HubContext, guarded

RECENT_FIELDS = ("record_id", "version", "status", "given_on", "given_time", "vaccine",
                 "dose_number", "screening", "aefi", "source", "received_at")  # fmt: skip


def routes(hub: HubContext) -> list[Route]:
    async def stats(request: Request) -> Response:
        site_id = await hub.site_reader(request)
        now = hub.clock()
        local, midnight = hub.site_day(now)
        desks = await run_in_threadpool(hub.db.site_stats, site_id, now, midnight)
        totals = await run_in_threadpool(hub.db.site_totals, site_id, midnight)
        return JSONResponse({"site_id": site_id, "day": local.date().isoformat(),
                             "hour": local.hour, "site_timezone": hub.site_timezone,
                             "generated_at": now.isoformat(), "desks": desks,
                             "totals": totals})  # fmt: skip

    async def recent(request: Request) -> Response:
        site_id = await hub.site_reader(request)
        desk_id = request.path_params["desk_id"]
        rows = await run_in_threadpool(hub.db.recent, site_id, desk_id, 50)
        records = [
            {**{k: row[k] for k in RECENT_FIELDS}, "id_number": mask(row["id_number"])}
            for row in rows
        ]
        return JSONResponse({"site_id": site_id, "desk_id": desk_id, "records": records})

    return [
        Route(SITE_STATS_PATH, guarded(stats), methods=["GET"]),
        Route(DESK_RECENT_PATH, guarded(recent), methods=["GET"]),
    ]
