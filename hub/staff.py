"""The site's staff at the hub: who they are (a name, unique at the site without regard to
case), what they may do (their role, as at a desk), and their PIN, of which only an Argon2id
hash is kept. Staff are created once at the hub and reach every desk enrolled at their site;
a member is never deleted, only revoked (and may be added again, with a new PIN)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from domain.errors import FieldError
from domain.fields import parse_person_name
from domain.pins import hash_pin
from domain.roles import Role
from domain.text import clean_text


@dataclass(frozen=True)
class StaffMember:
    staff_id: str
    site_id: str
    name: str
    role: Role
    pin_hash: str
    revoked: bool = False
    revision: int = 0  # the site's staff revision when this member last changed


def name_key(name: str) -> str:
    """What makes two names the same person's at a site: case and runs of spaces aside."""
    return clean_text(name).casefold()


def parse_role(text: str) -> Role:
    try:
        return Role(clean_text(text).lower())
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        text = clean_text(text)[:20]
        raise FieldError("role", "staff.role", text=text, choices=choices) from None


def new_member(site_id: str, name: str, role: str, pin: str) -> StaffMember:
    """A member of a site's staff from what was typed: FieldError for the name or role,
    PinRefused for a PIN that breaks the rule. Its PIN is hashed here and forgotten."""
    return StaffMember(
        staff_id=str(uuid.uuid4()),
        site_id=site_id,
        name=parse_person_name("name", name),
        role=parse_role(role),
        pin_hash=hash_pin(pin),
    )
