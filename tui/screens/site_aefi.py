"""The site's adverse events of the day, for the supervisor: severe first, each with its desk,
time and the person masked; counts by desk and severity above. From the site screen (`a`)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from domain.aefi import Outcome, Severity, symptom_list
from i18n import N_, _, format_number, format_time
from sync.supervision import AefiRow, SupervisorClient, aefi_by_desk, aefi_rows
from sync.worker import HubRefused, HubUnavailable
from tui.widgets.keybar import KeyBar

COLUMNS = (N_("Began"), N_("Reported"), N_("Desk"), N_("Person"), N_("Severity"),
           N_("Outcome"), N_("Symptoms"), N_("Referred to"))  # fmt: skip


def severity_text(value: str) -> str:
    return Severity(value).label if value in set(Severity) else value


def outcome_text(value: str) -> str:
    return Outcome(value).label if value in set(Outcome) else value


def symptoms_text(row: AefiRow) -> str:
    table = symptom_list()
    names = [s.name if (s := table.by_code(code)) else code for code in row.symptoms]
    if row.symptoms_other:
        names.append(row.symptoms_other)
    return ", ".join(names)


def counts_line(stats: dict[str, Any] | None) -> str:
    """Per desk: `desk-2: 1 severe, 2 mild`."""
    parts = []
    for desk_id, kinds in aefi_by_desk(stats).items():
        parts.append(_("{desk}: {severe} severe, {mild} mild").format(
            desk=desk_id, severe=format_number(kinds.get("severe", 0)),
            mild=format_number(kinds.get("mild", 0))))  # fmt: skip
    return " · ".join(parts) or _("No adverse event reported today")


def row_cells(row: AefiRow) -> list[Any]:
    style = "bold red" if row.severe else ""
    reported = format_time(row.reported_at) if row.reported_at else "—"
    return [row.onset_time, reported, Text(row.desk_id, style=style), row.person,
            Text(severity_text(row.severity), style=style), outcome_text(row.outcome),
            symptoms_text(row), row.referral]  # fmt: skip


class SiteAefiScreen(Screen[None]):
    BINDINGS = [
        Binding("r", "refresh_now", N_("Refresh")),
        Binding("escape", "back", N_("Back")),
    ]

    def __init__(
        self, client: SupervisorClient, stats: dict[str, Any] | None, refresh_seconds: float = 5
    ) -> None:
        super().__init__()
        self.client = client
        self.stats = stats
        self.refresh_seconds = refresh_seconds

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("Adverse events reported today"), id="aefi-title")
        yield Static(id="aefi-counts")
        yield DataTable(cursor_type="row", id="aefi-events")
        yield Static(id="aefi-state")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label in COLUMNS:
            table.add_column(_(label))
        table.focus()
        self.show()
        self.set_interval(self.refresh_seconds, self.action_refresh_now)

    def show(self) -> None:
        self.query_one("#aefi-counts", Static).update(counts_line(self.stats))
        table = self.query_one(DataTable)
        table.clear()
        for row in aefi_rows(self.stats):
            table.add_row(*row_cells(row))

    async def action_refresh_now(self) -> None:
        try:
            self.stats = await self.client.stats()
        except (HubUnavailable, HubRefused) as error:
            self.query_one("#aefi-state", Static).update(
                Text(_("hub unreachable: {error}").format(error=error), style="bold red"))
            return
        self.query_one("#aefi-state", Static).update("")
        self.show()

    def action_back(self) -> None:
        self.dismiss(None)
