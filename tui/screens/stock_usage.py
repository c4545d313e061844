"""Vials opened and doses wasted at the desk (issue 16), in a keystroke or two: F8 on the entry
screen opens this small form (the session's lot, one vial opened, nothing wasted: Enter,
Enter... saves), which returns what was stored. `StockKeys` gives the entry screen its F8 and
the stock part of its status line (the session lot's alerts), from the headless core
(`desk.stock`)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from desk import Desk
from desk.stock import StockAlert, has_lots, record_usage, session_alerts, usage_form
from domain.errors import ValidationError
from domain.stock import Usage, alert_text
from i18n import N_, _, format_number, ngettext
from tui.texts import field_messages, fields_to_fix
from tui.widgets.form import Form, FormField

if TYPE_CHECKING:
    from tui.screens.entry import EntryScreen

STOCK_BINDING = Binding("f8", "stock_usage", N_("Vials"))


class StockUsageModal(ModalScreen[Usage | None]):
    """Returns the movement stored, or None (Esc)."""

    BINDINGS = [Binding("ctrl+s", "save", N_("Save")), Binding("escape", "cancel", N_("Cancel"))]

    DEFAULT_CSS = """
    StockUsageModal { align: center middle; }
    StockUsageModal > Vertical {
        width: 64; max-width: 100%; height: auto; padding: 1 2; border: thick $warning;
        background: $surface;
    }
    StockUsageModal Static { width: 100%; }
    StockUsageModal #stock-usage-message { margin: 1 0 0 0; }
    """

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("Vials opened, doses wasted (Enter moves on, Enter on the last "
                           "saves; Esc cancels)"), id="stock-usage-title")  # fmt: skip
            with Form(id="stock-usage-form"):
                yield FormField("lot", N_("Lot"))
                yield FormField("vials_opened", N_("Vials opened"), placeholder="0")
                yield FormField("doses_wasted", N_("Doses wasted"), placeholder="0")
                yield FormField("reason", N_("Why wasted"),
                                placeholder=N_("e.g. vial dropped, left at the end"))  # fmt: skip
            yield Static(id="stock-usage-message")

    @property
    def form(self) -> Form:
        return self.query_one("#stock-usage-form", Form)

    def on_mount(self) -> None:
        self.form.set_values(usage_form(self.desk))
        self.form.focus_field("vials_opened")

    @on(Form.FieldDone)
    def field_done(self, event: Form.FieldDone) -> None:
        event.stop()
        if not self.form.focus_next(event.field.field_name):
            self.action_save()

    def action_save(self) -> None:
        try:
            stored = record_usage(self.desk, self.form.values())
        except ValidationError as error:
            self.form.show_errors(field_messages(error.errors))
            self.query_one("#stock-usage-message", Static).update(fields_to_fix(len(error.errors)))
            return
        self.dismiss(stored)

    def action_cancel(self) -> None:
        self.dismiss(None)


def describe_usage(usage: Usage) -> str:
    """What was recorded, for the entry screen's message line."""
    opened = ngettext("{count} vial opened", "{count} vials opened", usage.vials_opened)
    wasted = ngettext("{count} dose wasted", "{count} doses wasted", usage.doses_wasted)
    return _("Recorded for {vaccine} {lot}: {opened}, {wasted}").format(
        vaccine=usage.vaccine, lot=usage.lot,
        opened=opened.format(count=format_number(usage.vials_opened)),
        wasted=wasted.format(count=format_number(usage.doses_wasted)))  # fmt: skip


def describe_alerts(alerts: list[StockAlert], today: date) -> str:
    """The session lot's alerts on one line: `⚠ PF A1: expires 28/11/2026 (in 5 days)`."""
    if not alerts:
        return ""
    return "⚠ " + " · ".join(alert_text(a.stock, a.alert, today) for a in alerts)


class StockKeys:
    """The entry screen's F8 (vials opened, doses wasted; on when the hub allocated lots to
    this desk) and its status line's stock alerts."""

    def _screen(self) -> EntryScreen:
        return cast("EntryScreen", self)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == STOCK_BINDING.action:
            screen = self._screen()
            return screen.entry.desk.session is not None and has_lots(screen.entry.desk)
        return True

    def stock_status(self) -> str:
        """The session lot's alerts, after the status line ("" when none); the key bar is
        told whether F8 is on."""
        screen = self._screen()
        screen.refresh_bindings()
        desk = screen.entry.desk
        line = describe_alerts(session_alerts(desk), desk.clock().date())
        return f"\n{line}" if line else ""

    def action_stock_usage(self) -> None:
        screen = self._screen()

        def stored(usage: Usage | None) -> None:
            if usage is not None:
                screen.say(describe_usage(usage))
                screen.refresh_status()

        screen.app.push_screen(StockUsageModal(screen.entry.desk), stored)
