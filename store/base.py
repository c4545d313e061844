"""The store's file and transactions, which its parts (records, outbox, sessions) share."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from dbkit import connect_sqlite, iso, utc_now, write_tx
from store.errors import busy
from store.people import People
from store.rows import Rows
from store.schema import migrate

system_clock = utc_now


class StoreBase:
    """One SQLite file in WAL mode with synchronous=FULL: a commit that returned is on disk."""

    def __init__(
        self, path: Path, clock: Callable[[], datetime] = system_clock, *, any_thread: bool = False
    ) -> None:
        self.path = path
        self.clock = clock
        self.conn = connect_sqlite(path, any_thread=any_thread)
        self.db = Rows(self.conn)
        self.conn.execute("PRAGMA foreign_keys=ON")
        migrate(self.conn)
        self.people = People(self)

    def close(self) -> None:
        self.conn.close()

    def _now(self) -> str:
        return iso(self.clock())

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once so a check and its write see the same data.

        A busy, full or read-only file becomes a StoreError the screen can show; nothing of
        the transaction is kept.
        """
        try:
            with write_tx(self.conn):
                yield self.conn
        except sqlite3.OperationalError as error:
            raise busy(error) from error
