"""Who may do what at a desk. One table, read by the desk core and the command line alike."""

from __future__ import annotations

from enum import StrEnum

from domain.errors import DeskError
from i18n import N_, _


class Role(StrEnum):
    VOLUNTEER = "volunteer"  # enters records, screening and adverse events for the vaccinator
    VACCINATOR = "vaccinator"  # also overrides the dose rules and a checklist's outcome
    SUPERVISOR = "supervisor"  # every record of the site, voids, exports, users
    TECHNICIAN = "technician"  # diagnostics and enrolment; no personal data

    @property
    def term(self) -> str:
        """The role's name as a message id (English): a message's parameter."""
        return _ROLE_LABELS[self]

    @property
    def label(self) -> str:
        """The role's name in the language in use (tình nguyện viên, volunteer)."""
        return _(self.term)


_ROLE_LABELS = {
    Role.VOLUNTEER: N_("volunteer"),
    Role.VACCINATOR: N_("vaccinator"),
    Role.SUPERVISOR: N_("supervisor"),
    Role.TECHNICIAN: N_("technician"),
}


class Action(StrEnum):
    """What a role may do; each value is its English message id."""

    ENTER = N_("enter records")
    SCREEN = N_("record screening results and adverse events")
    CORRECT_OWN = N_("correct own records of the day")
    CORRECT_ANY = N_("correct any record")
    VOID = N_("void records")
    EXPORT = N_("export records")
    MANAGE_USERS = N_("manage users")
    REVEAL = N_("reveal full ID numbers")
    OVERRIDE_DOSE = N_("override the dose rules")
    OVERRIDE_SCREENING = N_("change the outcome of the screening checklist")
    DIAGNOSE = N_("run diagnostics")

    @property
    def label(self) -> str:
        return _(self.value)


# The volunteer at the doctor's table enters the screening (the checklist's answers, or the
# outcome the doctor states) and adverse events on behalf of the session's vaccinator; the
# record keeps both names. Changing the outcome a checklist gives is the doctor's own login's.
ALLOWED: dict[Role, frozenset[Action]] = {
    Role.VOLUNTEER: frozenset({Action.ENTER, Action.SCREEN, Action.CORRECT_OWN, Action.REVEAL}),
    Role.VACCINATOR: frozenset(
        {Action.ENTER, Action.SCREEN, Action.CORRECT_OWN, Action.REVEAL, Action.OVERRIDE_DOSE,
         Action.OVERRIDE_SCREENING}
    ),
    Role.SUPERVISOR: frozenset(Action) - {Action.DIAGNOSE},
    Role.TECHNICIAN: frozenset({Action.DIAGNOSE}),
}


def can(role: Role, action: Action) -> bool:
    return action in ALLOWED[role]


class NotAllowed(DeskError, PermissionError):
    def __init__(self, role: Role, action: Action) -> None:
        super().__init__("role.not_allowed", role=role.term, action=action.value)
        self.role = role
        self.action = action


def require(role: Role, action: Action) -> None:
    if not can(role, action):
        raise NotAllowed(role, action)
