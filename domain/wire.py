"""What desk and hub agree on: the record's fields, its body as uploaded, how a body is hashed,
the result of each uploaded item, the API's paths and headers.

Both sides import this; it imports neither (the hub never sees the desk's schema).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import msgspec

from domain.aefi import AefiEvent, checked_event, event_to_body
from domain.dates import PartialDate
from domain.errors import FieldError
from domain.fields import Aefi, Screening, Source, Status
from domain.identity import Identity, IdType, Sex
from domain.priority_groups import parse_priority_group
from domain.record import Record
from domain.subjects import SubjectState
from domain.text import has_control_characters
from domain.validation import check_record

# A record's fields, in this order in a body, a desk's table and an export.
RECORD_FIELDS: tuple[str, ...] = (
    "record_id",
    "version",
    "status",
    "void_reason",
    "desk_id",
    "site_id",
    "session_id",
    "id_type",
    "id_number",
    "person_key",
    "full_name",
    "dob",
    "sex",
    "phone",
    "province_code",
    "ward_code",
    "address",
    "screening",
    "vaccine",
    "lot",
    "dose_number",
    "given_on",
    "given_time",
    "vaccinator",
    "aefi",
    "aefi_note",
    "observed_until",
    "source",
    "entered_by",
    "recorded_at",
)
# Fields a record's body may lack (desks before them): absent or empty, a body hashes and is
# kept as it did before they existed. The screening checklist's version and answers (issue 13).
OPTIONAL_FIELDS: dict[str, int] = {"checklist_version": 40, "screening_answers": 1000}
INTEGER_FIELDS = frozenset({"version", "dose_number"})
ENUM_FIELDS: dict[str, type[StrEnum]] = {
    "id_type": IdType, "sex": Sex, "screening": Screening, "aefi": Aefi, "source": Source,
    "status": Status,
}  # fmt: skip
# What a desk needs of another desk's dose to number the person's doses and refuse a
# duplicate: no name, birth date, phone or address (`/people/doses` answers these only).
DOSE_FIELDS: tuple[str, ...] = ("record_id", "version", "status", "desk_id", "site_id",
                                "person_key", "screening", "vaccine", "lot", "dose_number",
                                "given_on")  # fmt: skip
MAX_TEXT = 400
# Built once: checked_record runs for every record a hub receives.
_ENUM_VALUES: dict[str, frozenset[str]] = {
    name: frozenset(e.value for e in kind) for name, kind in ENUM_FIELDS.items()
}


def _control(value: str) -> bool:
    """has_control_characters, at C speed for text that is all printable (no character of
    category C is): the exact check only runs on the rest."""
    return not value.isprintable() and has_control_characters(value)

# Kinds of outbox items; the hub answers `invalid` to a kind it does not know.
RECORD = "record"
AEFI = "aefi"  # an adverse event after immunization, linked to a dose (domain.aefi)
SUBJECT_STATE = "subject_state"  # a subject of the day's list entered a state (domain.subjects)
# The fields of a kind's payload that name the item (kind, key, version).
ITEM_KEYS: dict[str, tuple[str, str]] = {RECORD: ("record_id", "version"),
                                         AEFI: ("event_id", "version"),
                                         SUBJECT_STATE: ("state_key", "version")}  # fmt: skip

# The result of one uploaded item.
STORED = "stored"  # new (key, version): kept
DUPLICATE = "duplicate"  # the same (key, version) and content again: acknowledged, nothing changed
CONFLICT = "conflict"  # the same (key, version) with other content: kept apart, never overwritten
INVALID = "invalid"  # not something the hub can keep
ACKNOWLEDGED = (STORED, DUPLICATE)

API_V1 = "/api/v1"
API_V2 = "/api/v2"
API = API_V1
HEALTH_PATH = f"{API_V1}/health"
RECORDS_PATH = f"{API_V1}/records"  # desks in the field before outbox items: records only
RECONCILE_PATH = f"{API_V1}/reconcile"
ITEMS_PATH = f"{API_V2}/items"  # {"items": [{"kind", "key", "version", "payload"}]}
ITEMS_RECONCILE_PATH = f"{API_V2}/reconcile"  # {"items": [[kind, key, version], ...]}
HEARTBEAT_PATH = f"{API_V1}/heartbeat"
DOSES_PATH = f"{API_V1}/people/doses"
# The latest version of one record, for a desk of its site (a slip scanned there):
# {"record_id": ...} in a POST body, so that the access log never names a record.
RECORD_PATH = f"{API_V2}/records/lookup"
SITE_STATS_PATH = f"{API_V1}/sites/{{site_id}}/stats"
DESK_RECENT_PATH = f"{API_V1}/sites/{{site_id}}/desks/{{desk_id}}/recent"

AUTH_HEADER = "Authorization"  # "Bearer vxd_..."
DESK_TIME_HEADER = "X-Desk-Time"  # the desk's clock, ISO 8601: the hub flags skew, never trusts it
SKEW_LIMIT_SECONDS = 300
MAX_BATCH = 500


def record_to_body(record: Record) -> dict[str, Any]:
    """The record's body: RECORD_FIELDS, and the optional ones that hold something."""
    body = _core_body(record)
    for name in OPTIONAL_FIELDS:
        if value := getattr(record, name):
            body[name] = value
    return body


