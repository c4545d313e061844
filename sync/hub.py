"""The hub: a versioned JSON API over HTTP(S) that desks upload to (Starlette, under uvicorn).

Every call but health carries a desk token (`Authorization: Bearer vxd_...`); a desk writes
only as itself. The access log names methods, paths, desks and statuses: no personal data
ever travels in a path (a person's history is asked for in a POST body).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from domain.errors import FieldError
from domain.messages import describe
from domain.text import mask
from store.db import row_to_record
from sync.hubdb import Desk, HubDB
from sync.protocol import API, DESK_TIME_HEADER, INVALID, SKEW_LIMIT_SECONDS, token_hash

access_log = logging.getLogger("vaxdesk.hub.access")
MAX_BATCH = 500
SITE_TZ = timezone(timedelta(hours=7))  # the sites' local day, for "today"


def utc_now() -> datetime:
    return datetime.now(UTC)


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def check_body(body: Any, desk: Desk, today: date) -> str:
    """Why this record cannot be kept ('' when it can), by the domain's own rules."""
    if not isinstance(body, dict):
        return "not a record"
    try:
        record = row_to_record(body)
        record.person.validated(today=today)
    except FieldError as error:
        return f"{error.field}: {describe(error)}"
    except (KeyError, TypeError, ValueError) as error:
        return f"malformed record ({type(error).__name__}: {error})"[:200]
    if record.site_id != desk.site_id:
        return f"desk {desk.desk_id} is enrolled at site {desk.site_id}"
    return ""


