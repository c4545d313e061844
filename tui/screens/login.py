"""Who is at the desk: a login, or on first run the creation of the first supervisor."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header, Input, Static

from desk import Desk
from desk.people import (
    AmbiguousName,
    create_first_supervisor,
    first_run,
    log_in,
    unlock,
    users_named,
)
from domain.errors import DeskError
from domain.messages import describe
from i18n import N_, _
from store.people import User
from tui.screens.pick_user import PickUserModal
from tui.widgets.form import Form, FormField
from tui.widgets.keybar import KeyBar


class LoginScreen(Screen[User]):
    """Returns the logged-in user. Never shows anyone's records. A name typed without
    diacritics that reads as several users' names opens PickUserModal (desk.people decides)."""

    BINDINGS = [Binding("ctrl+s", "submit", N_("Log in"))]

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
                    _(
                        "First start: create the site's first supervisor (no default password "
                        "exists). Supervisors add the other users."
                    ),
                    id="session-title",
                )
            else:
                yield Static(_("Log in"), id="session-title")
            with Form(id="login-form"):
                yield FormField("name", _("Name"), placeholder=_("your name"))
                yield FormField("pin", _("PIN"), placeholder=_("4-12 digits"), password=True)
                if self.first_run:
                    yield FormField("pin2", _("PIN again"), password=True)
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
        if field.field_name == "name" and not self.first_run:
            names = users_named(self.desk.store, field.value)
            if len(names) > 1:
                self.pick(names)
                return
        if not self.form.focus_next(field.field_name):
            self.action_submit()

    def pick(self, names: tuple[str, ...]) -> None:
        """Ask which of these users is at the desk; then the PIN (or log in, if typed)."""

        def picked(name: str | None) -> None:
            if name is None:
                self.form.focus_field("name")
                return
            self.form.set_values({"name": name})
            if self.form.values()["pin"]:
                self.action_submit()
            else:
                self.form.focus_field("pin")

        self.app.push_screen(PickUserModal(names), picked)

    def action_submit(self) -> None:
        values = self.form.values()
        try:
            if self.first_run:
                user = create_first_supervisor(
                    self.desk, values["name"], values["pin"], values.get("pin2", "")
                )
            else:
                user = log_in(self.desk, values["name"], values["pin"])
        except AmbiguousName as ambiguous:
            self.pick(ambiguous.names)
            return
        except DeskError as error:
            text = describe(error)
            if self.first_run and error.code != "pin.mismatch":
                text = _("Not created: {reason}").format(reason=text)
            self.say(text[:1].upper() + text[1:])
            self.form.set_values({"pin": "", "pin2": ""} if self.first_run else {"pin": ""})
            self.form.focus_field("pin")
            return
        self.dismiss(user)


class LockScreen(Screen[User | None]):
    """Covers everything (not a see-through modal): nothing personal shows while locked.
    The same user's PIN unlocks; Ctrl+U hands the desk to another user."""

    BINDINGS = [Binding("ctrl+u", "switch_user", N_("Another user"), priority=True)]

    def __init__(self, desk: Desk, user: User) -> None:
        super().__init__()
        self.desk = desk
        self.user = user

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="session-box"):
            yield Static(
                _("Locked. {name}: your PIN, then Enter.").format(name=self.user.name),
                id="session-title",
            )
            yield Input(password=True, placeholder=_("PIN"), id="unlock-pin")
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
        self.query_one("#session-message", Static).update(_("Wrong PIN (or locked out for now)"))

    def action_switch_user(self) -> None:
        self.dismiss(None)


# Commands as typed: the same in every language.
COMMANDS = "vaxdesk info, vaxdesk camera-check, vaxdesk decode, vaxdesk sync, vaxdesk audit verify"


class NoRecordsScreen(Screen[None]):
    """What a technician sees in the desk app: no personal data, and where to go instead."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            _(
                "Technicians have no access to records here. For diagnostics use the command "
                "line: {commands}. Ctrl+Q quits."
            ).format(commands=COMMANDS),
            id="session-box",
        )
        yield KeyBar()
