"""The desk's sync worker: outbox to hub, exactly once, never in the volunteer's way.

Rows move pending -> inflight -> acked (or conflict, or refused). A row is acked only when the
hub's reply names it as stored or duplicate; whatever the reply does not mention goes back to
pending. A row the hub refuses (a record it will not keep, a request it cannot read) is parked
as refused with the hub's reason, never sent again by itself. A failed call (connection
refused or dropped, timeout, 5xx, 429) or a refused token puts the batch back and waits with
exponential backoff and full jitter, so a site's desks coming back at once do not stampede
the hub. Runs inside the desk app (an async worker) or alone (`vaxdesk sync`).
"""

from __future__ import annotations

import asyncio
import logging
import random
import ssl
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from domain.hub_url import parse_hub_url
from domain.wire import (
    ACKNOWLEDGED,
    API,
    CONFLICT,
    DESK_TIME_HEADER,
    DOSES_PATH,
    HEARTBEAT_PATH,
    INVALID,
    ITEMS_PATH,
    ITEMS_RECONCILE_PATH,
    RECONCILE_PATH,
    RECORD_PATH,
    RECORDS_PATH,
    refusal_problem,
)
from store import Store, open_store
from sync.errors import HubRefused, HubUnavailable, link_failure
from sync.staff_sync import beat_fields, keep_reply

if TYPE_CHECKING:
    import httpx

log = logging.getLogger("vaxdesk.sync")


@dataclass(frozen=True)
class HubConfig:
    url: str
    token: str
    ca_file: str = ""

    def client(self, timeout: float = 10.0) -> HubClient:
        return HubClient(self.url, self.token, ca_file=self.ca_file or None, timeout=timeout)


@dataclass(frozen=True)
class SyncState:
    backlog: int = 0
    conflicts: int = 0
    unreachable_since: datetime | None = None
    error: str = ""
    refused: bool = False  # the hub said no (token): not a network problem
    setting_error: str = ""  # the hub's settings cannot work (a bad URL, no CA file): offline
    refused_items: int = 0  # items the hub will not keep, parked with its reason
    clock_flagged: bool = False
    site_timezone: str = ""  # the site's zone, as the hub's heartbeat reply gives it


