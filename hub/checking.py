"""Record bodies checked off the event loop: by the domain's own rules (those every desk
applies), then the hub's, each good body made canonical (its kept JSON and content hash) in the
same pass. In worker processes when the hub has them (`Checker(workers)`): the checks are pure
Python, so threads would share one core; the bodies travel packed (msgpack), not pickled.
"""

from __future__ import annotations

import asyncio
import logging
import os
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import date
from multiprocessing import get_context
from typing import Any

import msgspec
from starlette.concurrency import run_in_threadpool

from domain.errors import FieldError
from domain.fields import Source
from domain.messages import describe, wire_params
from domain.wire import INVALID, canonical_body, checked_record

log = logging.getLogger("vaxdesk.hub")

# What a check gives for a body: ("ok", kept JSON, content hash) or ("refused", its refusal).
Checked = tuple[str, Any, Any]
SMALLEST_SHARE = 50  # bodies a worker is given at least: below that, packing costs more


def refusal(error: FieldError) -> dict[str, Any]:
    """The result of an item the hub will not keep: its field, code and parameters, for the
    desk to say in its own language, and the hub's English words (read by desks before 12)."""
    return {"result": INVALID, "field": error.field, "code": error.code,
            "params": wire_params(error.params),
            "message": f"{error.field}: {describe(error, english=True)}"[:200]}  # fmt: skip


def check_body(
    body: Any, desk_id: str, site_id: str, today: date, *, demo: bool = False
) -> FieldError | None:
    """Why this record cannot be kept (None when it can), by the domain's own rules: those
    every desk applies, then the hub's own (the desk's site, no demo record at a real hub)."""
    try:
        record = checked_record(body, today=today)
    except FieldError as error:
        return error
    # A later version may come from another desk of the record's site (a slip scanned there
    # opened it for correction); where the record was made is checked against what the hub holds.
    if record.desk_id != desk_id and (record.version == 1 or record.site_id != site_id):
        return FieldError("desk_id", "hub.other_desk", desk=desk_id)
    if record.site_id != site_id:
        return FieldError("site_id", "hub.other_site", desk=desk_id, site=site_id)
    if record.source is Source.DEMO and not demo:
        return FieldError("source", "hub.demo_record")
    return None


def check_bodies(
    bodies: list[Any], desk_id: str, site_id: str, today: date, demo: bool
) -> list[Checked]:
    checked: list[Checked] = []
    for body in bodies:
        problem = check_body(body, desk_id, site_id, today, demo=demo)
        if problem is None:
            checked.append(("ok", *canonical_body(body)))
        else:
            checked.append(("refused", refusal(problem), problem.code))
    return checked


def _check_packed(packed: bytes) -> bytes:
    """In a worker process: the same checks, from and to msgpack."""
    bodies, desk_id, site_id, today, demo = msgspec.msgpack.decode(packed)
    return msgspec.msgpack.encode(
        check_bodies(bodies, desk_id, site_id, date.fromisoformat(today), demo)
    )


def default_workers() -> int:
    """One process a core but the hub's own; none on a single core."""
    return max(0, min(8, (os.cpu_count() or 1) - 1))


class Checker:
    """Checks batches of record bodies: in `workers` processes (spawned, on first use), or in
    the hub's thread pool with `workers=0`. A worker that died is replaced; meanwhile the
    batch is checked here."""

    def __init__(self, workers: int = 0) -> None:
        self.workers = workers
        self._pool: Executor | None = None

    async def check(
        self, bodies: list[Any], desk_id: str, site_id: str, today: date, demo: bool
    ) -> list[Checked]:
        if not bodies:
            return []
        if self.workers <= 0:
            return await run_in_threadpool(check_bodies, bodies, desk_id, site_id, today, demo)
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=get_context("spawn"))
        shares = max(1, min(self.workers, len(bodies) // SMALLEST_SHARE))
        size = -(-len(bodies) // shares)
        try:
            packed = [msgspec.msgpack.encode((bodies[start : start + size], desk_id, site_id,
                                              today.isoformat(), demo))
                      for start in range(0, len(bodies), size)]  # fmt: skip
        except (OverflowError, ValueError):  # JSON msgpack cannot carry: a huge int, a surrogate
            return await run_in_threadpool(check_bodies, bodies, desk_id, site_id, today, demo)
        loop, pool = asyncio.get_running_loop(), self._pool
        try:
            checked = await asyncio.gather(
                *(loop.run_in_executor(pool, _check_packed, share) for share in packed)
            )
        except BrokenProcessPool:
            log.warning("a checking process died: new ones are started")
            self.close()
            return await run_in_threadpool(check_bodies, bodies, desk_id, site_id, today, demo)
        return [tuple(item) for share in checked for item in msgspec.msgpack.decode(share)]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
