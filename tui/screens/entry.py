"""The entry screen: one citizen after another, keyboard only."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import var
from textual.screen import Screen
from textual.suggester import SuggestFromList
from textual.widgets import Header, Static

from domain.errors import ValidationError
from domain.identity import (
    Identity,
    IdType,
    cccd_century_and_sex,
    classify_id,
    normalize_id,
    normalize_name,
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
from domain.roles import Action, Role, can
from domain.scans import (
    CertificateScan,
    IdentityScan,
    IdNumberScan,
    Rejected,
    Scan,
    parse_payload,
)
from domain.tables import vaccine_table
from domain.text import mask
from scanner.sources import FrameSource
from store import DuplicateDose, Store, StoreError
from store.people import User
from sync.worker import HubConfig, HubRefused, HubUnavailable, SyncState, SyncWorker
from tui.screens.session import SessionScreen
from tui.screens.today import TodayScreen
from tui.widgets.form import Form, FormField, ScanInput
from tui.widgets.keybar import KeyBar
from tui.widgets.scanner import ScannerPanel
from tui.widgets.suggest import lot_suggester, province_suggester, ward_suggester

log = logging.getLogger("vaxdesk.desk")

# Fields the session fills in live mode; typed per record in retrospective mode and corrections.
SESSION_FIELDS = ("vaccine", "lot", "given_on")
# The person's fields a scan fills; after a scan, focus goes to the first of these left empty.
REQUIRED_PERSON_FIELDS = ("full_name", "dob", "sex")
# Any of these typed means the form is in use: a scan then waits instead of overwriting.
PERSON_FIELDS = ("id_number", "full_name", "dob", "phone", "address")
SCAN_QUEUE_SIZE = 5
# Kept from one retrospective record to the next: paper lists run by vaccine and date.
RETRO_KEPT = ("vaccine", "lot", "given_on")


LEGEND = (
    "Screening: D đủ điều kiện · H tạm hoãn · C chống chỉ định · B chuyển bệnh viện\n"
    "AEFI: 1 thông thường · 2 nặng     Vaccines: " + " ".join(vaccine_table().choices())
)


def describe_sync(configured: bool, state: SyncState, backlog: int) -> str:
    """The sync part of the status line: synced / backlog N / hub unreachable since HH:MM."""
    if not configured:
        return f"backlog {backlog} (no hub set)" if backlog else "no hub set"
    if state.refused:
        text = f"hub refused this desk: {state.error}"
    elif state.unreachable_since is not None:
        text = f"hub unreachable since {state.unreachable_since:%H:%M} · backlog {backlog}"
    else:
        text = f"backlog {backlog}" if backlog else "synced"
    if state.conflicts:
        text += f" · {state.conflicts} conflict(s): see F3"
    if state.clock_flagged:
        text += " · this desk's clock is off: set the time"
    return text


def describe_scan(scan: Scan) -> str:
    if isinstance(scan, IdentityScan):
        return f"CCCD {mask(scan.identity.id_number)}"
    if isinstance(scan, IdNumberScan):
        return f"{scan.id_type.value.upper()} {mask(scan.id_number)}"
    if isinstance(scan, CertificateScan):
        return f"certificate {scan.issuer_country}, {len(scan.doses)} dose(s)"
    return "unrecognised code"


def describe_history(history: list[Record]) -> str:
    if not history:
        return "No earlier doses recorded for this person."
    doses = " · ".join(
        f"{r.dose_number}) {r.vaccine} {r.given_on.strftime('%d/%m/%Y')} ({r.site_id})"
        for r in history
    )
    last = history[-1]
    vaccine = vaccine_table().by_code(last.vaccine)
    if vaccine is None:
        return f"Earlier doses: {doses}"
    primary_done = (last.dose_number or 0) >= vaccine.primary_doses
    wait = vaccine.booster_interval_days if primary_done else vaccine.min_interval_days
    due = (last.given_on + timedelta(days=wait)).strftime("%d/%m/%Y")
    return f"Earlier doses: {doses} — next dose {(last.dose_number or 0) + 1} from {due}"


class EntryScreen(Screen[None]):
    """Type or scan a citizen; Enter moves on; Enter on the last field saves."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "clear", "Clear"),
        Binding("f2", "session", "Session"),
        Binding("f3", "today", "Today's list"),
        Binding("f4", "toggle_mode", "Live/Hồi cứu"),
    ]

    mode: var[Mode] = var(Mode.LIVE, init=False)
    editing: var[Record | None] = var(None, init=False)

    def __init__(
        self,
        store: Store,
        session: Session,
        clock: Callable[[], datetime],
        camera: Callable[[], FrameSource | None] = lambda: None,
        decoder: str = "zxing",
        hub: HubConfig | None = None,
        software_version: str = "",
        user: User | None = None,
    ) -> None:
        super().__init__()
        self.user = user or User(0, session.entered_by, Role.VACCINATOR)
        self.hub = hub
        self.software_version = software_version
        self.sync_worker: SyncWorker | None = None
        self.sync_state = SyncState()
        self.store = store
        self.session = session
        self.clock = clock
        self.camera = camera
        self.decoder = decoder
        self.source = Source.TYPED
        self.scan_queue: deque[Scan] = deque(maxlen=SCAN_QUEUE_SIZE)
        self.certificate: CertificateScan | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="session-bar")
        with VerticalScroll(id="entry-main"):
            with Form(id="entry-form"), Horizontal():
                with Vertical(classes="column"):
                    yield FormField("id_number", "ID number", placeholder="CCCD, CMND, passport")
                    yield FormField("full_name", "Full name", max_length=80)
                    yield FormField("dob", "Born", placeholder="150892 or 15/8/1992")
                    yield FormField("sex", "Sex", placeholder="1 Nam · 2 Nữ")
                    yield FormField("phone", "Phone", placeholder="optional")
                    yield FormField("province", "Province", suggester=province_suggester())
                    yield FormField(
                        "ward", "Ward/commune", suggester=ward_suggester(self._province_code)
                    )
                    yield FormField("address", "Address", placeholder="street, hamlet")
                with Vertical(classes="column"):
                    yield FormField(
                        "vaccine",
                        "Vaccine",
                        placeholder="AZ PF MD VC …",
                        suggester=SuggestFromList(vaccine_table().choices(), case_sensitive=False),
                    )
                    yield FormField(
                        "lot",
                        "Lot",
                        suggester=lot_suggester(
                            self.store, lambda: self.form.field("vaccine").value
                        ),
                    )
                    yield FormField("given_on", "Given on", placeholder="150821")
                    yield FormField("dose_number", "Dose no.", placeholder="auto")
                    yield FormField("aefi", "AEFI", placeholder="blank: none")
                    yield FormField("aefi_note", "AEFI note")
                    yield FormField("screening", "Screening")
            yield Static(LEGEND, id="legend")
            yield Static(id="history")
            yield Static(id="message")
            yield Static(id="scan-queue")
        yield Static(id="status")
        yield ScannerPanel(self.camera, self.decoder, today=lambda: self.clock().date())
        yield KeyBar()

    @property
    def form(self) -> Form:
        return self.query_one("#entry-form", Form)

    def on_mount(self) -> None:
        self._apply_mode()
        self.clear_form()
        self.refresh_status()
        self.set_interval(30, self.refresh_status)
        if self.hub is not None:
            self.run_worker(self._sync(self.hub), group="sync", exclusive=True)

    async def _sync(self, hub: HubConfig) -> None:
        """Upload in the background for as long as the screen lives; never blocks typing."""
        client = hub.client()
        self.sync_worker = SyncWorker(
            self.store.path,
            client,
            software_version=self.software_version,
            camera=lambda: self.query_one(ScannerPanel).summary,
            on_state=self._sync_changed,
        )
        try:
            await self.sync_worker.run()
        finally:
            await client.close()

    def _sync_changed(self, state: SyncState) -> None:
        self.sync_state = state
        self.refresh_status()

    async def _pull_history(self, person_key: str) -> None:
        """Doses given at other desks of the site, so numbering and duplicates see them."""
        if self.sync_worker is None:
            return
        try:  # the worker's connection: no new TLS context and handshake for every citizen
            rows = await self.sync_worker.client.doses(person_key, timeout=3.0)
        except (HubUnavailable, HubRefused):
            return
        if rows:
            self.store.remember_remote(rows)
            if self._person_key() == person_key:
                self._show_history(self.form.field("id_number").value, refresh_dose=True)

    def _person_key(self) -> str:
        number = normalize_id(self.form.field("id_number").value)
        id_type = classify_id(number)
        return "" if id_type is IdType.NONE else f"{id_type.value}:{number}"

    # -- what the volunteer sees -------------------------------------------------------

    def _province_code(self) -> str:
        try:
            return resolve_province(self.form.field("province").value)
        except ValueError:
            return ""

    def _entry_context(self) -> EntryContext:
        return EntryContext(
            session=self.session,
            mode=self.mode,
            now=self.clock(),
            source=self.source,
            original=self.editing,
            resolve_province=resolve_province,
            resolve_ward=resolve_ward,
        )

    def _apply_mode(self) -> None:
        typed = self.mode is Mode.RETROSPECTIVE or self.editing is not None
        for name in SESSION_FIELDS:
            self.form.field(name).input.disabled = not typed
        screens = can(self.user.role, Action.SCREEN)
        self.form.field("screening").input.disabled = not screens
        self.form.field("aefi").input.disabled = not screens
        self.form.field("aefi_note").input.disabled = not (
            screens and self.form.field("aefi").value.strip()
        )
        session = self.session
        mode = "HỒI CỨU (retrospective)" if self.mode is Mode.RETROSPECTIVE else "LIVE"
        editing = f" · CORRECTING v{self.editing.version}" if self.editing else ""
        self.query_one("#session-bar", Static).update(
            f"{mode}{editing} · site {session.site_id} · desk {session.desk_id} · "
            f"{session.vaccine} lot {session.lot} · {session.session_date:%d/%m/%Y} · "
            f"vaccinator {session.vaccinator} · entered by {session.entered_by}"
        )
        self.set_class(self.mode is Mode.RETROSPECTIVE, "-retrospective")
        self.set_class(self.editing is not None, "-correcting")

    def watch_mode(self) -> None:
        self._apply_mode()
        if self.mode is Mode.RETROSPECTIVE:
            self.form.set_values(dict.fromkeys(RETRO_KEPT, ""))
        self.clear_form()

    def watch_editing(self) -> None:
        self._apply_mode()

    def refresh_status(self) -> None:
        stats = self.store.stats(self.session.desk_id, self.clock())
        self.query_one("#status", Static).update(
            f"Today {stats.today} · last hour {stats.last_hour}/h · "
            + describe_sync(self.hub is not None, self.sync_state, stats.backlog)
        )

    def say(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#message", Static)
        message.update(text)
        message.set_class(error, "-error")

    def clear_form(self) -> None:
        kept = RETRO_KEPT if self.mode is Mode.RETROSPECTIVE and not self.editing else ()
        self.form.clear(keep=kept)
        if self.mode is Mode.LIVE or self.editing:
            self._show_session_values()
        self.form.field("screening").value = "D"
        self.form.field("aefi_note").input.disabled = True
        self.query_one("#history", Static).update("")
        self.source = Source.TYPED
        self.certificate = None
        first = self.form.first_enabled()
        if first is not None:
            first.input.focus()

    def _show_session_values(self) -> None:
        self.form.set_values(
            {
                "vaccine": self.session.vaccine,
                "lot": self.session.lot,
                "given_on": self.session.session_date.strftime("%d/%m/%Y"),
            }
        )

    # -- filling -----------------------------------------------------------------------

    def fill_identity(self, identity: Identity, source: Source = Source.SCAN) -> None:
        """Fill the person's fields (from a scan); focus the first that still needs typing."""
        values = identity_to_form(identity)
        if identity.province_code:
            values["province"] = province_name(identity.province_code)
            values["ward"] = ward_name(identity.province_code, identity.ward_code)
        self.form.set_values(values)
        self.source = source
        self._show_history(identity.id_number)
        for name in REQUIRED_PERSON_FIELDS:
            if not self.form.field(name).value.strip():
                self.form.focus_field(name)
                return
        self.last_field().input.focus()

    def last_field(self) -> FormField:
        """Enter here saves: Screening for a vaccinator, the dose number for a volunteer."""
        return [f for f in self.form.fields() if f.enabled][-1]

    def open_for_correction(self, record: Record) -> None:
        self.editing = record
        self.form.clear()
        values = record_to_form(record)
        values["province"] = province_name(record.person.province_code)
        values["ward"] = ward_name(record.person.province_code, record.person.ward_code)
        self.form.set_values(values)
        self._apply_mode()
        self.say(f"Correcting the record of {record.person.full_name}: Ctrl+S saves, Esc cancels")
        self.form.focus_field("id_number")

    def _show_history(self, id_text: str, refresh_dose: bool = False) -> list[Record]:
        number = normalize_id(id_text)
        id_type = classify_id(number)
        if id_type is IdType.NONE:
            self.query_one("#history", Static).update("")
            return []
        history = [
            r
            for r in self.store.history(f"{id_type.value}:{number}")
            if not self.editing or r.record_id != self.editing.record_id
        ]
        self.query_one("#history", Static).update(describe_history(history))
        if not self.editing and (refresh_dose or not self.form.field("dose_number").value.strip()):
            next_dose = max((r.dose_number or 0 for r in history), default=0) + 1
            self.form.field("dose_number").value = str(next_dose)
        if history:
            # Dose 2 of a person seen before: bring back who they are.
            known = history[-1].person
            for name, text in identity_to_form(known).items():
                field = self.form.field(name)
                if not field.value.strip():
                    field.value = text
            if known.province_code and self.form.field("province").value == known.province_code:
                self.form.field("province").value = province_name(known.province_code)
                self.form.field("ward").value = ward_name(known.province_code, known.ward_code)
        if self.hub is not None and not refresh_dose:
            self.run_worker(
                self._pull_history(f"{id_type.value}:{number}"), group="history", exclusive=True
            )
        return history

    # -- moving on ---------------------------------------------------------------------

    @on(Form.FieldDone)
    def field_done(self, event: Form.FieldDone) -> None:
        field = event.field
        name = field.field_name
        if not self._check_field(field):
            return
        self._after_field(field)
        if not self.form.focus_next(name):
            self.action_save()

    def _check_field(self, field: FormField) -> bool:
        """Validate the whole form but report only this field: one rule book, early feedback."""
        try:
            build_record(self.form.values(), self._entry_context())
        except ValidationError as error:
            field.error = error.errors.get(field.field_name, "")
            return not field.error
        field.error = ""
        return True

    def _after_field(self, field: FormField) -> None:
        name = field.field_name
        value = field.value
        if name == "id_number":
            number = normalize_id(value)
            field.value = number
            if classify_id(number) is IdType.CCCD and not self.form.field("sex").value.strip():
                self.form.field("sex").value = cccd_century_and_sex(number)[1].value
            self._show_history(number)
        elif name == "full_name" and value.strip():
            field.value = normalize_name(value)
        elif name == "province" and value.strip():
            field.value = province_name(resolve_province(value))
        elif name == "ward" and value.strip():
            code = self._province_code()
            field.value = ward_name(code, resolve_ward(code, value))
        elif name == "vaccine" and value.strip():
            resolved = vaccine_table().resolve(value)
            if resolved:
                field.value = resolved.code
        elif name == "aefi":
            note = self.form.field("aefi_note")
            note.input.disabled = not value.strip()

    # -- scans -------------------------------------------------------------------------

    @on(ScannerPanel.Scanned)
    def camera_scanned(self, message: ScannerPanel.Scanned) -> None:
        self.receive_scan(message.scan)

    @on(ScanInput.Scanned)
    def wedge_scanned(self, message: ScanInput.Scanned) -> None:
        self.receive_scan(parse_payload(message.text.encode("utf-8"), today=self.clock().date()))

    def receive_scan(self, scan: Scan) -> None:
        """A new code: fill the form, or wait in the queue while the form is in use."""
        self.app.bell()
        if isinstance(scan, Rejected):
            self.say(f"Scan: {scan.reason}; nothing filled", error=True)
            return
        if self._form_in_use():
            self.scan_queue.append(scan)
            self._show_queue()
            self.say(f"Scan waiting: {describe_scan(scan)} (after this record)")
            return
        self._apply_scan(scan)

    def _form_in_use(self) -> bool:
        return (
            self.editing is not None
            or self.certificate is not None
            or any(self.form.field(name).value.strip() for name in PERSON_FIELDS)
        )

    def _show_queue(self) -> None:
        waiting = ", ".join(describe_scan(scan) for scan in self.scan_queue)
        self.query_one("#scan-queue", Static).update(
            f"Scans waiting ({len(self.scan_queue)}): {waiting}" if self.scan_queue else ""
        )

    def take_queued_scan(self, done: str = "") -> None:
        """The form is free again: the oldest waiting scan fills it."""
        if self.scan_queue:
            self._apply_scan(self.scan_queue.popleft(), done)
            self._show_queue()

    def _apply_scan(self, scan: Scan, done: str = "") -> None:
        if isinstance(scan, IdentityScan):
            self.fill_identity(scan.identity, Source.SCAN)
        elif isinstance(scan, IdNumberScan):
            field = self.form.field("id_number")
            field.value = scan.id_number
            self.source = Source.SCAN
            self._after_field(field)
            empty = [n for n in REQUIRED_PERSON_FIELDS if not self.form.field(n).value.strip()]
            if empty:
                self.form.focus_field(empty[0])
            else:
                self.last_field().input.focus()
        elif isinstance(scan, CertificateScan):
            self._offer_certificate(scan)
        else:
            return
        self.say(f"{done} — next: " * bool(done) + f"Scanned ✓ {describe_scan(scan)}")

    def _offer_certificate(self, scan: CertificateScan) -> None:
        self.certificate = scan
        self.form.set_values({"full_name": scan.full_name, "dob": scan.dob.display()})
        doses = " · ".join(
            f"dose {d.dose_number} {d.vaccine or d.product} {d.given_on:%d/%m/%Y} ({d.country})"
            for d in scan.doses
        )
        self.query_one("#history", Static).update(
            f"Certificate {scan.issuer_country}: {doses}. Give the ID number and sex, "
            f"then Ctrl+S imports {len(scan.doses)} dose(s) given elsewhere; Esc drops it."
        )
        self.form.focus_field("id_number")

    def _import_certificate(self, scan: CertificateScan) -> None:
        """Each dose of the certificate becomes a record (source: certificate)."""
        base = self.form.values()
        imported, known = 0, 0
        for dose in scan.doses:
            form = {
                **base,
                "vaccine": dose.vaccine or dose.product,
                "lot": "",
                "given_on": dose.given_on.strftime("%d/%m/%Y"),
                "dose_number": str(dose.dose_number),
                "screening": "D",
                "aefi": "",
            }
            ctx = replace(
                self._entry_context(),
                mode=Mode.RETROSPECTIVE,
                source=Source.CERTIFICATE,
                vaccinator=f"{dose.issuer} ({dose.country})"[:80],
            )
            try:
                record = build_record(form, ctx)
            except ValidationError as error:
                self.form.show_errors(error.errors)
                self.say(f"Not imported: {'; '.join(error.errors.values())}", error=True)
                return
            try:
                self.store.save(record)
            except DuplicateDose:
                known += 1
                continue
            except StoreError as error:
                self.say(f"Not imported: {error}", error=True)
                return
            imported += 1
            log.info("imported record %s from a certificate", record.record_id)
        done = f"Imported {imported} dose(s) from the certificate" + (
            f"; {known} recorded already" if known else ""
        )
        self.say(done)
        self.clear_form()
        self.refresh_status()
        self.take_queued_scan(done)

    # -- actions -----------------------------------------------------------------------

    def action_save(self) -> None:
        if self.certificate is not None:
            self._import_certificate(self.certificate)
            return
        try:
            record = build_record(self.form.values(), self._entry_context())
        except ValidationError as error:
            self.form.show_errors(error.errors)
            self.say(f"Not saved: {len(error.errors)} field(s) to fix", error=True)
            self.app.bell()
            return
        self.form.show_errors({})
        try:
            stored = self.store.correct(record) if self.editing else self.store.save(record)
        except DuplicateDose as duplicate:
            self.form.show_errors({"dose_number": str(duplicate)})
            self.say("Not saved: this dose is recorded already", error=True)
            self.app.bell()
            return
        except StoreError as error:
            self.say(f"Not saved: {error}", error=True)
            self.app.bell()
            return
        except Exception as error:  # never lose the form to a bug: say so, keep it, log it
            log.exception("save failed: %s", type(error).__name__)
            self.say(f"Not saved: unexpected {type(error).__name__}; the form is kept", error=True)
            self.app.bell()
            return
        log.info(
            "%s record %s v%d desk=%s dose=%s vaccine=%s source=%s",
            "corrected" if self.editing else "saved",
            stored.record_id,
            stored.version,
            stored.desk_id,
            stored.dose_number,
            stored.vaccine,
            stored.source.value,
        )
        what = (
            f"dose {stored.dose_number} {stored.vaccine}"
            if stored.gives_dose
            else f"screening {stored.screening.label}"
        )
        verb = f"Corrected (v{stored.version})" if self.editing else "Saved"
        done = f"{verb} ✓ {stored.person.full_name} · {mask(stored.person.id_number)} · {what}"
        self.say(done)
        self.editing = None
        self.clear_form()
        self.refresh_status()
        if self.sync_worker is not None:
            self.sync_worker.nudge()
        self.take_queued_scan(done)

    def action_clear(self) -> None:
        if self.editing is not None:
            self.editing = None
            self.say("Correction cancelled; nothing changed")
        self.clear_form()
        self.take_queued_scan()

    def action_toggle_mode(self) -> None:
        if self.editing is not None:
            self.say("Finish or cancel (Esc) the correction first", error=True)
            return
        self.mode = Mode.LIVE if self.mode is Mode.RETROSPECTIVE else Mode.RETROSPECTIVE
        self.say(
            "Retrospective entry: vaccine, lot and date typed per record; born may be a year"
            if self.mode is Mode.RETROSPECTIVE
            else "Live entry: vaccine, lot and date come from the session"
        )

    def action_session(self) -> None:
        def changed(session: Session | None) -> None:
            if session is not None:
                self.session = session
                self._apply_mode()
                self.clear_form()
                self.say("Session changed")

        self.app.push_screen(
            SessionScreen(self.store, self.session, self.clock, self.user), changed
        )

    def action_today(self) -> None:
        def chosen(record: Record | None) -> None:
            self.refresh_status()
            if record is not None:
                self.open_for_correction(record)

        self.app.push_screen(TodayScreen(self.store, self.session, self.clock, self.user), chosen)