def _core_body(record: Record) -> dict[str, Any]:
    person = record.person
    return {
        "record_id": record.record_id,
        "version": record.version,
        "status": record.status.value,
        "void_reason": record.void_reason,
        "desk_id": record.desk_id,
        "site_id": record.site_id,
        "session_id": record.session_id,
        "id_type": person.id_type.value,
        "id_number": person.id_number,
        "person_key": person.person_key,
        "full_name": person.full_name,
        "dob": person.dob.iso(),
        "sex": person.sex.value,
        "phone": person.phone,
        "province_code": person.province_code,
        "ward_code": person.ward_code,
        "address": person.address,
        "screening": record.screening.value,
        "vaccine": record.vaccine,
        "lot": record.lot,
        "dose_number": record.dose_number,
        "given_on": record.given_on.isoformat(),
        "given_time": record.given_time,
        "vaccinator": record.vaccinator,
        "aefi": record.aefi.value,
        "aefi_note": record.aefi_note,
        "observed_until": record.observed_until,
        "source": record.source.value,
        "entered_by": record.entered_by,
        "recorded_at": record.recorded_at,
    }


def body_to_record(body: dict[str, Any]) -> Record:
    """A record from its body (or a desk's row); KeyError, TypeError or ValueError when it is
    not one."""
    return Record(
        record_id=body["record_id"],
        version=body["version"],
        desk_id=body["desk_id"],
        site_id=body["site_id"],
        session_id=body["session_id"],
        person=Identity(
            id_type=IdType(body["id_type"]),
            id_number=body["id_number"],
            full_name=body["full_name"],
            dob=PartialDate.from_iso(body["dob"]),
            sex=Sex(body["sex"]),
            phone=body["phone"],
            province_code=body["province_code"],
            ward_code=body["ward_code"],
            address=body["address"],
        ),
        screening=Screening(body["screening"]),
        vaccine=body["vaccine"],
        lot=body["lot"],
        dose_number=body["dose_number"],
        given_on=date.fromisoformat(body["given_on"]),
        given_time=body["given_time"],
        vaccinator=body["vaccinator"],
        aefi=Aefi(body["aefi"]),
        aefi_note=body["aefi_note"],
        observed_until=body["observed_until"],
        source=Source(body["source"]),
        entered_by=body["entered_by"],
        status=Status(body["status"]),
        void_reason=body["void_reason"],
        recorded_at=body["recorded_at"],
        checklist_version=body.get("checklist_version") or "",
        screening_answers=body.get("screening_answers") or "",
    )


def dose_to_record(row: dict[str, Any]) -> Record:
    """Another desk's dose as `/people/doses` gives it (DOSE_FIELDS): a Record whose person
    is known only by the key (no name, birth date or contact), enough to number doses."""
    key = str(row.get("person_key") or "")
    kind, _, number = key.partition(":")
    id_type = kind if kind in {t.value for t in IdType} and kind != IdType.NONE else "none"
    blank = {name: "" for name in RECORD_FIELDS}
    person = {"id_type": id_type, "id_number": number if id_type != "none" else "",
              "dob": "1900", "sex": Sex.MALE.value}  # fmt: skip
    given = {name: row.get(name) for name in DOSE_FIELDS if row.get(name) is not None}
    return body_to_record({**blank, **person, "aefi": Aefi.NONE.value,
                           "source": Source.IMPORT.value, **given,
                           "dose_number": row.get("dose_number")})  # fmt: skip