class HubClient:
    """The hub's API over httpx, with explicit timeouts; TLS verified (a CA file for
    site-made certificates)."""

    def __init__(
        self,
        url: str,
        token: str,
        *,
        ca_file: str | None = None,
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        import httpx  # ~60 ms: loaded when a hub is configured, not at every desk's start

        parse_hub_url("hub.url", url)  # else "ftp://x" fails at every call, as if down
        self._transport_errors = httpx.TransportError
        self._client = httpx.AsyncClient(
            base_url=url.rstrip("/"),
            headers={"Authorization": f"Bearer {token}"},
            timeout=httpx.Timeout(timeout, connect=min(timeout, 3.0)),
            verify=ssl.create_default_context(cafile=ca_file) if ca_file else True,
            transport=transport,
        )

    async def close(self) -> None:
        await self._client.aclose()

    async def _post(
        self, path: str, payload: dict[str, Any], timeout: float | None = None
    ) -> dict[str, Any]:
        headers = {DESK_TIME_HEADER: datetime.now(UTC).isoformat()}
        extra: dict[str, Any] = {} if timeout is None else {"timeout": timeout}
        try:
            response = await self._client.post(path, json=payload, headers=headers, **extra)
        except self._transport_errors as error:  # refused, reset, timed out, TLS failure
            raise link_failure(error) from error
        return self._checked(response)

    async def record(self, record_id: str, timeout: float = 3.0) -> dict[str, Any] | None:
        """The latest version of a record of this desk's site (None: the hub knows none);
        a short timeout, for a citizen is waiting at the desk."""
        headers = {DESK_TIME_HEADER: datetime.now(UTC).isoformat()}
        try:
            response = await self._client.post(RECORD_PATH, json={"record_id": record_id},
                                               headers=headers, timeout=timeout)  # fmt: skip
        except self._transport_errors as error:
            raise link_failure(error) from error
        if response.status_code == 404 and "json" in response.headers.get("content-type", ""):
            return None  # the hub's own answer (a hub without the route answers in plain text)
        found = self._checked(response).get("record")
        return found if isinstance(found, dict) else {}

    async def get(self, path: str) -> dict[str, Any]:
        try:
            response = await self._client.get(f"{API}{path}")
        except self._transport_errors as error:
            raise link_failure(error) from error
        return self._checked(response)

    @staticmethod
    def _checked(response: httpx.Response) -> dict[str, Any]:
        if response.status_code >= 500 or response.status_code == 429:
            raise HubUnavailable("sync.answered", status=response.status_code)
        try:
            body = response.json()
        except ValueError:
            raise HubUnavailable("sync.answered_not_json", status=response.status_code) from None
        if response.status_code >= 400:
            reason = str(body.get("error", "")) if isinstance(body, dict) else ""
            raise HubRefused(response.status_code, reason)
        if not isinstance(body, dict):
            raise HubUnavailable("sync.answered_not_object")
        return body

    async def upload_items(self, items: list[dict[str, Any]]) -> dict[str, Any]:
        """Outbox items, each {"kind", "key", "version", "payload"}: a result for each."""
        return await self._post(ITEMS_PATH, {"items": items})

    async def missing_items(self, keys: list[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
        """Which of these acknowledged (kind, key, version) the hub does not hold."""
        reply = await self._post(ITEMS_RECONCILE_PATH, {"items": [list(k) for k in keys]})
        return [(str(kind), str(key), int(v)) for kind, key, v in reply.get("missing", [])]

    async def upload(self, bodies: list[dict[str, Any]]) -> dict[str, Any]:
        """Record bodies as desks before outbox items sent them (the hub still takes them)."""
        return await self._post(RECORDS_PATH, {"records": bodies})

    async def missing(self, keys: list[tuple[str, int]]) -> list[tuple[str, int]]:
        reply = await self._post(RECONCILE_PATH, {"keys": [list(k) for k in keys]})
        return [(str(rid), int(version)) for rid, version in reply.get("missing", [])]

    async def heartbeat(self, beat: dict[str, Any]) -> dict[str, Any]:
        return await self._post(HEARTBEAT_PATH, beat)

    async def doses(self, person_key: str, timeout: float | None = None) -> list[dict[str, Any]]:
        reply = await self._post(DOSES_PATH, {"person_key": person_key}, timeout)
        return list(reply.get("doses", []))


def backoff_delay(attempt: int, rng: random.Random, base: float, cap: float) -> float:
    """Full jitter: anywhere between 0 and the exponential ceiling."""
    return rng.uniform(0, min(cap, base * 2**attempt))


@dataclass
class SyncWorker:
    store_path: Path
    client: HubClient
    software_version: str = ""
    batch_size: int = 100
    base_delay: float = 1.0
    max_delay: float = 60.0
    poll_seconds: float = 5.0
    heartbeat_seconds: float = 30.0
    camera: Callable[[], str] = lambda: ""
    on_state: Callable[[SyncState], None] = lambda state: None
    rng: random.Random = field(default_factory=random.Random)
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    _db_thread: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="vaxdesk-sync-db")
    )
    _store: Store | None = None
    _state: SyncState = field(default_factory=SyncState)

    def nudge(self) -> None:
        """A record was saved: upload now rather than at the next poll."""
        self._wake.set()

    async def _db(self, call: Callable[..., Any], *args: Any) -> Any:
        # One thread owns the worker's connection, so calls run one after another: a history
        # pull never joins an upload's transaction, and the close in `run` comes after a call
        # that a cancelled task left running (closing under it crashed SQLite).
        return await asyncio.get_running_loop().run_in_executor(self._db_thread, call, *args)

    def _open(self) -> Store:
        if self._store is None:
            self._store = open_store(self.store_path, any_thread=True)
        return self._store

    async def upload_batch(self) -> int:
        """One batch: returns how many rows were acknowledged (0: nothing was pending)."""
        store = self._open()
        claimed = await self._db(store.outbox_claim, self.batch_size)
        if not claimed:
            return 0
        seqs = {(item.kind, item.key, item.version): item.seq for item in claimed}
        items = [
            {"kind": i.kind, "key": i.key, "version": i.version, "payload": i.payload}
            for i in claimed
        ]
        try:
            results = await self._send(items)
        except BaseException as error:  # failed, refused or cancelled: all of it goes back
            await asyncio.shield(
                self._db(store.outbox_settle, [], {}, list(seqs.values()), str(error)[:200])
            )
            raise
        acked, conflicts, refused = [], {}, {}
        problems: dict[int, dict[str, Any]] = {}
        for result in results:
            seq = seqs.pop((result.get("kind"), result.get("key"), result.get("version")), None)
            if seq is None:
                continue
            if result.get("result") in ACKNOWLEDGED:
                acked.append(seq)
            elif result.get("result") == CONFLICT:
                conflicts[seq] = f"conflict: {result.get('field', '')}"
                problems[seq] = refusal_problem(result)
            else:
                code = f" [{result['code']}]" if result.get("code") else ""
                refused[seq] = f"refused: {result.get('message', '')}"[:180] + code[:20]
                problems[seq] = refusal_problem(result)
                log.warning("the hub refused %s %s v%s%s", result.get("kind"),
                            result.get("key"), result.get("version"), code)  # fmt: skip
        # Rows the reply does not mention are not acknowledged: they go again.
        await self._db(
            store.outbox_settle, acked, conflicts, list(seqs.values()), "", refused, problems
        )
        if conflicts:
            log.warning("%d item(s) in conflict with the hub", len(conflicts))
        return len(acked) + len(conflicts) + len(refused)

    async def _send(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The hub's result for each item. A batch refused whole for what it holds (not for
        the desk's token) is sent again one item at a time, so the refusal falls on the item
        at fault alone and the others are kept."""
        try:
            reply = await self.client.upload_items(items)
        except HubRefused as error:
            if error.about_the_desk:
                raise
            if len(items) == 1:
                [item] = items
                reason = error.reason or str(error)
                return [{"kind": item["kind"], "key": item["key"], "version": item["version"],
                         "result": INVALID, "message": reason}]  # fmt: skip
            results = []
            for item in items:
                results += await self._send([item])
            return results
        if reply.get("clock_flagged"):
            self._state = replace(self._state, clock_flagged=True)
        results = reply.get("results", [])
        return [r for r in results if isinstance(r, dict)] if isinstance(results, list) else []

    async def drain(self) -> int:
        total = 0
        while True:
            done = await self.upload_batch()
            if not done:
                return total
            total += done

    async def send_heartbeat(self) -> None:
        store = self._open()
        counts = await self._db(store.outbox_counts)
        audit_seq, audit_head = await self._db(store.people.head)
        reply = await self.client.heartbeat(
            {
                "software_version": self.software_version,
                "backlog": counts.get("pending", 0) + counts.get("inflight", 0),
                "camera": self.camera(),
                "last_record_at": await self._db(store.last_recorded_at),
                "last_error": self._state.error,
                "audit_seq": audit_seq,
                "audit_head": audit_head,
                **await self._db(beat_fields, store),  # the staff list held
            }
        )
        await self._db(keep_reply, store, reply)  # the platform's refusals, the site's staff
        zone = str(reply.get("site_timezone") or self._state.site_timezone)
        self._state = replace(
            self._state, clock_flagged=bool(reply.get("clock_flagged")), site_timezone=zone
        )

    async def reconcile(self, chunk: int = 500) -> int:
        """Ask the hub which acknowledged items it lacks (a restored hub, a lost reply) and
        queue those again. Returns how many were requeued."""
        store = self._open()
        after, requeued = 0, 0
        while True:
            keys = await self._db(store.acked_keys, after, chunk)
            if not keys:
                return requeued
            after = keys[-1][0]
            missing = await self.client.missing_items([(k, key, v) for _, k, key, v in keys])
            if missing:
                await self._db(store.outbox_requeue, missing)
                requeued += len(missing)

    async def pull_history(self, person_key: str, timeout: float | None = 3.0) -> int:
        """Doses of this person recorded at other desks, kept for numbering and duplicates;
        a short timeout, for a citizen is waiting at the desk."""
        rows = await self.client.doses(person_key, timeout)
        if rows:
            await self._db(self._open().remember_remote, rows)
        return len(rows)

    async def _publish(self, **changes: Any) -> None:
        store = self._open()
        counts = await self._db(store.outbox_counts)
        self._state = replace(
            self._state,
            backlog=counts.get("pending", 0) + counts.get("inflight", 0),
            conflicts=counts.get("conflict", 0),
            refused_items=counts.get("refused", 0),
            **changes,
        )
        self.on_state(self._state)

    async def run(self, stop: asyncio.Event | None = None, *, once: bool = False) -> bool:
        """Sync until stopped (or, with `once`, until the backlog is drained: True if it was)."""
        stop = stop or asyncio.Event()
        store = self._open()
        reset = await self._db(store.outbox_reset_inflight)
        if reset:
            log.info("%d outbox row(s) left in flight went back to pending", reset)
        attempt = 0
        reconciled = False
        last_beat = float("-inf")
        loop = asyncio.get_running_loop()
        try:
            while not stop.is_set():
                try:
                    if not reconciled:
                        await self.reconcile()
                        reconciled = True
                    await self.drain()
                    # The link works again: said before the heartbeat, which reports it.
                    await self._publish(unreachable_since=None, error="", refused=False)
                    if loop.time() - last_beat >= self.heartbeat_seconds:
                        await self.send_heartbeat()
                        last_beat = loop.time()
                        await self._publish()  # what the hub's reply said (site zone, clock)
                    attempt = 0
                    if once:
                        return True
                    delay = self.poll_seconds
                except (HubUnavailable, HubRefused) as error:
                    refused = isinstance(error, HubRefused)
                    since = self._state.unreachable_since or datetime.now().astimezone()
                    log.warning("hub %s: %s", "refused" if refused else "unreachable", error)
                    await self._publish(
                        unreachable_since=since, error=str(error)[:200], refused=refused
                    )
                    if once and (refused or attempt >= 8):
                        return False
                    delay = backoff_delay(attempt, self.rng, self.base_delay, self.max_delay)
                    attempt += 1
                self._wake.clear()
                waiters = [
                    asyncio.ensure_future(stop.wait()),
                    asyncio.ensure_future(self._wake.wait()),
                ]
                await asyncio.wait(waiters, timeout=delay, return_when=asyncio.FIRST_COMPLETED)
                for waiter in waiters:
                    waiter.cancel()
            return False
        finally:
            if self._store is not None:
                closing = self._db_thread.submit(self._store.close)
                self._store = None
                await asyncio.wrap_future(closing)
