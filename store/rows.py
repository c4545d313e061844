"""Rows as dicts and dicts as rows on the store's connection: the part of sqlite-utils the
store used, on the sqlite3 module alone.

sqlite-utils imports numpy, pluggy and dateutil when it loads (~120 ms and ~20 MB before the
desk's first screen on a low-spec laptop) and wraps every insert in a savepoint of its own;
the store's transactions are its own already (`dbkit.write_tx`). Values are stored as
sqlite-utils stored them: dicts and lists as JSON, dates and times in ISO form."""

from __future__ import annotations

import datetime
import decimal
import json
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any


def sql_value(value: object) -> object:
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, default=repr, ensure_ascii=False)
    if isinstance(value, datetime.time | datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.timedelta | uuid.UUID):
        return str(value)
    return value


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class Table:
    def __init__(self, conn: sqlite3.Connection, name: str) -> None:
        self.conn = conn
        self.name = name

    def insert(self, row: Mapping[str, Any], *, replace: bool = False) -> None:
        self.insert_all([row], replace=replace)

    def insert_all(self, rows: Iterable[Mapping[str, Any]], *, replace: bool = False) -> None:
        verb = "INSERT OR REPLACE" if replace else "INSERT"
        for row in rows:
            columns = ", ".join(quoted(c) for c in row)
            marks = ", ".join("?" * len(row))
            self.conn.execute(
                f"{verb} INTO {quoted(self.name)} ({columns}) VALUES ({marks})",
                [sql_value(v) for v in row.values()],
            )

    def rows_where(
        self, where: str | None = None, where_args: Sequence[Any] = (), *,
        order_by: str | None = None, limit: int | None = None,
    ) -> Iterator[dict[str, Any]]:  # fmt: skip
        sql = f"SELECT * FROM {quoted(self.name)}"
        if where:
            sql += f" WHERE {where}"
        if order_by:
            sql += f" ORDER BY {order_by}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return Rows(self.conn).query(sql, where_args)


class Rows:
    """`query` (rows as dicts), `execute`, `table(name).insert(dict)`, `db[name]`."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def query(
        self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()
    ) -> Iterator[dict[str, Any]]:
        cursor = self.conn.execute(sql, params)
        names = [column[0] for column in cursor.description or ()]
        return (dict(zip(names, row, strict=True)) for row in cursor)

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def table(self, name: str) -> Table:
        return Table(self.conn, name)

    def __getitem__(self, name: str) -> Table:
        return self.table(name)
