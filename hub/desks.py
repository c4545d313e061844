"""What desks ask besides uploads: health, heartbeats (the site's zone in the reply), and a
person's doses from every desk."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from domain.wire import API, DOSES_PATH, HEALTH_PATH, HEARTBEAT_PATH
from hub.context import ApiError, HubContext, guarded


def routes(hub: HubContext) -> list[Route]:
    async def health(request: Request) -> Response:
        storage = "postgresql" if hub.db.postgres else "sqlite"
        return JSONResponse({"status": "ok", "api": API, "storage": storage})

    async def heartbeat(request: Request) -> Response:
        desk = await hub.authorised(request)
        beat = await hub.json_body(request)
        if not isinstance(beat, dict):
            raise ApiError(400, "expected a JSON object")
        now = hub.clock()
        skew = hub.skew(request, now)
        await run_in_threadpool(hub.db.heartbeat, desk, beat, now, skew["clock_skew_seconds"])
        return JSONResponse(
            {"server_time": now.isoformat(), **skew, "site_timezone": hub.site_timezone}
        )

    async def doses(request: Request) -> Response:
        await hub.authorised(request)
        payload = await hub.json_body(request)
        key = payload.get("person_key") if isinstance(payload, dict) else None
        if not isinstance(key, str) or ":" not in key:
            raise ApiError(400, 'expected {"person_key": "cccd:..."}')
        return JSONResponse({"doses": await run_in_threadpool(hub.db.doses, key)})

    return [
        Route(HEALTH_PATH, guarded(health), methods=["GET"]),
        Route(HEARTBEAT_PATH, guarded(heartbeat), methods=["POST"]),
        Route(DOSES_PATH, guarded(doses), methods=["POST"]),
    ]
