"""A site's figures for its supervisor (or its desks): today per desk, and a desk's latest."""

from __future__ import annotations

import time
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from domain.text import mask
from domain.wire import DESK_RECENT_PATH, SITE_STATS_PATH
from domain.wire_stock import settings_body, site_lots_body
from hub.context import HubContext, guarded
from hub.export_ledger import not_sent_figure, refused_count, refused_versions
from hub.stock_db import snapshot
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


STOCK_SECONDS = 30.0  # a site's stock changes slowly: worked out at most this often


class StockFigures:
    """The site's lots and its thresholds, for its supervisor; kept for STOCK_SECONDS, so a
    screen refreshing every 2 s does not recount the doses of every lot each time."""

    def __init__(self, db: Storage) -> None:
        self.db = db
        self._kept: dict[str, tuple[float, dict[str, Any]]] = {}

    def __call__(self, site_id: str) -> dict[str, Any]:
        kept = self._kept.get(site_id)
        if kept is not None and time.monotonic() - kept[0] < STOCK_SECONDS:
            return kept[1]
        stock = snapshot(self.db, site_id)
        figures = {"lots": site_lots_body(stock.holdings()),
                   "settings": settings_body(stock.settings)}  # fmt: skip
        self._kept[site_id] = (time.monotonic(), figures)
        return figures


def routes(hub: HubContext) -> list[Route]:
    stock_figures = StockFigures(hub.db)

    async def stats(request: Request) -> Response:
        site_id = await hub.site_reader(request)
        now = hub.clock()
        local, midnight = hub.site_day(now)
        desks, totals = await run_in_threadpool(hub.db.site_figures, site_id, now, midnight)
        platform = await run_in_threadpool(platform_figures, hub.db, site_id)
        stock = await run_in_threadpool(stock_figures, site_id)
        name = await run_in_threadpool(hub.db.site_name, site_id)  # '' when not registered
        return JSONResponse({"site_id": site_id, "site_name": name,
                             "day": local.date().isoformat(),
                             "hour": local.hour, "site_timezone": hub.site_timezone,
                             "generated_at": now.isoformat(), "desks": desks,
                             "totals": totals, "platform": platform, "stock": stock})  # fmt: skip

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
