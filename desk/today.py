"""Today's records at this desk: find one, correct it, void it, reveal its ID number."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from desk.core import Desk
from domain.errors import DeskError
from domain.fields import parse_void_reason
from domain.record import Record, Status
from domain.roles import Action

log = logging.getLogger("vaxdesk.desk")


@dataclass(frozen=True)
class TodayRow:
    record: Record
    hub_problem: str  # the hub's conflict or refusal for this version, with its reason, or ''


def today_rows(desk: Desk, search: str = "") -> list[TodayRow]:
    """This desk's records first recorded in the site's day, newest first; `search` matches
    part of the ID number or of the name without diacritics."""
    start, end = desk.today()
    desk_id = desk.session.desk_id if desk.session else desk.desk_id
    records = desk.store.recorded_between(desk_id, start, end, search)
    problems = {
        (row["key"], row["version"]): row["last_error"]
        for row in desk.store.outbox_problems()
        if row["kind"] == "record"
    }
    return [TodayRow(r, problems.get((r.record_id, r.version), "")) for r in records]


def check_correct(desk: Desk, record: Record) -> None:
    """A voided record is not corrected; a volunteer or vaccinator corrects their own."""
    if record.status is Status.VOIDED:
        raise DeskError("record.voided_no_correction")
    own = desk.user is not None and record.entered_by == desk.user.name
    if not (desk.may(Action.CORRECT_ANY) or (own and desk.may(Action.CORRECT_OWN))):
        raise DeskError("role.own_records_only", role=desk.role.term)


def reveal(desk: Desk, record: Record) -> str:
    """The full ID number, on request; audited."""
    desk.require(Action.REVEAL)
    desk.audit("reveal", f"{record.record_id} id_number")
    return record.person.id_number


def check_void(desk: Desk) -> None:
    desk.require(Action.VOID)


def void(desk: Desk, record: Record, reason: str) -> Record:
    user = desk.require(Action.VOID)
    voided = desk.store.void(record.record_id, parse_void_reason(reason), user.name)
    log.info("voided record %s", record.record_id)
    return voided
