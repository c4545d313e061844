"""The one catalogue of what the product says about errors and refusals: code -> message.

Only the edges (screens, the command line, the hub's replies) turn a code into words, through
`render` or `describe`; the rest of the code raises and returns codes with parameters.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MESSAGES: dict[str, str] = {
    # any field
    "required": "required",
    # the person
    "id.number_without_id": "a number was given for a person without ID",
    "id.cccd_digits": "a CCCD number has 12 digits",
    "id.cccd_province": "CCCD starts with {province}, which is not a province code",
    "id.cmnd_digits": "an old ID (CMND) number has 9 digits",
    "id.not_an_id": "not an ID number: CCCD 12 digits, CMND 9 digits, or a passport number",
    "id.cccd_year": "the CCCD says born in {coded}, the date of birth says {given}",
    "id.cccd_sex": "the CCCD says {coded}, not {given}",
    "id.cccd_future": "this CCCD says born in {year}, in the future: check the 4th to 6th digits",
    "sex.invalid": "type 1 (Nam) or 2 (Nữ)",
    "name.too_long": "longer than 80 characters",
    "name.digits": "a name has no digits",
    "name.characters": "a name has only letters, spaces, ' - and .",
    "phone.invalid": "not a Vietnamese mobile number (10 digits, 03x-09x)",
    "dob.future": "the date of birth is in the future",
    "dob.before_1900": "the date of birth is before 1900",
    # dates
    "date.not_a_date": "'{text}' is not a date: type e.g. 150892 or 15/8/1992",
    "date.digits": "'{text}' is not a date: type DDMMYY, DDMMYYYY or DD/MM/YYYY",
    "date.not_a_year": "'{text}' is not a year",
    "date.shape": "'{text}' is not a date: type DD/MM/YYYY",
    "date.does_not_exist": "{day:02d}/{month:02d}/{year} does not exist",
    "date.year_only": (
        "{year} is a year alone: type the whole date, e.g. 15/08/{year} (a year alone is for "
        "retrospective entry, F4)"
    ),
    "date.too_early": "{date} is before {earliest}",
    "date.future": "{date} is in the future",
    # places
    "place.unknown": "no {what} called '{text}'",
    "place.ambiguous": "which one? {names}",
    "place.province_first": "give the province first",
    # the record and the session
    "screening.invalid": "D đủ điều kiện · H hoãn · C chống chỉ định · B bệnh viện",
    "aefi.invalid": "blank none · 1 thông thường (mild) · 2 nặng (severe)",
    "aefi_note.required": "describe the adverse event",
    "vaccine.unknown": "unknown vaccine '{text}': {choices}",
    "vaccine.age": "{vaccine} is for {ages}: this person is {age} on {on}",
    "vaccine.given_elsewhere": "{vaccine} is for doses given elsewhere, not a session",
    "lot.characters": "a lot number has letters, digits, '-', '/' and '.' only",
    "dose.range": "a dose number from 1 to 9",
    "code.characters": "letters, digits, '-', '_' and '.' only, 1-32 characters",
    "given_on.before_birth": "the dose was given before the person was born",
    "session.not_today": (
        "a session is for today, {today}: doses of other days are typed in retrospective "
        "entry (F4)"
    ),
    "session.stale": "the session is of {date}, not today: open today's session (F2)",
    # a whole record (domain.validation), as a desk builds it or the hub receives it
    "record.version": "a version is a whole number from 1 to {limit}",
    "record.not_an_id": "not a record or session id (a UUID)",
    "record.no_dose": "no dose was given ({screening}): leave it empty",
    "record.time": "'{text}' is not a time of day (HH:MM)",
    "record.unnumbered": "a dose given needs its dose number",
    "record.moment": "'{text}' is not a moment with its time zone",
    "record.person_key": "the person key is not this person's",
    # the wire: what a body sent to the hub must hold
    "wire.not_an_object": "not a JSON object",
    "wire.missing": "missing",
    "wire.not_an_integer": "must be a whole number",
    "wire.not_text": "must be text",
    "wire.not_a_count": "must be a whole number, 0 or more",
    "wire.too_long": "longer than {limit} characters",
    "wire.characters": "control characters are not allowed",
    "wire.choice": "'{text}' is not one of: {choices}",
    "wire.not_a_date": "'{text}' is not a date (YYYY-MM-DD)",
    "wire.not_an_item": "not an item: kind, key, version, payload",
    "wire.kind": "unknown kind '{kind}'",
    "wire.other_item": "the payload is another item's",
    # the hub's own rules
    "hub.other_desk": "desk {desk} uploads its own records only",
    "hub.other_site": "desk {desk} is enrolled at site {site}",
    "hub.lookup_limit": "at most {limit} lookups a minute for a desk: try again in {wait} s",
    "hub.demo_record": "a record made by the demo: this hub keeps real records only",
    # the store
    "store.busy": "the database cannot be written now: {detail}",
    "store.new_version": "a new record starts at version 1; use correct()",
    "store.exists": "record {record_id} exists already",
    "store.not_found": "no record {record_id}",
    "store.voided": "this record was voided; enter a new one instead",
    "store.changed": "the record changed meanwhile (now version {version}); reopen it",
    "store.void_reason": "give a reason for voiding (at least 3 characters)",
    "store.voided_already": "this record is voided already",
    "store.file_exists": "{path} exists already",
    "dose.duplicate": (
        "dose {number} already recorded on {given_on}: {vaccine} lot {lot}, site {site}, "
        "desk {desk}"
    ),
    "dose.recorded_already": "this dose is recorded already",
    "dose.too_soon": (
        "too soon: dose {number} {vaccine} given on {given_on} (lot {lot}, site {site}, desk "
        "{desk}); the next from {due}"
    ),
    "dose.not_next": "the history makes this dose {expected}, not {number}",
    "dose.override_reason": "give the reason for the override (at least 3 characters)",
    "dose.rules": "the dose rules refuse it; a vaccinator or supervisor may override with a reason",
    "store.unexpected": "unexpected {kind}; the form is kept",
    "entry.finish_correction": "finish or cancel (Esc) the correction first",
    # people
    "pin.rule": "a PIN of 4-12 digits, or a password of 8 characters or more",
    "pin.mismatch": "the two PINs differ: type them again",
    "user.exists": "there is a user called {name} already",
    "user.first_is_supervisor": "the first user must be a supervisor",
    "login.wrong": "wrong name or PIN",
    "login.locked": "locked after {failures} wrong PINs: try again in {wait} s",
    "role.not_allowed": "a {role} may not {action}",
    "role.own_records_only": "a {role} corrects only their own records: ask a supervisor",
    "record.voided_no_correction": "a voided record cannot be corrected",
    # uploads to the hub
    "hub_url.invalid": "'{text}' is not a URL ({detail}): e.g. https://hub.lan:8470",
    "hub_url.scheme": "'{text}' does not start with http:// or https://: e.g. https://hub.lan:8470",
    "hub_url.host": "'{text}' names no host: e.g. https://hub.lan:8470",
    "sync.hub_setting": "hub setting is wrong, records stay on this desk: {error}",
    "sync.refused": "hub refused this desk: {error}",
    "sync.unreachable": "hub unreachable since {since:%H:%M}: {error}",
    "sync.synced": "synced; backlog {backlog}, conflicts {conflicts}",
    # scans
    "scan.not_recognised": "not a recognised ID code",
    "scan.saved_already": "{id} saved already at {at}: to change it, F3 (today's list)",
    "scan.on_form": "{id} is on the form already",
    "scan.waiting_already": "{id} is waiting already",
    "scan.not_utf8": "not a recognised ID code (not UTF-8 text)",
    "scan.certificate": "unreadable vaccination certificate: {detail}",
    "scan.cccd": "CCCD code refused: {detail}",
    "scan.id_number": "ID number refused: {detail}",
    "scan.unreadable": "unreadable code: type the fields instead",
    "scan.too_long": "too long for an ID code or a certificate ({detail} bytes at most)",
    "cccd.fields": "a CCCD code has {expected} fields, this one {count}",
    "cccd.old_id": "old ID: {detail}",
    "cccd.sex": "sex '{text}' is neither Nam nor Nữ",
    "cccd.date_shape": "{what} '{text}' is not DDMMYYYY",
    "cccd.date_missing": "{what} {text} does not exist",
    "cccd.issued": "issue date {date} is impossible",
    "dcc.cbor_tag": "CBOR tag {tag}, not COSE_Sign1",
    "dcc.not_cose": "not a COSE_Sign1 structure",
    "dcc.date_missing": "{what} missing",
    "dcc.not_a_date": "{what} '{text}' is not a date",
    "dcc.base45": "it is not base45 (damaged or cut short?)",
    "dcc.compression": "its compressed content is damaged",
    "dcc.no_certificate": "no health certificate inside",
    "dcc.not_cbor": "its content is not CBOR",
    "dcc.no_name": "no name on the certificate",
    "dcc.future": "vaccination date {date} is in the future",
    "dcc.too_large": "it inflates past {limit} bytes: not a certificate",
    "dcc.field_type": "its {what} is {got} where {expected} belongs",
    "dcc.count_range": "its {what} {value} is not between {minimum} and {maximum}",
    "dcc.dose_zero": "it says dose 0, which is no dose: ask for the certificate of each dose",
    "dcc.no_vaccination": "it holds no vaccination (a test or recovery certificate?)",
}


def render(code: str, params: Mapping[str, Any] | None = None) -> str:
    """The message of a code; an unknown code is shown as itself rather than lost."""
    template = MESSAGES.get(code)
    if template is None:
        return code
    values = {
        key: describe(value) if isinstance(value, BaseException) else value
        for key, value in (params or {}).items()
    }
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return template


def describe(error: BaseException) -> str:
    """Words for an error: a coded one from the catalogue, any other by its own text."""
    code = getattr(error, "code", None)
    if isinstance(code, str):
        return render(code, getattr(error, "params", {}))
    return str(error)
