"""What is stored of a screening checklist answered for a record: the answers as compact JSON
(`Answers`) beside the record's one-letter outcome, with the checklist's version; and what desk
and hub both check of a record that carries them (`check_answers`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from domain.errors import FieldError
from domain.fields import Screening
from domain.screening import (
    Answer,
    Checklist,
    Derived,
    checklist_version,
    derive,
    plain_number,
    unanswered,
)
from domain.tables import vaccine_table
from domain.text import clean_text, has_control_characters

MAX_ANSWERS = 1000  # characters of the stored JSON: eleven answers, five readings, a reason


@dataclass(frozen=True)
class Answers:
    """What is stored of a screening: every item's answer, the vital signs typed, the vaccine
    the person was screened for, and the reason a doctor gave for another outcome."""

    items: Mapping[str, Answer]
    vitals: Mapping[str, float] = field(default_factory=dict)
    vaccine: str = ""
    override: str = ""

    def to_json(self) -> str:
        body: dict[str, Any] = {"items": dict(self.items), "vaccine": self.vaccine}
        if self.vitals:
            body["vitals"] = {k: plain_number(v) for k, v in self.vitals.items()}
        if self.override:
            body["override"] = self.override
        return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def derived(self, checklist: Checklist) -> Derived:
        return derive(checklist, self.items, self.vitals, self.vaccine)


def parse_override(text: str) -> str:
    """The reason a doctor gives for another outcome than the checklist's: 3-200 characters."""
    reason = clean_text(text)[:200]
    if len(reason) < 3:
        raise FieldError("override_reason", "screening.override_reason")
    return reason


def read_answers(checklist: Checklist, text: str) -> Answers:
    """Stored answers back, checked against their checklist; FieldError at `screening_answers`
    (or at the screening) when they are not a whole, readable set."""
    try:
        body = json.loads(text)
    except ValueError:
        raise FieldError("screening_answers", "screening.answers") from None
    if not isinstance(body, dict) or not set(body) <= {"items", "vitals", "vaccine", "override"}:
        raise FieldError("screening_answers", "screening.answers")
    items, vitals = body.get("items"), body.get("vitals", {})
    vaccine, override = body.get("vaccine", ""), body.get("override", "")
    if not isinstance(items, dict) or not isinstance(vitals, dict):
        raise FieldError("screening_answers", "screening.answers")
    if not isinstance(vaccine, str) or not isinstance(override, str):
        raise FieldError("screening_answers", "screening.answers")
    if set(items) - set(checklist.ids) or any(a not in ("y", "n") for a in items.values()):
        raise FieldError("screening_answers", "screening.answers")
    readings: dict[str, float] = {}
    for vital_id, value in vitals.items():
        vital = checklist.vital(vital_id)
        if vital is None:
            raise FieldError("screening_answers", "screening.answers")
        readings[vital_id] = vital.checked(value)
    answers = {k: Answer(v) for k, v in items.items()}
    if missing := unanswered(checklist, answers, readings):
        raise FieldError("screening", "screening.unanswered", text=missing[0])
    if vaccine and vaccine_table().by_code(vaccine) is None:
        raise FieldError("screening_answers", "screening.answers")
    if override and (override != clean_text(override) or has_control_characters(override)):
        raise FieldError("screening_answers", "screening.answers")
    return Answers(answers, readings, vaccine, parse_override(override) if override else "")


def check_answers(
    version: str, text: str, screening: Screening, vaccine: str, gives_dose: bool
) -> Answers | None:
    """A record's checklist, as desk and hub check it: a known version with its whole set of
    answers, for the dose's vaccine, and the record's outcome the checklist's or changed with
    a reason. None when the record carries no checklist (the one-letter screening)."""
    if not version and not text:
        return None
    if not version or not text:
        raise FieldError("screening_answers", "screening.answers")
    checklist = checklist_version(version)
    if checklist is None:
        raise FieldError("checklist_version", "screening.checklist_unknown", text=version[:40])
    if len(text) > MAX_ANSWERS:
        raise FieldError("screening_answers", "wire.too_long", limit=MAX_ANSWERS)
    if has_control_characters(text):
        raise FieldError("screening_answers", "wire.characters")
    answers = read_answers(checklist, text)
    if gives_dose and answers.vaccine != vaccine:
        raise FieldError("screening", "screening.other_vaccine", vaccine=answers.vaccine or "-")
    derived = answers.derived(checklist)
    if derived.screening is not screening and not answers.override:
        raise FieldError("screening", "screening.differs", text=derived.screening.value)
    return answers


def outcome_of(version: str, text: str) -> str:
    """The checklist's own outcome of stored answers (`caution` included), "" when there are
    none or they cannot be read: what the hub keeps beside the record for its figures."""
    checklist = checklist_version(version) if version else None
    if checklist is None or not text:
        return ""
    try:
        return read_answers(checklist, text).derived(checklist).outcome.value
    except FieldError:
        return ""


def override_reason(text: str) -> str:
    """The reason stored answers give for another outcome than the checklist's ("" when none,
    or when they cannot be read): what the audit trail keeps."""
    try:
        body = json.loads(text) if text else {}
    except ValueError:
        return ""
    reason = body.get("override", "") if isinstance(body, dict) else ""
    return reason if isinstance(reason, str) else ""
