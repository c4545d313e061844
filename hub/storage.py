"""The hub's connection: SQLite (the default) or PostgreSQL, one schema and one behaviour."""

from __future__ import annotations

import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dbkit import Cursor, MigrationsTooNew, connect_sqlite, is_postgres_url, write_tx
from hub.schema import MIGRATIONS, SCHEMA_VERSION

POOL_SIZE = 8  # PostgreSQL connections: that many desks' batches are kept at once


class Storage:
    """Thread-safe: the hub's endpoints call it from a thread pool. SQLite: one connection
    behind a lock (SQLite has one writer anyway). PostgreSQL: a pool of connections, so
    several desks' batches are kept at once; what must not interleave (two versions of one
    record) is locked by the transactions themselves (`locked_records`)."""

    def __init__(self, url: str, *, pool_size: int = POOL_SIZE) -> None:
        self.url = url
        self.postgres = is_postgres_url(url)
        self._lock = threading.Lock()
        self._pool: Any = None
        if self.postgres:
            import psycopg

            self._conn: Any = psycopg.connect(url, autocommit=True)
        else:
            path = Path(url.removeprefix("sqlite:///")).expanduser()
            self._conn = connect_sqlite(path, any_thread=True)
        try:
            MIGRATIONS.apply(self._conn, postgres=self.postgres)
        except MigrationsTooNew as error:
            self._conn.close()
            raise RuntimeError(
                f"the hub's database has schema {error.applied}; this hub knows {SCHEMA_VERSION}"
            ) from None
        if self.postgres:
            from psycopg_pool import ConnectionPool

            self._conn.close()
            self._pool = ConnectionPool(url, min_size=1, max_size=max(1, pool_size),
                                        kwargs={"autocommit": True}, open=True)  # fmt: skip

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
        else:
            self._conn.close()

    @contextmanager
    def _tx(self) -> Iterator[Cursor]:
        if self._pool is not None:
            with self._pool.connection() as conn, write_tx(conn, postgres=True) as cur:
                yield cur
            return
        with self._lock, write_tx(self._conn, postgres=self.postgres) as cur:
            yield cur


def locked_records(cur: Cursor, record_ids: list[str]) -> None:
    """PostgreSQL: hold, until the transaction ends, a lock on each of these records (in one
    order, so two batches never wait on each other in a circle): two transactions never keep
    versions of one record, nor change its figures, at once. SQLite: one writer already."""
    if cur.postgres and record_ids:
        keys = sorted({_lock_key(rid) for rid in record_ids})
        cur.execute("SELECT pg_advisory_xact_lock(15, k) FROM unnest(?::int[]) AS k", (keys,))


def locked_site(cur: Cursor, site_id: str, *, shared: bool) -> None:
    """PostgreSQL: a lock on a site's figures of what went out, until the transaction ends:
    shared by the batches kept (which read what went out), alone for an export marking its
    versions. SQLite: one writer already."""
    if cur.postgres:
        kind = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
        cur.execute(f"SELECT {kind}(16, ?)", (_lock_key(site_id),))


def _lock_key(record_id: str) -> int:
    return zlib.crc32(record_id.encode()) - 2**31  # an int4
