"""Today's list of the session's site (danh sách đối tượng): who came, who is vaccinated, who
is absent; filters by state and group, a search, arrived/absent by hand, follow-up exports.
The rules are the desk core's (`desk.arrival`); this shows them and routes keys."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Static

from desk import Desk
from desk.arrival import (
    DayCounts,
    FollowUp,
    day_counts,
    day_list,
    export_follow_up,
    mark_absent,
    mark_arrived,
)
from domain.errors import DeskError
from domain.messages import describe
from domain.priority_groups import priority_groups
from domain.roles import Action
from domain.subjects import Subject, SubjectState
from domain.text import mask
from i18n import N_, _, format_date, format_number, format_time, ngettext
from store import Store
from tui.screens.list_import import ListImportModal
from tui.widgets.keybar import KeyBar

T = TypeVar("T")


def counts_line(counts: DayCounts) -> str:
    """At the top: how many people, and how many in each state (those with anyone)."""
    parts = [
        _("{state} {count}").format(state=state.label, count=format_number(counts.of(state)))
        for state in SubjectState
        if counts.of(state)
    ]
    total = ngettext("{count} person", "{count} people", counts.total).format(
        count=format_number(counts.total)
    )
    return " · ".join([total, *parts])


def filter_line(state: SubjectState | None, group: str | None, search: str, shown: int) -> str:
    """What the list shows now."""
    state_text = state.label if state is not None else _("all states")
    group_text = _("group {code}").format(code=group) if group is not None else _("all groups")
    line = ngettext("{count} shown: {state}, {group}", "{count} shown: {state}, {group}",
                    shown).format(count=format_number(shown), state=state_text,
                                  group=group_text)  # fmt: skip
    if search:
        line += " · " + _("search '{search}'").format(search=search)
    return line


def state_time(subject: Subject, today: datetime) -> str:
    """When the state was reached, at the site's time (HH:MM)."""
    try:
        moment = datetime.fromisoformat(subject.state_at)
    except ValueError:
        return ""
    return format_time(moment.astimezone(today.tzinfo).time())


def next_of(values: list[T], current: T | None) -> T | None:
    """The filter after `current`: through the values, then none (all), then again."""
    if current is None:
        return values[0] if values else None
    index = values.index(current) if current in values else len(values)
    return values[index + 1] if index + 1 < len(values) else None


