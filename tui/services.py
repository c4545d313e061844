"""The desk app's background services: they live from start to exit, whatever screen shows.

The sync worker uploads the outbox and pulls people's doses from other desks; screens learn
of it by messages.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from textual.message import Message

from domain.messages import describe
from sync.worker import HubConfig, HubRefused, HubUnavailable, SyncState, SyncWorker

log = logging.getLogger("vaxdesk.desk")


class SyncStateChanged(Message):
    """The uploads' state changed (backlog, hub reachable, conflicts)."""

    def __init__(self, state: SyncState) -> None:
        super().__init__()
        self.state = state

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SyncStateChanged)


class HistoryArrived(Message):
    """Doses of this person recorded at other desks are in the store now."""

    def __init__(self, person_key: str) -> None:
        super().__init__()
        self.person_key = person_key


class SyncService:
    """Owns the sync worker and its hub connection for the app's whole life."""

    def __init__(
        self,
        hub: HubConfig,
        store_path: Path,
        *,
        software_version: str,
        camera: Callable[[], str],
        on_state: Callable[[SyncState], None],
    ) -> None:
        self.hub = hub
        self.store_path = store_path
        self.software_version = software_version
        self.camera = camera
        self.on_state = on_state
        self.worker: SyncWorker | None = None

    async def run(self) -> None:
        """Upload until cancelled (the app's exit); never blocks typing. Settings that
        cannot make a client (a bad URL, a missing CA file) leave the desk offline, saying so."""
        try:
            client = self.hub.client()
        except Exception as error:  # FieldError, httpx.InvalidURL, OSError, ssl.SSLError, ...
            log.error("no uploads: the hub setting is wrong: %s", describe(error))
            self.on_state(SyncState(setting_error=describe(error)[:200]))
            return
        self.worker = SyncWorker(
            self.store_path,
            client,
            software_version=self.software_version,
            camera=self.camera,
            on_state=self.on_state,
        )
        try:
            await self.worker.run()
        finally:
            await client.close()

    def nudge(self) -> None:
        if self.worker is not None:
            self.worker.nudge()

    async def pull_history(self, person_key: str) -> bool:
        """True when the hub sent doses of this person; a hub that is down is no error."""
        if self.worker is None:
            return False
        try:
            return await self.worker.pull_history(person_key) > 0
        except (HubUnavailable, HubRefused) as error:
            log.info("history not pulled: %s", type(error).__name__)
            return False
