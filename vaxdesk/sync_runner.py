"""The sync worker set up once, for whatever runs it without a screen: `vaxdesk sync` and the
demo's simulated desks. (The desk app owns its own worker.)"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from domain.errors import DeskError
from domain.messages import describe as describe_error
from domain.messages import render
from i18n import _
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


def problem(state: SyncState) -> DeskError | None:
    """What is wrong with the uploads, as a code and its parameters; None when nothing is."""
    if state.refused:
        return DeskError("sync.refused", error=state.error)
    if state.unreachable_since:
        return DeskError("sync.unreachable", since=state.unreachable_since, error=state.error)
    return None


def describe(state: SyncState) -> tuple[str, bool]:
    """A line for a technician's terminal, and whether it is an error (standard error); the
    words are the messages catalogue's."""
    wrong = problem(state)
    if wrong is None:
        counts = {"backlog": state.backlog, "conflicts": state.conflicts}
        return render("sync.synced", counts), False
    text = describe_error(wrong)
    return (_("error: {reason}").format(reason=text), True) if state.refused else (text, False)