def record_body(row: dict[str, Any]) -> dict[str, Any]:
    """Exactly the record's fields of a row or body (a desk row's extra columns dropped); an
    optional field only when it holds something, so a record without it is as it always was."""
    body = {name: row.get(name) for name in RECORD_FIELDS}
    body.update({name: row[name] for name in OPTIONAL_FIELDS if row.get(name)})
    return body


def canonical_body(body: dict[str, Any]) -> tuple[str, str]:
    """The record's fields as canonical JSON (keys sorted, compact), and its content hash: one
    serialisation, for the hash and for keeping."""
    canonical = msgspec.json.encode(record_body(body), order="sorted")  # json.dumps' bytes
    return canonical.decode(), hashlib.sha256(canonical).hexdigest()


def content_hash(body: dict[str, Any]) -> str:
    return canonical_body(body)[1]


def differing_field(a: dict[str, Any], b: dict[str, Any]) -> str:
    """The first field where two versions of a record disagree (for the conflict message)."""
    a, b = record_body(a), record_body(b)
    names = (*RECORD_FIELDS, *OPTIONAL_FIELDS)
    return next((name for name in names if a.get(name) != b.get(name)), "")


def checked_record(body: Any, *, today: date) -> Record:
    """The record a body sent over the wire stands for, checked by the domain's rules (those
    of `check_record`, and its person_key is its person's); FieldError naming the first field
    at fault, whatever the body holds."""
    if not isinstance(body, dict):
        raise FieldError("record", "wire.not_an_object")
    for name in RECORD_FIELDS:
        value = body.get(name)
        if name not in body:
            raise FieldError(name, "wire.missing")
        if name in INTEGER_FIELDS:
            if not (type(value) is int or (value is None and name == "dose_number")):
                raise FieldError(name, "wire.not_an_integer")
        elif not isinstance(value, str):
            raise FieldError(name, "wire.not_text")
        elif len(value) > MAX_TEXT:
            raise FieldError(name, "wire.too_long", limit=MAX_TEXT)
        elif _control(value):
            raise FieldError(name, "wire.characters")
        elif name in ENUM_FIELDS and value not in _ENUM_VALUES[name]:
            choices = ", ".join(e.value or "''" for e in ENUM_FIELDS[name])
            raise FieldError(name, "wire.choice", text=value[:20], choices=choices)
    for name, limit in OPTIONAL_FIELDS.items():
        value = body.get(name, "")
        if value is None:
            continue
        if not isinstance(value, str):
            raise FieldError(name, "wire.not_text")
        if len(value) > limit:
            raise FieldError(name, "wire.too_long", limit=limit)
        if _control(value):
            raise FieldError(name, "wire.characters")
    for name in ("given_on", "dob"):
        try:
            date.fromisoformat(body[name]) if name == "given_on" else PartialDate.from_iso(
                body[name]
            )
        except ValueError:
            raise FieldError(name, "wire.not_a_date", text=body[name][:20]) from None
    record = body_to_record(body)
    check_record(record, today=today)
    if body["person_key"] != record.person.person_key:
        raise FieldError("person_key", "record.person_key")
    return record


def checked_aefi(body: Any, *, today: date) -> AefiEvent:
    """An adverse event sent over the wire, checked by the domain's rules (`check_event`)."""
    return checked_event(body, today=today)


def aefi_to_body(event: AefiEvent) -> dict[str, Any]:
    return event_to_body(event)


# A subject's state as the desk sends it: no name, birth date or contact; the subject is its
# stable key (site, day, person key), the version a counter of the subject's changes.
STATE_FIELDS: tuple[str, ...] = ("state_key", "version", "site_id", "day", "person_key",
                                 "state", "state_at", "walk_in")  # fmt: skip
