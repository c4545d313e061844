"""Users, roles, lockout, the audit chain, and what the desk keeps at rest."""

from __future__ import annotations

import sqlite3
import stat
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from domain.record import EntryContext, build_record
from domain.roles import Action, NotAllowed, Role, can, require
from store import Store, open_store
from store.people import LoginError, check_pin
from tests.conftest import AN, FakeClock


def test_roles_table() -> None:
    # A volunteer enters the screening for the session's vaccinator; only a doctor's (or a
    # supervisor's) login changes the outcome a checklist gives.
    assert can(Role.VOLUNTEER, Action.ENTER) and can(Role.VOLUNTEER, Action.SCREEN)
    assert not can(Role.VOLUNTEER, Action.OVERRIDE_SCREENING)
    assert can(Role.VACCINATOR, Action.OVERRIDE_SCREENING)
    assert can(Role.SUPERVISOR, Action.OVERRIDE_SCREENING)
    assert not can(Role.VOLUNTEER, Action.VOID) and not can(Role.VOLUNTEER, Action.EXPORT)
    assert can(Role.VACCINATOR, Action.SCREEN) and not can(Role.VACCINATOR, Action.CORRECT_ANY)
    assert all(can(Role.SUPERVISOR, a) for a in (Action.VOID, Action.EXPORT, Action.MANAGE_USERS))
    assert not can(Role.TECHNICIAN, Action.ENTER) and not can(Role.TECHNICIAN, Action.REVEAL)
    with pytest.raises(NotAllowed, match="a volunteer may not export records"):
        require(Role.VOLUNTEER, Action.EXPORT)


@pytest.mark.parametrize("pin", ["1234", "000000000000", "long passphrase"])
def test_acceptable_pins(pin: str) -> None:
    assert check_pin(pin) == pin


@pytest.mark.parametrize("pin", ["123", "1234567890123", "short", ""])
def test_refused_pins(pin: str) -> None:
    with pytest.raises(ValueError, match="PIN"):
        check_pin(pin)


def test_pins_are_hashed_with_argon2id(store: Store) -> None:
    store.people.add("Lê Thị Hoa", Role.VOLUNTEER, "2468", by="test")
    [digest] = [row[0] for row in store.conn.execute("SELECT pin_hash FROM users")]
    assert digest.startswith("$argon2id$") and "2468" not in digest
    assert store.people.login("LÊ THỊ HOA", "2468").name == "Lê Thị Hoa"


def test_login_and_a_growing_lockout(store: Store, clock: FakeClock) -> None:
    store.people.add("An", Role.VOLUNTEER, "2468", by="test")
    assert store.people.login("an", "2468").name == "An"  # names are not case sensitive
    for _ in range(4):
        with pytest.raises(LoginError, match="wrong name or PIN"):
            store.people.login("An", "0000")
    with pytest.raises(LoginError, match="wrong name or PIN"):
        store.people.login("An", "0000")  # the fifth: locked for 30 s
    with pytest.raises(LoginError, match="locked after 5 wrong PINs: try again in 31 s"):
        store.people.login("An", "2468")  # even the right PIN waits
    clock.advance(seconds=31)
    with pytest.raises(LoginError, match="wrong name or PIN"):
        store.people.login("An", "1111")  # the sixth: locked for 60 s
    with pytest.raises(LoginError, match="try again in 61 s"):
        store.people.login("An", "2468")
    clock.advance(seconds=61)
    assert store.people.login("An", "2468").role is Role.VOLUNTEER
    with pytest.raises(LoginError, match="wrong name or PIN"):
        store.people.login("Nobody", "2468")  # never says which part was wrong


def test_every_act_is_in_the_chain_and_it_verifies(store: Store, live: EntryContext) -> None:
    store.people.add("Giám", Role.SUPERVISOR, "1357", by="Giám")
    store.people.login("Giám", "1357")
    saved = store.save(build_record(AN, live))
    store.void(saved.record_id, "entered twice", "Giám")
    actions = [row["action"] for row in store.people.rows()]
    assert actions == ["user.add", "login", "record.create", "record.void"]
    assert store.people.verify() is None
    text = " ".join(str(v) for row in store.people.rows() for v in row.values())
    assert AN["id_number"] not in text and "Nguyễn" not in text and AN["phone"] not in text


def tamper(store: Store, sql: str) -> None:
    """What someone with the file could do: drop the guard, then edit."""
    store.conn.executescript(f"DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; {sql};")


@pytest.mark.parametrize(
    ("sql", "row", "reason"),
    [
        ("UPDATE audit SET detail = 'nothing' WHERE seq = 2", 2, "content was changed"),
        ("UPDATE audit SET at = replace(at, '2026', '2025') WHERE seq = 3", 3, "content"),
        ("DELETE FROM audit WHERE seq = 2", 2, "missing"),
        ("UPDATE audit SET prev_hash = hash WHERE seq = 3", 3, "link"),
    ],
)
def test_edits_to_the_chain_are_found(store: Store, sql: str, row: int, reason: str) -> None:
    for name in ("A", "B", "C", "D"):
        store.people.add(name, Role.VOLUNTEER, "2468", by="test")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("UPDATE audit SET detail = 'x'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("DELETE FROM audit")
    tamper(store, sql)
    broken = store.people.verify()
    assert broken is not None and broken[0] == row and reason in broken[1]


def test_one_changed_byte_is_found(store: Store) -> None:
    store.people.add("A", Role.VOLUNTEER, "2468", by="test")
    store.people.add("B", Role.VOLUNTEER, "2468", by="test")
    [(detail,)] = store.conn.execute("SELECT detail FROM audit WHERE seq = 1").fetchall()
    changed = chr(ord(detail[0]) ^ 1) + detail[1:]
    tamper(store, f"UPDATE audit SET detail = '{changed}' WHERE seq = 1")
    assert store.people.verify() == (1, "its content was changed")


def test_files_at_rest_are_owner_only(db_path: Path, clock: FakeClock, live: EntryContext) -> None:
    with open_store(db_path, clock) as store:
        store.save(build_record(AN, live))
        for path in (db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        copy = store.backup(db_path.parent / "backups" / "copy.db", by="tech")
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    with open_store(copy) as restored:
        assert [r["full_name"] for r in restored.current_rows()] == ["Nguyễn Văn An"]
        assert restored.people.verify() is None
    with open_store(db_path) as store:
        assert store.people.rows()[-1]["action"] == "backup"


def test_locked_until_survives_a_restart(db_path: Path, clock: FakeClock) -> None:
    with open_store(db_path, clock) as store:
        store.people.add("An", Role.VOLUNTEER, "2468", by="test")
        for _ in range(5):
            with pytest.raises(LoginError):
                store.people.login("An", "0000")
    with open_store(db_path, clock) as store, pytest.raises(LoginError, match="locked"):
        store.people.login("An", "2468")
    later = replace(clock, now=clock.now + timedelta(minutes=1))
    with open_store(db_path, later) as store:
        assert store.people.login("An", "2468").name == "An"


def test_a_broken_chain_is_told_in_the_language_in_use(store: Store) -> None:
    import i18n

    for name in ("A", "B", "C"):
        store.people.add(name, Role.VOLUNTEER, "2468", by="test")
    tamper(store, "DELETE FROM audit WHERE seq = 2")
    i18n.set_language("vi")
    assert store.people.verify() == (2, "thiếu các dòng 2-2")
