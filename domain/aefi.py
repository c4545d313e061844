"""Adverse events after immunization (AEFI, phản ứng sau tiêm), recorded after the fact: an
event is linked to a saved dose (its record id and person key), added the same day or later,
and versioned like a record (key + version: a correction is a new version, nothing is ever
deleted). One function checks an event wherever it comes from (`check_event`): built at a desk
from a form (`build_event`), or received by the hub (`checked_event`)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any, TypeVar

from domain.aefi_symptoms import symptom_list
from domain.dates import EARLIEST_YEAR, parse_date
from domain.errors import FieldError, ValidationError
from domain.text import clean_text, fold, has_control_characters
from domain.validation import CODE, check_uuid
from i18n import N_, _

T = TypeVar("T")
MAX_VERSION = 1_000_000
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
_TYPED_TIME = re.compile(r"(\d{1,2})\s*[:hH.]?\s*(\d{2})?")


def new_event_id() -> str:
    from uuid6 import uuid7  # loaded when first needed, not at the desk's start

    return str(uuid7())


class Severity(StrEnum):
    """NĐ 104/2016/NĐ-CP Điều 3: thông thường, or nặng (threatens life, leaves sequelae or
    causes death: khoản 5). The same words as a record's `aefi` field."""

    MILD = "mild"
    SEVERE = "severe"

    @property
    def label(self) -> str:
        return _(_SEVERITY_LABELS[self])


class Outcome(StrEnum):
    RECOVERED = "recovered"
    TREATMENT = "treatment"  # still under treatment
    REFERRED = "referred"  # sent to a hospital
    SEQUELAE = "sequelae"
    DEATH = "death"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return _(_OUTCOME_LABELS[self])


_SEVERITY_LABELS = {Severity.MILD: N_("mild"), Severity.SEVERE: N_("severe")}
_OUTCOME_LABELS = {
    Outcome.RECOVERED: N_("recovered"),
    Outcome.TREATMENT: N_("under treatment"),
    Outcome.REFERRED: N_("sent to hospital"),
    Outcome.SEQUELAE: N_("sequelae"),
    Outcome.DEATH: N_("death"),
    Outcome.UNKNOWN: N_("not known yet"),
}
# What a volunteer types for each (digits: the same in every language).
SEVERITY_KEYS = {"1": Severity.MILD, "2": Severity.SEVERE}
OUTCOME_KEYS = {"1": Outcome.RECOVERED, "2": Outcome.TREATMENT, "3": Outcome.REFERRED,
                "4": Outcome.SEQUELAE, "5": Outcome.DEATH, "6": Outcome.UNKNOWN}  # fmt: skip


# An event's fields, in this order in a body, the desk's table and the report.
AEFI_FIELDS: tuple[str, ...] = (
    "event_id", "version", "record_id", "person_key", "desk_id", "site_id", "given_on",
    "onset_on", "onset_time", "symptoms", "symptoms_other", "symptom_list", "severity",
    "treatment", "referral", "outcome", "vaccinator", "entered_by", "recorded_at",
)  # fmt: skip
_TEXTS = {"symptoms_other": 200, "treatment": 200, "referral": 200, "vaccinator": 80,
          "entered_by": 80, "person_key": 80}  # fmt: skip


@dataclass(frozen=True)
class AefiEvent:
    event_id: str
    version: int
    record_id: str  # the dose it followed
    person_key: str
    desk_id: str
    site_id: str
    given_on: date  # the dose's day
    onset_on: date
    onset_time: str  # "HH:MM", on the site's clock
    symptoms: tuple[str, ...]  # codes of the symptom list
    symptoms_other: str  # free text
    symptom_list: str  # the list's version the codes are of
    severity: Severity
    treatment: str
    referral: str  # to which hospital
    outcome: Outcome
    vaccinator: str  # on whose behalf (the vaccinator or doctor)
    entered_by: str  # who typed it (a volunteer, say)
    recorded_at: str = ""  # stamped by the store


@dataclass(frozen=True)
class AefiContext:
    """What a new event (or a correction) is made from besides its form."""

    record_id: str
    person_key: str
    desk_id: str
    site_id: str
    given_on: date
    entered_by: str
    now: datetime  # on the site's clock
    original: AefiEvent | None = None


# Form field names, in the order the screen shows them.
FORM_FIELDS: tuple[str, ...] = ("onset_on", "onset_time", "symptoms", "symptoms_other",
                                "severity", "treatment", "outcome", "referral", "vaccinator")


def parse_time(text: str, field: str = "onset_time") -> str:
    """'9:05', '0905', '9h05', '9h' → '09:05' / '09:00'."""
    match = _TYPED_TIME.fullmatch(text.strip())
    if not text.strip():
        raise FieldError(field, "required")
    if match is None:
        raise FieldError(field, "aefi.time", text=text.strip()[:20])
    hours, minutes = int(match[1]), int(match[2] or 0)
    if hours > 23 or minutes > 59:
        raise FieldError(field, "aefi.time", text=text.strip()[:20])
    return f"{hours:02d}:{minutes:02d}"


