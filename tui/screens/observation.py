"""The people under observation after their dose at this desk: when each one's time is up,
counting down each second; a row whose time is up is highlighted and the bell rings once for
that person. `l` (or Enter) marks the person "left, no reaction"; `a` asks for the adverse-event
entry on that dose (as today's list does). Esc goes back."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from desk.observation import ObservationQueue
from domain.errors import DeskError
from domain.messages import describe
from domain.observation import Watch, countdown
from domain.text import mask
from i18n import N_, _, format_number, format_time, ngettext
from tui.widgets.keybar import KeyBar

ENDED_STYLE = "bold black on yellow"


def count_line(count: int, ended: int) -> str:
    if not count:
        return _("Nobody under observation")
    text = ngettext("{count} person under observation, time up: {ended}",
                    "{count} people under observation, time up: {ended}", count)  # fmt: skip
    return text.format(count=format_number(count), ended=format_number(ended))


def _versions(watches: list[Watch]) -> list[tuple[str, int]]:
    return [(w.record_id, w.record.version) for w in watches]


class ObservationScreen(Screen[None]):
    """The queue of a desk (shared with the entry screen's summary line)."""

    class AefiRequested(Message):
        """The volunteer asks to record an adverse event for this dose's record."""

        def __init__(self, record_id: str) -> None:
            super().__init__()
            self.record_id = record_id

    BINDINGS = [
        Binding("l", "left", N_("Left, no reaction")),
        Binding("a", "aefi", N_("Adverse event")),
        Binding("escape", "back", N_("Back")),
    ]

    COLUMNS = (
        ("ends", N_("Ends")), ("left", N_("Time left")), ("id", N_("ID")),
        ("dose", N_("Dose")), ("name", N_("Name")),
    )  # fmt: skip

    def __init__(self, queue: ObservationQueue) -> None:
        super().__init__()
        self.queue = queue
        self.watches: list[Watch] = []
        self._cells: dict[str, tuple[str, bool]] = {}  # record id -> countdown shown, ended

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("Observation after the dose"), id="observation-title")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="observation-table")
        yield Static(id="observation-count")
        yield Static(id="observation-message")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, label in self.COLUMNS:
            table.add_column(_(label), key=key)
        self.tick()
        self.set_interval(1, self.tick)
        table.focus()

    @property
    def table(self) -> DataTable:
        return self.query_one(DataTable)

    def tick(self) -> None:
        """Each second: the rows again only when someone came or went, else the countdowns
        that changed; the bell for a time that is up now."""
        now = self.queue.desk.clock()
        if self.queue.newly_ended(now):
            self.app.bell()
        watches = self.queue.watches()
        if _versions(watches) != _versions(self.watches):  # someone came, went or was corrected
            self._rebuild(watches)
        table = self.table
        for watch in watches:
            shown = self._cells[watch.record_id]
            ended = watch.ended(now)
            left = _("time up") if ended else countdown(watch.remaining(now))
            if shown == (left, ended):
                continue
            self._cells[watch.record_id] = (left, ended)
            if ended != shown[1]:
                keys = (key for key, _label in self.COLUMNS)
                for key, value in zip(keys, self._row(watch, left), strict=True):
                    table.update_cell(watch.record_id, key, self._cell(value, ended))
            else:
                table.update_cell(watch.record_id, "left", self._cell(left, ended))
        up = sum(1 for w in watches if w.ended(now))
        self.query_one("#observation-count", Static).update(count_line(len(watches), up))

    def _rebuild(self, watches: list[Watch]) -> None:
        table = self.table
        selected, row = self.selected(), table.cursor_row
        table.clear()
        self._cells = {}
        self.watches = list(watches)
        for watch in watches:
            self._cells[watch.record_id] = ("", False)  # the countdown is set by the tick
            table.add_row(*(Text(v) for v in self._row(watch, "")), key=watch.record_id)
        ids = [w.record_id for w in watches]
        if selected is not None and selected.record_id in ids:
            table.move_cursor(row=ids.index(selected.record_id))
        elif ids:  # the person at the cursor went: the one after them
            table.move_cursor(row=min(row, len(ids) - 1))

    @staticmethod
    def _row(watch: Watch, left: str) -> tuple[str, ...]:
        record = watch.record
        dose = f"{record.dose_number or '—'} {record.vaccine}"
        return (format_time(watch.ends_at.time()), left, mask(record.person.id_number) or "—",
                dose, record.person.full_name)  # fmt: skip

    @staticmethod
    def _cell(value: str, ended: bool) -> Text:
        return Text(value, style=ENDED_STYLE if ended else "")

    def selected(self) -> Watch | None:
        row = self.table.cursor_row
        return self.watches[row] if 0 <= row < len(self.watches) else None

    def say(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#observation-message", Static)
        message.update(text)
        message.set_class(error, "-error")

    @on(DataTable.RowSelected)
    def row_selected(self) -> None:
        self.action_left()

    def action_left(self) -> None:
        watch = self.selected()
        if watch is None:
            return
        name = watch.record.person.full_name
        try:
            gone = self.queue.mark_left(watch)
        except DeskError as error:
            self.say(_("Not marked: {reason}").format(reason=describe(error)), error=True)
            return
        if gone.early:
            self.say(_("Left before the end of observation: {name}").format(name=name))
        else:
            self.say(_("Left, no reaction: {name}").format(name=name))
        self.tick()

    def action_aefi(self) -> None:
        watch = self.selected()
        if watch is not None:
            self.post_message(self.AefiRequested(watch.record_id))

    @on(AefiRequested)
    def open_aefi(self, message: AefiRequested) -> None:
        """The adverse-event entry on this dose, as today's list (F3, `a`) opens it."""
        from tui.screens.aefi import open_aefi

        desk = self.queue.desk
        open_aefi(self, desk, desk.store.get(message.record_id), self.say)

    def action_back(self) -> None:
        self.dismiss(None)
