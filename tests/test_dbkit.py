"""The database kit on its own: files, transactions, named migrations, the shared SQL."""

from __future__ import annotations

import sqlite3
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from dbkit import (
    Cursor,
    Migrations,
    MigrationsTooNew,
    UserVersion,
    active_dose,
    connect_sqlite,
    current_version,
    iso,
    sql_statements,
    write_tx,
)


def test_a_new_file_is_owner_only_wal_and_fully_synced(tmp_path: Path) -> None:
    conn = connect_sqlite(tmp_path / "deep" / "x.db")
    assert stat.S_IMODE((tmp_path / "deep" / "x.db").stat().st_mode) == 0o600
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2
    conn.close()


def test_a_write_transaction_is_all_or_nothing(tmp_path: Path) -> None:
    conn = connect_sqlite(tmp_path / "x.db")
    conn.execute("CREATE TABLE t (n INTEGER)")
    with pytest.raises(RuntimeError), write_tx(conn) as cur:
        cur.execute("INSERT INTO t VALUES (?)", (1,))
        raise RuntimeError("half-way")
    assert not conn.in_transaction
    with write_tx(conn) as cur:
        cur.execute("INSERT INTO t VALUES (?)", (2,))
    assert conn.execute("SELECT n FROM t").fetchall() == [(2,)]


def creatures() -> Migrations:
    migrations = Migrations("creatures", legacy=UserVersion())
    migrations.sql("create", "CREATE TABLE creatures (id INTEGER PRIMARY KEY, name TEXT);")

    @migrations()
    def add_weight(cur: Cursor) -> None:
        cur.execute("ALTER TABLE creatures ADD COLUMN weight REAL")

    migrations.sql(
        "guard",
        "CREATE TRIGGER no_delete BEFORE DELETE ON creatures "
        "BEGIN SELECT RAISE(ABORT, 'kept; forever'); END;",
    )
    return migrations


def test_migrations_run_once_in_order_by_name(tmp_path: Path) -> None:
    conn = connect_sqlite(tmp_path / "x.db")
    assert creatures().apply(conn, stop_before="guard") == ["create", "add_weight"]
    assert creatures().apply(conn) == ["guard"]
    assert creatures().apply(conn) == []
    applied = conn.execute("SELECT migration_set, name FROM _migrations ORDER BY rowid")
    assert applied.fetchall() == [("creatures", "create"), ("creatures", "add_weight"),
                                  ("creatures", "guard")]  # fmt: skip
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
    conn.execute("INSERT INTO creatures (name, weight) VALUES ('ox', 400)")
    with pytest.raises(sqlite3.IntegrityError, match="kept; forever"):
        conn.execute("DELETE FROM creatures")


def test_a_count_kept_before_names_means_those_ran(tmp_path: Path) -> None:
    conn = connect_sqlite(tmp_path / "x.db")
    conn.execute("CREATE TABLE creatures (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("PRAGMA user_version = 1")
    assert creatures().apply(conn) == ["add_weight", "guard"]


def test_a_database_from_a_newer_program_is_refused(tmp_path: Path) -> None:
    conn = connect_sqlite(tmp_path / "x.db")
    creatures().apply(conn)
    conn.execute("INSERT INTO _migrations VALUES ('creatures', 'from_the_future', 'x')")
    with pytest.raises(MigrationsTooNew) as caught:
        creatures().apply(conn)
    assert (caught.value.applied, caught.value.known) == (4, 3)


def test_scripts_are_cut_between_statements_not_inside_triggers() -> None:
    script = "CREATE TABLE a (s TEXT DEFAULT ';');\nCREATE TRIGGER t BEFORE DELETE ON a\n" \
             "BEGIN SELECT RAISE(ABORT, 'x'); SELECT 1; END;\n-- done\n"  # fmt: skip
    assert [s.split()[1] for s in sql_statements(script)] == ["TABLE", "TRIGGER"]


def test_current_versions_and_active_doses(tmp_path: Path) -> None:
    conn = connect_sqlite(":memory:")
    conn.execute("CREATE TABLE records (record_id TEXT, version INTEGER, status TEXT, "
                 "screening TEXT)")  # fmt: skip
    conn.executemany("INSERT INTO records VALUES (?, ?, ?, ?)",
                     [("a", 1, "active", "D"), ("a", 2, "voided", "D"), ("b", 1, "active", "D"),
                      ("c", 1, "active", "H")])  # fmt: skip
    rows = conn.execute(f"SELECT record_id, version FROM records r WHERE {current_version('r')} "
                        f"AND {active_dose('r')}").fetchall()  # fmt: skip
    assert rows == [("b", 1)]


def test_moments_are_kept_in_utc_to_the_millisecond() -> None:
    ict = timezone(timedelta(hours=7))
    assert iso(datetime(2026, 11, 24, 0, 30, 0, 123456, tzinfo=ict)) == (
        "2026-11-23T17:30:00.123+00:00"
    )