# The list's details the national template asks for: sent once vaccinated, each when given.
STATE_DETAILS: tuple[str, ...] = ("priority_group", "workplace", "insurance_number")


def state_fields(body: Mapping[str, Any]) -> tuple[str, ...]:
    """The fields of this state body: the required ones, then the details it carries."""
    return STATE_FIELDS + tuple(name for name in STATE_DETAILS if body.get(name))


def state_key(site_id: str, day: date, person_key: str) -> str:
    return f"{site_id}|{day.isoformat()}|{person_key}"


def state_to_body(*, site_id: str, day: date, person_key: str, version: int,
                  state: SubjectState, state_at: str, walk_in: bool,
                  details: Mapping[str, str] | None = None) -> dict[str, Any]:  # fmt: skip
    body: dict[str, Any] = {
        "state_key": state_key(site_id, day, person_key), "version": version,
        "site_id": site_id, "day": day.isoformat(), "person_key": person_key,
        "state": state.value, "state_at": state_at, "walk_in": walk_in,
    }  # fmt: skip
    given = details or {}
    body.update({name: given[name] for name in STATE_DETAILS if given.get(name)})
    return body


def state_hash(body: Mapping[str, Any]) -> str:
    """The hash of what the state says; a body without details hashes as it always did."""
    canonical = json.dumps({name: body.get(name) for name in state_fields(body)},
                           sort_keys=True, ensure_ascii=False, separators=(",", ":"))  # fmt: skip
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def checked_state(body: Any) -> dict[str, Any]:
    """A subject's state sent over the wire, its fields checked (exactly STATE_FIELDS);
    FieldError naming the first field at fault."""
    if not isinstance(body, dict):
        raise FieldError("state", "wire.not_an_object")
    for name in STATE_FIELDS:
        if name not in body:
            raise FieldError(name, "wire.missing")
        value = body[name]
        if name == "version":
            if type(value) is not int or value < 1:
                raise FieldError(name, "wire.not_an_integer")
        elif name == "walk_in":
            if type(value) is not bool:
                raise FieldError(name, "wire.choice", text=str(value)[:20], choices="true, false")
        elif not isinstance(value, str):
            raise FieldError(name, "wire.not_text")
        elif len(value) > MAX_TEXT:
            raise FieldError(name, "wire.too_long", limit=MAX_TEXT)
        elif has_control_characters(value):
            raise FieldError(name, "wire.characters")
    if body["state"] not in {s.value for s in SubjectState}:
        choices = ", ".join(s.value for s in SubjectState)
        raise FieldError("state", "wire.choice", text=body["state"][:20], choices=choices)
    try:
        day = date.fromisoformat(body["day"])
    except ValueError:
        raise FieldError("day", "wire.not_a_date", text=body["day"][:20]) from None
    try:
        datetime.fromisoformat(body["state_at"])
    except ValueError:
        raise FieldError("state_at", "wire.not_a_date", text=body["state_at"][:20]) from None
    if body["state_key"] != state_key(body["site_id"], day, body["person_key"]):
        raise FieldError("state_key", "wire.other_item")
    for name in STATE_DETAILS:
        value = body.get(name, "")
        if not isinstance(value, str):
            raise FieldError(name, "wire.not_text")
        if len(value) > MAX_TEXT:
            raise FieldError(name, "wire.too_long", limit=MAX_TEXT)
        if has_control_characters(value):
            raise FieldError(name, "wire.characters")
    if body.get("priority_group"):
        parse_priority_group(body["priority_group"])  # a code of the table, as at the desk
    return {name: body[name] for name in state_fields(body)}


def refusal_problem(result: dict[str, Any]) -> dict[str, Any]:
    """What the hub said of an item it would not keep, as data the desk renders in its own
    language: the field, and the code and parameters when the hub gave them (a hub before 12
    gives words only: they are kept in `message`, shown as they are)."""
    problem: dict[str, Any] = {"result": str(result.get("result", ""))[:20]}
    for key in ("field", "code", "message"):
        if isinstance(result.get(key), str):
            problem[key] = result[key][:200]
    if isinstance(result.get("params"), dict):
        problem["params"] = result["params"]
    return problem
