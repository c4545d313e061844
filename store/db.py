"""The store: one SQLite file, records (append-only, versioned), their outbox, desk sessions."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from datetime import datetime
from functools import cached_property
from pathlib import Path

from store.aefi import AefiEvents
from store.base import system_clock
from store.errors import DuplicateDose, RecordNotFound, StoreError
from store.outbox import OutboxItem
from store.records import DeskStats, Records
from store.schema import RECORD_COLUMNS
from store.sessions import Sessions
from store.subjects import Subjects


def open_store(
    path: str | Path, clock: Callable[[], datetime] = system_clock, *, any_thread: bool = False
) -> Store:
    """`any_thread`: the connection may be used from one thread after another (never two at
    once), as the sync worker does through asyncio.to_thread."""
    return Store(Path(path), clock, any_thread=any_thread)


class Store(Records, Sessions, AefiEvents):
    """Records, their outbox and sessions, in one file; users and audit in `people`."""

    @cached_property
    def subjects(self) -> Subjects:
        """The day's subject lists and states (store.subjects)."""
        return Subjects(self)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def backup(self, destination: Path, by: str = "-") -> Path:
        """A consistent copy through SQLite's backup API (never a file copy of a live
        database), created owner-only."""
        destination.parent.mkdir(parents=True, exist_ok=True)
        if destination.exists():
            raise StoreError("store.file_exists", path=str(destination))
        os.close(os.open(destination, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600))
        target = sqlite3.connect(str(destination))
        try:
            self.conn.backup(target)
        finally:
            target.close()
        self.people.audit(by, "backup", destination.name)
        return destination


__all__ = [
    "RECORD_COLUMNS",
    "DeskStats",
    "DuplicateDose",
    "OutboxItem",
    "RecordNotFound",
    "Store",
    "StoreError",
    "open_store",
    "system_clock",
]
