"""A yes/no question over the screen (like Harlequin's confirm modal); returns the answer."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from i18n import N_, _


class ConfirmModal(ModalScreen[bool]):
    """Y or the Yes button: True; N, Esc or the No button (focused first): False."""

    BINDINGS = [
        Binding("y", "answer(True)", N_("Yes")),
        Binding("n,escape", "answer(False)", N_("No")),
    ]

    DEFAULT_CSS = """
    ConfirmModal { align: center middle; }
    ConfirmModal > Vertical {
        width: 60; max-width: 100%; height: auto; padding: 1 2;
        border: thick $warning; background: $surface;
    }
    ConfirmModal Label { width: 100%; }
    ConfirmModal Horizontal { height: auto; margin: 1 0 0 0; align: center middle; }
    ConfirmModal Button { margin: 0 2; }
    """

    def __init__(self, question: str, *, yes: str = N_("Yes"), no: str = N_("No")) -> None:
        """`question` comes translated; `yes` and `no` are marked (N_) or translated words."""
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question, id="confirm-question")
            with Horizontal():
                yield Button(f"{_(self.yes)} (Y)", variant="error", id="confirm-yes")
                yield Button(f"{_(self.no)} (N)", variant="primary", id="confirm-no")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
