"""Who is at the desk: the first supervisor, logins, unlocking, and when a desk locks itself
or ends a session."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from desk.core import Desk
from domain.errors import DeskError
from domain.names import resolve_name as resolve_name  # the rule, where the login's callers find it
from domain.roles import Action, NotAllowed, Role, can
from store import Store
from store.people import LoginError, User


def first_run(store: Store) -> bool:
    """A desk with no users yet: its first screen creates the site's first supervisor."""
    return store.people.count() == 0


def check_first_user(store: Store, role: Role) -> None:
    """The first user of a desk must be a supervisor: there is no default password."""
    if first_run(store) and role is not Role.SUPERVISOR:
        raise DeskError("user.first_is_supervisor")


def add_user(store: Store, name: str, role: Role, pin: str, *, by: User | None) -> User:
    """Add a user: the first must be a supervisor; after that, only a supervisor adds users."""
    check_first_user(store, role)
    if first_run(store):
        return store.people.add(name, role, pin, by=name)
    if by is None or not can(by.role, Action.MANAGE_USERS):
        raise NotAllowed(by.role if by else Role.VOLUNTEER, Action.MANAGE_USERS)
    return store.people.add(name, role, pin, by=by.name)


def create_first_supervisor(desk: Desk, name: str, pin: str, pin_again: str) -> User:
    """The first start of a desk: the supervisor types a name and a PIN twice, is logged in."""
    if pin != pin_again:
        raise DeskError("pin.mismatch")
    add_user(desk.store, name, Role.SUPERVISOR, pin, by=None)
    return log_in(desk, name, pin)


class AmbiguousName(LoginError):
    """The name typed folds to several users' names: the person picks one of `names` (real
    names, sorted) and logs in with it. Its words are a failed login's: it names nobody."""

    def __init__(self, names: Iterable[str]) -> None:
        super().__init__("login.wrong")
        self.names = tuple(names)


def users_named(store: Store, typed: str) -> tuple[str, ...]:
    """`resolve_name` over the desk's active users: what the login screen offers to pick."""
    return resolve_name(typed, (user.name for user in store.people.users()))


def log_in(desk: Desk, name: str, pin: str) -> User:
    """The user, or LoginError (it never says whether the name or the PIN was wrong). The name
    may be typed without diacritics when only one user's name matches it (`resolve_name`);
    when several do, AmbiguousName, with their names to pick from, and no PIN is tried."""
    matches = users_named(desk.store, name)
    if len(matches) > 1:
        raise AmbiguousName(matches)
    # An unknown name goes to the store as typed: it fails there, audited, like a wrong PIN.
    user = desk.store.people.login(matches[0] if matches else name, pin)
    desk.user = user
    desk.session = None
    return user


def unlock(desk: Desk, pin: str) -> bool:
    """The same user's PIN unlocks a locked desk (same lockout rules as a login)."""
    if desk.user is None or not desk.store.people.verify_pin(desk.user, pin):
        return False
    desk.audit("unlock")
    return True


def lock(desk: Desk) -> None:
    desk.audit("lock")


def log_out(desk: Desk) -> None:
    if desk.user is not None:
        desk.audit("logout")
    desk.user = None
    desk.session = None


def sees_records(user: User) -> bool:
    """A technician runs diagnostics on the command line and sees no records at the desk."""
    return user.role is not Role.TECHNICIAN


class Due(StrEnum):
    LOCK = "lock"
    LOG_OUT = "log out"


@dataclass(frozen=True)
class Attendance:
    """A desk left alone locks after `idle_lock_seconds`; a session ends after its hours,
    whoever is at the desk. Times are monotonic seconds."""

    idle_lock_seconds: float = 300
    session_hours: float = 12

    def due(self, *, now: float, logged_in_at: float, last_key_at: float) -> Due | None:
        if now - logged_in_at > self.session_hours * 3600:
            return Due.LOG_OUT
        if now - last_key_at > self.idle_lock_seconds:
            return Due.LOCK
        return None
