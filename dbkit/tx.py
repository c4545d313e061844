"""One write transaction, the same way on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from dbkit.connect import Cursor


@contextmanager
def write_tx(conn: Any, *, postgres: bool = False) -> Iterator[Cursor]:
    """BEGIN (IMMEDIATE on SQLite: the write lock is taken at once, so a check and its write
    see the same data), COMMIT when the block ends, ROLLBACK when it raises.

    The connection must be in autocommit mode (`isolation_level=None`, psycopg's autocommit).
    """
    raw = conn.cursor()
    cursor = Cursor(raw, postgres)
    try:
        raw.execute("BEGIN" if postgres else "BEGIN IMMEDIATE")
        try:
            yield cursor
            raw.execute("COMMIT")
        except BaseException:
            # SQLite has rolled back by itself after some errors (a full disk): not again.
            if postgres or conn.in_transaction:
                raw.execute("ROLLBACK")
            raise
    finally:
        raw.close()
