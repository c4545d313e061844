"""Today's records at this desk: search, open one to correct it, or void it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Static

from domain.record import Record, Session, Status
from domain.roles import Action, can
from domain.text import mask
from store import Store, StoreError
from store.people import User
from tui.screens.void import VoidModal
from tui.widgets.keybar import KeyBar

log = logging.getLogger("vaxdesk.desk")


class TodayScreen(Screen[Record | None]):
    """Returns the record to correct, or None."""

    BINDINGS = [
        Binding("enter", "open", "Correct", priority=False),
        Binding("v", "void", "Void"),
        Binding("x", "reveal", "Reveal ID"),
        Binding("slash", "search", "Search"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(
        self, store: Store, session: Session, clock: Callable[[], datetime], user: User
    ) -> None:
        super().__init__()
        self.user = user
        self.store = store
        self.session = session
        self.clock = clock
        self.records: list[Record] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="search by name or ID number, ↓ to the list", id="search")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="records")
        yield Static(id="today-message")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(
            "Time", "ID", "Name", "Born", "Screening", "Dose", "Vaccine", "Lot", "Status"
        )
        self.reload()
        table.focus()

    def reload(self, search: str = "") -> None:
        now = self.clock()
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        self.records = self.store.recorded_between(
            self.session.desk_id, midnight, midnight + timedelta(days=1), search
        )
        problems = {
            (row["key"], row["version"]): row["last_error"]
            for row in self.store.outbox_conflicts()
            if row["kind"] == "record"
        }
        table = self.query_one(DataTable)
        table.clear()
        for r in self.records:
            status = "void: " + r.void_reason if r.status is Status.VOIDED else f"v{r.version}"
            if problem := problems.get((r.record_id, r.version)):
                status += f" ⚠ hub {problem}"
            table.add_row(
                r.given_time or "—",
                mask(r.person.id_number),
                r.person.full_name,
                r.person.dob.display(),
                r.screening.value,
                str(r.dose_number or "—"),
                r.vaccine or "—",
                r.lot or "—",
                status,
                key=r.record_id,
            )
        self.query_one("#today-message", Static).update(
            f"{len(self.records)} record(s)" + (f" matching '{search}'" if search else " today")
        )

    @on(Input.Changed, "#search")
    def search_changed(self, event: Input.Changed) -> None:
        self.reload(event.value)

    @on(Input.Submitted, "#search")
    def search_done(self) -> None:
        self.query_one(DataTable).focus()

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
        if record.status is Status.VOIDED:
            self.say("A voided record cannot be corrected")
            return
        own = record.entered_by == self.user.name
        if not (
            can(self.user.role, Action.CORRECT_ANY)
            or (own and can(self.user.role, Action.CORRECT_OWN))
        ):
            self.say(f"A {self.user.role.value} corrects only their own records: ask a supervisor")
            return
        self.dismiss(record)

    def say(self, text: str) -> None:
        self.query_one("#today-message", Static).update(text)

    def action_reveal(self) -> None:
        """The full ID number of the selected record, on request, audited."""
        record = self._selected()
        if record is None or not record.person.id_number:
            return
        if not can(self.user.role, Action.REVEAL):
            self.say(f"A {self.user.role.value} may not reveal ID numbers")
            return
        self.store.people.audit(self.user.name, "reveal", f"{record.record_id} id_number")
        self.say(f"ID number of the selected record: {record.person.id_number} (audited)")

    def action_void(self) -> None:
        record = self._selected()
        if record is None or record.status is Status.VOIDED:
            return
        if not can(self.user.role, Action.VOID):
            self.say(f"A {self.user.role.value} may not void records: ask a supervisor")
            return

        def voided(reason: str | None) -> None:
            if reason is None:
                return
            try:
                self.store.void(record.record_id, reason, self.user.name)
            except StoreError as error:
                self.query_one("#today-message", Static).update(f"Not voided: {error}")
                return
            log.info("voided record %s", record.record_id)
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
