"""PINs: the rule a PIN follows, how it is hashed (Argon2id, the same at the hub and at every
desk), and what a hash that travels from the hub to a desk must look like. A PIN itself never
travels and is never stored; a desk checks a hash it receives before keeping it, so that a
hash that asks for a gigabyte of memory per login is refused rather than obeyed."""

from __future__ import annotations

import re
from typing import Any

from domain.errors import DeskError, FieldError

# OWASP's Argon2id setting m=19 MiB, t=2, p=1: ~40 ms a check on a 2-core machine.
TIME_COST = 2
MEMORY_COST_KIB = 19456
PARALLELISM = 1
# A hash received is accepted up to these costs (a desk has 4 GB and 2 cores).
MAX_MEMORY_KIB = 65536
MAX_TIME_COST = 4
MAX_PARALLELISM = 2
_HASH = re.compile(
    r"\$argon2id\$v=19\$m=(\d{1,6}),t=(\d{1,2}),p=(\d{1,2})\$[A-Za-z0-9+/]{11,64}\$[A-Za-z0-9+/]{16,128}"
)


class PinRefused(DeskError, ValueError):
    """A PIN that breaks the rule, or a user's name taken already."""


def check_pin(pin: str) -> str:
    """A PIN is 4 to 12 digits, or a password of 8 characters or more."""
    pin = pin.strip()
    if pin.isdigit() and 4 <= len(pin) <= 12:
        return pin
    if len(pin) >= 8 and not pin.isdigit():
        return pin
    raise PinRefused("pin.rule")


def hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher(
        time_cost=TIME_COST, memory_cost=MEMORY_COST_KIB, parallelism=PARALLELISM
    )


def hash_pin(pin: str) -> str:
    """The hash kept of a PIN that follows the rule (PinRefused otherwise)."""
    return str(hasher().hash(check_pin(pin)))


def checked_pin_hash(text: object) -> str:
    """An Argon2id hash as the hub sends it, within the costs a desk can afford; FieldError
    `staff.pin_hash` otherwise (the hash is never part of the message)."""
    match = _HASH.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise FieldError("pin_hash", "staff.pin_hash")
    memory, time, lanes = (int(group) for group in match.groups())
    affordable = memory <= MAX_MEMORY_KIB and time <= MAX_TIME_COST and lanes <= MAX_PARALLELISM
    if not affordable or not time or not lanes:
        raise FieldError("pin_hash", "staff.pin_hash")
    return str(text)
