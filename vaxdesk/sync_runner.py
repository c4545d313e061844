"""The sync worker set up once, for whatever runs it without a screen: `vaxdesk sync` and the
demo's simulated desks. (The desk app owns its own worker.)"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sync.worker import HubConfig, SyncWorker

if TYPE_CHECKING:
    import asyncio

    from sync.worker import SyncState


@asynccontextmanager
async def sync_worker(
    db: Path, hub: HubConfig, *, timeout: float = 10.0, **options: Any
) -> AsyncIterator[SyncWorker]:
    """A worker uploading `db`'s outbox to `hub`; its connection is closed on the way out.
    `options`: SyncWorker's (software_version, on_state, heartbeat_seconds, camera, …)."""
    client = hub.client(timeout=timeout)
    try:
        yield SyncWorker(db, client, **options)
    finally:
        await client.close()


async def run_sync(
    db: Path,
    hub: HubConfig,
    *,
    once: bool = False,
    stop: asyncio.Event | None = None,
    timeout: float = 10.0,
    **options: Any,
) -> bool:
    """Sync until `stop` (or, with `once`, until the backlog is drained: True if it was)."""
    async with sync_worker(db, hub, timeout=timeout, **options) as worker:
        return await worker.run(stop, once=once)


def describe(state: SyncState) -> tuple[str, bool]:
    """A line for a technician's terminal, and whether it is an error (standard error)."""
    if state.refused:
        return f"error: {state.error}", True
    if state.unreachable_since:
        return f"hub unreachable since {state.unreachable_since:%H:%M}: {state.error}", False
    return f"synced; backlog {state.backlog}, conflicts {state.conflicts}", False
