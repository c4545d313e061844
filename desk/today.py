"""Today's records at this desk: find one, correct it, void it, reveal its ID number."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from typing import Any

from desk.core import Desk
from domain.errors import DeskError
from domain.fields import parse_void_reason
from domain.messages import field_label, render
from domain.record import Record, Status
from domain.roles import Action
from store.refusals import platform_refusals

log = logging.getLogger("vaxdesk.desk")


@dataclass(frozen=True)
class HubProblem:
    """The hub's conflict or refusal of a version: its field, code and parameters when the
    hub gave them, its words (`message`, or the desk's note of old) when not."""

    state: str  # 'conflict' or 'refused'
    field: str = ""
    code: str = ""
    params: dict[str, Any] = dataclasses.field(default_factory=dict)
    message: str = ""
    noted: str = ""  # what the desk noted of it before problems were kept as data

    @classmethod
    def of(cls, row: dict[str, Any]) -> HubProblem:
        state, problem = str(row.get("state", "")), row.get("problem") or {}
        if not problem:
            return cls(state, noted=str(row.get("last_error", "")))
        params = problem.get("params")
        return cls(
            state=state,
            field=str(problem.get("field", "")),
            code=str(problem.get("code", "")),
            params=params if isinstance(params, dict) else {},
            message=str(problem.get("message", "")),
        )

    def text(self) -> str:
        """In the language in use (the hub's own words when it gave no code)."""
        if self.noted:
            return self.noted
        where = field_label(self.field) if self.field else ""
        if self.state == "conflict":
            return render("hub.conflict", {"field": where})
        if not self.code:
            return render("hub.refused", {"reason": self.message})
        reason = render(self.code, self.params)
        if where:
            return render("hub.refused_field", {"field": where, "reason": reason})
        return render("hub.refused", {"reason": reason})


@dataclass(frozen=True)
class TodayRow:
    record: Record
    problem: HubProblem | None = None  # the hub's conflict or refusal for this version
    platform_refusal: str = ""  # the national platform's reason for refusing this version

    @property
    def hub_problem(self) -> str:
        """The hub's conflict or refusal, with its reason, in the language in use, or ''."""
        return self.problem.text() if self.problem is not None else ""


def today_rows(desk: Desk, search: str = "") -> list[TodayRow]:
    """This desk's records first recorded in the site's day, newest first; `search` matches
    part of the ID number or of the name without diacritics."""
    start, end = desk.today()
    desk_id = desk.session.desk_id if desk.session else desk.desk_id
    records = desk.store.recorded_between(desk_id, start, end, search)
    problems = {
        (row["key"], row["version"]): HubProblem.of(row)
        for row in desk.store.outbox_problems()
        if row["kind"] == "record"
    }
    refused = platform_refusals(desk.store)
    return [
        TodayRow(r, problems.get(key := (r.record_id, r.version)), refused.get(key, ""))
        for r in records
    ]


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
