"""The session screen: opened once at a desk; its values become every record's defaults."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header, Static

from desk import Desk
from desk.sessions import check_session_field, open_session, session_form
from desk.stock import scan_vial
from domain.errors import FieldError, ValidationError
from domain.messages import describe
from domain.record import Session
from domain.tables import vaccine_table
from domain.vials import VialScan, looks_like_vial
from i18n import N_, _, format_date
from tui.texts import field_messages, fields_to_fix
from tui.widgets.form import Form, FormField, ScanInput
from tui.widgets.keybar import KeyBar
from tui.widgets.suggest import VaccineSuggester, lot_suggester, vaccine_code


class SessionScreen(Screen[Session | None]):
    """Returns the opened Session, or None when cancelled (only if a session is open)."""

    BINDINGS = [
        Binding("ctrl+s", "open_session", N_("Open session")),
        Binding("escape", "cancel", N_("Back")),
    ]

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk
        self.current = desk.session
        self.vial: VialScan | None = None  # the vial scanned last: its expiry goes with its lot

    def compose(self) -> ComposeResult:
        codes = vaccine_table().choices()
        yield Header()
        with Vertical(id="session-box"):
            yield Static(_("Open a session: these values fill every record"), id="session-title")
            with Form(id="session-form"):
                yield FormField("site_id", _("Site"), placeholder=_("e.g. TV-CAUNGANG-01"))
                yield FormField("desk_id", _("Desk"), placeholder=_("desk code, e.g. desk-3"))
                yield FormField("vaccinator", _("Vaccinator"), placeholder=_("doctor or nurse"))
                yield FormField(
                    "vaccine",
                    _("Vaccine"),
                    suggester=VaccineSuggester(),
                    hint=" ".join(codes),
                    normalize=vaccine_code,
                )
                yield FormField(
                    "lot",
                    _("Lot"),
                    suggester=lot_suggester(
                        self.desk.store, lambda: self.form.field("vaccine").value
                    ),
                )
                yield FormField("session_date", _("Date"), placeholder=_("today"))
            yield Static(id="session-vial")
            yield Static(id="session-message")
        yield KeyBar()

    @property
    def form(self) -> Form:
        return self.query_one("#session-form", Form)

    def values(self) -> dict[str, str]:
        """The form, and the scanned vial's expiry while its lot is the one in the form."""
        values = self.form.values()
        vial = self.vial
        if vial is not None and vial.expires_on and values.get("lot", "").upper() == vial.lot:
            values["expires_on"] = vial.expires_on.isoformat()
        return values

    def on_mount(self) -> None:
        self.form.is_code = looks_like_vial  # a wedge scanner's vial code, not typing
        self.query_one("#session-vial", Static).display = False
        self.form.set_values(session_form(self.desk))
        # Always the top: a volunteer reads down the form; what is offered is kept by Enter
        # and replaced by typing (the field's text is selected on focus).
        self.form.fields()[0].input.focus()

    @on(Form.FieldDone)
    def field_done(self, event: Form.FieldDone) -> None:
        field = event.field
        if field.field_name == "vaccine" and (hit := vaccine_table().resolve(field.value)):
            field.value = hit.code
        error = check_session_field(self.desk, self.values(), field.field_name)
        field.error = describe(error) if error else ""
        if error:
            return  # stays on the field: the next one must not get this one's text
        if not self.form.focus_next(field.field_name):
            self.action_open_session()

    def action_open_session(self) -> None:
        try:
            session = open_session(self.desk, self.values())
        except ValidationError as error:
            self.form.show_errors(field_messages(error.errors))
            self.query_one("#session-message", Static).update(
                fields_to_fix(len(error.errors), opened=True)
            )
            return
        self.dismiss(session)

    @on(ScanInput.Scanned)
    def vial_scanned(self, message: ScanInput.Scanned) -> None:
        """A vial's GS1 DataMatrix (issue 16): its vaccine (from its GTIN), lot and expiry."""
        message.stop()
        line = self.query_one("#session-vial", Static)
        try:
            filled = scan_vial(self.desk, message.text)
        except FieldError as error:
            line.update(_("Vial code: {reason}").format(reason=describe(error)))
            line.display = True
            return
        if filled is None:
            return
        vial = self.vial = filled.vial
        self.form.set_values(filled.values)
        expiry = format_date(vial.expires_on) if vial.expires_on else _("not given")
        said = _("Vial scanned: {vaccine} lot {lot}, expiry {expiry}").format(
            vaccine=vial.vaccine or _("vaccine not in the table, type it"), lot=vial.lot,
            expiry=expiry)  # fmt: skip
        line.update(said)
        line.display = True
        lot = self.form.field("lot")
        lot.error = describe(filled.problem) if filled.problem else ""
        self.form.focus_field("lot" if filled.problem else "vaccine" if not vial.vaccine
                              else "session_date")  # fmt: skip

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return self.current is not None  # nothing to go back to before the first session
        return True

    def action_cancel(self) -> None:
        self.dismiss(None)
