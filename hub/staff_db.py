"""The site's staff at the hub: members added (again, once revoked) and revoked, every change
under a new revision; and the roster a desk's heartbeat reply carries, only for the desk's own
site and only when the desk holds another revision."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from dbkit import Cursor, iso
from domain.errors import DeskError
from domain.names import resolve_name
from domain.roles import Role
from domain.text import fold
from domain.wire_staff import STAFF, RosterMember, held_roster, roster_to_wire
from hub.staff import StaffMember, name_key
from hub.storage import Storage

_COLUMNS = "staff_id, site_id, name, role, pin_hash, revoked, revision"


class StaffRefused(DeskError):
    """A member the staff list will not take, or cannot find, as given."""


def _member(row: Sequence[Any]) -> StaffMember:
    return StaffMember(str(row[0]), str(row[1]), str(row[2]), Role(row[3]), str(row[4]),
                       bool(row[5]), int(row[6]))  # fmt: skip


class StaffRows(Storage):
    def add_member(self, member: StaffMember, now: datetime) -> StaffMember:
        """Add a member to their site's staff; one revoked under the same name comes back
        (with this role and PIN). StaffRefused when an active member has the name."""
        key = name_key(member.name)
        with self._tx() as cur:
            cur.execute(f"SELECT {_COLUMNS} FROM staff WHERE site_id = ? AND name_key = ?",
                        (member.site_id, key))  # fmt: skip
            row = cur.fetchone()
            if row is not None and not row[5]:
                raise StaffRefused("staff.exists", name=row[2], site=member.site_id)
            revision = self._next_revision(cur)
            if row is None:
                cur.execute(
                    f"INSERT INTO staff ({_COLUMNS}, name_key, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?)",
                    (member.staff_id, member.site_id, member.name, member.role.value,
                     member.pin_hash, revision, key, iso(now), iso(now)),
                )  # fmt: skip
                staff_id = member.staff_id
            else:
                staff_id = str(row[0])
                cur.execute(
                    "UPDATE staff SET name = ?, role = ?, pin_hash = ?, revoked = 0, revision = ?, "
                    "updated_at = ? WHERE staff_id = ?",
                    (member.name, member.role.value, member.pin_hash, revision, iso(now),
                     staff_id),
                )  # fmt: skip
        return StaffMember(staff_id, member.site_id, member.name, member.role, member.pin_hash,
                           False, revision)  # fmt: skip

    def revoke_member(self, site_id: str, typed: str, now: datetime) -> StaffMember:
        """Revoke the active member a typed name means (without diacritics too): every desk
        of the site locks them out at its next heartbeat. StaffRefused: nobody, or several."""
        with self._tx() as cur:
            active = self._members(cur, site_id, revoked=False)
            names = resolve_name(typed, (m.name for m in active))
            if not names:
                raise StaffRefused("staff.unknown", name=typed[:80], site=site_id)
            if len(names) > 1:
                raise StaffRefused("staff.ambiguous", name=typed[:80], names=", ".join(names))
            member = next(m for m in active if m.name == names[0])
            revision = self._next_revision(cur)
            cur.execute("UPDATE staff SET revoked = 1, revision = ?, updated_at = ? "
                        "WHERE staff_id = ?", (revision, iso(now), member.staff_id))  # fmt: skip
        return StaffMember(member.staff_id, site_id, member.name, member.role, member.pin_hash,
                           True, revision)  # fmt: skip

    def members(self, site_id: str) -> list[StaffMember]:
        """The site's staff, revoked members too, by name (as without diacritics)."""
        with self._tx() as cur:
            return self._members(cur, site_id)

    def staff_revision(self, site_id: str) -> int:
        """The revision of the site's staff list: 0 while it has none."""
        with self._tx() as cur:
            row = cur.execute("SELECT MAX(revision) FROM staff WHERE site_id = ?",
                              (site_id,)).fetchone()  # fmt: skip
        return int(row[0] or 0) if row else 0

    def staff_reply(self, site_id: str, beat: dict[str, Any]) -> dict[str, Any]:
        """What a heartbeat reply says of the staff of the desk's site: nothing while the desk
        holds the current list (or the site has none), else the whole list."""
        with self._tx() as cur:
            members = self._members(cur, site_id)
        revision = max((m.revision for m in members), default=0)
        if held_roster(beat) == (site_id, revision) or (not members and not held_roster(beat)[0]):
            return {}
        roster = [RosterMember(m.staff_id, m.name, m.role, m.pin_hash, m.revoked) for m in members]
        return {STAFF: roster_to_wire(site_id, revision, roster)}

    @staticmethod
    def _members(cur: Cursor, site_id: str, revoked: bool | None = None) -> list[StaffMember]:
        where = "" if revoked is None else f" AND revoked = {int(revoked)}"
        cur.execute(f"SELECT {_COLUMNS} FROM staff WHERE site_id = ?{where}", (site_id,))
        return sorted((_member(row) for row in cur.fetchall()), key=lambda m: fold(m.name))

    @staticmethod
    def _next_revision(cur: Cursor) -> int:
        """One counter for every site's changes: a revision only grows, whatever the site."""
        row = cur.execute("SELECT MAX(revision) FROM staff").fetchone()
        return int(row[0] or 0) + 1
