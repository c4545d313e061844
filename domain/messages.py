"""The one catalogue of what the product says about errors and refusals: code -> message.

Only the edges (screens, the command line, the hub's replies) turn a code into words, through
`render` or `describe`; the rest of the code raises and returns codes with parameters. Every
message is English here, marked for the catalog (`N_`, `Nn_` for a count), and translated into
the language in use when it is rendered. A parameter that holds a word (a role, a kind of
place, a field of a certificate) holds its English message id, listed in `WORD_PARAMS`, and is
translated too; a date or a time is written as the language writes it; an error held as a
parameter is rendered in turn (a nested message: the ages a vaccine is for).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

from domain.aefi_messages import AEFI_MESSAGES
from domain.ledger_messages import LEDGER_MESSAGES
from domain.list_messages import LIST_MESSAGES
from domain.schedule_messages import SCHEDULE_MESSAGES
from domain.screening_messages import SCREENING_MESSAGES
from domain.slip_messages import SLIP_MESSAGES
from domain.staff_messages import STAFF_MESSAGES
from domain.stock_messages import STOCK_MESSAGES
from i18n import N_, Nn_, _, format_date, format_time, ngettext

MESSAGES: dict[str, str] = {
    # any field
    "required": N_("required"),
    # the person
    "id.number_without_id": N_("a number was given for a person without ID"),
    "id.cccd_digits": N_("a CCCD number has 12 digits"),
    "id.cccd_province": N_("CCCD starts with {province}, which is not a province code"),
    "id.cmnd_digits": N_("an old ID (CMND) number has 9 digits"),
    "id.not_an_id": N_("not an ID number: CCCD 12 digits, CMND 9 digits, or a passport number"),
    "id.cccd_year": N_("the CCCD says born in {coded}, the date of birth says {given}"),
    "id.cccd_sex": N_("the CCCD says {coded}, not {given}"),
    "id.cccd_future": N_(
        "this CCCD says born in {year}, in the future: check the 4th to 6th digits"
    ),
    "sex.invalid": N_("type 1 (Nam) or 2 (Nữ)"),
    "name.too_long": N_("longer than 80 characters"),
    "name.digits": N_("a name has no digits"),
    "name.characters": N_("a name has only letters, spaces, ' - and ."),
    "phone.invalid": N_("not a Vietnamese mobile number (10 digits, 03x-09x)"),
    "dob.future": N_("the date of birth is in the future"),
    "dob.before_1900": N_("the date of birth is before 1900"),
    # dates
    "date.not_a_date": N_("'{text}' is not a date: type e.g. 150892 or 15/8/1992"),
    "date.digits": N_("'{text}' is not a date: type DDMMYY, DDMMYYYY or DD/MM/YYYY"),
    "date.not_a_year": N_("'{text}' is not a year"),
    "date.shape": N_("'{text}' is not a date: type DD/MM/YYYY"),
    "date.does_not_exist": N_("{day:02d}/{month:02d}/{year} does not exist"),
    "date.year_only": N_(
        "{year} is a year alone: type the whole date, e.g. 15/08/{year} (a year alone is for "
        "retrospective entry, F4)"
    ),
    "date.too_early": N_("{date} is before {earliest}"),
    "date.future": N_("{date} is in the future"),
    # places
    "place.unknown": N_("no {what} called '{text}'"),
    "place.ambiguous": N_("which one? {names}"),
    "place.province_first": N_("give the province first"),
    # the record and the session
    "screening.invalid": N_(
        "D eligible · H postpone · C contraindicated · B refer to hospital"
    ),
    "aefi.invalid": N_("blank: none · 1 mild · 2 severe"),
    "aefi_note.required": N_("describe the adverse event"),
    "vaccine.unknown": N_("unknown vaccine '{text}': {choices}"),
    "vaccine.age": N_("{vaccine} is for {ages}: this person is {age} on {on}"),
    "vaccine.given_elsewhere": N_("{vaccine} is for doses given elsewhere, not a session"),
    "lot.characters": N_("a lot number has letters, digits, '-', '/' and '.' only"),
    "dose.range": N_("a dose number from 1 to 9"),
    "code.characters": N_("letters, digits, '-', '_' and '.' only, 1-32 characters"),
    "given_on.before_birth": N_("the dose was given before the person was born"),
    "session.not_today": N_(
        "a session is for today, {today}: doses of other days are typed in retrospective "
        "entry (F4)"
    ),
    "session.stale": N_("the session is of {date}, not today: open today's session (F2)"),
    # a whole record (domain.validation), as a desk builds it or the hub receives it
    "record.version": N_("a version is a whole number from 1 to {limit}"),
    "record.not_an_id": N_("not a record or session id (a UUID)"),
    "record.no_dose": N_("no dose was given ({screening}): leave it empty"),
    "record.time": N_("'{text}' is not a time of day (HH:MM)"),
    "record.unnumbered": N_("a dose given needs its dose number"),
    "record.moment": N_("'{text}' is not a moment with its time zone"),
    "record.person_key": N_("the person key is not this person's"),
    # the wire: what a body sent to the hub must hold
    "wire.not_an_object": N_("not a JSON object"),
    "wire.missing": N_("missing"),
    "wire.not_an_integer": N_("must be a whole number"),
    "wire.not_text": N_("must be text"),
    "wire.not_a_count": N_("must be a whole number, 0 or more"),
    "wire.characters": N_("control characters are not allowed"),
    "wire.choice": N_("'{text}' is not one of: {choices}"),
    "wire.not_a_date": N_("'{text}' is not a date (YYYY-MM-DD)"),
    "wire.not_an_item": N_("not an item: kind, key, version, payload"),
    "wire.kind": N_("unknown kind '{kind}'"),
    "wire.other_item": N_("the payload is another item's"),
    # the hub's own rules
    "hub.other_desk": N_("desk {desk} uploads its own records only"),
    "hub.other_site": N_("desk {desk} is enrolled at site {site}"),
    "hub.demo_record": N_("a record made by the demo: this hub keeps real records only"),
    # what the hub said of an item, as today's list shows it at the desk
    "hub.conflict": N_("conflict: {field}"),
    "hub.refused_field": N_("refused: {field}: {reason}"),
    "hub.refused": N_("refused: {reason}"),
    # the store
    "store.busy": N_("the database cannot be written now: {detail}"),
    "store.new_version": N_("a new record starts at version 1; use correct()"),
    "store.exists": N_("record {record_id} exists already"),
    "store.not_found": N_("no record {record_id}"),
    "store.voided": N_("this record was voided; enter a new one instead"),
    "store.changed": N_("the record changed meanwhile (now version {version}); reopen it"),
    "store.void_reason": N_("give a reason for voiding (at least 3 characters)"),
    "store.voided_already": N_("this record is voided already"),
    "store.file_exists": N_("{path} exists already"),
    "store.too_new": N_(
        "the database has schema version {applied}; this vaxdesk knows up to {known}: "
        "upgrade vaxdesk"
    ),
    "dose.duplicate": N_(
        "dose {number} already recorded on {given_on}: {vaccine} lot {lot}, site {site}, "
        "desk {desk}"
    ),
    "dose.recorded_already": N_("this dose is recorded already"),
    "dose.too_soon": N_(
        "too soon: dose {number} {vaccine} given on {given_on} (lot {lot}, site {site}, desk "
        "{desk}); the next from {due}"
    ),
    "dose.not_next": N_("the history makes this dose {expected}, not {number}"),
    "dose.override_reason": N_("give the reason for the override (at least 3 characters)"),
    "dose.rules": N_(
        "the dose rules refuse it; a vaccinator or supervisor may override with a reason"
    ),
    "store.unexpected": N_("an unexpected error (written to the log); the form is kept"),
    "entry.finish_correction": N_("finish or cancel (Esc) the correction first"),
    # people
    "pin.rule": N_("a PIN of 4-12 digits, or a password of 8 characters or more"),
    "pin.mismatch": N_("the two PINs differ: type them again"),
    "user.exists": N_("there is a user called {name} already"),
    "user.first_is_supervisor": N_("the first user must be a supervisor"),
    "login.wrong": N_("wrong name or PIN"),
    "role.not_allowed": N_("a {role} may not {action}"),
    "role.own_records_only": N_("a {role} corrects only their own records: ask a supervisor"),
    "record.voided_no_correction": N_("a voided record cannot be corrected"),
    # uploads to the hub
    "hub_url.invalid": N_("'{text}' is not a URL ({detail}): e.g. https://hub.lan:8470"),
    "hub_url.scheme": N_("'{text}' does not start with http:// or https://: e.g. https://hub.lan:8470"),
    "hub_url.host": N_("'{text}' names no host: e.g. https://hub.lan:8470"),
    "sync.hub_setting": N_("hub setting is wrong, records stay on this desk: {error}"),
    "sync.refused": N_("hub refused this desk: {error}"),
    "sync.unreachable": N_("hub unreachable since {since}: {error}"),
    "sync.synced": N_("synced; backlog {backlog}, conflicts {conflicts}"),
    "sync.answered": N_("hub answered {status}"),
    "sync.no_connection": N_("no connection to the hub (network down, or the hub is off)"),
    "sync.timeout": N_("the hub did not answer in time (slow or congested network)"),
    "sync.tls": N_("the hub's certificate is not trusted here: check the [hub] ca setting"),
    "sync.link_dropped": N_("the link to the hub dropped"),
    "sync.answered_not_json": N_("hub answered {status} without JSON"),
    "sync.answered_not_object": N_("hub answered something that is not an object"),
    "sync.hub_refused": N_("hub refused ({status}): {reason}"),
    # scans
    "scan.not_recognised": N_("not a recognised ID code"),
    "scan.saved_already": N_("{id} saved already at {at}: to change it, F3 (today's list)"),
    "scan.on_form": N_("{id} is on the form already"),
    "scan.waiting_already": N_("{id} is waiting already"),
    "scan.not_utf8": N_("not a recognised ID code (not UTF-8 text)"),
    "scan.certificate": N_("unreadable vaccination certificate: {detail}"),
    "scan.cccd": N_("CCCD code refused: {detail}"),
    "scan.id_number": N_("ID number refused: {detail}"),
    "scan.unreadable": N_("unreadable code: type the fields instead"),
    "cccd.old_id": N_("old ID: {detail}"),
    "cccd.sex": N_("sex '{text}' is neither Nam nor Nữ"),
    "cccd.date_shape": N_("{what} '{text}' is not DDMMYYYY"),
    "cccd.date_missing": N_("{what} {text} does not exist"),
    "cccd.issued": N_("issue date {date} is impossible"),
    "dcc.cbor_tag": N_("CBOR tag {tag}, not COSE_Sign1"),
    "dcc.not_cose": N_("not a COSE_Sign1 structure"),
    "dcc.date_missing": N_("{what} missing"),
    "dcc.not_a_date": N_("{what} '{text}' is not a date"),
    "dcc.base45": N_("it is not base45 (damaged or cut short?)"),
    "dcc.compression": N_("its compressed content is damaged"),
    "dcc.no_certificate": N_("no health certificate inside"),
    "dcc.not_cbor": N_("its content is not CBOR"),
    "dcc.no_name": N_("no name on the certificate"),
    "dcc.future": N_("vaccination date {date} is in the future"),
    "dcc.field_type": N_("its {what} is {got} where {expected} belongs"),
    "dcc.count_range": N_("its {what} {value} is not between {minimum} and {maximum}"),
    "dcc.dose_zero": N_("it says dose 0, which is no dose: ask for the certificate of each dose"),
    # the camera
    "camera.missing": N_("no camera at {path} (cameras here: {cameras})"),
    "camera.missing_none": N_("no camera at {path}, and no other camera here"),
    "camera.permission": N_(
        "no permission to open {path}: add this user to the 'video' group and log in again"
    ),
    "camera.busy": N_("{path} cannot be opened: busy (another program uses it?)"),
    "camera.no_frames": N_("camera {device} stopped sending frames"),
    "camera.no_images": N_("no images or videos in {path}"),
    "camera.demo_only": N_(
        "the demo camera shows generated citizens: it runs only in `vaxdesk demo`"
    ),
    "camera.no_webcam": N_("no webcam found"),
    "camera.spec": N_("'{spec}' is no camera, folder or file (try none, auto, 0, /dev/video2)"),
    "camera.stopped": N_("the camera stopped"),
    "decoder.unknown": N_("unknown decoder '{name}': {choices}"),
    "decoder.zbar_missing": N_(
        "the zbar decoder is not usable here: libzbar0 is not installed (apt-get install "
        "libzbar0)"
    ),
    "decoder.not_installed": N_("the {name} decoder is not installed here: {error}"),
    "clock.unknown_zone": N_("unknown time zone '{name}'"),
    "dcc.no_vaccination": N_("it holds no vaccination (a test or recovery certificate?)"),
    **LIST_MESSAGES,  # subject lists and arrival (issue 13): domain.list_messages
    **SCREENING_MESSAGES,  # the screening checklist (issue 13): domain.screening_messages
    "observation.voided": N_("this dose was voided: nobody to watch"),  # observation (13)
    "observation.none": N_("no observation for this record: no dose given here today"),
    "observation.marked_already": N_("marked as gone already"),
    **AEFI_MESSAGES, **SLIP_MESSAGES, **LEDGER_MESSAGES,  # issues 13 (AEFI), 14
    **STAFF_MESSAGES, **STOCK_MESSAGES, **SCHEDULE_MESSAGES,  # issues 16 and 17
}

# Messages with a count: code -> (the count's parameter, singular, plural). Rendered with
# ngettext; MESSAGES holds their plural form too, so every code is in MESSAGES.
PLURALS: dict[str, tuple[str, tuple[str, str]]] = {
    "wire.too_long": (
        "limit", Nn_("longer than {limit} character", "longer than {limit} characters")
    ),
    "hub.lookup_limit": ("limit", Nn_(
        "at most {limit} lookup a minute for a desk: try again in {wait} s",
        "at most {limit} lookups a minute for a desk: try again in {wait} s",
    )),
    "login.locked": ("failures", Nn_(
        "locked after {failures} wrong PIN: try again in {wait} s",
        "locked after {failures} wrong PINs: try again in {wait} s",
    )),
    "scan.too_long": ("detail", Nn_(
        "too long for an ID code or a certificate ({detail} byte at most)",
        "too long for an ID code or a certificate ({detail} bytes at most)",
    )),
    "cccd.fields": ("expected", Nn_(
        "a CCCD code has {expected} field, this one {count}",
        "a CCCD code has {expected} fields, this one {count}",
    )),
    "dcc.too_large": ("limit", Nn_(
        "it inflates past {limit} byte: not a certificate",
        "it inflates past {limit} bytes: not a certificate",
    )),
    # nested in vaccine.age's {ages}: the ages a vaccine is for
    "ages.years_over": ("low", Nn_("{low} year and over", "{low} years and over")),
    "ages.months_over": ("low", Nn_("{low} month and over", "{low} months and over")),
}
MESSAGES.update({code: forms[1] for code, (_count, forms) in PLURALS.items()})
MESSAGES.update({"ages.years": N_("{low}-{high} years"),
                 "ages.months": N_("{low}-{high} months")})  # fmt: skip

# Parameters that hold a word or a phrase (its English message id, marked with N_ where it is
# given): translated when the message is rendered, so a hub's refusal, read by a desk, is
# said in the desk's language.
WORD_PARAMS: dict[str, frozenset[str]] = {
    code: frozenset(names)
    for code, names in {
        "place.unknown": ("what",),
        "record.no_dose": ("screening",),
        "role.not_allowed": ("role", "action"),
        "role.own_records_only": ("role",),
        "cccd.date_shape": ("what",),
        "cccd.date_missing": ("what",),
        "dcc.date_missing": ("what",),
        "dcc.not_a_date": ("what",),
        "dcc.field_type": ("what", "got", "expected"),
        "dcc.count_range": ("what",),
        "subject.transition": ("what", "expected"),
    }.items()
}


def render(code: str, params: Mapping[str, Any] | None = None, *, english: bool = False) -> str:
    """The message of a code in the language in use (`english`: in English whatever the
    language, for machines: the hub's words in its replies); an unknown code is shown as
    itself rather than lost."""
    template = MESSAGES.get(code)
    if template is None:
        return code
    params = params or {}
    plural = PLURALS.get(code)
    if plural is not None and template == plural[1][1]:
        count = params.get(plural[0])
        number = count if isinstance(count, int) else _number(count)
        forms = plural[1]
        text = (forms[0] if number == 1 else forms[1]) if english else ngettext(*forms, number)
    else:
        text = template if english else _(template)
    words = WORD_PARAMS.get(code, frozenset())
    values = {key: _shown(value, key in words, english) for key, value in params.items()}
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError) as error:  # a parameter missing: said, not lost
        logging.getLogger("vaxdesk").warning("message %s: %s missing", code, error)
        return text


def _number(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 2  # not a count: the plural form, the general one


def _shown(value: Any, word: bool, english: bool) -> Any:
    """A parameter as the message shows it."""
    if isinstance(value, BaseException):
        return describe(value, english=english)
    if isinstance(value, Mapping) and isinstance(value.get("code"), str):
        # a nested message, off the wire
        return render(value["code"], value.get("params"), english=english)
    if isinstance(value, datetime | time):
        return format_time(value)
    if isinstance(value, date):
        return format_date(value)
    if word and isinstance(value, str) and not english:
        return _(value)
    return value


def describe(error: BaseException, *, english: bool = False) -> str:
    """Words for an error: a coded one from the catalogue, any other by its own text."""
    code = getattr(error, "code", None)
    if isinstance(code, str):
        return render(code, getattr(error, "params", {}), english=english)
    return str(error)


def wire_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Parameters as JSON carries them (a hub's refusal to a desk): a nested error as its code
    and parameters, a date or time as the message writes it, anything else not plain as text."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        code = getattr(value, "code", None)
        if isinstance(value, BaseException) and isinstance(code, str):
            out[key] = {"code": code, "params": wire_params(getattr(value, "params", {}))}
        elif isinstance(value, BaseException):
            out[key] = str(value)
        elif isinstance(value, date | time):
            out[key] = _shown(value, False, True)
        elif value is None or isinstance(value, bool | int | float | str):
            out[key] = value
        else:
            out[key] = str(value)
    return out


# The names of a record's fields, as a message about one of them says them (a hub's refusal
# in today's list); the entry form's labels are the same words.
FIELD_LABELS: dict[str, str] = {
    "record_id": N_("Record"),
    "version": N_("Version"),
    "status": N_("Status"),
    "void_reason": N_("Reason"),
    "desk_id": N_("Desk"),
    "site_id": N_("Site"),
    "session_id": N_("Session"),
    "id_type": N_("ID type"),
    "id_number": N_("ID number"),
    "person_key": N_("ID number"),
    "full_name": N_("Full name"),
    "dob": N_("Date of birth"),
    "sex": N_("Sex"),
    "phone": N_("Phone"),
    "province_code": N_("Province"),
    "province": N_("Province"),
    "ward_code": N_("Ward"),
    "ward": N_("Ward"),
    "address": N_("Address"),
    "screening": N_("Screening"),
    "vaccine": N_("Vaccine"),
    "lot": N_("Lot"),
    "dose_number": N_("Dose number"),
    "given_on": N_("Given on"),
    "given_time": N_("Time given"),
    "vaccinator": N_("Vaccinator"),
    "aefi": N_("Adverse event"),
    "aefi_note": N_("Adverse event note"),
    "observed_until": N_("Observed until"),
    "source": N_("Source"),
    "entered_by": N_("Entered by"),
    "recorded_at": N_("Recorded at"),
    "checklist_version": N_("Checklist version"), "screening_answers": N_("Screening answers"),
    "session_date": N_("Date"),
}


def field_label(name: str) -> str:
    """A field's name in the language in use (the name itself for a field not listed)."""
    label = FIELD_LABELS.get(name)
    return _(label) if label else name
