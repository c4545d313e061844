"""Today's records at this desk: search, open one to correct it, or void it."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Static

from desk import Desk
from desk.today import check_correct, check_void, reveal, today_rows, void
from domain.errors import DeskError
from domain.messages import describe
from domain.record import Record, Status
from domain.text import mask
from tui.screens.void import VoidModal
from tui.widgets.keybar import KeyBar


def sentence(error: BaseException) -> str:
    text = describe(error)
    return text[:1].upper() + text[1:]


class TodayScreen(Screen[Record | None]):
    """Returns the record to correct, or None."""

    BINDINGS = [
        Binding("enter", "open", "Correct", priority=False),
        Binding("v", "void", "Void"),
        Binding("x", "reveal", "Reveal ID"),
        Binding("slash", "search", "Search"),
        Binding("escape", "back", "Back"),
        Binding("down", "to_list", "To the list", show=False),  # from the search
    ]

    # The name goes last: at 80 columns a long name is cut, never the lot or the status.
    COLUMNS = ("Time", "Status", "ID", "Born", "Scr.", "Dose", "Lot", "Name")
    # Below 100 columns the status is cut (in full under the list for the row at the cursor).
    STATUS_WIDTH, NARROW_STATUS_WIDTH = 24, 10

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk
        self.records: list[Record] = []
        self.statuses: list[str] = []  # in full, as the narrow Status column may cut them

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="search by name or ID number, ↓ to the list", id="search")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="records")
        yield Static(id="row-detail")
        yield Static(id="today-message")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        wide = self.app.size.width >= 100
        status_width = self.STATUS_WIDTH if wide else self.NARROW_STATUS_WIDTH
        for label in self.COLUMNS:
            table.add_column(label, width=status_width if label == "Status" else None)
        self.reload()
        table.focus()

    def reload(self, search: str = "") -> None:
        rows = today_rows(self.desk, search)
        self.records = [row.record for row in rows]
        self.statuses = []
        table = self.query_one(DataTable)
        table.clear()
        for row in rows:
            r = row.record
            status = "void: " + r.void_reason if r.status is Status.VOIDED else f"v{r.version}"
            if row.hub_problem:
                status += f" ⚠ hub {row.hub_problem}"
            self.statuses.append(status)
            voided = r.status is Status.VOIDED
            cells = (
                r.given_time or "—",
                "✗ " + status if voided else status,
                mask(r.person.id_number),
                r.person.dob.display(),
                r.screening.value,
                f"{r.dose_number or '—'} {r.vaccine or '—'}",
                r.lot or "—",
                r.person.full_name,
            )
            style = "strike dim" if voided else ""
            table.add_row(*(Text(cell, style=style) for cell in cells), key=r.record_id)
        self.show_row_detail(table.cursor_row)
        self.query_one("#today-message", Static).update(
            f"{len(self.records)} record(s)" + (f" matching '{search}'" if search else " today")
        )

    @on(Input.Changed, "#search")
    def search_changed(self, event: Input.Changed) -> None:
        self.reload(event.value)

    @on(Input.Submitted, "#search")
    def search_done(self) -> None:
        self.query_one(DataTable).focus()

    @on(DataTable.RowHighlighted)
    def row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_row_detail(event.cursor_row)

    def show_row_detail(self, row: int) -> None:
        """The row under the cursor in full: its name and status may be cut in the table."""
        text = ""
        if 0 <= row < len(self.records):
            r = self.records[row]
            text = f"{r.person.full_name} · {mask(r.person.id_number)} · {self.statuses[row]}"
        self.query_one("#row-detail", Static).update(text)

    def action_to_list(self) -> None:
        table = self.query_one(DataTable)
        table.focus()
        if self.records:
            table.move_cursor(row=0)

    @on(DataTable.RowSelected)
    def row_selected(self) -> None:
        self.action_open()

    def _selected(self) -> Record | None:
        table = self.query_one(DataTable)
        if not self.records or table.cursor_row < 0 or table.cursor_row >= len(self.records):
            return None
        return self.records[table.cursor_row]

    def action_open(self) -> None:
        record = self._selected()
        if record is None:
            return
        try:
            check_correct(self.desk, record)
        except DeskError as error:
            self.say(sentence(error))
            return
        self.dismiss(record)

    def say(self, text: str) -> None:
        self.query_one("#today-message", Static).update(text)

    def action_reveal(self) -> None:
        """The full ID number of the selected record, on request, audited."""
        record = self._selected()
        if record is None or not record.person.id_number:
            return
        try:
            number = reveal(self.desk, record)
        except DeskError as error:
            self.say(sentence(error))
            return
        self.say(f"ID number of the selected record: {number} (audited)")

    def action_void(self) -> None:
        record = self._selected()
        if record is None or record.status is Status.VOIDED:
            return
        try:
            check_void(self.desk)
        except DeskError as error:
            self.say(f"{sentence(error)}: ask a supervisor")
            return

        def voided(reason: str | None) -> None:
            if reason is None:
                return
            try:
                void(self.desk, record, reason)
            except DeskError as error:
                self.say(f"Not voided: {describe(error)}")
                return
            self.reload(self.query_one("#search", Input).value)
            self.query_one("#today-message", Static).update(
                f"Voided: {record.person.full_name} ({reason})"
            )

        summary = f"{record.person.full_name} {mask(record.person.id_number)}"
        if record.dose_number:
            summary += f", dose {record.dose_number} {record.vaccine}"
        self.app.push_screen(VoidModal(summary), voided)

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_back(self) -> None:
        self.dismiss(None)
