"""Adverse events after a saved dose, at any time after it (the same day or later): the form
offered, one field checked on Enter, the event stored (or its correction). A volunteer may
enter one on behalf of the vaccinator or doctor named in it: both are recorded."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from desk.core import Desk
from desk.results import Refused
from domain.aefi import AefiContext, AefiEvent, build_event, event_to_form
from domain.errors import DeskError, FieldError, ValidationError
from domain.record import Record
from domain.roles import Action

log = logging.getLogger("vaxdesk.desk")


@dataclass(frozen=True)
class AefiSaved:
    event: AefiEvent
    corrected: bool


def events_of(desk: Desk, record: Record) -> list[AefiEvent]:
    """The events after this dose (current versions), oldest first."""
    return desk.store.aefi_of_record(record.record_id)


def may_correct(desk: Desk, event: AefiEvent) -> bool:
    """A supervisor corrects any event; anyone else the events they entered, as records."""
    user = desk.user
    return desk.may(Action.CORRECT_ANY) or (user is not None and event.entered_by == user.name)


def aefi_form(desk: Desk, record: Record, original: AefiEvent | None = None) -> dict[str, str]:
    """The form offered: the event being corrected, else now on the site's clock and the
    dose's vaccinator."""
    if original is not None:
        return event_to_form(original)
    now = desk.clock()
    return {"onset_on": now.strftime("%d/%m/%Y"), "onset_time": now.strftime("%H:%M"),
            "vaccinator": record.vaccinator}  # fmt: skip


def _context(desk: Desk, record: Record, original: AefiEvent | None) -> AefiContext:
    user = desk.require(Action.ENTER)
    return AefiContext(
        record_id=record.record_id, person_key=record.person.person_key,
        desk_id=record.desk_id, site_id=record.site_id, given_on=record.given_on,
        entered_by=user.name, now=desk.clock(), original=original,
    )  # fmt: skip


def check_aefi_field(
    desk: Desk, record: Record, form: Mapping[str, str], name: str,
    original: AefiEvent | None = None,
) -> FieldError | None:  # fmt: skip
    """What saving would say about this one field (Enter on it)."""
    try:
        build_event(form, _context(desk, record, original))
    except ValidationError as error:
        return error.errors.get(name)
    return None


def save_aefi(
    desk: Desk, record: Record, form: Mapping[str, str], original: AefiEvent | None = None
) -> AefiSaved | Refused:
    """Store the event (or the next version of `original`) and nudge the upload."""
    if original is not None and not may_correct(desk, original):
        return Refused(problem=DeskError("role.own_records_only", role=desk.role.term))
    try:
        event = build_event(form, _context(desk, record, original))
    except ValidationError as error:
        return Refused(errors=dict(error.errors))
    except DeskError as error:  # not allowed
        return Refused(problem=error)
    try:
        stored = desk.store.save_aefi(event)
    except DeskError as error:
        return Refused(problem=error)
    log.info("aefi %s v%d stored for record %s", stored.event_id, stored.version,
             stored.record_id)  # fmt: skip
    desk.ports.nudge_upload()
    return AefiSaved(stored, corrected=original is not None)
