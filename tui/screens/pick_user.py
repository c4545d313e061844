"""Several users' names read the same without diacritics: pick yours (↑ ↓ and Enter; Esc goes
back). Returns the chosen name, or None (like the confirm modal returns its answer)."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList

from i18n import N_, _


class PickUserModal(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", N_("Back"))]

    DEFAULT_CSS = """
    PickUserModal { align: center middle; }
    PickUserModal > Vertical {
        width: 60; max-width: 100%; height: auto; padding: 1 2;
        border: thick $accent; background: $surface;
    }
    PickUserModal Label { width: 100%; }
    PickUserModal OptionList { height: auto; max-height: 12; margin: 1 0 0 0; }
    """

    def __init__(self, names: Sequence[str]) -> None:
        super().__init__()
        self.names = list(names)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                _("Several users have this name. Choose yours with ↑ ↓ and Enter (Esc: back)."),
                id="pick-question",
            )
            yield OptionList(*self.names, id="pick-names")

    def on_mount(self) -> None:
        names = self.query_one("#pick-names", OptionList)
        names.highlighted = 0
        names.focus()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.names[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)
