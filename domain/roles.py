"""Who may do what at a desk. One table, read by the desk core and the command line alike."""

from __future__ import annotations

from enum import StrEnum

from domain.errors import DeskError


class Role(StrEnum):
    VOLUNTEER = "volunteer"  # enters records; corrects their own records of the day
    VACCINATOR = "vaccinator"  # also screening results and adverse events
    SUPERVISOR = "supervisor"  # every record of the site, voids, exports, users
    TECHNICIAN = "technician"  # diagnostics and enrolment; no personal data


class Action(StrEnum):
    ENTER = "enter records"
    SCREEN = "record screening results and adverse events"
    CORRECT_OWN = "correct own records of the day"
    CORRECT_ANY = "correct any record"
    VOID = "void records"
    EXPORT = "export records"
    MANAGE_USERS = "manage users"
    REVEAL = "reveal full ID numbers"
    OVERRIDE_DOSE = "override the dose rules"
    DIAGNOSE = "run diagnostics"


ALLOWED: dict[Role, frozenset[Action]] = {
    Role.VOLUNTEER: frozenset({Action.ENTER, Action.CORRECT_OWN, Action.REVEAL}),
    Role.VACCINATOR: frozenset(
        {Action.ENTER, Action.SCREEN, Action.CORRECT_OWN, Action.REVEAL, Action.OVERRIDE_DOSE}
    ),
    Role.SUPERVISOR: frozenset(Action) - {Action.DIAGNOSE},
    Role.TECHNICIAN: frozenset({Action.DIAGNOSE}),
}


def can(role: Role, action: Action) -> bool:
    return action in ALLOWED[role]


class NotAllowed(DeskError, PermissionError):
    def __init__(self, role: Role, action: Action) -> None:
        super().__init__("role.not_allowed", role=role.value, action=action.value)
        self.role = role
        self.action = action


def require(role: Role, action: Action) -> None:
    if not can(role, action):
        raise NotAllowed(role, action)
