"""Give a dose the dose rules refuse: a vaccinator or supervisor types the reason; returns
it, or None when cancelled."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from domain.doses import parse_override_reason
from domain.errors import FieldError
from domain.messages import describe
from i18n import N_, _


class OverrideModal(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    DEFAULT_CSS = """
    OverrideModal { align: center middle; }
    OverrideModal > Vertical {
        width: 76; max-width: 100%; height: auto; padding: 1 2; border: thick $warning;
        background: $surface;
    }
    OverrideModal Label { width: 100%; }
    OverrideModal Input { margin: 1 0 0 0; }
    OverrideModal .error { color: $error; }
    """

    def __init__(self, problem: str) -> None:
        super().__init__()
        self.problem = problem

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.problem[:1].upper() + self.problem[1:], id="override-problem")
            yield Label(_("Give this dose anyway? The reason is kept in the audit trail."))
            yield Label(_("Reason (Enter saves, Esc goes back to the form):"))
            yield Input(placeholder=_("e.g. doses 1-2 abroad, card seen"), id="override-reason")
            yield Static("", classes="error", id="override-error")

    @on(Input.Submitted)
    def confirm(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            reason = parse_override_reason(event.value)
        except FieldError as error:
            self.query_one("#override-error", Static).update(describe(error))
            return
        self.dismiss(reason)

    def action_cancel(self) -> None:
        self.dismiss(None)
