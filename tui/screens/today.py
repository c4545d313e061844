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
from i18n import N_, _, format_number, ngettext
from tui.screens.void import VoidModal
from tui.widgets.keybar import KeyBar


def sentence(error: BaseException) -> str:
    text = describe(error)
    return text[:1].upper() + text[1:]


def count_line(count: int, search: str) -> str:
    """Under the list: how many records, today or matching the search."""
    if search:
        if not count:
            return _("No record matches '{search}'").format(search=search)
        text = ngettext("{count} record matching '{search}'",
                        "{count} records matching '{search}'", count)  # fmt: skip
        return text.format(count=format_number(count), search=search)
    if not count:
        return _("No records yet today")
    text = ngettext("{count} record today", "{count} records today", count)
    return text.format(count=format_number(count))


def void_summary(record: Record) -> str:
    """The record the void modal asks about: who, and the dose."""
    number = mask(record.person.id_number)
    if record.dose_number:
        return _("{name} {id_number}, dose {dose} {vaccine}").format(
            name=record.person.full_name, id_number=number, dose=record.dose_number,
            vaccine=record.vaccine,
        )  # fmt: skip
    return f"{record.person.full_name} {number}"


class TodayScreen(Screen[Record | None]):
    """Returns the record to correct, or None."""

    BINDINGS = [
        Binding("enter", "open", N_("Correct"), priority=False),
        Binding("v", "void", N_("Void")),
        Binding("x", "reveal", N_("Reveal ID")),
        Binding("a", "aefi", N_("Adverse event")),
        Binding("slash", "search", N_("Search")),
        Binding("escape", "back", N_("Back")),
        Binding("down", "to_list", N_("To the list"), show=False),  # from the search
    ]

    # The name goes last: at 80 columns a long name is cut, never the lot or the status.
    COLUMNS = (
        N_("Time"), N_("Status"), N_("ID"), N_("Born"), N_("Scr."), N_("Dose"), N_("Lot"),
        N_("Name"),
    )  # fmt: skip
    # Below 100 columns the status is cut (in full under the list for the row at the cursor).
    STATUS_WIDTH, NARROW_STATUS_WIDTH = 24, 10

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk
        self.records: list[Record] = []
        self.statuses: list[str] = []  # in full, as the narrow Status column may cut them

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder=_("search by name or ID number, ↓ to the list"), id="search")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="records")
        yield Static(id="row-detail")
        yield Static(id="today-message")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        wide = self.app.size.width >= 100
        status_width = self.STATUS_WIDTH if wide else self.NARROW_STATUS_WIDTH
        for label in self.COLUMNS:
            table.add_column(_(label), width=status_width if label == "Status" else None)
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
            if r.status is Status.VOIDED:
                status = _("void: {reason}").format(reason=r.void_reason)
            else:
                status = _("v{version}").format(version=r.version)
            if row.hub_problem:  # the hub's own words (its reply, as the outbox kept it)
                status = _("{status} ⚠ hub {problem}").format(
                    status=status, problem=row.hub_problem
                )
            if row.platform_refusal:  # the platform's own words: Enter corrects the record
                status = _("{status} ⚠ refused by the national platform: {reason}").format(
                    status=status, reason=row.platform_refusal
                )
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
            style = "strike dim" if voided else ("yellow" if row.platform_refusal else "")
            table.add_row(*(Text(cell, style=style) for cell in cells), key=r.record_id)
        self.show_row_detail(table.cursor_row)
        line = count_line(len(self.records), search)
        refused = sum(1 for row in rows if row.platform_refusal)
        if refused:
            line += " · " + ngettext(
                "⚠ {count} refused by the national platform: Enter opens it to correct",
                "⚠ {count} refused by the national platform: Enter opens each to correct",
                refused,
            ).format(count=format_number(refused))
        self.query_one("#today-message", Static).update(line)

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
        self.say(_("ID number of the selected record: {number} (audited)").format(number=number))

    def action_void(self) -> None:
        record = self._selected()
        if record is None or record.status is Status.VOIDED:
            return
        try:
            check_void(self.desk)
        except DeskError as error:
            self.say(_("{reason}: ask a supervisor").format(reason=sentence(error)))
            return

        def voided(reason: str | None) -> None:
            if reason is None:
                return
            try:
                void(self.desk, record, reason)
            except DeskError as error:
                self.say(_("Not voided: {reason}").format(reason=describe(error)))
                return
            self.reload(self.query_one("#search", Input).value)
            self.say(_("Voided: {name} ({reason})").format(name=record.person.full_name,
                                                            reason=reason))  # fmt: skip

        self.app.push_screen(VoidModal(void_summary(record)), voided)

    def action_aefi(self) -> None:
        """An adverse event after the selected dose (or its correction), at any time."""
        from tui.screens.aefi import open_aefi

        record = self._selected()
        if record is None:
            return
        if record.status is Status.VOIDED or not record.gives_dose:
            self.say(_("An adverse event follows a dose given: not this record"))
            return
        open_aefi(self, self.desk, record, self.say)

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_back(self) -> None:
        self.dismiss(None)
