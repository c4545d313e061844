"""What every endpoint of the hub shares: its database and clock, the site's zone, who is
calling (a desk's or a supervisor's token), and the guard that logs each call.

The access log names methods, paths, desks and statuses: no personal data ever travels in a
path (a person's history is asked for in a POST body).
"""

from __future__ import annotations

import json
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from domain.clock import day_bounds, site_zone
from domain.wire import DESK_TIME_HEADER, SKEW_LIMIT_SECONDS
from hub.checking import Checker
from hub.db import Desk, HubDB
from hub.tokens import token_hash

access_log = logging.getLogger("vaxdesk.hub.access")

Endpoint = Callable[[Request], Awaitable[Response]]


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


LOOKUPS_PER_MINUTE = 60


@dataclass
class LookupLimiter:
    """At most `per_minute` lookups of people by one desk in any minute: a stolen desk token
    cannot harvest the population's doses."""

    per_minute: int = LOOKUPS_PER_MINUTE
    _recent: dict[str, deque[datetime]] = field(default_factory=dict)

    def wait(self, desk_id: str, now: datetime) -> float:
        """0 when this desk may look someone up now (and it is counted), else the seconds
        until it may."""
        recent = self._recent.setdefault(desk_id, deque())
        while recent and (now - recent[0]).total_seconds() >= 60:
            recent.popleft()
        if len(recent) >= self.per_minute:
            return max(1.0, 60 - (now - recent[0]).total_seconds())
        recent.append(now)
        return 0.0


@dataclass
class HubContext:
    db: HubDB
    clock: Callable[[], datetime]  # the hub's own time (tests move it)
    site_timezone: str
    demo: bool = False  # the demo's own hub: keeps the records the demo makes
    lookups: LookupLimiter = field(default_factory=LookupLimiter)
    checker: Checker = field(default_factory=Checker)  # record bodies checked: where
    zone: ZoneInfo = field(init=False)

    def __post_init__(self) -> None:
        self.zone = site_zone(self.site_timezone)

    def site_day(self, now: datetime) -> tuple[datetime, datetime]:
        """The site's local time now, and the midnight its day began."""
        local = now.astimezone(self.zone)
        return local, day_bounds(local)[0]

    async def authorised(self, request: Request) -> Desk:
        header = request.headers.get("authorization", "")
        if not header.startswith("Bearer "):
            raise ApiError(401, "a desk token is required")
        hashed = token_hash(header.removeprefix("Bearer "))
        desk = await run_in_threadpool(self.db.desk_for, hashed)
        if desk is None:
            raise ApiError(403, "unknown or revoked token")
        request.state.desk = desk.desk_id
        return desk

    async def site_reader(self, request: Request) -> str:
        """A supervisor of the site (or one of its desks) may read its figures."""
        header = request.headers.get("authorization", "")
        if not header.startswith("Bearer "):
            raise ApiError(401, "a token is required")
        hashed = token_hash(header.removeprefix("Bearer "))
        site_id = request.path_params["site_id"]
        supervised = await run_in_threadpool(self.db.supervisor_site, hashed)
        if supervised is not None:
            request.state.desk = "supervisor"
            if supervised != site_id:
                raise ApiError(403, "this supervisor token is for another site")
            return site_id
        desk = await self.authorised(request)
        if site_id != desk.site_id:
            raise ApiError(403, f"desk {desk.desk_id} belongs to another site")
        return site_id

    @staticmethod
    async def json_body(request: Request) -> Any:
        """The body as JSON: msgspec's decoder (a batch in a few µs a record); what it refuses
        and Python's json reads (NaN, an unpaired surrogate) still goes to the checks."""
        body = await request.body()
        try:
            return msgspec.json.decode(body)
        except msgspec.DecodeError:
            pass
        try:
            return json.loads(body)
        except ValueError:
            raise ApiError(400, "the body is not JSON") from None

    @staticmethod
    def skew(request: Request, now: datetime) -> dict[str, Any]:
        """How far the desk's clock is from the hub's, and whether that is too far."""
        try:
            desk_time = datetime.fromisoformat(request.headers.get(DESK_TIME_HEADER, ""))
            skew = (desk_time - now).total_seconds()
        except (TypeError, ValueError):
            skew = 0.0
        flagged = abs(skew) > SKEW_LIMIT_SECONDS
        return {"clock_skew_seconds": round(skew, 1), "clock_flagged": flagged}


def guarded(endpoint: Endpoint) -> Endpoint:
    """Refusals become their JSON reply; every call is logged, without personal data."""

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
