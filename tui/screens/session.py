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
from domain.errors import ValidationError
from domain.messages import describe
from domain.record import Session
from domain.tables import vaccine_table
from i18n import N_, _
from tui.texts import field_messages, fields_to_fix
from tui.widgets.form import Form, FormField
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
            yield Static(id="session-message")
        yield KeyBar()

    @property
    def form(self) -> Form:
        return self.query_one("#session-form", Form)

    def on_mount(self) -> None:
        self.form.set_values(session_form(self.desk))
        # Always the top: a volunteer reads down the form; what is offered is kept by Enter
        # and replaced by typing (the field's text is selected on focus).
        self.form.fields()[0].input.focus()

    @on(Form.FieldDone)
    def field_done(self, event: Form.FieldDone) -> None:
        field = event.field
        if field.field_name == "vaccine" and (hit := vaccine_table().resolve(field.value)):
            field.value = hit.code
        error = check_session_field(self.desk, self.form.values(), field.field_name)
        field.error = describe(error) if error else ""
        if error:
            return  # stays on the field: the next one must not get this one's text
        if not self.form.focus_next(field.field_name):
            self.action_open_session()

    def action_open_session(self) -> None:
        try:
            session = open_session(self.desk, self.form.values())
        except ValidationError as error:
            self.form.show_errors(field_messages(error.errors))
            self.query_one("#session-message", Static).update(
                fields_to_fix(len(error.errors), opened=True)
            )
            return
        self.dismiss(session)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return self.current is not None  # nothing to go back to before the first session
        return True

    def action_cancel(self) -> None:
        self.dismiss(None)