def parse_symptoms(text: str) -> tuple[str, ...]:
    """Codes or names separated by commas (or spaces between codes), each once, in order."""
    table = symptom_list()
    parts = [p for chunk in text.split(",") for p in _split(chunk)]
    codes: list[str] = []
    for part in parts:
        symptom = table.resolve(part)
        if symptom is None:
            raise FieldError("symptoms", "aefi.symptom", text=clean_text(part)[:30])
        if symptom.code not in codes:
            codes.append(symptom.code)
    return tuple(codes)


def _split(chunk: str) -> list[str]:
    """One comma-separated part: a name of several words, or codes separated by spaces."""
    chunk = chunk.strip()
    if not chunk:
        return []
    words = chunk.split()
    if len(words) > 1 and all(symptom_list().by_code(fold(w)) for w in words):
        return words
    return [chunk]


def parse_choice(field: str, text: str, keys: Mapping[str, T], code: str) -> T:
    key = fold(text)
    if key in keys:
        return keys[key]
    for value in keys.values():
        if key and str(value) == key:
            return value
    raise FieldError(field, code)


def build_event(form: Mapping[str, str], ctx: AefiContext) -> AefiEvent:
    """Validate a whole form into an event, or raise ValidationError naming every bad field."""
    errors: dict[str, FieldError] = {}
    today = ctx.now.date()

    def take(name: str, parse: Callable[[str], T]) -> T | None:
        try:
            return parse(form.get(name, ""))
        except FieldError as error:
            errors.setdefault(error.field, error)
            return None

    onset = take("onset_on", lambda t: parse_date(t, today=today, field="onset_on"))
    onset_time = take("onset_time", parse_time)
    symptoms = take("symptoms", parse_symptoms) or ()
    other = clean_text(form.get("symptoms_other", ""))
    if not symptoms and not other and "symptoms" not in errors:
        errors["symptoms"] = FieldError("symptoms", "aefi.no_symptom")
    severity = take("severity", lambda t: parse_choice("severity", t, SEVERITY_KEYS,
                                                       "aefi.severity"))  # fmt: skip
    outcome = take("outcome", lambda t: parse_choice("outcome", t, OUTCOME_KEYS, "aefi.outcome"))
    vaccinator = clean_text(form.get("vaccinator", ""))
    if errors:
        raise ValidationError({k: errors[k] for k in sorted(errors, key=_order)})
    assert onset is not None and onset_time and severity and outcome
    original = ctx.original
    event = AefiEvent(
        event_id=original.event_id if original else new_event_id(),
        version=original.version + 1 if original else 1,
        record_id=ctx.record_id, person_key=ctx.person_key, desk_id=ctx.desk_id,
        site_id=ctx.site_id, given_on=ctx.given_on, onset_on=onset.to_date(),
        onset_time=onset_time, symptoms=symptoms, symptoms_other=other,
        symptom_list=symptom_list().version, severity=severity,
        treatment=clean_text(form.get("treatment", "")),
        referral=clean_text(form.get("referral", "")), outcome=outcome,
        vaccinator=vaccinator, entered_by=ctx.entered_by,
    )  # fmt: skip
    try:
        check_event(event, today=today, stored=False)
    except FieldError as error:
        raise ValidationError({error.field: error}) from None
    return event


def _order(name: str) -> int:
    return FORM_FIELDS.index(name) if name in FORM_FIELDS else len(FORM_FIELDS)


def check_event(event: AefiEvent, *, today: date, stored: bool = True) -> None:
    """Raise FieldError for the first field at fault. `today`: the latest day an onset may
    fall on. `stored`: as the store keeps it (stamped)."""
    if type(event.version) is not int or not 1 <= event.version <= MAX_VERSION:
        raise FieldError("version", "record.version", limit=MAX_VERSION)
    for name in ("event_id", "record_id"):
        check_uuid(name, getattr(event, name))
    for name in ("desk_id", "site_id"):
        if not CODE.fullmatch(getattr(event, name)):
            raise FieldError(name, "code.characters")
    for name, limit in _TEXTS.items():
        value = getattr(event, name)
        if name in ("vaccinator", "entered_by", "person_key") and not value.strip():
            raise FieldError(name, "aefi.vaccinator" if name == "vaccinator" else "required")
        if len(value) > limit:
            raise FieldError(name, "wire.too_long", limit=limit)
        if has_control_characters(value):
            raise FieldError(name, "wire.characters")
    if event.onset_on > today:
        raise FieldError("onset_on", "date.future", date=event.onset_on.strftime("%d/%m/%Y"))
    if event.given_on.year < EARLIEST_YEAR or event.onset_on < event.given_on:
        raise FieldError("onset_on", "aefi.before_dose", given_on=event.given_on)
    if not _TIME.fullmatch(event.onset_time):
        raise FieldError("onset_time", "aefi.time", text=event.onset_time[:20])
    table = symptom_list()
    if event.symptom_list != table.version:
        raise FieldError("symptom_list", "aefi.symptom_list", version=event.symptom_list[:20])
    for code in event.symptoms:
        if table.by_code(code) is None:
            raise FieldError("symptoms", "aefi.symptom", text=code[:30])
    if len(set(event.symptoms)) != len(event.symptoms):
        raise FieldError("symptoms", "aefi.symptom_twice")
    if not event.symptoms and not event.symptoms_other.strip():
        raise FieldError("symptoms", "aefi.no_symptom")
    if event.outcome in (Outcome.SEQUELAE, Outcome.DEATH) and event.severity is not Severity.SEVERE:
        raise FieldError("severity", "aefi.severe_by_outcome")
    if event.outcome is Outcome.REFERRED and not event.referral.strip():
        raise FieldError("referral", "aefi.referral")
    if stored:
        try:
            moment = datetime.fromisoformat(event.recorded_at)
        except (TypeError, ValueError):
            moment = None
        if moment is None or moment.tzinfo is None:
            raise FieldError("recorded_at", "record.moment", text=str(event.recorded_at)[:40])