def create_hub(db: HubDB, clock: Callable[[], datetime] = utc_now) -> Starlette:
    """The hub's app; `clock` is the hub's own time (tests move it)."""

    async def authorised(request: Request) -> Desk:
        header = request.headers.get("authorization", "")
        if not header.startswith("Bearer "):
            raise ApiError(401, "a desk token is required")
        desk = await run_in_threadpool(db.desk_for, token_hash(header.removeprefix("Bearer ")))
        if desk is None:
            raise ApiError(403, "unknown or revoked token")
        request.state.desk = desk.desk_id
        return desk

    async def site_reader(request: Request) -> str:
        """A supervisor of the site (or one of its desks) may read its figures."""
        header = request.headers.get("authorization", "")
        if not header.startswith("Bearer "):
            raise ApiError(401, "a token is required")
        hashed = token_hash(header.removeprefix("Bearer "))
        site_id = request.path_params["site_id"]
        supervised = await run_in_threadpool(db.supervisor_site, hashed)
        if supervised is not None:
            request.state.desk = "supervisor"
            if supervised != site_id:
                raise ApiError(403, "this supervisor token is for another site")
            return site_id
        desk = await authorised(request)
        if site_id != desk.site_id:
            raise ApiError(403, f"desk {desk.desk_id} belongs to another site")
        return site_id

    async def json_body(request: Request) -> Any:
        try:
            return await request.json()
        except ValueError:
            raise ApiError(400, "the body is not JSON") from None

    def skew_of(request: Request, now: datetime) -> float:
        text = request.headers.get(DESK_TIME_HEADER, "")
        try:
            return (datetime.fromisoformat(text) - now).total_seconds()
        except ValueError:
            return 0.0

    async def health(request: Request) -> Response:
        return JSONResponse(
            {"status": "ok", "api": API, "storage": "postgresql" if db.postgres else "sqlite"}
        )

    async def upload(request: Request) -> Response:
        desk = await authorised(request)
        payload = await json_body(request)
        bodies = payload.get("records") if isinstance(payload, dict) else None
        if not isinstance(bodies, list):
            raise ApiError(400, 'expected {"records": [...]}')
        if len(bodies) > MAX_BATCH:
            raise ApiError(413, f"at most {MAX_BATCH} records a batch")
        now = clock()
        today = now.astimezone(SITE_TZ).date()
        good, results = [], {}
        if any(isinstance(b, dict) and b.get("desk_id") != desk.desk_id for b in bodies):
            raise ApiError(403, "a desk uploads its own records only")
        for index, body in enumerate(bodies):
            problem = check_body(body, desk, today)
            if problem:
                known = body if isinstance(body, dict) else {}
                results[index] = {
                    "record_id": str(known.get("record_id", "")),
                    "version": known.get("version"),
                    "result": INVALID,
                    "message": problem,
                }
            else:
                good.append((index, body))
        stored = await run_in_threadpool(db.ingest, desk, [b for _, b in good], now)
        for (index, _), result in zip(good, stored, strict=True):
            results[index] = result
        skew = skew_of(request, now)
        return JSONResponse(
            {
                "results": [results[i] for i in range(len(bodies))],
                "received_at": now.isoformat(),
                "clock_skew_seconds": round(skew, 1),
                "clock_flagged": abs(skew) > SKEW_LIMIT_SECONDS,
            }
        )

    async def reconcile(request: Request) -> Response:
        desk = await authorised(request)
        payload = await json_body(request)
        try:
            keys = [(str(rid), int(version)) for rid, version in payload["keys"]]
        except (KeyError, TypeError, ValueError):
            raise ApiError(400, 'expected {"keys": [[record_id, version], ...]}') from None
        missing = await run_in_threadpool(db.missing, desk, keys)
        return JSONResponse({"missing": [list(key) for key in missing]})

    async def heartbeat(request: Request) -> Response:
        desk = await authorised(request)
        beat = await json_body(request)
        if not isinstance(beat, dict):
            raise ApiError(400, "expected a JSON object")
        now = clock()
        skew = skew_of(request, now)
        await run_in_threadpool(db.heartbeat, desk, beat, now, skew)
        return JSONResponse(
            {
                "server_time": now.isoformat(),
                "clock_skew_seconds": round(skew, 1),
                "clock_flagged": abs(skew) > SKEW_LIMIT_SECONDS,
            }
        )

    async def stats(request: Request) -> Response:
        site_id = await site_reader(request)
        now = clock()
        local = now.astimezone(SITE_TZ)
        today = local.date().isoformat()
        day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        desks = await run_in_threadpool(db.site_stats, site_id, now, today, day_start)
        totals = await run_in_threadpool(db.site_totals, site_id, today)
        return JSONResponse({"site_id": site_id, "day": today, "hour": local.hour,
                             "generated_at": now.isoformat(), "desks": desks,
                             "totals": totals})  # fmt: skip

    async def recent(request: Request) -> Response:
        site_id = await site_reader(request)
        desk_id = request.path_params["desk_id"]
        rows = await run_in_threadpool(db.recent, site_id, desk_id, 50)
        return JSONResponse({"site_id": site_id, "desk_id": desk_id, "records": [
            {**{k: row[k] for k in ("record_id", "version", "status", "given_on", "given_time",
                                    "vaccine", "dose_number", "screening", "aefi", "source",
                                    "received_at")},
             "id_number": mask(row["id_number"])}
            for row in rows
        ]})  # fmt: skip

    async def doses(request: Request) -> Response:
        await authorised(request)
        payload = await json_body(request)
        key = payload.get("person_key") if isinstance(payload, dict) else None
        if not isinstance(key, str) or ":" not in key:
            raise ApiError(400, 'expected {"person_key": "cccd:..."}')
        return JSONResponse({"doses": await run_in_threadpool(db.doses, key)})

    def guarded(
        endpoint: Callable[[Request], Awaitable[Response]],
    ) -> Callable[[Request], Awaitable[Response]]:
        async def call(request: Request) -> Response:
            started = time.perf_counter()
            try:
                response = await endpoint(request)
            except ApiError as error:
                response = JSONResponse({"error": error.message}, status_code=error.status)
            access_log.info(
                "%s %s %d desk=%s %.0fms",
                request.method,
                request.url.path,
                response.status_code,
                getattr(request.state, "desk", "-"),
                (time.perf_counter() - started) * 1000,
            )
            return response

        return call

    routes = [
        Route(f"{API}/health", guarded(health), methods=["GET"]),
        Route(f"{API}/records", guarded(upload), methods=["POST"]),
        Route(f"{API}/reconcile", guarded(reconcile), methods=["POST"]),
        Route(f"{API}/heartbeat", guarded(heartbeat), methods=["POST"]),
        Route(f"{API}/sites/{{site_id}}/stats", guarded(stats), methods=["GET"]),
        Route(
            f"{API}/sites/{{site_id}}/desks/{{desk_id}}/recent", guarded(recent), methods=["GET"]
        ),
        Route(f"{API}/people/doses", guarded(doses), methods=["POST"]),
    ]
    return Starlette(routes=routes)
