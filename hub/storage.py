"""The hub's connection: SQLite (the default) or PostgreSQL, one schema and one behaviour."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dbkit import Cursor, MigrationsTooNew, connect_sqlite, is_postgres_url, write_tx
from hub.schema import MIGRATIONS, SCHEMA_VERSION


class Storage:
    """Thread-safe (one lock, one connection): the hub's endpoints call it from a thread pool."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.postgres = is_postgres_url(url)
        self._lock = threading.Lock()
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

    def close(self) -> None:
        self._conn.close()

    @contextmanager
    def _tx(self) -> Iterator[Cursor]:
        with self._lock, write_tx(self._conn, postgres=self.postgres) as cur:
            yield cur