class SubjectsScreen(Screen[None]):
    """Today's list for the session's site. Esc goes back to the entry."""

    BINDINGS = [
        Binding("s", "cycle_state", N_("State")),
        Binding("g", "cycle_group", N_("Group")),
        Binding("slash", "search", N_("Search"), show=False),  # said in the search's hint
        Binding("a", "arrived", N_("Arrived")),
        Binding("x", "absent", N_("Absent")),
        Binding("e", "export('not-vaccinated')", N_("Not vaccinated CSV")),
        Binding("b", "export('absent')", N_("Absent CSV")),
        Binding("i", "import_list", N_("Import"), show=False),  # no room at 80 columns
        Binding("escape", "back", N_("Back"), show=False),  # in the search's hint: 80 columns
        Binding("down", "to_list", N_("To the list"), show=False),  # from the search
    ]
    COLUMNS = (N_("Name"), N_("ID"), N_("Born"), N_("Group"), N_("State"), N_("Time"))
    NARROW = {"Name": 16, "ID": 12, "Born": 10, "Group": 11, "State": 11, "Time": 5}
    WIDE = {"Name": 28, "ID": 12, "Born": 10, "Group": 24, "State": 16, "Time": 5}

    state_filter: reactive[SubjectState | None] = reactive(None, init=False)
    group_filter: reactive[str | None] = reactive(None, init=False)
    search: reactive[str] = reactive("", init=False)

    class Exported(Message):
        """A follow-up file was written (or could not be), from the export worker."""

        def __init__(self, which: FollowUp, path: Path, count: int, problem: str = "") -> None:
            super().__init__()
            self.which = which
            self.path = path
            self.count = count
            self.problem = problem

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk
        self.subjects: list[Subject] = []

    @property
    def site_id(self) -> str:
        return self.desk.session.site_id if self.desk.session else self.desk.site_id

    @property
    def day(self) -> date:
        return self.desk.session.session_date if self.desk.session else self.desk.clock().date()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="subjects-counts")
        hint = _("/ search: name (no accents needed) or ID · ↓ the list · Esc back")
        yield Input(placeholder=hint, id="subjects-search")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="subjects")
        yield Static(id="subjects-message")
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = _("Subject list {site} · {day}").format(
            site=self.site_id, day=format_date(self.day)
        )
        table = self.query_one(DataTable)
        widths = self.WIDE if self.app.size.width >= 100 else self.NARROW
        for label in self.COLUMNS:
            table.add_column(_(label), width=widths[label])
        self.reload()
        table.focus()

    # -- what is shown ---------------------------------------------------------------------

    def reload(self, keep: int | None = None) -> None:
        """The list again, with the filters; the cursor stays on `keep` (a subject id)."""
        counts = day_counts(self.desk.store, self.site_id, self.day)
        self.subjects = day_list(self.desk.store, self.site_id, self.day,
                                 state=self.state_filter, group=self.group_filter,
                                 search=self.search)  # fmt: skip
        self.query_one("#subjects-counts", Static).update(
            counts_line(counts) + "\n"
            + filter_line(self.state_filter, self.group_filter, self.search, len(self.subjects))
        )  # fmt: skip
        table = self.query_one(DataTable)
        table.clear()
        groups, now = priority_groups(), self.desk.clock()
        for s in self.subjects:
            code = s.entry.priority_group
            table.add_row(
                s.person.full_name, mask(s.person.id_number) or "—", s.person.dob.display(),
                f"{code} {groups.name_of(code)}" if code else "—", s.state.label,
                state_time(s, now), key=str(s.subject_id),
            )  # fmt: skip
        if keep is not None:
            row = next((i for i, s in enumerate(self.subjects) if s.subject_id == keep), None)
            if row is not None:
                table.move_cursor(row=row)
        if not counts.total:
            self.say(_("No list imported for this site today: i imports one (supervisors)"))

    def say(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#subjects-message", Static)
        message.update(text)
        message.set_class(error, "-error")

    def watch_state_filter(self) -> None:
        self.reload()

    def watch_group_filter(self) -> None:
        self.reload()

    def watch_search(self) -> None:
        self.reload()

    def selected(self) -> Subject | None:
        table = self.query_one(DataTable)
        if not self.subjects or table.cursor_row < 0:
            return None
        return self.subjects[min(table.cursor_row, len(self.subjects) - 1)]

    # -- keys ------------------------------------------------------------------------------

    def action_cycle_state(self) -> None:
        counts = day_counts(self.desk.store, self.site_id, self.day)
        present = [state for state in SubjectState if counts.of(state)]
        self.state_filter = next_of(present, self.state_filter)

    def action_cycle_group(self) -> None:
        codes = day_counts(self.desk.store, self.site_id, self.day).by_group
        order = {code: i for i, code in enumerate(priority_groups().codes())}
        present = sorted(codes, key=lambda c: (order.get(c, len(order)), c))
        self.group_filter = next_of(present, self.group_filter)

    def action_search(self) -> None:
        self.query_one("#subjects-search", Input).focus()

    def action_to_list(self) -> None:
        self.query_one(DataTable).focus()

    @on(Input.Changed, "#subjects-search")
    def search_changed(self, event: Input.Changed) -> None:
        self.search = event.value.strip()

    @on(Input.Submitted, "#subjects-search")
    def search_done(self) -> None:
        self.action_to_list()

    def action_arrived(self) -> None:
        self.change(mark_arrived, _("{name}: arrived"))

    def action_absent(self) -> None:
        self.change(mark_absent, _("{name}: absent"))

    def change(self, how: Callable[[Store, Subject, str], Subject], done: str) -> None:
        subject = self.selected()
        if subject is None or self.desk.user is None:
            return
        try:
            changed = how(self.desk.store, subject, self.desk.user.name)
        except DeskError as error:
            text = describe(error)
            self.say(text[:1].upper() + text[1:], error=True)
            return
        self.say(done.format(name=subject.person.full_name))
        self.reload(keep=changed.subject_id)

    def action_export(self, which: str) -> None:
        follow = FollowUp(which)
        try:
            self.desk.require(Action.EXPORT)
        except DeskError as error:
            text = describe(error)
            self.say(text[:1].upper() + text[1:], error=True)
            return
        self.say(_("Exporting…"))
        self.export(follow, self.desk.store.path, self.site_id, self.day)

    @work(thread=True, exclusive=True, group="follow-up")
    def export(self, which: FollowUp, db_path: Path, site_id: str, day: date) -> None:
        try:
            path, count = export_follow_up(db_path, site_id, day, which)
        except OSError as error:
            self.post_message(self.Exported(which, db_path.parent, 0, type(error).__name__))
            return
        self.post_message(self.Exported(which, path, count))

    @on(Exported)
    def exported(self, message: Exported) -> None:
        if message.problem:
            self.say(_("Not exported: {problem} in {folder}").format(
                problem=message.problem, folder=message.path), error=True)  # fmt: skip
            return
        self.desk.audit("list.export", f"{message.count} {message.which.value} of "
                        f"{self.day.isoformat()} site {self.site_id}")  # fmt: skip
        if message.which is FollowUp.ABSENT:
            text = ngettext("{count} absent person exported to {path}",
                            "{count} absent people exported to {path}", message.count)
        else:
            text = ngettext("{count} person not yet vaccinated exported to {path}",
                            "{count} people not yet vaccinated exported to {path}",
                            message.count)  # fmt: skip
        self.say(text.format(count=format_number(message.count), path=message.path))

    def action_import_list(self) -> None:
        def closed(report: object) -> None:
            if report is not None:
                self.reload()

        self.app.push_screen(ListImportModal(self.desk, self.site_id, self.day), closed)

    def action_back(self) -> None:
        self.dismiss(None)
