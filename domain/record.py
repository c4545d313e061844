"""A vaccination record, the desk session that supplies its defaults, and building both from a form.

Every screen and importer turns what it has into the same form (field name -> text) and calls
`build_record`; that is the one place where a record is validated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVar

from domain.dates import parse_date
from domain.errors import FieldError, ValidationError
from domain.fields import (
    Aefi,
    Mode,
    Screening,
    Source,
    Status,
    parse_aefi,
    parse_code,
    parse_dose_number,
    parse_lot,
    parse_person_name,
    parse_screening,
    parse_vaccine,
)
from domain.identity import (
    Identity,
    IdType,
    Sex,
    cccd_century_and_sex,
    check_cccd,
    check_cccd_birth_year,
    check_id_number,
    classify_id,
    normalize_id,
    normalize_name,
    normalize_phone,
    parse_sex,
)
from domain.observation import observed_until as observation_ends
from domain.tables import vaccine_table
from domain.text import clean_text
from domain.validation import check_record

T = TypeVar("T")


@dataclass(frozen=True)
class Session:
    """Opened once at a desk; its values are the defaults of every record."""

    session_id: str
    site_id: str
    desk_id: str
    entered_by: str
    vaccinator: str
    vaccine: str
    lot: str
    session_date: date


@dataclass(frozen=True)
class Record:
    record_id: str
    version: int
    desk_id: str
    site_id: str
    session_id: str
    person: Identity
    screening: Screening
    vaccine: str
    lot: str
    dose_number: int | None  # None before the store numbers it from the person's history
    given_on: date
    given_time: str  # "HH:MM", empty when not known (retrospective)
    vaccinator: str
    aefi: Aefi
    aefi_note: str
    observed_until: str  # "HH:MM", end of the post-injection observation
    source: Source
    entered_by: str
    status: Status = Status.ACTIVE
    void_reason: str = ""
    recorded_at: str = ""  # stamped by the store
    # The screening checklist, when one was answered (`domain.screening`): its version, and
    # its answers as compact JSON; both empty for a one-letter screening.
    checklist_version: str = ""
    screening_answers: str = ""

    @property
    def gives_dose(self) -> bool:
        return self.screening.gives_dose


# Form field names, in the order the entry screen shows them.
FORM_FIELDS: tuple[str, ...] = (
    "id_number",
    "full_name",
    "dob",
    "sex",
    "phone",
    "province",
    "ward",
    "address",
    "vaccine",
    "lot",
    "given_on",
    "dose_number",
    "aefi",
    "aefi_note",
    "screening",
)


@dataclass(frozen=True)
class EntryContext:
    session: Session
    mode: Mode
    now: datetime
    source: Source = Source.TYPED
    original: Record | None = None  # set when correcting: the version being replaced
    vaccinator: str = ""  # who gave the dose, when not the session's (imported certificates)
    resolve_province: Callable[[str], str] = field(default=lambda text: text)
    resolve_ward: Callable[[str, str], str] = field(default=lambda province, text: text)


def new_record_id() -> str:
    """A time-ordered UUID (v7): ids sort by creation, and two desks never collide."""
    from uuid6 import uuid7  # ~40 ms to load (its own version from the metadata): not at start

    return str(uuid7())


def build_session(form: Mapping[str, str], *, today: date, session_id: str = "") -> Session:
    errors: dict[str, FieldError] = {}

    def take(name: str, parse: Callable[[str], T]) -> T | None:
        try:
            return parse(form.get(name, ""))
        except FieldError as error:
            errors.setdefault(error.field, error)
            return None

    site = take("site_id", lambda t: parse_code("site_id", t).upper())
    desk = take("desk_id", lambda t: parse_code("desk_id", t))
    entered_by = take("entered_by", lambda t: parse_person_name("entered_by", t))
    vaccinator = take("vaccinator", lambda t: parse_person_name("vaccinator", t))
    vaccine = take("vaccine", parse_vaccine)
    lot = take("lot", parse_lot)
    day = take(
        "session_date",
        lambda t: parse_date(t or today.strftime("%d/%m/%Y"), today=today, field="session_date"),
    )
    if day is not None and day.to_date() != today:
        # Live records are given today; doses of other days are typed in retrospective mode.
        errors["session_date"] = FieldError(
            "session_date", "session.not_today", today=today
        )
    if errors:
        raise ValidationError(errors)
    assert site and desk and entered_by and vaccinator and vaccine and lot and day
    return Session(
        session_id=session_id or new_record_id(),
        site_id=site,
        desk_id=desk,
        entered_by=entered_by,
        vaccinator=vaccinator,
        vaccine=vaccine,
        lot=lot,
        session_date=day.to_date(),
    )


def build_record(form: Mapping[str, str], ctx: EntryContext) -> Record:
    """Validate a whole form into a Record, or raise ValidationError naming every bad field."""
    errors: dict[str, FieldError] = {}
    today = ctx.now.date()
    retrospective = ctx.mode is Mode.RETROSPECTIVE

    def take(name: str, parse: Callable[[str], T]) -> T | None:
        try:
            return parse(form.get(name, ""))
        except FieldError as error:
            errors.setdefault(error.field, error)
            return None

    id_number = normalize_id(form.get("id_number", ""))
    id_type = classify_id(id_number)
    take("id_number", lambda _: check_id_number(id_type, id_number))
    if id_type is IdType.CCCD and "id_number" not in errors:
        take("id_number", lambda _: check_cccd_birth_year(id_number, today))
    full_name = take("full_name", normalize_name)
    dob = take(
        "dob",
        lambda t: parse_date(t, today=today, field="dob", allow_year_only=retrospective),
    )
    sex_text = form.get("sex", "")
    if not sex_text.strip() and id_type is IdType.CCCD and "id_number" not in errors:
        sex: Sex | None = cccd_century_and_sex(id_number)[1]
    else:
        sex = take("sex", parse_sex)
    phone = take("phone", normalize_phone)
    province = take("province", ctx.resolve_province)
    ward = take("ward", lambda t: ctx.resolve_ward(province or "", t))
    screening = take("screening", parse_screening)
    gives_dose = screening is None or screening.gives_dose

    original = ctx.original
    typed_dose = retrospective or original is not None
    lot_optional = retrospective or (
        original is not None and original.source is Source.RETROSPECTIVE
    )
    if typed_dose:
        vaccine = take("vaccine", parse_vaccine) if gives_dose else ""
        lot = take("lot", lambda t: parse_lot(t) if t.strip() or not lot_optional else "")
        lot = lot if gives_dose else ""
        given = take("given_on", lambda t: parse_date(t, today=today, field="given_on"))
        given_on = given.to_date() if given else today
    else:
        vaccine = ctx.session.vaccine if gives_dose else ""
        lot = ctx.session.lot if gives_dose else ""
        given_on = today
        if ctx.session.session_date != today:  # a session left open past midnight
            errors["given_on"] = FieldError(
                "given_on", "session.stale", date=ctx.session.session_date
            )
    if original is not None:
        given_time = original.given_time
    else:
        given_time = "" if retrospective else ctx.now.strftime("%H:%M")
    dose_number = take("dose_number", parse_dose_number) if gives_dose else None
    aefi = take("aefi", parse_aefi) if gives_dose else Aefi.NONE
    aefi_note = clean_text(form.get("aefi_note", ""))[:200]
    if aefi and not aefi_note:
        errors.setdefault("aefi_note", FieldError("aefi_note", "aefi_note.required"))

    if id_type is IdType.CCCD and dob and sex and "id_number" not in errors:
        take("dob", lambda _: check_cccd(id_number, dob, sex))
    if dob and given_on and dob.is_full and dob.to_date() > given_on:
        errors.setdefault("given_on", FieldError("given_on", "given_on.before_birth"))
    known = vaccine_table().by_code(vaccine) if vaccine else None
    if dob and known is not None and given_on.year >= dob.year and "given_on" not in errors:
        take("dob", lambda _: known.check_age(dob, given_on))
    if errors:
        raise ValidationError({k: errors[k] for k in sorted(errors, key=_field_order)})

    assert full_name is not None and dob is not None and sex is not None and screening
    if original is not None:
        observed_until = original.observed_until if gives_dose else ""
    elif gives_dose and given_time:
        observed_until = observation_ends(ctx.now, vaccine or "")  # the vaccine's minutes
    else:
        observed_until = ""
    person = Identity(
        id_type=id_type,
        id_number=id_number,
        full_name=full_name,
        dob=dob,
        sex=sex,
        phone=phone or "",
        province_code=province or "",
        ward_code=ward or "",
        address=clean_text(form.get("address", ""))[:200],
    )
    if original is not None:
        source = original.source
    elif retrospective and ctx.source is Source.TYPED:
        source = Source.RETROSPECTIVE
    else:
        source = ctx.source
    origin = original or ctx.session
    record = Record(
        record_id=original.record_id if original else new_record_id(),
        version=original.version + 1 if original else 1,
        desk_id=origin.desk_id,
        site_id=origin.site_id,
        session_id=origin.session_id,
        person=person,
        screening=screening,
        vaccine=vaccine or "",
        lot=lot or "",
        dose_number=dose_number,
        given_on=given_on,
        given_time=given_time,
        vaccinator=ctx.vaccinator or origin.vaccinator,
        aefi=aefi or Aefi.NONE,
        aefi_note=aefi_note if aefi else "",
        observed_until=observed_until,
        source=source,
        entered_by=ctx.session.entered_by,
        checklist_version=form.get("checklist_version", "").strip(),
        screening_answers=form.get("screening_answers", "").strip(),
    )
    try:  # the rules the hub checks too: a record the desk keeps is one the hub keeps
        check_record(record, today=today, stored=False)
    except FieldError as error:
        raise ValidationError({error.field: error}) from None
    return record


def _field_order(name: str) -> int:
    return FORM_FIELDS.index(name) if name in FORM_FIELDS else len(FORM_FIELDS)


def record_to_form(record: Record) -> dict[str, str]:
    """The form that rebuilds this record: used to open a record for correction."""
    person = record.person
    return {
        "id_number": person.id_number,
        "full_name": person.full_name,
        "dob": person.dob.display(),
        "sex": person.sex.value,
        "phone": person.phone,
        "province": person.province_code,
        "ward": person.ward_code,
        "address": person.address,
        "vaccine": record.vaccine,
        "lot": record.lot,
        "given_on": record.given_on.strftime("%d/%m/%Y"),
        "dose_number": str(record.dose_number or ""),
        "aefi": {Aefi.NONE: "", Aefi.MILD: "1", Aefi.SEVERE: "2"}[record.aefi],
        "aefi_note": record.aefi_note,
        "screening": record.screening.value,
    }


def identity_to_form(identity: Identity) -> dict[str, str]:
    """The person's part of a form, as filled by a scan."""
    return {
        "id_number": identity.id_number,
        "full_name": identity.full_name,
        "dob": identity.dob.display(),
        "sex": identity.sex.value,
        "phone": identity.phone,
        "province": identity.province_code,
        "ward": identity.ward_code,
        "address": identity.address,
    }
