"""The entry screen: one citizen after another, keyboard only. It shows the form and routes
keys; what a field, a scan or a save means is the desk core's (`desk.entry`)."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Static

from desk.certificate import Imported
from desk.entry import Entry, Filled, Patch, Queued, Refused
from desk.scans import ScanQueue, Skipped, form_in_use
from domain.errors import DeskError
from domain.identity import Identity
from domain.messages import describe
from domain.record import Mode, Record, Session, Source
from domain.roles import Action
from domain.scans import CertificateScan, IdentityScan, Rejected, Scan, SlipScan, parse_typed
from i18n import N_, _
from scanner.sources import CameraSetup, FrameSource
from sync.worker import SyncState
from tui.screens.observation import ObservationScreen
from tui.screens.override import OverrideModal
from tui.screens.quiet import QuietScreen
from tui.screens.session import SessionScreen
from tui.screens.stock_usage import STOCK_BINDING, StockKeys
from tui.screens.subjects import SubjectsScreen
from tui.screens.today import TodayScreen
from tui.services import HistoryArrived, SyncStateChanged
from tui.slip_printing import after_save_slip, print_last_slip
from tui.slip_scan import open_slip
from tui.texts import (  # fmt: skip
    describe_arrival,
    describe_certificate,
    describe_history,
    describe_imported,
    describe_queue,
    describe_refusal,
    describe_rejection,
    describe_saved,
    describe_scan,
    describe_session,
    describe_status,
    field_messages,
    legend,
    sentence,
)
from tui.widgets.entry_form import EntryForm
from tui.widgets.form import Form, FormField, ScanInput
from tui.widgets.keybar import KeyBar
from tui.widgets.observation import ObservationLine
from tui.widgets.scanner import ScannerPanel
from tui.widgets.text import show_text


class EntryScreen(StockKeys, QuietScreen[None]):
    """Type or scan a citizen; Enter moves on; Enter on the last field saves."""

    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save")),
        Binding("escape", "clear", N_("Clear")),
        Binding("f2", "session", N_("Session")),
        Binding("f3", "today", N_("Today's list")),
        Binding("f4", "toggle_mode", N_("Live/Hồi cứu")),
        # Not on the key bar (full at 80 columns): the observation, arrival lines say F6, F7.
        Binding("f6", "observation", N_("Observation"), show=False),
        Binding("f7", "subjects", N_("Subject list"), show=False),
        Binding("ctrl+p", "print_slip", N_("Print slip"), show=False),  # the README says it
        STOCK_BINDING,  # F8: vials opened, doses wasted; on when the desk holds lots
    ]

    def __init__(
        self,
        entry: Entry,
        camera: Callable[[], FrameSource | None] = lambda: None,
        decoder: str | CameraSetup = "zxing",
        sync_state: Callable[[], SyncState | None] = lambda: None,
    ) -> None:
        super().__init__()
        self.entry = entry
        self.camera = camera
        self.decoder = decoder
        self.sync_state = sync_state  # None: no hub is set

    # The core's state, as the tests and the status line read it.
    @property
    def editing(self) -> Record | None:
        return self.entry.editing

    @property
    def certificate(self) -> CertificateScan | None:
        return self.entry.certificate

    @property
    def mode(self) -> Mode:
        return self.entry.mode

    @property
    def scan_queue(self) -> ScanQueue:
        return self.entry.queue

    @property
    def source(self) -> Source:
        return self.entry.source

    @property
    def session(self) -> Session:
        return self.entry.session

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="session-bar")
        with VerticalScroll(id="entry-main"):
            yield EntryForm(
                self.entry.desk.store,
                lambda: self.entry.province_code(self.values),
                id="entry-form",
            )
            yield Static(id="history")
            yield Static(id="arrival")  # on today's list, or a walk-in (hidden when empty)
            yield Static(id="scan-queue")
            yield Static(legend(), id="legend")
        # What the last Enter, save or scan did: always in view, never scrolled away.
        yield Static(id="message")
        yield Static(id="status")
        yield ObservationLine(self.entry.desk, id="observation-line")
        yield ScannerPanel(self.camera, self.decoder, today=lambda: self.entry.desk.clock().date())
        yield KeyBar()

    @property
    def form(self) -> Form:
        return self.query_one("#entry-form", Form)

    @property
    def values(self) -> dict[str, str]:
        return self.form.values()

    def on_mount(self) -> None:
        self.form.is_code = self.reads_as_code
        self.show_mode()
        self.clear_form()
        self.refresh_status()
        self.set_interval(30, self.refresh_status)

    def on_screen_resume(self) -> None:
        self.refresh_status()

    @on(SyncStateChanged)
    def sync_changed(self) -> None:
        self.refresh_status()

    @on(HistoryArrived)
    def history_arrived(self, message: HistoryArrived) -> None:
        """Doses from other desks reached the store (the app fetched them)."""
        patch = self.entry.remote_history_arrived(self.values, message.person_key)
        if patch is not None:
            self.form.set_values(patch.values)
            if patch.lookup is not None and self.entry.certificate is None:
                show_text(self.query_one("#history", Static), describe_history(patch.lookup))

    # -- what the volunteer sees -----------------------------------------------------------

    def show_fields(self) -> None:
        """Which fields are typed now (an adverse event opens its note)."""
        disabled = self.entry.disabled(self.values)
        for field in self.form.fields():
            field.input.disabled = field.field_name in disabled

    def show_mode(self) -> None:
        """The fields, and the session bar: after a change of mode, session or correction."""
        self.show_fields()
        editing = self.editing
        show_text(
            self.query_one("#session-bar", Static),
            describe_session(
                self.session,
                retrospective=self.entry.mode is Mode.RETROSPECTIVE,
                version=editing.version if editing else None,
            ),
        )
        self.set_class(self.entry.mode is Mode.RETROSPECTIVE, "-retrospective")
        self.set_class(editing is not None, "-correcting")

    def refresh_status(self) -> None:
        state = self.sync_state()
        status = describe_status(self.entry.desk.stats(), state is not None, state or SyncState())
        show_text(self.query_one("#status", Static), status + self.stock_status())

    def say(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#message", Static)
        show_text(message, text)
        message.set_class(error, "-error")

    def clear_form(self) -> None:
        self.form.reset(self.entry.clear(self.values))
        self.show_mode()
        show_text(self.query_one("#history", Static), "")
        self.show_arrival("")
        first = self.form.first_enabled()
        if first is not None:
            first.input.focus()

    def apply(self, patch: Patch) -> None:
        """Put the core's answer on screen."""
        self.form.set_values(patch.values)
        if patch.lookup is not None and self.entry.certificate is None:
            show_text(self.query_one("#history", Static), describe_history(patch.lookup))
            self.show_arrival(describe_arrival(self.entry.arrival))
        if patch.certificate is not None:
            show_text(self.query_one("#history", Static), describe_certificate(patch.certificate))
        self.show_fields()  # on every Enter: the session bar stays as it is
        if patch.focus == "":
            self.last_field().input.focus()
        elif patch.focus is not None:
            self.form.focus_field(patch.focus)

    def show_arrival(self, text: str) -> None:
        line = self.query_one("#arrival", Static)
        show_text(line, text)
        line.display = bool(text)

    def quit_question(self) -> str:
        """What to ask before quitting: what would be lost; "" when nothing."""
        if self.editing is not None:
            return _("Quit? The correction open will be lost.")
        if form_in_use(self.values):
            return _("Quit? The citizen typed will be lost.")
        return ""

    def last_field(self) -> FormField:
        """Enter here saves: Screening for a vaccinator, the dose number for a volunteer."""
        return [f for f in self.form.fields() if f.enabled][-1]

    def fill_identity(self, identity: Identity) -> None:
        """As if the person's chip card had been scanned."""
        scan = IdentityScan(identity, None)
        self._filled(Filled(scan, self.entry.fill(scan, self.values)))

    def open_for_correction(self, record: Record) -> None:
        patch = self.entry.start_correction(record)
        self.form.reset(patch.values)
        self.apply(patch)
        self.show_mode()
        self.say(
            _("Correcting the record of {name}: Ctrl+S saves, Esc cancels").format(
                name=record.person.full_name
            )
        )

    # -- moving on -------------------------------------------------------------------------

    @on(Form.FieldDone)
    def field_done(self, event: Form.FieldDone) -> None:
        field = event.field
        name = field.field_name
        error = self.entry.check(self.values, name)
        field.error = describe(error) if error else ""
        if error:
            return
        self.apply(self.entry.after_field(self.values, name))
        if not self.form.focus_next(name):
            self.action_save()

    # -- scans -----------------------------------------------------------------------------

    @on(ScannerPanel.Scanned)
    def camera_scanned(self, message: ScannerPanel.Scanned) -> None:
        self.receive_scan(message.scan)

    def reads_as_code(self, text: str) -> bool:
        """A scanner's burst is a scan only if it reads as one; else it stays typed."""
        today = self.entry.desk.clock().date()
        return not isinstance(parse_typed(text, today=today), Rejected)

    @on(ScanInput.Scanned)
    def wedge_scanned(self, message: ScanInput.Scanned) -> None:
        today = self.entry.desk.clock().date()
        self.receive_scan(parse_typed(message.text, today=today))

    def receive_scan(self, scan: Scan) -> None:
        self.app.bell()
        outcome = self.entry.receive(scan, self.values)
        if isinstance(outcome, Rejected):
            reason = describe_rejection(outcome)
            self.say(_("Scan: {reason}; nothing filled").format(reason=reason), error=True)
        elif isinstance(outcome, Queued):
            self.show_queue()
            self.say(_("Scan waiting: {scan} (after this record)").format(scan=describe_scan(scan)))
        elif isinstance(outcome, Skipped):
            self.say(_("Scan: {reason}").format(reason=describe(outcome.reason)))
        elif isinstance(outcome, SlipScan):
            open_slip(self, outcome)
        else:
            self._filled(outcome)

    def _filled(self, filled: Filled, done: str = "") -> None:
        self.apply(filled.patch)
        scan = describe_scan(filled.scan)
        if done:
            self.say(_("{done} — next: Scanned ✓ {scan}").format(done=done, scan=scan))
        else:
            self.say(_("Scanned ✓ {scan}").format(scan=scan))

    def show_queue(self) -> None:
        show_text(self.query_one("#scan-queue", Static), describe_queue(list(self.scan_queue)))

    def take_queued_scan(self, done: str = "") -> None:
        filled = self.entry.next_queued(self.values)
        if filled is not None:
            self._filled(filled, done)
            self.show_queue()

    # -- actions ---------------------------------------------------------------------------

    def action_save(self, override_reason: str = "") -> None:
        result = self.entry.save(self.values, override_reason)
        if isinstance(result, Refused):
            self.form.show_errors(field_messages(result.errors))
            certificate = self.entry.certificate is not None
            self.say(describe_refusal(result, certificate=certificate), error=True)
            self.app.bell()
            if result.overridable and self.entry.desk.may(Action.OVERRIDE_DOSE):
                self.offer_override(result)
            return
        self.form.show_errors({})
        if isinstance(result, Imported):
            done = describe_imported(result.imported, result.known)
        else:
            done = describe_saved(result)
        self.say(done)
        after_save_slip(self, result)
        self.clear_form()
        self.refresh_status()
        self.take_queued_scan(done)

    def offer_override(self, refused: Refused) -> None:
        """A vaccinator or supervisor may give the dose anyway, with a reason."""

        def given(reason: str | None) -> None:
            if reason:
                self.action_save(reason)

        problem = "; ".join(field_messages(refused.errors).values())
        self.app.push_screen(OverrideModal(problem), given)

    def action_clear(self) -> None:
        if self.entry.cancel_correction():
            self.say(_("Correction cancelled; nothing changed"))
        self.clear_form()
        self.take_queued_scan()

    def action_toggle_mode(self) -> None:
        try:
            mode = self.entry.toggle_mode()
        except DeskError as error:
            self.say(sentence(describe(error)), error=True)
            return
        self.clear_form()
        self.say(
            _("Retrospective entry: vaccine, lot and date typed per record; born may be a year")
            if mode is Mode.RETROSPECTIVE
            else _("Live entry: vaccine, lot and date come from the session")
        )

    def action_session(self) -> None:
        try:
            self.entry.check_session_change()
        except DeskError as error:
            self.say(sentence(describe(error)), error=True)
            return

        def changed(session: Session | None) -> None:
            if session is not None:
                self.entry.change_session(session)
                self.clear_form()
                self.say(_("Session changed"))

        self.app.push_screen(SessionScreen(self.entry.desk), changed)

    def action_today(self) -> None:
        def chosen(record: Record | None) -> None:
            self.refresh_status()
            if record is not None:
                self.open_for_correction(record)

        self.app.push_screen(TodayScreen(self.entry.desk), chosen)

    def action_observation(self) -> None:
        self.app.push_screen(ObservationScreen(self.query_one(ObservationLine).queue))

    def action_print_slip(self) -> None:
        print_last_slip(self)

    def action_subjects(self) -> None:
        self.app.push_screen(SubjectsScreen(self.entry.desk), lambda _done: self.refresh_status())
