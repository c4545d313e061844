"""Uploads: outbox items of any kind (v2, dispatched by kind), records as desks already in the
field send them (v1), and reconciliation (which acknowledged items the hub lacks)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import msgspec
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from domain.errors import FieldError
from domain.wire import (
    AEFI,
    ITEM_KEYS,
    ITEMS_PATH,
    ITEMS_RECONCILE_PATH,
    MAX_BATCH,
    RECONCILE_PATH,
    RECORD,
    RECORDS_PATH,
    SUBJECT_STATE,
    checked_aefi,
    checked_state,
)
from domain.wire_stock import STOCK_ITEM_KEYS, STOCK_USAGE, checked_usage
from hub.aefi_db import ingest_aefi, missing_aefi
from hub.checking import refusal
from hub.context import ApiError, HubContext, guarded
from hub.day_db import ingest_states, missing_states
from hub.db import Desk
from hub.stock_db import ingest_usage, missing_usage

log = logging.getLogger("vaxdesk.hub")

# Keeps checked payloads of one kind; a result for each: {"result"[, "field", "message"]}.
RESULT_KEYS = ("result", "field", "code", "params", "message")
Keeper = Callable[[HubContext, Desk, list[Any], datetime], Awaitable[list[dict[str, Any]]]]


def _own_records_only(desk: Desk, bodies: list[Any]) -> None:
    """Another desk's records in the batch: a forged upload, refused whole; but for the later
    versions of a record of the desk's own site (corrected here, after a slip was scanned)."""
    if any(isinstance(b, dict) and isinstance(b.get("desk_id"), str)
           and b["desk_id"] != desk.desk_id
           and (b.get("site_id") != desk.site_id or b.get("version") == 1)
           for b in bodies):  # fmt: skip
        raise ApiError(403, "a desk uploads its own records only")


def _made_elsewhere(origins: dict[str, tuple[str, str]], body: dict[str, Any]) -> bool:
    """A version sent by another desk than the record's names a record the hub does not hold
    as made by that desk at this site."""
    return origins.get(str(body["record_id"])) != (body["site_id"], body["desk_id"])


async def keep_records(
    hub: HubContext, desk: Desk, bodies: list[Any], now: datetime
) -> list[dict[str, Any]]:
    # A day's grace: a desk's clock a little ahead around midnight is not a dose in the future.
    latest = now.astimezone(hub.zone).date() + timedelta(days=1)
    results: dict[int, dict[str, Any]] = {}
    good, canonical = [], []
    checked = await hub.checker.check(bodies, desk.desk_id, desk.site_id, latest, hub.demo)
    for index, (body, (verdict, first, second)) in enumerate(zip(bodies, checked, strict=True)):
        if verdict == "refused":
            known = body if isinstance(body, dict) else {}
            results[index] = {"record_id": str(known.get("record_id", ""))[:40],
                              "version": known.get("version"), **first}  # fmt: skip
            log.info("refused record %s from desk %s: %s", results[index]["record_id"],
                     desk.desk_id, second)  # fmt: skip
        else:
            good.append((index, body))
            canonical.append((first, second))
    others = sorted({str(b["record_id"]) for _, b in good if b["desk_id"] != desk.desk_id})
    if others:
        origins = await run_in_threadpool(hub.db.record_origins, others)
        for index, body in [(i, b) for i, b in good if b["desk_id"] != desk.desk_id]:
            if _made_elsewhere(origins, body):
                elsewhere = FieldError("record_id", "hub.record_elsewhere",
                                       record_id=body["record_id"], site=desk.site_id)  # fmt: skip
                results[index] = {"record_id": body["record_id"], "version": body["version"],
                                  **refusal(elsewhere)}  # fmt: skip
        kept = [(i, b, c) for (i, b), c in zip(good, canonical, strict=True) if i not in results]
        good, canonical = [(i, b) for i, b, _ in kept], [c for _, _, c in kept]
    stored = await run_in_threadpool(hub.db.ingest, desk, [b for _, b in good], now, canonical)
    for (index, _), result in zip(good, stored, strict=True):
        results[index] = result
    return [results[i] for i in range(len(bodies))]