# -- the wire: an event as a body (every field text, but the version) ---------------------


def event_to_body(event: AefiEvent) -> dict[str, Any]:
    return {
        "event_id": event.event_id, "version": event.version, "record_id": event.record_id,
        "person_key": event.person_key, "desk_id": event.desk_id, "site_id": event.site_id,
        "given_on": event.given_on.isoformat(), "onset_on": event.onset_on.isoformat(),
        "onset_time": event.onset_time, "symptoms": ",".join(event.symptoms),
        "symptoms_other": event.symptoms_other, "symptom_list": event.symptom_list,
        "severity": event.severity.value, "treatment": event.treatment,
        "referral": event.referral, "outcome": event.outcome.value,
        "vaccinator": event.vaccinator, "entered_by": event.entered_by,
        "recorded_at": event.recorded_at,
    }  # fmt: skip


def body_to_event(body: Mapping[str, Any]) -> AefiEvent:
    """KeyError, TypeError or ValueError when the body is not an event."""
    return AefiEvent(
        event_id=body["event_id"], version=body["version"], record_id=body["record_id"],
        person_key=body["person_key"], desk_id=body["desk_id"], site_id=body["site_id"],
        given_on=date.fromisoformat(body["given_on"]),
        onset_on=date.fromisoformat(body["onset_on"]), onset_time=body["onset_time"],
        symptoms=tuple(c for c in body["symptoms"].split(",") if c),
        symptoms_other=body["symptoms_other"], symptom_list=body["symptom_list"],
        severity=Severity(body["severity"]), treatment=body["treatment"],
        referral=body["referral"], outcome=Outcome(body["outcome"]),
        vaccinator=body["vaccinator"], entered_by=body["entered_by"],
        recorded_at=body["recorded_at"],
    )  # fmt: skip


def aefi_body(row: Mapping[str, Any]) -> dict[str, Any]:
    return {name: row.get(name) for name in AEFI_FIELDS}


def aefi_hash(body: Mapping[str, Any]) -> str:
    canonical = json.dumps(aefi_body(body), sort_keys=True, ensure_ascii=False,
                           separators=(",", ":"))  # fmt: skip
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def checked_event(body: Any, *, today: date) -> AefiEvent:
    """The event a body sent over the wire stands for, checked by `check_event`; FieldError
    naming the first field at fault, whatever the body holds."""
    if not isinstance(body, dict):
        raise FieldError("aefi", "wire.not_an_object")
    for name in AEFI_FIELDS:
        if name not in body:
            raise FieldError(name, "wire.missing")
        value = body[name]
        if name == "version":
            if type(value) is not int:
                raise FieldError(name, "wire.not_an_integer")
        elif not isinstance(value, str):
            raise FieldError(name, "wire.not_text")
        elif len(value) > 400:
            raise FieldError(name, "wire.too_long", limit=400)
        elif has_control_characters(value):
            raise FieldError(name, "wire.characters")
    for name, kind in (("severity", Severity), ("outcome", Outcome)):
        if body[name] not in {e.value for e in kind}:
            choices = ", ".join(e.value for e in kind)
            raise FieldError(name, "wire.choice", text=body[name][:20], choices=choices)
    for name in ("given_on", "onset_on"):
        try:
            date.fromisoformat(body[name])
        except ValueError:
            raise FieldError(name, "wire.not_a_date", text=body[name][:20]) from None
    event = body_to_event(body)
    check_event(event, today=today)
    return event


def event_to_form(event: AefiEvent) -> dict[str, str]:
    """The form that rebuilds this event: to correct it."""
    severity = {v: k for k, v in SEVERITY_KEYS.items()}[event.severity]
    outcome = {v: k for k, v in OUTCOME_KEYS.items()}[event.outcome]
    return {"onset_on": event.onset_on.strftime("%d/%m/%Y"), "onset_time": event.onset_time,
            "symptoms": symptom_list().names(event.symptoms),
            "symptoms_other": event.symptoms_other,
            "severity": severity, "treatment": event.treatment, "referral": event.referral,
            "outcome": outcome, "vaccinator": event.vaccinator}  # fmt: skip


def stamped(event: AefiEvent, recorded_at: str) -> AefiEvent:
    return replace(event, recorded_at=recorded_at)
