"""Connections: SQLite as the desk and the hub keep it, and one cursor for both databases."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def is_postgres_url(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


def connect_sqlite(
    path: str | Path, *, any_thread: bool = False, timeout: float = 15.0
) -> sqlite3.Connection:
    """WAL and synchronous=FULL (a commit that returned is on disk), transactions explicit.

    Health data: a new file is the owner's alone (0600) from its first byte, and SQLite gives
    its -wal and -shm files the same mode; a file made looser (copied, made by an older
    version) is made owner-only again. `any_thread`: the connection may be used from one
    thread after another (never two at once).
    """
    if str(path) != ":memory:":
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        owner_only(path, Path(f"{path}-wal"), Path(f"{path}-shm"))
    conn = sqlite3.connect(
        str(path), isolation_level=None, timeout=timeout, check_same_thread=not any_thread
    )
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    return conn


def owner_only(*paths: Path) -> None:
    """Take group's and others' rights off these files (those that exist and are ours)."""
    for path in paths:
        try:
            if path.stat().st_mode & 0o077:
                os.chmod(path, 0o600)
        except (FileNotFoundError, PermissionError):
            continue


class Cursor:
    """A DB-API cursor that takes `?` placeholders on SQLite and PostgreSQL alike."""

    def __init__(self, cursor: Any, postgres: bool = False) -> None:
        self._cursor = cursor
        self.postgres = postgres

    def execute(self, statement: str, params: Sequence[Any] = ()) -> Cursor:
        if self.postgres:
            statement = statement.replace("?", "%s")
        self._cursor.execute(statement, params)
        return self

    def executemany(self, statement: str, rows: Sequence[Sequence[Any]]) -> Cursor:
        """One statement for many rows: psycopg pipelines them, SQLite steps one prepared
        statement; nothing is sent for no rows."""
        if rows:
            if self.postgres:
                statement = statement.replace("?", "%s")
            self._cursor.executemany(statement, rows)
        return self

    def insert_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        """New rows, all at once: COPY on PostgreSQL (one stream, no statement a row), one
        prepared INSERT stepped on SQLite; nothing is sent for no rows."""
        if not rows:
            return
        names = ", ".join(columns)
        if self.postgres:
            with self._cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join("?" * len(columns))
        self._cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return list(self._cursor.fetchall())

    def dicts(self) -> list[dict[str, Any]]:
        """The remaining rows, each as {column: value}."""
        names = [column[0] for column in self._cursor.description]
        return [dict(zip(names, row, strict=True)) for row in self._cursor.fetchall()]

    @property
    def rowcount(self) -> int:
        return int(self._cursor.rowcount)
