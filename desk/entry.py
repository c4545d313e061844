"""Entering records at the desk: one citizen after another, live or retrospective (hồi cứu),
new records and corrections, typed or scanned. The screen sends what the form holds; this
answers with what to change in it, what to show and what was stored."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from desk import arrival, checklist, slip_lookup
from desk.certificate import Imported, import_certificate
from desk.core import Desk
from desk.results import Filled, Lookup, Patch, Queued, Refused, Saved, ScanOutcome
from desk.scans import (
    ScanQueue,
    Skipped,
    already_here,
    first_missing,
    form_in_use,
    saved_recently,
    scan_person_key,
    scan_values,
)
from domain.doses import (
    DoseOverride,
    next_dose,
    next_dose_number,
    parse_override_reason,
    programme_of,
)
from domain.errors import DeskError, FieldError, ValidationError
from domain.fields import Screening
from domain.identity import (
    IdType,
    cccd_century_and_sex,
    classify_id,
    normalize_id,
    normalize_name,
    person_key_of,
)
from domain.places import province_name, resolve_province, resolve_ward, ward_name
from domain.record import (
    EntryContext,
    Mode,
    Record,
    Session,
    Source,
    build_record,
    identity_to_form,
    record_to_form,
)
from domain.roles import Action
from domain.scans import CertificateScan, IdNumberScan, Rejected, Scan, SlipScan
from domain.screening import Answer, Checklist
from domain.tables import vaccine_table
from store import DoseRulesBroken, DuplicateDose, StoreError

log = logging.getLogger("vaxdesk.desk")

# Fields the session fills in live mode; typed per record in retrospective mode and corrections.
SESSION_FIELDS = ("vaccine", "lot", "given_on")
# Kept from one retrospective record to the next: paper lists run by vaccine and date.
RETRO_KEPT = ("vaccine", "lot", "given_on")

__all__ = ["Entry", "Filled", "Lookup", "Patch", "Queued", "Refused", "Saved", "ScanOutcome"]


class Entry:
    """The state of the entry form beyond its text: mode, the record being corrected, where
    the person came from, a certificate on offer, and the scans waiting."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.mode = Mode.LIVE
        self.editing: Record | None = None
        self.source = Source.TYPED
        self.certificate: CertificateScan | None = None
        self.queue = ScanQueue()
        self.screened: checklist.Screened | None = None  # the checklist answered for this citizen
        self._retro_starts = False  # the first retrospective form keeps nothing of live entry
        self._numbered_for = ""  # whose history gave the dose number now in the form
        self.arrival: arrival.Arrival | None = None  # the last ID typed, on today's list

    @property
    def busy(self) -> bool:
        """A correction or a certificate import is on the form."""
        return self.editing is not None or self.certificate is not None

    @property
    def session(self) -> Session:
        if self.desk.session is None:
            raise LookupError("no session is open")
        return self.desk.session

    def context(self) -> EntryContext:
        return EntryContext(
            session=self.session,
            mode=self.mode,
            now=self.desk.clock(),
            source=Source.DEMO if self.desk.demo else self.source,
            original=self.editing,
            resolve_province=resolve_province,
            resolve_ward=resolve_ward,
        )

    # -- the form's shape ------------------------------------------------------------------

    def typed_dose(self) -> bool:
        """Vaccine, lot and date are typed per record (else the session gives them)."""
        return self.mode is Mode.RETROSPECTIVE or self.editing is not None

    def disabled(self, form: Mapping[str, str]) -> set[str]:
        """Fields the volunteer does not type now."""
        off = set() if self.typed_dose() else set(SESSION_FIELDS)
        if not self.desk.may(Action.SCREEN):
            off |= {"screening", "aefi", "aefi_note"}
        elif not form.get("aefi", "").strip():
            off.add("aefi_note")
        return off

    def session_values(self) -> dict[str, str]:
        session = self.session
        return {
            "vaccine": session.vaccine,
            "lot": session.lot,
            "given_on": session.session_date.strftime("%d/%m/%Y"),
        }

    def clear(self, form: Mapping[str, str]) -> dict[str, str]:
        """Clear the form for the next citizen (forgets the source and any certificate): the
        values it starts with."""
        self.source = Source.TYPED
        self.certificate = None
        self.screened = None
        self._numbered_for = ""
        retro = self.mode is Mode.RETROSPECTIVE and not self.editing
        kept = RETRO_KEPT if retro and not self._retro_starts else ()
        self._retro_starts = False
        values = {name: (form.get(name, "") if name in kept else "") for name in form}
        if not self.typed_dose() or self.editing:
            values.update(self.session_values())
        values["screening"] = "D"
        return values

    def toggle_mode(self) -> Mode:
        if self.editing is not None:
            raise DeskError("entry.finish_correction")
        self.mode = Mode.LIVE if self.mode is Mode.RETROSPECTIVE else Mode.RETROSPECTIVE
        self._retro_starts = self.mode is Mode.RETROSPECTIVE
        return self.mode

    def check_session_change(self) -> None:
        """The session's values are the defaults of new records, not of a correction."""
        if self.editing is not None:
            raise DeskError("entry.finish_correction")

    def change_session(self, session: Session) -> None:
        self.desk.session = session

    # -- typing ----------------------------------------------------------------------------

    def check(self, form: Mapping[str, str], name: str) -> FieldError | None:
        """Validate the whole form but report only this field: one rule book, early feedback."""
        try:
            build_record(checklist.with_checklist(form, self.screened), self.context())
        except ValidationError as error:
            return error.errors.get(name)
        return None

    def after_field(self, form: Mapping[str, str], name: str) -> Patch:
        """A field was left with a good value: normalise it; an ID number brings the person."""
        value = form.get(name, "")
        if name == "id_number":
            number = normalize_id(value)
            values = {"id_number": number}
            if classify_id(number) is IdType.CCCD and not form.get("sex", "").strip():
                values["sex"] = cccd_century_and_sex(number)[1].value
            lookup = self.lookup({**form, **values})
            return Patch(values={**values, **self.history_values({**form, **values}, lookup)},
                         lookup=lookup)  # fmt: skip
        if not value.strip():
            return Patch()
        if name == "full_name":
            return Patch({name: normalize_name(value)})
        if name == "province":
            return Patch({name: province_name(resolve_province(value))})
        if name == "ward":
            code = self.province_code(form)
            return Patch({name: ward_name(code, resolve_ward(code, value))})
        if name == "vaccine" and (vaccine := vaccine_table().resolve(value)):
            return Patch({name: vaccine.code})
        return Patch()

    def province_code(self, form: Mapping[str, str]) -> str:
        try:
            return resolve_province(form.get("province", ""))
        except FieldError:
            return ""

    def lookup(self, form: Mapping[str, str], *, remote: bool = True) -> Lookup:
        """The person's doses so far; asks the hub for other desks' (answered later)."""
        key = person_key_of(form.get("id_number", ""))
        if remote:  # typed or scanned now: arrival on today's list (the hub's answer: not)
            live = self.mode is Mode.LIVE and not self.editing
            self.arrival = arrival.at_entry(self.desk, form.get("id_number", ""), live=live)
        if not key:
            return Lookup("")
        history = [
            r
            for r in self.desk.store.history(key)
            if not self.editing or r.record_id != self.editing.record_id
        ]
        if remote and self.desk.ports.hub_configured:
            self.desk.ports.want_history(key)
        return Lookup(key, history, next_dose(history, self.programme(form)))

    def programme(self, form: Mapping[str, str]) -> str:
        """The programme of the dose on the form: dose numbers count within it."""
        return programme_of(form.get("vaccine", "").strip() or self.session.vaccine)

    def history_values(
        self, form: Mapping[str, str], lookup: Lookup, *, refresh_dose: bool = False
    ) -> dict[str, str]:
        """What the person's history fills: the next dose number, and for a person seen
        before, who they are (only into empty fields)."""
        values: dict[str, str] = {}
        another_person = self._numbered_for not in ("", lookup.person_key)
        empty = not form.get("dose_number", "").strip()
        if not self.editing and (refresh_dose or empty or another_person):
            values["dose_number"] = str(next_dose_number(lookup.history, self.programme(form)))
            self._numbered_for = lookup.person_key
        if lookup.history:
            known = lookup.history[-1].person
            for name, text in identity_to_form(known).items():
                if not form.get(name, "").strip():
                    values[name] = text
            if known.province_code and values.get("province") == known.province_code:
                values["province"] = province_name(known.province_code)
                values["ward"] = ward_name(known.province_code, known.ward_code)
        return values

    def remote_history_arrived(self, form: Mapping[str, str], person_key: str) -> Patch | None:
        """Doses from other desks reached the store: renumber, if the person is still here."""
        if person_key_of(form.get("id_number", "")) != person_key:
            return None
        lookup = self.lookup(form, remote=False)
        return Patch(self.history_values(form, lookup, refresh_dose=True), lookup=lookup)

    # -- corrections -----------------------------------------------------------------------

    def start_correction(self, record: Record) -> Patch:
        """The record's values in the form; a certificate on offer is dropped (else Ctrl+S
        would import it instead of saving the correction)."""
        self.editing = record
        self.certificate = None
        self.screened = checklist.from_record(record)
        values = record_to_form(record)
        values["province"] = province_name(record.person.province_code)
        values["ward"] = ward_name(record.person.province_code, record.person.ward_code)
        return Patch(values, focus="id_number")

    def cancel_correction(self) -> bool:
        was_editing = self.editing is not None
        self.editing = None
        self.screened = None
        return was_editing

    # -- saving ----------------------------------------------------------------------------

    def save(
        self, form: Mapping[str, str], override_reason: str = ""
    ) -> Saved | Imported | Refused:
        """Store the form as a new record, a correction, or a certificate's doses. A dose the
        dose rules refuse is stored with `override_reason` by a vaccinator or supervisor."""
        try:
            user = self.desk.require(Action.ENTER)
            override = None
            if override_reason:
                self.desk.require(Action.OVERRIDE_DOSE)
                override = DoseOverride(parse_override_reason(override_reason), user.name)
            checklist.check_override(self.desk, self.screened, self.editing)
        except DeskError as error:
            return Refused(problem=error)
        if not self.desk.may(Action.SCREEN):
            # Screening results and adverse events: volunteers, vaccinators, supervisors.
            screened = {
                name: FieldError(name, "role.not_allowed", role=self.desk.role.term,
                                 action=Action.SCREEN.value)
                for name in ("screening", "aefi", "aefi_note")
                if form.get(name, "").strip() not in ("", "D", "d")
            }  # fmt: skip
            if screened:
                return Refused(screened)
        if self.certificate is not None:
            return self._import(self.certificate, form)
        try:
            record = build_record(checklist.with_checklist(form, self.screened), self.context())
        except ValidationError as error:
            return Refused(error.errors)
        try:
            store = self.desk.store
            stored = (
                store.correct(record, override) if self.editing else store.save(record, override)
            )
        except DuplicateDose as duplicate:
            at_dose = FieldError("dose_number", duplicate.code, **duplicate.params)
            return Refused({"dose_number": at_dose}, DeskError("dose.recorded_already"))
        except DoseRulesBroken as broken:
            return Refused({"dose_number": broken.problems[0]}, broken, overridable=True)
        except StoreError as error:
            return Refused(problem=error)
        except Exception as error:  # never lose the form to a bug: say so, keep it, log it
            log.exception("save failed: %s", type(error).__name__)
            return Refused(problem=DeskError("store.unexpected"))
        verb, r = "corrected" if self.editing else "saved", stored
        log.info("%s record %s v%d desk=%s dose=%s vaccine=%s source=%s%s", verb, r.record_id,
                 r.version, r.desk_id, r.dose_number, r.vaccine, r.source.value,
                 " (dose rules overridden)" if override else "")  # fmt: skip
        corrected = self.editing is not None
        self.editing = None
        self.screened = None
        self.desk.ports.nudge_upload()
        arrival.after_saved(store, stored, user.name)  # the person's state on today's list
        return Saved(stored, corrected)

    # -- the screening checklist (desk.checklist) ------------------------------------------

    def dose_vaccine(self, form: Mapping[str, str]) -> str:
        return checklist.dose_vaccine(form, self.session.vaccine, typed=self.typed_dose())

    def open_checklist(self, form: Mapping[str, str]) -> Checklist:
        return checklist.checklist_of(self.dose_vaccine(form))  # DeskError: none for it

    def take_checklist(
        self, form: Mapping[str, str], items: Mapping[str, Answer], vitals: Mapping[str, float],
        screening: Screening | None = None, reason: str = "",
    ) -> Patch | Refused:  # fmt: skip
        """The checklist answered: its outcome (or a doctor's, with `reason`) fills Screening."""
        taken = checklist.take(self.desk, self.dose_vaccine(form), items, vitals, screening,
                               reason)  # fmt: skip
        if isinstance(taken, Refused):
            return taken
        self.screened = taken
        return Patch({"screening": taken.screening.value}, focus="screening")

    def _import(self, scan: CertificateScan, form: Mapping[str, str]) -> Imported | Refused:
        try:
            done = import_certificate(self.desk.store, scan, form, self.context())
        except ValidationError as error:
            return Refused(error.errors)
        except StoreError as error:
            return Refused(problem=error)
        self.certificate = None
        self.desk.ports.nudge_upload()
        return done

    # -- scans -----------------------------------------------------------------------------

    def receive(self, scan: Scan, form: Mapping[str, str]) -> ScanOutcome | SlipScan:
        """A new code: fill the form, or wait in the queue while the form is in use; a slip's
        code comes back as is, to be looked up (desk.slip_lookup), on an empty form only."""
        if isinstance(scan, Rejected):
            return scan
        if isinstance(scan, SlipScan):
            return slip_lookup.receive(scan, form, self.busy)
        if (seen := already_here(scan, form, self.queue, self._saved_recently)) is not None:
            return Skipped(scan, seen)
        if self.busy or form_in_use(form):
            self.queue.add(scan)
            return Queued(scan)
        return Filled(scan, self.fill(scan, form))

    def next_queued(self, form: Mapping[str, str]) -> Filled | None:
        """The form is free again: the oldest waiting scan fills it."""
        scan = self.queue.take(lambda s: self._saved_recently(scan_person_key(s)) is not None)
        return Filled(scan, self.fill(scan, form)) if scan is not None else None

    def _saved_recently(self, key: str) -> DeskError | None:
        return saved_recently(self.desk.store, self.session.desk_id, self.desk.clock(), key)

    def fill(self, scan: Scan, form: Mapping[str, str]) -> Patch:
        values, source = scan_values(scan)
        if isinstance(scan, CertificateScan):
            self.certificate = scan
            return Patch(values, focus="id_number", certificate=scan)
        self.source = source
        filled = {**form, **values}
        if isinstance(scan, IdNumberScan):
            patch = self.after_field(filled, "id_number")
            values, lookup = {**values, **patch.values}, patch.lookup
        else:
            lookup = self.lookup(filled)
            values = {**values, **self.history_values(filled, lookup)}
        return Patch(values, focus=first_missing({**form, **values}) or "", lookup=lookup)
