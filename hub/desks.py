"""What desks ask besides uploads: health, heartbeats (the site's zone, the platform's refusals
and, when the desk's is not current, its site's staff in the reply), and a person's doses, for
dose numbering (only what numbering needs, to desks that may see them, audited and
rate-limited)."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from domain.errors import DeskError, FieldError
from domain.messages import describe
from domain.wire import API, DOSES_PATH, HEALTH_PATH, HEARTBEAT_PATH
from domain.wire_staff import STAFF_REVISION, STAFF_SITE
from domain.wire_stock import desk_lots_body, settings_body
from hub.context import ApiError, HubContext, guarded
from hub.export_ledger import refused_versions
from hub.stock_db import desk_stock
from hub.storage import Storage

# A heartbeat's fields: (kind, at most this long); each may be left out.
HEARTBEAT_FIELDS: dict[str, tuple[type, int]] = {
    "software_version": (str, 40), "backlog": (int, 10**9), "camera": (str, 80),
    "last_record_at": (str, 40), "last_error": (str, 200), "audit_seq": (int, 2**31 - 1),
    "audit_head": (str, 64), STAFF_SITE: (str, 32), STAFF_REVISION: (int, 2**62),
}  # fmt: skip


def checked_heartbeat(beat: Any) -> dict[str, Any]:
    """The heartbeat's fields, each of its kind (FieldError naming the first that is not)."""
    if not isinstance(beat, dict):
        raise FieldError("heartbeat", "wire.not_an_object")
    checked: dict[str, Any] = {}
    for name, (kind, limit) in HEARTBEAT_FIELDS.items():
        value = beat.get(name)
        if value is None:
            continue
        if kind is int:
            if type(value) is not int or not 0 <= value <= limit:
                raise FieldError(name, "wire.not_a_count")
        elif not isinstance(value, str):
            raise FieldError(name, "wire.not_text")
        checked[name] = value[:limit] if isinstance(value, str) else value
    return checked


REFUSALS_TO_DESK = 200  # the newest; a desk's today list needs no more


def desk_refusals(db: Storage, desk_id: str) -> list[dict[str, Any]]:
    """The national platform's refusals of this desk's record versions not yet corrected, for
    its today list: id, version, reason."""
    return [{"record_id": row["record_id"], "version": row["version"], "reason": row["reason"]}
            for row in refused_versions(db, desk_id=desk_id, limit=REFUSALS_TO_DESK)]  # fmt: skip


def routes(hub: HubContext) -> list[Route]:
    async def health(request: Request) -> Response:
        storage = "postgresql" if hub.db.postgres else "sqlite"
        return JSONResponse({"status": "ok", "api": API, "storage": storage})

    async def heartbeat(request: Request) -> Response:
        desk = await hub.authorised(request)
        try:
            beat = checked_heartbeat(await hub.json_body(request))
        except FieldError as error:
            raise ApiError(400, f"{error.field}: {describe(error, english=True)}") from None
        now = hub.clock()
        skew = hub.skew(request, now)
        await run_in_threadpool(hub.db.heartbeat, desk, beat, now, skew["clock_skew_seconds"])
        refusals = await run_in_threadpool(desk_refusals, hub.db, desk.desk_id)
        lots, thresholds = await run_in_threadpool(desk_stock, hub.db, desk)
        staff = await run_in_threadpool(hub.db.staff_reply, desk.site_id, beat)
        return JSONResponse({"server_time": now.isoformat(), **skew,
                             "site_timezone": hub.site_timezone,
                             "platform_refusals": refusals, "stock_lots": desk_lots_body(lots),
                             "stock_settings": settings_body(thresholds), **staff})  # fmt: skip

    async def doses(request: Request) -> Response:
        desk = await hub.authorised(request)
        payload = await hub.json_body(request)
        key = payload.get("person_key") if isinstance(payload, dict) else None
        if not isinstance(key, str) or ":" not in key or len(key) > 200:
            raise ApiError(400, 'expected {"person_key": "cccd:..."}')
        now = hub.clock()
        wait = hub.lookups.wait(desk.desk_id, now)
        if wait:
            await run_in_threadpool(hub.db.refuse_lookup, desk, key, now)
            limit = DeskError("hub.lookup_limit", limit=hub.lookups.per_minute, wait=round(wait))
            raise ApiError(429, describe(limit, english=True))
        found = await run_in_threadpool(hub.db.look_up, desk, key, now)
        return JSONResponse({"doses": found})

    return [
        Route(HEALTH_PATH, guarded(health), methods=["GET"]),
        Route(HEARTBEAT_PATH, guarded(heartbeat), methods=["POST"]),
        Route(DOSES_PATH, guarded(doses), methods=["POST"]),
    ]
