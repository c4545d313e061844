"""What desk and hub agree on about the site's staff: the heartbeat says which staff list the
desk holds (its site and revision); when the hub's is another, the reply carries the site's
whole list. A member revoked travels without a PIN hash: the desk only needs to know who no
longer logs in. Only PIN hashes ever travel, and only to desks enrolled at the members' site.

Both sides import this; the desk checks every roster it receives before keeping any of it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from domain.errors import FieldError
from domain.fields import parse_code, parse_person_name
from domain.pins import checked_pin_hash
from domain.roles import Role
from domain.text import clean_text

# Heartbeat fields (the desk's): the roster it holds.
STAFF_SITE = "staff_site"
STAFF_REVISION = "staff_revision"
# The reply's key (the hub's): the site's roster, when the desk's is not the current one.
STAFF = "staff"
MAX_STAFF = 2000  # members of one site's list, revoked ones included


@dataclass(frozen=True)
class RosterMember:
    staff_id: str
    name: str
    role: Role
    pin_hash: str  # '' for a revoked member
    revoked: bool


@dataclass(frozen=True)
class Roster:
    site_id: str
    revision: int
    members: tuple[RosterMember, ...]


def roster_to_wire(site_id: str, revision: int, members: Iterable[RosterMember]) -> dict[str, Any]:
    return {"site_id": site_id, "revision": revision, "members": [
        {"staff_id": m.staff_id, "name": m.name, "role": m.role.value,
         "pin_hash": "" if m.revoked else m.pin_hash, "revoked": m.revoked}
        for m in members
    ]}  # fmt: skip


def held_roster(beat: Mapping[str, Any]) -> tuple[str, int]:
    """The roster a heartbeat says the desk holds: its site and revision ('', 0: none)."""
    site = beat.get(STAFF_SITE)
    revision = beat.get(STAFF_REVISION)
    return (site if isinstance(site, str) else "",
            revision if type(revision) is int and revision >= 0 else 0)  # fmt: skip


def _member(entry: Any) -> RosterMember:
    if not isinstance(entry, dict):
        raise FieldError("staff", "wire.not_an_object")
    staff_id = entry.get("staff_id")
    if not isinstance(staff_id, str) or not 1 <= len(staff_id) <= 64:
        raise FieldError("staff_id", "wire.not_text")
    if clean_text(staff_id) != staff_id:
        raise FieldError("staff_id", "wire.characters")
    name = entry.get("name")
    role = entry.get("role")
    revoked = entry.get("revoked")
    if not isinstance(name, str) or not isinstance(role, str) or not isinstance(revoked, bool):
        raise FieldError("staff", "wire.not_text")
    try:
        kind = Role(role)
    except ValueError:
        raise FieldError("role", "staff.role", text=role[:20],
                         choices=", ".join(r.value for r in Role)) from None  # fmt: skip
    digest = "" if revoked else checked_pin_hash(entry.get("pin_hash"))
    return RosterMember(staff_id, parse_person_name("name", name), kind, digest, revoked)


def checked_roster(payload: Any) -> Roster:
    """The roster as the hub's reply gives it, every member checked (FieldError naming the
    first that is not right: nothing of a bad roster is kept)."""
    if not isinstance(payload, dict):
        raise FieldError("staff", "wire.not_an_object")
    site = payload.get("site_id")
    revision = payload.get("revision")
    members = payload.get("members")
    if not isinstance(site, str):
        raise FieldError("site_id", "wire.not_text")
    if type(revision) is not int or revision < 0:
        raise FieldError("revision", "wire.not_a_count")
    if not isinstance(members, list):
        raise FieldError("members", "staff.not_a_list")
    if len(members) > MAX_STAFF:
        raise FieldError("members", "staff.too_many", limit=MAX_STAFF)
    checked = tuple(_member(entry) for entry in members)
    names = [m.name.casefold() for m in checked if not m.revoked]
    ids = [m.staff_id for m in checked]
    if len(set(names)) != len(names) or len(set(ids)) != len(ids):
        raise FieldError("members", "staff.twice")
    return Roster(parse_code("site_id", site).upper(), revision, checked)
