"""The screening checklist at the entry desk: the one that applies, answers taken from the
screen, and who may change the outcome they give. The rules are `domain.screening`'s; this
adds the desk's: the checklist is for the dose's vaccine, and only a vaccinator's (or a
supervisor's) login changes a derived outcome, with a reason. A volunteer enters the answers,
or the outcome the doctor states, on behalf of the session's vaccinator."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from desk.core import Desk
from desk.results import Refused
from domain.errors import DeskError, FieldError
from domain.fields import Screening
from domain.record import Record
from domain.roles import Action
from domain.screening import Answer, Checklist, Derived, checklist_for, checklist_version
from domain.screening_answers import Answers, parse_override, read_answers
from domain.tables import vaccine_table


@dataclass(frozen=True)
class Screened:
    """A checklist answered for the citizen on the form, and the outcome recorded."""

    checklist: Checklist
    answers: Answers
    screening: Screening  # the checklist's, or the one a doctor changed it to

    @property
    def derived(self) -> Derived:
        return self.answers.derived(self.checklist)

    @property
    def overridden(self) -> bool:
        return self.screening is not self.derived.screening

    def form(self) -> dict[str, str]:
        """The form's hidden fields that carry the checklist into the record."""
        return {
            "checklist_version": self.checklist.version,
            "screening_answers": self.answers.to_json(),
        }


def dose_vaccine(form: Mapping[str, str], session_vaccine: str, *, typed: bool) -> str:
    """The vaccine of the dose on the form: typed (retrospective, corrections) or the
    session's."""
    known = vaccine_table().resolve(form.get("vaccine", "")) if typed else None
    return known.code if known is not None else session_vaccine


def with_checklist(form: Mapping[str, str], screened: Screened | None) -> Mapping[str, str]:
    """The form with the checklist's hidden fields, for `build_record`."""
    return {**form, **screened.form()} if screened is not None else form


def take(
    desk: Desk,
    vaccine: str,
    items: Mapping[str, Answer],
    vitals: Mapping[str, float],
    screening: Screening | None = None,
    reason: str = "",
) -> Screened | Refused:
    """The checklist answered at the desk for a dose of `vaccine` (see `answered`), or why
    not: an item unanswered, a reading or a reason at fault, a login that may not change it."""
    try:
        return answered(desk, checklist_of(vaccine), vaccine, items, vitals, screening, reason)
    except FieldError as error:
        return Refused({error.field: error})
    except DeskError as error:
        return Refused(problem=error)


def checklist_of(vaccine: str) -> Checklist:
    """The checklist for a dose of this vaccine; DeskError when there is none."""
    checklist = checklist_for(vaccine)
    if checklist is None:
        raise DeskError("screening.no_checklist", vaccine=vaccine or "-")
    return checklist


def answered(
    desk: Desk,
    checklist: Checklist,
    vaccine: str,
    items: Mapping[str, Answer],
    vitals: Mapping[str, float],
    screening: Screening | None = None,
    reason: str = "",
) -> Screened:
    """The checklist's answers as the desk keeps them. `screening`: another outcome than the
    derived one, which needs the login of one who may change it and a reason (NotAllowed,
    FieldError at `override_reason`). Unanswered items: FieldError at `screening`."""
    answers = Answers(dict(items), dict(vitals), vaccine)
    # Checked as they will be stored: every item, the readings' ranges.
    answers = read_answers(checklist, answers.to_json())
    derived = answers.derived(checklist)
    if screening is None or screening is derived.screening:
        return Screened(checklist, answers, derived.screening)
    desk.require(Action.OVERRIDE_SCREENING)
    answers = Answers(answers.items, answers.vitals, vaccine, parse_override(reason))
    return Screened(checklist, answers, screening)


def from_record(record: Record) -> Screened | None:
    """The checklist a stored record carries (None for a one-letter screening)."""
    checklist = checklist_version(record.checklist_version)
    if checklist is None or not record.screening_answers:
        return None
    try:
        answers = read_answers(checklist, record.screening_answers)
    except FieldError:
        return None
    return Screened(checklist, answers, record.screening)


def check_override(desk: Desk, screened: Screened | None, original: Record | None) -> None:
    """Saving: a changed outcome is made by one who may (NotAllowed); one a doctor made
    before, kept as it was in a correction, is not made again."""
    if screened is None or not screened.overridden:
        return
    before = from_record(original) if original is not None else None
    if before is not None and (before.screening, before.answers) == (
        screened.screening,
        screened.answers,
    ):
        return
    desk.require(Action.OVERRIDE_SCREENING)
