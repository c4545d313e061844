"""The site's staff as the hub last sent them (store/schema.py, `0011_staff_sync`): kept among
the desk's users, so that a member logs in here with no link to the hub. The hub's list wins:
a desk's own user of the same name becomes the hub's member (its PIN the hub's); a member
revoked at the hub, or no longer on the list, is inactive and marked revoked. Failures and
lockouts stay the desk's own."""

from __future__ import annotations

from dataclasses import dataclass

from domain.wire_staff import Roster
from store.base import StoreBase


@dataclass(frozen=True)
class RosterChange:
    added: int = 0
    changed: int = 0
    revoked: int = 0

    @property
    def any(self) -> bool:
        return bool(self.added or self.changed or self.revoked)


def held_roster(store: StoreBase) -> tuple[str, int]:
    """The site and revision of the roster this desk holds ('', 0: none yet)."""
    row = store.conn.execute("SELECT site_id, revision FROM staff_sync").fetchone()
    return (str(row[0]), int(row[1])) if row else ("", 0)


def keep_roster(store: StoreBase, roster: Roster) -> RosterChange:
    """Bring the desk's users to the hub's roster, in one transaction (audited: counts only)."""
    added = changed = revoked = 0
    with store._write() as conn:
        rows = conn.execute(
            "SELECT user_id, name, role, pin_hash, active, hub_staff_id FROM users"
        ).fetchall()
        by_id = {row[5]: row for row in rows if row[5]}
        by_name = {row[1].casefold(): row for row in rows}
        listed = set()
        for member in roster.members:
            listed.add(member.staff_id)
            row = by_id.get(member.staff_id) or (
                None if member.revoked else by_name.get(member.name.casefold())
            )
            if member.revoked:
                if row is not None and row[4]:
                    conn.execute("UPDATE users SET active = 0, revoked = 1 WHERE user_id = ?",
                                 [row[0]])  # fmt: skip
                    revoked += 1
                continue
            wanted = (member.name, member.role.value, member.pin_hash, 1, member.staff_id)
            if row is None:
                conn.execute(
                    "INSERT INTO users (name, role, pin_hash, created_at, hub_staff_id) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [member.name, member.role.value, member.pin_hash, store._now(),
                     member.staff_id],
                )  # fmt: skip
                added += 1
            elif tuple(row[1:]) != wanted:
                conn.execute(
                    "UPDATE users SET name = ?, role = ?, pin_hash = ?, active = 1, revoked = 0, "
                    "hub_staff_id = ? WHERE user_id = ?",
                    [member.name, member.role.value, member.pin_hash, member.staff_id, row[0]],
                )  # fmt: skip
                changed += 1
        for staff_id, row in by_id.items():
            if staff_id not in listed and row[4]:  # another site's, or gone from the list
                conn.execute("UPDATE users SET active = 0, revoked = 1 WHERE user_id = ?",
                             [row[0]])  # fmt: skip
                revoked += 1
        conn.execute("DELETE FROM staff_sync")
        conn.execute("INSERT INTO staff_sync (site_id, revision, synced_at) VALUES (?, ?, ?)",
                     [roster.site_id, roster.revision, store._now()])  # fmt: skip
        change = RosterChange(added, changed, revoked)
        store.people.audit_in_tx("-", "staff.sync", f"site {roster.site_id} revision "
                                 f"{roster.revision}: +{added} ~{changed} -{revoked}")  # fmt: skip
    return change


def revoked_user(store: StoreBase, name: str) -> bool:
    """Whether this name is only that of a user the hub revoked (for the login's words)."""
    wanted = name.casefold()
    rows = store.conn.execute("SELECT name, active, revoked FROM users").fetchall()
    matching = [(active, was_revoked) for known, active, was_revoked in rows
                if known.casefold() == wanted]  # fmt: skip
    return bool(matching) and all(not active and was_revoked for active, was_revoked in matching)


def is_active(store: StoreBase, user_id: int) -> bool:
    row = store.conn.execute("SELECT active FROM users WHERE user_id = ?", [user_id]).fetchone()
    return bool(row and row[0])