def _own(desk: Desk, desk_id: str, site_id: str) -> None:
    """An item of another desk or another site is refused (FieldError)."""
    if desk_id != desk.desk_id:
        raise FieldError("desk_id", "hub.other_desk", desk=desk.desk_id)
    if site_id != desk.site_id:
        raise FieldError("site_id", "hub.other_site", desk=desk.desk_id, site=desk.site_id)


async def _keep_checked(
    hub: HubContext,
    desk: Desk,
    bodies: list[Any],
    now: datetime,
    check: Callable[[Any], dict[str, Any]],
    ingest: Callable[..., list[dict[str, Any]]],
    what: str,
) -> list[dict[str, Any]]:
    """Each body checked (`check` gives what to keep, or raises FieldError: that one is
    refused); the others kept by `ingest` in one transaction; a result for each, in order."""
    results: dict[int, dict[str, Any]] = {}
    good = []
    for index, body in enumerate(bodies):
        try:
            good.append((index, check(body)))
        except FieldError as problem:
            results[index] = refusal(problem)
            log.info("refused %s from desk %s: %s", what, desk.desk_id, problem.code)
    stored = await run_in_threadpool(ingest, hub.db, desk, [b for _, b in good], now)
    for (index, _), result in zip(good, stored, strict=True):
        results[index] = result
    return [results[i] for i in range(len(bodies))]


async def keep_aefi(
    hub: HubContext, desk: Desk, bodies: list[Any], now: datetime
) -> list[dict[str, Any]]:
    """Adverse events, checked by the domain's own rules (`checked_aefi`), then the hub's."""
    latest = now.astimezone(hub.zone).date() + timedelta(days=1)

    def check(body: Any) -> dict[str, Any]:
        event = checked_aefi(body, today=latest)
        _own(desk, event.desk_id, event.site_id)
        return dict(body)

    return await _keep_checked(hub, desk, bodies, now, check, ingest_aefi, "aefi")


async def keep_states(
    hub: HubContext, desk: Desk, bodies: list[Any], now: datetime
) -> list[dict[str, Any]]:
    """The day's subject states: their fields checked, and of the desk's own site."""

    def check(body: Any) -> dict[str, Any]:
        state = checked_state(body)
        _own(desk, desk.desk_id, state["site_id"])
        return dict(state)

    return await _keep_checked(hub, desk, bodies, now, check, ingest_states, "subject state")


async def keep_usage(
    hub: HubContext, desk: Desk, bodies: list[Any], now: datetime
) -> list[dict[str, Any]]:
    """A desk's stock movements (issue 16): checked as the desk checks them, its own only."""

    def check(body: Any) -> dict[str, Any]:
        usage = checked_usage(body)
        _own(desk, usage.desk_id, usage.site_id)
        return dict(body)

    return await _keep_checked(hub, desk, bodies, now, check, ingest_usage, "stock usage")


KEEPERS: dict[str, Keeper] = {RECORD: keep_records, AEFI: keep_aefi,
                              SUBJECT_STATE: keep_states, STOCK_USAGE: keep_usage}  # fmt: skip
KEYS = {**ITEM_KEYS, **STOCK_ITEM_KEYS}


def _item_key(item: Any) -> tuple[str, str, int] | None:
    """(kind, key, version) of a well-formed item, else None."""
    if not isinstance(item, dict) or not isinstance(item.get("payload"), dict):
        return None
    kind, key, version = item.get("kind"), item.get("key"), item.get("version")
    if isinstance(kind, str) and isinstance(key, str) and type(version) is int:
        return kind, key, version
    return None


def _matches(kind: str, key: str, version: int, payload: dict[str, Any]) -> bool:
    """A record's (an event's) payload is the one the item names."""
    if kind not in KEYS:
        return True
    name, number = KEYS[kind]
    return (payload.get(name), payload.get(number)) == (key, version)


