"""A site's figures for its supervisor (or its desks): today per desk, and a desk's latest."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from domain.text import mask
from domain.wire import DESK_RECENT_PATH, SITE_STATS_PATH
from hub.context import HubContext, guarded
from hub.export_ledger import not_sent_figure, refused_count, refused_versions
from hub.storage import Storage

RECENT_FIELDS = ("record_id", "version", "status", "given_on", "given_time", "vaccine",
                 "dose_number", "screening", "aefi", "source", "received_at")  # fmt: skip
REFUSALS_SHOWN = 100  # the newest refusals listed; all are counted


def platform_figures(db: Storage, site_id: str) -> dict[str, Any]:
    """The national platform and the site: its records not yet sent, and those refused and
    not yet corrected (the newest listed, the person masked)."""
    refusals = [
        {"record_id": row["record_id"], "version": row["version"], "desk_id": row["desk_id"],
         "given_on": str(row["body"].get("given_on") or ""),
         "given_time": str(row["body"].get("given_time") or ""),
         "id_number": mask(str(row["body"].get("id_number") or "")), "reason": row["reason"],
         "answered_at": row["answered_at"]}
        for row in refused_versions(db, site_id=site_id, limit=REFUSALS_SHOWN)
    ]  # fmt: skip
    return {"not_sent": not_sent_figure(db, site_id), "refused": refused_count(db, site_id),
            "refusals": refusals}  # fmt: skip


def routes(hub: HubContext) -> list[Route]:
    async def stats(request: Request) -> Response:
        site_id = await hub.site_reader(request)
        now = hub.clock()
        local, midnight = hub.site_day(now)
        desks, totals = await run_in_threadpool(hub.db.site_figures, site_id, now, midnight)
        platform = await run_in_threadpool(platform_figures, hub.db, site_id)
        return JSONResponse({"site_id": site_id, "day": local.date().isoformat(),
                             "hour": local.hour, "site_timezone": hub.site_timezone,
                             "generated_at": now.isoformat(), "desks": desks,
                             "totals": totals, "platform": platform})  # fmt: skip

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
