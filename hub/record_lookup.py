"""One record asked for by its id: a slip's code scanned at a desk of the site opens the record
there, though another desk made it. Only a desk of the record's own site gets it; any other
desk is answered as if the record did not exist (nothing leaks across sites). Audited and
rate-limited like a person's doses; the id travels in the body, never in the logged path."""

from __future__ import annotations

from uuid import UUID

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from domain.errors import DeskError
from domain.messages import describe
from domain.wire import RECORD_PATH
from hub.context import ApiError, HubContext, guarded

UNKNOWN = "no such record at this site"


def record_id_of(text: str) -> str | None:
    """The record id as desks spell it (a UUID's canonical text); None when it is not one."""
    try:
        return str(UUID(text))
    except ValueError:
        return None


def routes(hub: HubContext) -> list[Route]:
    async def record(request: Request) -> Response:
        desk = await hub.authorised(request)
        payload = await hub.json_body(request)
        asked = payload.get("record_id") if isinstance(payload, dict) else None
        if not isinstance(asked, str) or len(asked) > 100:
            raise ApiError(400, 'expected {"record_id": "..."}')
        record_id = record_id_of(asked)
        if record_id is None:
            raise ApiError(404, UNKNOWN)
        now = hub.clock()
        wait = hub.lookups.wait(desk.desk_id, now)
        if wait:
            await run_in_threadpool(hub.db.refuse_lookup, desk, f"record:{record_id}", now)
            limit = DeskError("hub.lookup_limit", limit=hub.lookups.per_minute, wait=round(wait))
            raise ApiError(429, describe(limit, english=True))
        found = await run_in_threadpool(hub.db.record_for, desk, record_id, now)
        if found is None:
            raise ApiError(404, UNKNOWN)
        return JSONResponse({"record": found})

    return [Route(RECORD_PATH, guarded(record), methods=["POST"])]