def routes(hub: HubContext) -> list[Route]:
    async def batch(request: Request, name: str) -> tuple[Desk, list[Any]]:
        desk = await hub.authorised(request)
        payload = await hub.json_body(request)
        entries = payload.get(name) if isinstance(payload, dict) else None
        if not isinstance(entries, list):
            raise ApiError(400, f'expected {{"{name}": [...]}}')
        if len(entries) > MAX_BATCH:
            raise ApiError(413, f"at most {MAX_BATCH} {name} a batch")
        return desk, entries

    def reply(request: Request, now: datetime, results: list[dict[str, Any]]) -> Response:
        reply = {"results": results, "received_at": now.isoformat(), **hub.skew(request, now)}
        return Response(msgspec.json.encode(reply), media_type="application/json")

    async def upload(request: Request) -> Response:
        desk, bodies = await batch(request, "records")
        _own_records_only(desk, bodies)
        now = hub.clock()
        return reply(request, now, await keep_records(hub, desk, bodies, now))

    async def items(request: Request) -> Response:
        desk, entries = await batch(request, "items")
        keys = [_item_key(item) for item in entries]
        _own_records_only(desk, [e["payload"] for e, k in zip(entries, keys, strict=True)
                                 if k and k[0] == RECORD])  # fmt: skip
        now = hub.clock()
        results: list[dict[str, Any]] = []
        by_kind: dict[str, list[int]] = {}
        for index, (item, key) in enumerate(zip(entries, keys, strict=True)):
            if key is None:
                known = item if isinstance(item, dict) else {}
                results.append({"kind": known.get("kind"), "key": known.get("key"),
                                "version": known.get("version"),
                                **refusal(FieldError("item", "wire.not_an_item"))})  # fmt: skip
                continue
            kind, name, version = key
            results.append({"kind": kind, "key": name, "version": version})
            if kind not in KEEPERS:
                results[index].update(refusal(FieldError("kind", "wire.kind", kind=kind[:40])))
            elif not _matches(kind, name, version, item["payload"]):
                results[index].update(refusal(FieldError("payload", "wire.other_item")))
            else:
                by_kind.setdefault(kind, []).append(index)
        for kind, indexes in by_kind.items():
            kept = await KEEPERS[kind](hub, desk, [entries[i]["payload"] for i in indexes], now)
            for index, result in zip(indexes, kept, strict=True):
                outcome: dict[str, Any] = {k: result[k] for k in RESULT_KEYS if k in result}
                results[index].update(outcome)
        return reply(request, now, results)

    async def reconcile(request: Request) -> Response:
        desk = await hub.authorised(request)
        payload = await hub.json_body(request)
        try:
            keys = [(str(rid), int(version)) for rid, version in payload["keys"]]
        except (KeyError, TypeError, ValueError, OverflowError):
            raise ApiError(400, 'expected {"keys": [[record_id, version], ...]}') from None
        missing = await run_in_threadpool(hub.db.missing, desk, keys)
        return JSONResponse({"missing": [list(key) for key in missing]})

    async def reconcile_items(request: Request) -> Response:
        desk = await hub.authorised(request)
        payload = await hub.json_body(request)
        try:
            wanted = [(str(k), str(key), int(v)) for k, key, v in payload["items"]]
        except (KeyError, TypeError, ValueError, OverflowError):
            raise ApiError(400, 'expected {"items": [[kind, key, version], ...]}') from None
        records = [(key, version) for kind, key, version in wanted if kind == RECORD]
        lacking = {(RECORD, *key) for key in await run_in_threadpool(hub.db.missing, desk, records)}
        events = [(key, version) for kind, key, version in wanted if kind == AEFI]
        lacking |= {(AEFI, *key) for key in await run_in_threadpool(missing_aefi, hub.db, desk,
                                                                     events)}  # fmt: skip
        states = [(key, version) for kind, key, version in wanted if kind == SUBJECT_STATE]
        lacking |= {(SUBJECT_STATE, *key) for key in await run_in_threadpool(
            missing_states, hub.db, desk, states)}  # fmt: skip
        moves = [(key, version) for kind, key, version in wanted if kind == STOCK_USAGE]
        lacking |= {(STOCK_USAGE, *key) for key in await run_in_threadpool(
            missing_usage, hub.db, desk, moves)}  # fmt: skip
        # An item of a kind the hub does not keep is never held: it is missing too.
        missing = [[k, key, v] for k, key, v in wanted
                   if k not in KEEPERS or (k, key, v) in lacking]  # fmt: skip
        return JSONResponse({"missing": missing})

    return [
        Route(RECORDS_PATH, guarded(upload), methods=["POST"]),
        Route(RECONCILE_PATH, guarded(reconcile), methods=["POST"]),
        Route(ITEMS_PATH, guarded(items), methods=["POST"]),
        Route(ITEMS_RECONCILE_PATH, guarded(reconcile_items), methods=["POST"]),
    ]
