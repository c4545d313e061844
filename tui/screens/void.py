"""Confirm voiding a record; returns the reason, or None when cancelled."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from domain.errors import FieldError
from domain.fields import parse_void_reason
from i18n import N_, _


class VoidModal(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    DEFAULT_CSS = """
    VoidModal { align: center middle; }
    VoidModal > Vertical {
        width: 70; height: auto; padding: 1 2; border: thick $error; background: $surface;
    }
    VoidModal Label { width: 100%; }  /* long names and long languages wrap, never cut */
    VoidModal Input { margin: 1 0 0 0; }
    VoidModal .error { color: $error; }
    """

    def __init__(self, summary: str) -> None:
        super().__init__()
        self.summary = summary

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_("Void {record}?").format(record=self.summary), id="void-question")
            yield Label(_("The record stays in the history, marked void."))
            yield Label(_("Reason (Enter confirms):"))
            yield Input(placeholder=_("e.g. entered twice, wrong person"), id="void-reason")
            yield Static("", classes="error", id="void-error")

    @on(Input.Submitted)
    def confirm(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            reason = parse_void_reason(event.value)
        except FieldError:
            self.query_one("#void-error", Static).update(_("A reason is required."))
            return
        self.dismiss(reason)

    def action_cancel(self) -> None:
        self.dismiss(None)
