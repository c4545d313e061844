"""Who is at the desk: a login, or on first run the creation of the first supervisor."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header, Input, Static

from desk import Desk
from desk.people import create_first_supervisor, first_run, log_in, unlock
from domain.errors import DeskError
from domain.messages import describe
from store.people import User
from tui.widgets.form import Form, FormField
from tui.widgets.keybar import KeyBar


class LoginScreen(Screen[User]):
    """Returns the logged-in user. Never shows anyone's records."""

    BINDINGS = [Binding("ctrl+s", "submit", "Log in")]

    def __init__(self, desk: Desk, *, reason: str = "") -> None:
        super().__init__()
        self.desk = desk
        self.first_run = first_run(desk.store)
        self.reason = reason

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="session-box"):
            if self.first_run:
                yield Static(
                    "First start: create the site's first supervisor (no default password "
                    "exists). Supervisors add the other users.",
                    id="session-title",
                )
            else:
                yield Static("Log in", id="session-title")
            with Form(id="login-form"):
                yield FormField("name", "Name", placeholder="your name")
                yield FormField("pin", "PIN", placeholder="4-12 digits", password=True)
                if self.first_run:
                    yield FormField("pin2", "PIN again", password=True)
            yield Static(self.reason, id="session-message")
        yield KeyBar()

    @property
    def form(self) -> Form:
        return self.query_one("#login-form", Form)

    def on_mount(self) -> None:
        self.form.focus_field("name")

    def say(self, text: str) -> None:
        self.query_one("#session-message", Static).update(text)

    @on(Form.FieldDone)
    def field_done(self, event: Form.FieldDone) -> None:
        field = event.field
        if not self.form.focus_next(field.field_name):
            self.action_submit()

    def action_submit(self) -> None:
        values = self.form.values()
        try:
            if self.first_run:
                user = create_first_supervisor(
                    self.desk, values["name"], values["pin"], values.get("pin2", "")
                )
            else:
                user = log_in(self.desk, values["name"], values["pin"])
        except DeskError as error:
            text = describe(error)
            if self.first_run and error.code != "pin.mismatch":
                text = f"Not created: {text}"
            self.say(text[:1].upper() + text[1:])
            self.form.set_values({"pin": "", "pin2": ""} if self.first_run else {"pin": ""})
            self.form.focus_field("pin")
            return
        self.dismiss(user)


class LockScreen(Screen[User | None]):
    """Covers everything (not a see-through modal): nothing personal shows while locked.
    The same user's PIN unlocks; Ctrl+U hands the desk to another user."""

    BINDINGS = [Binding("ctrl+u", "switch_user", "Another user", priority=True)]

    def __init__(self, desk: Desk, user: User) -> None:
        super().__init__()
        self.desk = desk
        self.user = user

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="session-box"):
            yield Static(f"Locked. {self.user.name}: your PIN, then Enter.", id="session-title")
            yield Input(password=True, placeholder="PIN", id="unlock-pin")
            yield Static("", id="session-message")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#unlock-pin", Input).focus()

    @on(Input.Submitted)
    def unlock(self, event: Input.Submitted) -> None:
        event.stop()
        if unlock(self.desk, event.value):
            self.dismiss(self.user)
            return
        event.input.value = ""
        self.query_one("#session-message", Static).update("Wrong PIN (or locked out for now)")

    def action_switch_user(self) -> None:
        self.dismiss(None)


class NoRecordsScreen(Screen[None]):
    """What a technician sees in the desk app: no personal data, and where to go instead."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            "Technicians have no access to records here. For diagnostics use the command "
            "line: vaxdesk info, vaxdesk camera-check, vaxdesk decode, vaxdesk sync, "
            "vaxdesk audit verify. Ctrl+Q quits.",
            id="session-box",
        )
        yield KeyBar()
