"""Import the day's subject list from the desk (a supervisor's, as `vaxdesk list import`):
the file's path and the day typed, the import run in a worker thread on a connection of its
own, its progress, then its counts and where the refused rows went. Returns the report of
the last import, or None when nothing was imported."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from desk import Desk
from desk.lists import ImportReport, import_list
from domain.errors import DeskError
from domain.messages import describe
from domain.roles import Action
from i18n import N_, _, format_date, format_number, ngettext
from store import open_store
from tui.texts import describe_import, sentence


class ListImportModal(ModalScreen[ImportReport | None]):
    BINDINGS = [Binding("escape", "close", N_("Close"))]

    class Progressed(Message):
        def __init__(self, done: int, total: int) -> None:
            super().__init__()
            self.done = done
            self.total = total

    class Finished(Message):
        """The import's end: its report, or why nothing was stored."""

        def __init__(self, day: date, report: ImportReport | None, problem: str = "") -> None:
            super().__init__()
            self.day = day
            self.report = report
            self.problem = problem

    def __init__(self, desk: Desk, site_id: str, day: date) -> None:
        super().__init__()
        self.desk = desk
        self.site_id = site_id
        self.day = day
        self.busy = False
        self.allowed = False
        self.report: ImportReport | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="import-box"):
            yield Label(_("Import a subject list for {site}").format(site=self.site_id),
                        id="import-title")  # fmt: skip
            yield Label(_("File (.xlsx, .xls, .ods, .csv):"))
            yield Input(placeholder=_("e.g. ~/Downloads/list.xlsx"), id="import-path")
            yield Label(_("Day (DD/MM/YYYY):"))
            yield Input(value=format_date(self.day), id="import-day")
            yield Static("", id="import-status")
            yield Static(_("Enter imports · Tab next field · Esc closes"), id="import-hint")

    def on_mount(self) -> None:
        try:
            self.desk.require(Action.EXPORT)  # as `vaxdesk list import` asks of its user
        except DeskError as error:
            for field in self.query(Input):
                field.disabled = True
            self.say(sentence(describe(error)), error=True)
            self.query_one("#import-hint", Static).update(_("Esc closes"))
            return
        self.allowed = True
        self.query_one("#import-path", Input).focus()

    def say(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#import-status", Static)
        status.update(text)
        status.set_class(error, "-error")

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.allowed or self.busy:
            return
        text = self.query_one("#import-path", Input).value.strip()
        if not text:
            self.say(_("Type the file's path"), error=True)
            self.query_one("#import-path", Input).focus()
            return
        path = Path(text).expanduser()
        if not path.is_file():
            self.say(_("No file at {path}").format(path=path), error=True)
            self.query_one("#import-path", Input).focus()
            return
        day_text = self.query_one("#import-day", Input).value.strip()
        try:
            day = datetime.strptime(day_text, "%d/%m/%Y").date() if day_text else self.day
        except ValueError:
            self.say(_("'{text}' is not a date: type DD/MM/YYYY").format(text=day_text),
                     error=True)  # fmt: skip
            self.query_one("#import-day", Input).focus()
            return
        user = self.desk.require(Action.EXPORT)
        self.busy = True
        self.say(_("Reading {name}").format(name=path.name))
        self.run_import(path, self.desk.store.path, day, self.desk.clock().date(), user.name)

    @work(thread=True, exclusive=True, group="list-import")
    def run_import(self, path: Path, db_path: Path, day: date, today: date, by: str) -> None:
        """On a connection of this thread's own, never the app's."""

        def progress(done: int, total: int) -> None:
            self.post_message(self.Progressed(done, total))

        try:
            with open_store(db_path, self.desk.clock) as store:
                report = import_list(store, path, site_id=self.site_id, day=day, today=today,
                                     by=by, progress=progress)  # fmt: skip
        except DeskError as error:
            self.post_message(self.Finished(day, None, describe(error)))
            return
        except OSError as error:
            self.post_message(self.Finished(day, None, type(error).__name__))
            return
        self.post_message(self.Finished(day, report))

    @on(Progressed)
    def progressed(self, message: Progressed) -> None:
        if self.busy:
            self.say(ngettext("Checking rows: {done} of {total}",
                              "Checking rows: {done} of {total}", message.total)
                     .format(done=format_number(message.done),
                             total=format_number(message.total)))  # fmt: skip

    @on(Finished)
    def finished(self, message: Finished) -> None:
        self.busy = False
        if message.report is None:
            self.say(_("Nothing imported: {reason}").format(reason=message.problem), error=True)
            self.query_one("#import-path", Input).focus()
            return
        self.report = message.report
        self.say(describe_import(message.report, message.day))

    def action_close(self) -> None:
        if self.busy:
            return  # the import finishes first: its one transaction is all or nothing
        self.dismiss(self.report)
