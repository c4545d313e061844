"""The desk's users (PINs hashed with Argon2id, lockout after failures) and its audit trail,
an append-only table in which every row is chained to the one before by SHA-256."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from domain.errors import DeskError
from domain.pins import PinRefused, hash_pin
from domain.pins import check_pin as check_pin  # the rule, where the desk's callers find it
from domain.pins import hasher as _hasher
from domain.roles import Role
from domain.text import clean_text
from i18n import _

if TYPE_CHECKING:
    from store.base import StoreBase as Store

MAX_FAILURES = 5
FIRST_LOCKOUT_SECONDS = 30
GENESIS = "0" * 64


class LoginError(DeskError):
    """Wrong name or PIN, or locked out: it says which, never which one was wrong."""


@dataclass(frozen=True)
class User:
    user_id: int
    name: str
    role: Role


def chain_hash(prev: str, at: str, user: str, action: str, detail: str) -> str:
    return hashlib.sha256("|".join((prev, at, user, action, detail)).encode("utf-8")).hexdigest()


class People:
    """Users and audit, on the store's connection and transactions."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- users -------------------------------------------------------------------------

    def count(self) -> int:
        """Users this desk has ever had, revoked ones too: a desk whose users were all revoked
        at the hub is not a new desk (its first-supervisor path stays closed)."""
        return int(self.store.conn.execute("SELECT COUNT(*) FROM users").fetchone()[0])

    def users(self) -> list[User]:
        rows = self.store.conn.execute(
            "SELECT user_id, name, role FROM users WHERE active = 1 ORDER BY name"
        )
        return [User(uid, name, Role(role)) for uid, name, role in rows]

    def add(self, name: str, role: Role, pin: str, by: str) -> User:
        from domain.identity import normalize_name

        name = normalize_name(name)
        digest = hash_pin(pin)
        with self.store._write():
            names = self.store.conn.execute("SELECT name FROM users")
            if any(existing.casefold() == name.casefold() for (existing,) in names):
                raise PinRefused("user.exists", name=name)
            cursor = self.store.conn.execute(
                "INSERT INTO users (name, role, pin_hash, created_at) VALUES (?, ?, ?, ?)",
                [name, role.value, digest, self.store._now()],
            )
            self.audit_in_tx(by, "user.add", f"{name} as {role.value}")
        return User(int(cursor.lastrowid or 0), name, role)

    def login(self, name: str, pin: str, now: datetime | None = None) -> User:
        """The user, or LoginError. Five failures lock the name out, longer each time."""
        from argon2.exceptions import VerificationError

        now = now or self.store.clock()
        wanted = clean_text(name).casefold()  # SQLite's NOCASE folds ASCII only, not 'Ê'
        row = next(
            (
                row
                for row in self.store.conn.execute(
                    "SELECT user_id, name, role, pin_hash, failures, locked_until FROM users "
                    "WHERE active = 1"
                )
                if row[1].casefold() == wanted
            ),
            None,
        )
        if row is None:
            from store.staff import revoked_user

            revoked = revoked_user(self.store, clean_text(name))  # by the hub: said plainly
            self.audit("-", "login.failed", "revoked at the hub" if revoked else "unknown name")
            raise LoginError("login.revoked" if revoked else "login.wrong")
        user_id, real_name, role, digest, failures, locked_until = row
        if locked_until and datetime.fromisoformat(locked_until) > now:
            wait = int((datetime.fromisoformat(locked_until) - now).total_seconds()) + 1
            raise LoginError("login.locked", failures=failures, wait=wait)
        try:
            _hasher().verify(digest, pin)
        except VerificationError:
            failures += 1
            locked = ""
            if failures >= MAX_FAILURES:
                delay = FIRST_LOCKOUT_SECONDS * 2 ** (failures - MAX_FAILURES)
                locked = (now + timedelta(seconds=delay)).isoformat()
            with self.store._write():
                self.store.conn.execute(
                    "UPDATE users SET failures = ?, locked_until = ? WHERE user_id = ?",
                    [failures, locked, user_id],
                )
                self.audit_in_tx(real_name, "login.failed", f"failure {failures}")
            raise LoginError("login.wrong") from None
        with self.store._write():
            self.store.conn.execute(
                "UPDATE users SET failures = 0, locked_until = '' WHERE user_id = ?", [user_id]
            )
            self.audit_in_tx(real_name, "login", role)
        return User(user_id, real_name, Role(role))

    def verify_pin(self, user: User, pin: str) -> bool:
        """Unlocking the screen: the same rules as a login, for the same user only."""
        try:
            return self.login(user.name, pin).user_id == user.user_id
        except LoginError:
            return False

    # -- audit -------------------------------------------------------------------------

    def audit(self, user: str, action: str, detail: str = "") -> None:
        with self.store._write():
            self.audit_in_tx(user, action, detail)

    def audit_in_tx(self, user: str, action: str, detail: str = "") -> None:
        """Append one row inside the caller's transaction. Never personal data in `detail`."""
        conn = self.store.conn
        last = conn.execute("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        prev = last[0] if last else GENESIS
        at = self.store._now()
        conn.execute(
            "INSERT INTO audit (at, user_name, action, detail, prev_hash, hash) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [at, user, action, detail, prev, chain_hash(prev, at, user, action, detail)],
        )

    def head(self) -> tuple[int, str]:
        row = self.store.conn.execute(
            "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        return (int(row[0]), str(row[1])) if row else (0, GENESIS)

    def verify(self) -> tuple[int, str] | None:
        """None when the chain holds; else the first broken row's number and what is wrong
        (words for the person running `vaxdesk audit verify`, in the language in use)."""
        prev, expected_seq = GENESIS, None
        for seq, at, user, action, detail, prev_hash, digest in self.store.conn.execute(
            "SELECT seq, at, user_name, action, detail, prev_hash, hash FROM audit ORDER BY seq"
        ):
            if expected_seq is not None and seq != expected_seq:
                missing = _("rows {first}-{last} are missing")
                return expected_seq, missing.format(first=expected_seq, last=seq - 1)
            if prev_hash != prev:
                return seq, _("its link to the row before is broken")
            if chain_hash(prev_hash, at, user, action, detail) != digest:
                return seq, _("its content was changed")
            prev, expected_seq = digest, seq + 1
        return None

    def rows(self) -> list[dict[str, Any]]:
        return list(self.store.db.query("SELECT * FROM audit ORDER BY seq"))
