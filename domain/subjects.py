"""A subject (đối tượng) of a site's day: a person on the day's list, or a walk-in, and the
state they are in through the day.

    on_list -> arrived -> eligible | deferred | contraindicated | referred -> vaccinated
            -> observed -> left;   on_list -> absent (-> arrived, if they come late)

A doctor may change a screening outcome (eligible <-> deferred, ...) until the dose is given;
someone screened but not vaccinated, or arrived and gone before screening, may leave; `left`
is the end of the day for that person. Anything else is refused (`subject.transition`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.errors import DeskError
from domain.identity import Identity, IdType
from i18n import N_, _


class SubjectState(StrEnum):
    ON_LIST = "on_list"
    ARRIVED = "arrived"
    ELIGIBLE = "eligible"
    DEFERRED = "deferred"
    CONTRAINDICATED = "contraindicated"
    REFERRED = "referred"
    VACCINATED = "vaccinated"
    OBSERVED = "observed"
    LEFT = "left"
    ABSENT = "absent"

    @property
    def term(self) -> str:
        """The state's name as a message id (English): a message's parameter."""
        return _STATE_TERMS[self]

    @property
    def label(self) -> str:
        return _(self.term)

    @property
    def screened(self) -> bool:
        return self in SCREENED


_STATE_TERMS = {
    SubjectState.ON_LIST: N_("on the list"),
    SubjectState.ARRIVED: N_("arrived"),
    SubjectState.ELIGIBLE: N_("eligible"),
    SubjectState.DEFERRED: N_("deferred"),
    SubjectState.CONTRAINDICATED: N_("contraindicated"),
    SubjectState.REFERRED: N_("referred to hospital"),
    SubjectState.VACCINATED: N_("vaccinated"),
    SubjectState.OBSERVED: N_("observed"),
    SubjectState.LEFT: N_("left"),
    SubjectState.ABSENT: N_("absent"),
}

S = SubjectState
SCREENED = frozenset({S.ELIGIBLE, S.DEFERRED, S.CONTRAINDICATED, S.REFERRED})
TRANSITIONS: dict[SubjectState, frozenset[SubjectState]] = {
    S.ON_LIST: frozenset({S.ARRIVED, S.ABSENT}),
    S.ABSENT: frozenset({S.ARRIVED}),
    S.ARRIVED: SCREENED | {S.LEFT},
    S.ELIGIBLE: (SCREENED - {S.ELIGIBLE}) | {S.VACCINATED, S.LEFT},
    S.DEFERRED: (SCREENED - {S.DEFERRED}) | {S.LEFT},
    S.CONTRAINDICATED: (SCREENED - {S.CONTRAINDICATED}) | {S.LEFT},
    S.REFERRED: (SCREENED - {S.REFERRED}) | {S.LEFT},
    S.VACCINATED: frozenset({S.OBSERVED, S.LEFT}),
    S.OBSERVED: frozenset({S.LEFT}),
    S.LEFT: frozenset(),
}
# Who has not had the dose yet, for the follow-up list
NOT_VACCINATED = frozenset(SubjectState) - {S.VACCINATED, S.OBSERVED}


class TransitionRefused(DeskError):
    """A state change the day does not allow (code `subject.transition`)."""


def allowed(current: SubjectState, wanted: SubjectState) -> bool:
    return wanted in TRANSITIONS[current]


def check_transition(current: SubjectState, wanted: SubjectState) -> bool:
    """True when the state changes, False when it is the state already (a second scan of
    someone arrived: nothing to do); TransitionRefused for a change the day does not allow."""
    if current is wanted:
        return False
    if not allowed(current, wanted):
        raise TransitionRefused("subject.transition", what=current.term, expected=wanted.term)
    return True


@dataclass(frozen=True)
class PriorDose:
    """A dose a list says the person had (Mũi 1, Mũi 2): kept as the list gives it."""

    number: int
    given_on: str = ""  # ISO date, or '' when the list leaves it blank
    lot: str = ""
    place: str = ""  # the facility's code or name (mã cơ sở KCB)


@dataclass(frozen=True)
class ListEntry:
    """One row of a subject list, validated: the person and what the list says of them."""

    person: Identity
    priority_group: str = ""
    workplace: str = ""
    insurance_number: str = ""
    province: str = ""  # names and codes as the list gives them, pre-2025 ones included
    province_code: str = ""
    district: str = ""
    district_code: str = ""
    ward: str = ""
    ward_code: str = ""
    vaccine: str = ""
    doses: tuple[PriorDose, ...] = ()
    note: str = ""

    @property
    def has_id(self) -> bool:
        return self.person.id_type is not IdType.NONE


@dataclass(frozen=True)
class Subject:
    """A subject as the store keeps it: the list's entry, where it came from, its state."""

    subject_id: int
    site_id: str
    day: date
    entry: ListEntry
    state: SubjectState
    state_at: str
    walk_in: bool = False
    list_hash: str = ""
    vaccinated_at: str = ""

    @property
    def person(self) -> Identity:
        return self.entry.person
