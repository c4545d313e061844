"""Named migration sets, in sqlite-utils' `Migrations` pattern (sqlite-migrate).

Each set has a name; its migrations run in the order they were declared, each in its own
transaction, and every one applied is recorded in `_migrations` (set, name, time). A database
made before this table existed counted its migrations in a number of its own (a desk's
`PRAGMA user_version`, the hub's `hub_meta`): a `legacy` counter reads that number, so the
first N migrations are recognised as applied, and keeps it up to date for older tools.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from dbkit.connect import Cursor
from dbkit.timestamps import iso, utc_now
from dbkit.tx import write_tx

TABLE = "_migrations"

Step = Callable[[Cursor], None]


class MigrationsTooNew(RuntimeError):
    """The database was migrated by a newer program than this one."""

    def __init__(self, migration_set: str, applied: int, known: int) -> None:
        super().__init__(
            f"migrations '{migration_set}': the database has {applied}, this program knows "
            f"{known}"
        )
        self.applied = applied
        self.known = known


class LegacyCounter(Protocol):
    def read(self, cur: Cursor) -> int: ...

    def write(self, cur: Cursor, count: int) -> None: ...


class UserVersion:
    """SQLite's `PRAGMA user_version` as the count of migrations applied."""

    def read(self, cur: Cursor) -> int:
        return int(cur.execute("PRAGMA user_version").fetchone()[0])

    def write(self, cur: Cursor, count: int) -> None:
        cur.execute(f"PRAGMA user_version = {int(count)}")


def sql_statements(script: str) -> list[str]:
    """A SQLite script cut into statements (a trigger's body stays whole)."""
    statements, buffer = [], ""
    for part in script.split(";"):
        buffer += part + ";"
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    statements.append(buffer.strip())
    return [s for s in statements if _has_sql(s)]


def _has_sql(statement: str) -> bool:
    """Not only comments, blanks and semicolons."""
    lines = (line.split("--", 1)[0] for line in statement.splitlines())
    return bool("".join(lines).strip(" \t;"))


@dataclass(frozen=True)
class Migration:
    name: str
    run: Step


class Migrations:
    def __init__(self, name: str, legacy: LegacyCounter | None = None) -> None:
        self.name = name
        self.legacy = legacy
        self.migrations: list[Migration] = []

    def __call__(self, name: str = "") -> Callable[[Step], Step]:
        """Decorator: the function (given a cursor) is the next migration, named after it."""

        def register(step: Step) -> Step:
            self.add(name or step.__name__, step)
            return step

        return register

    def add(self, name: str, step: Step) -> None:
        if any(m.name == name for m in self.migrations):
            raise ValueError(f"migration {name} is declared twice")
        self.migrations.append(Migration(name, step))

    def sql(self, name: str, *statements: str) -> None:
        """A migration made of SQL statements (or SQLite scripts, cut into statements)."""

        def run(cur: Cursor) -> None:
            for statement in statements:
                for one in [statement] if cur.postgres else sql_statements(statement):
                    cur.execute(one)

        self.add(name, run)

    @property
    def names(self) -> list[str]:
        return [m.name for m in self.migrations]

    def applied(self, cur: Cursor) -> list[str]:
        cur.execute(
            f"SELECT name FROM {TABLE} WHERE migration_set = ? ORDER BY applied_at, name",
            (self.name,),
        )
        return [str(name) for (name,) in cur.fetchall()]

    def apply(self, conn: Any, *, postgres: bool = False, stop_before: str = "") -> list[str]:
        """Apply the migrations not yet applied, in order; returns their names. Raises
        MigrationsTooNew when the database has migrations this program does not know."""
        known = self.names
        if stop_before:
            known = known[: known.index(stop_before)]
        with write_tx(conn, postgres=postgres) as cur:
            cur.execute(
                f"CREATE TABLE IF NOT EXISTS {TABLE} (migration_set TEXT NOT NULL, "
                "name TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (migration_set, name))"
            )
            done = self.applied(cur)
            legacy = self.legacy.read(cur) if self.legacy else 0
            if legacy > len(self.names) or set(done) - set(self.names):
                raise MigrationsTooNew(self.name, max(legacy, len(done)), len(self.names))
            if not done and legacy:
                for name in self.names[:legacy]:
                    self._record(cur, name)
        ran = []
        for position, migration in enumerate(self.migrations):
            if migration.name not in known:
                break
            with write_tx(conn, postgres=postgres) as cur:
                if migration.name in self.applied(cur):  # another process was quicker
                    continue
                migration.run(cur)
                self._record(cur, migration.name)
                if self.legacy:
                    self.legacy.write(cur, position + 1)
            ran.append(migration.name)
        return ran

    def _record(self, cur: Cursor, name: str) -> None:
        cur.execute(
            f"INSERT INTO {TABLE} (migration_set, name, applied_at) VALUES (?, ?, ?)",
            (self.name, name, iso(utc_now())),
        )
