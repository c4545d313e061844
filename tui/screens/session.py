"""The session screen: opened once at a desk; its values become every record's defaults."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.suggester import SuggestFromList
from textual.widgets import Header, Static

from domain.errors import ValidationError
from domain.record import Session, build_session
from domain.tables import vaccine_table
from store import Store
from store.people import User
from tui.widgets.form import Form, FormField
from tui.widgets.keybar import KeyBar
from tui.widgets.suggest import lot_suggester


class SessionScreen(Screen[Session | None]):
    """Returns the opened Session, or None when cancelled (only if a session is open)."""

    BINDINGS = [
        Binding("ctrl+s", "open_session", "Open session"),
        Binding("escape", "cancel", "Back"),
    ]

    def __init__(
        self,
        store: Store,
        current: Session | None,
        clock: Callable[[], datetime],
        user: User,
        *,
        site_id: str = "",
        desk_id: str = "",
    ) -> None:
        super().__init__()
        self.store = store
        self.current = current
        self.clock = clock
        self.user = user
        self.defaults = current or store.last_session()
        self.site_id = site_id
        self.desk_id = desk_id

    def compose(self) -> ComposeResult:
        codes = vaccine_table().choices()
        yield Header()
        with Vertical(id="session-box"):
            yield Static("Open a session: these values fill every record", id="session-title")
            with Form(id="session-form"):
                yield FormField("site_id", "Site", placeholder="site code, e.g. TV-CAUNGANG-01")
                yield FormField("desk_id", "Desk", placeholder="desk code, e.g. desk-3")
                yield FormField("vaccinator", "Vaccinator", placeholder="doctor or nurse")
                yield FormField(
                    "vaccine",
                    "Vaccine",
                    suggester=SuggestFromList(codes, case_sensitive=False),
                    hint=" ".join(codes),
                )
                yield FormField(
                    "lot",
                    "Lot",
                    suggester=lot_suggester(self.store, lambda: self.form.field("vaccine").value),
                )
                yield FormField("session_date", "Date", placeholder="today")
            yield Static(id="session-message")
        yield KeyBar()

    @property
    def form(self) -> Form:
        return self.query_one("#session-form", Form)

    def on_mount(self) -> None:
        today = self.clock().date()
        previous = self.defaults
        values = {
            "site_id": self.site_id,
            "desk_id": self.desk_id,
            "session_date": today.strftime("%d/%m/%Y"),
        }
        if previous is not None:
            values.update(
                site_id=self.site_id or previous.site_id,
                desk_id=self.desk_id or previous.desk_id,
                vaccinator=previous.vaccinator,
                vaccine=previous.vaccine,
                lot=previous.lot,
            )
        self.form.set_values(values)
        first_empty = next((f for f in self.form.fields() if not f.value), None)
        (first_empty or self.form.fields()[0]).input.focus()

    @on(Form.FieldDone)
    def field_done(self, event: Form.FieldDone) -> None:
        field = event.field
        if field.field_name == "vaccine" and (hit := vaccine_table().resolve(field.value)):
            field.value = hit.code
        if not self.form.focus_next(field.field_name):
            self.action_open_session()

    def action_open_session(self) -> None:
        try:
            session = build_session(
                {**self.form.values(), "entered_by": self.user.name}, today=self.clock().date()
            )
        except ValidationError as error:
            self.form.show_errors(error.errors)
            self.query_one("#session-message", Static).update(
                f"Not opened: {len(error.errors)} field(s) to fix"
            )
            return
        self.store.open_session(session)
        self.dismiss(session)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return self.current is not None  # nothing to go back to before the first session
        return True

    def action_cancel(self) -> None:
        self.dismiss(None)
