"""The rules a whole record obeys, wherever it comes from: built at a desk from a form, or
received by the hub from a desk. One function, so desk and hub can never disagree.

Field parsers (`domain.fields`, `domain.dates`, `domain.identity`) turn what a volunteer typed
into values; this checks the values of a finished Record, each other included.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING

from domain.dates import EARLIEST_YEAR
from domain.errors import FieldError
from domain.fields import Aefi, Status, parse_lot
from domain.screening_answers import check_answers
from domain.tables import vaccine_table
from domain.text import has_control_characters

if TYPE_CHECKING:
    from domain.record import Record

MAX_VERSION = 1_000_000  # far beyond any record's corrections; keeps it a 32-bit integer
CODE = re.compile(r"[A-Za-z0-9_.\-]{1,32}")  # a site, desk or session code
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


def check_record(record: Record, *, today: date, stored: bool = True) -> None:
    """Raise FieldError for the first field at fault. `today`: the latest day a dose or a
    birth may fall on. `stored`: the record as the store keeps it (numbered, stamped), not
    as a form has just built it."""
    if type(record.version) is not int or not 1 <= record.version <= MAX_VERSION:
        raise FieldError("version", "record.version", limit=MAX_VERSION)
    for name in ("record_id", "session_id"):
        check_uuid(name, getattr(record, name))
    for name in ("desk_id", "site_id"):
        if not CODE.fullmatch(getattr(record, name)):
            raise FieldError(name, "code.characters")
    record.person.validated(today=today)
    _check_dates(record, today)
    if record.gives_dose:
        _check_dose(record, stored)
    else:
        for name, empty in (("vaccine", ""), ("lot", ""), ("dose_number", None),
                            ("aefi", Aefi.NONE)):  # fmt: skip
            if getattr(record, name) != empty:
                raise FieldError(name, "record.no_dose", screening=record.screening.term)
    if record.aefi is not Aefi.NONE and not record.aefi_note.strip():
        raise FieldError("aefi_note", "aefi_note.required")
    for name in ("given_time", "observed_until"):
        value = getattr(record, name)
        if value and not _TIME.fullmatch(value):
            raise FieldError(name, "record.time", text=value[:20])
    for name, required in (("vaccinator", False), ("entered_by", True),
                           ("aefi_note", False), ("void_reason", False)):  # fmt: skip
        _check_text(name, getattr(record, name), required)
    _check_screening(record)
    if record.status is Status.VOIDED and len(record.void_reason.strip()) < 3:
        raise FieldError("void_reason", "store.void_reason")
    if stored:
        _check_moment("recorded_at", record.recorded_at)


def _check_screening(record: Record) -> None:
    """A checklist carried with the record: known, whole, for the dose's vaccine, and its
    outcome the record's (or changed by a doctor with a reason)."""
    for name in ("checklist_version", "screening_answers"):
        if not isinstance(getattr(record, name), str):
            raise FieldError(name, "wire.not_text")
    check_answers(record.checklist_version, record.screening_answers, record.screening,
                  record.vaccine, record.gives_dose)  # fmt: skip


def check_uuid(name: str, value: str) -> None:
    """A record's, event's or session's id: a UUID in its 36-character form."""
    try:
        uuid.UUID(value)
    except (ValueError, TypeError, AttributeError):
        raise FieldError(name, "record.not_an_id") from None
    if len(value) != 36:
        raise FieldError(name, "record.not_an_id")


def _check_dates(record: Record, today: date) -> None:
    given, dob = record.given_on, record.person.dob
    shown = given.strftime("%d/%m/%Y")
    if given > today:
        raise FieldError("given_on", "date.future", date=shown)
    if given.year < EARLIEST_YEAR:
        raise FieldError("given_on", "date.too_early", date=shown, earliest=EARLIEST_YEAR)
    if dob.year > given.year or (dob.is_full and dob.to_date() > given):
        raise FieldError("given_on", "given_on.before_birth")


def _check_dose(record: Record, stored: bool) -> None:
    vaccine = vaccine_table().by_code(record.vaccine)
    if vaccine is None or vaccine.code != record.vaccine:
        raise FieldError("vaccine", "vaccine.unknown", text=record.vaccine[:40],
                         choices=", ".join(vaccine_table().choices()))  # fmt: skip
    # A dose entered from a paper list or a certificate (no time given) may lack its lot;
    # a dose given here, now, never does.
    if record.lot or record.given_time:
        try:
            lot = parse_lot(record.lot)
        except FieldError:
            lot = ""
        if lot != record.lot or not lot:
            raise FieldError("lot", "lot.characters" if record.lot else "required")
    number = record.dose_number
    if number is None:
        if stored:
            raise FieldError("dose_number", "record.unnumbered")
    elif type(number) is not int or not 1 <= number <= 9:
        raise FieldError("dose_number", "dose.range")


def _check_text(name: str, value: str, required: bool) -> None:
    if required and not value.strip():
        raise FieldError(name, "required")
    limit = 80 if name in ("vaccinator", "entered_by") else 200
    if len(value) > limit:
        raise FieldError(name, "wire.too_long", limit=limit)
    if not value.isprintable() and has_control_characters(value):
        raise FieldError(name, "wire.characters")


def _check_moment(name: str, value: str) -> None:
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        moment = None
    if moment is None or moment.tzinfo is None:
        raise FieldError(name, "record.moment", text=str(value)[:40])
