"""The site's records the national platform refused, not yet corrected, for the supervisor:
each with its desk, its time, the person masked and the platform's reason; the counts above.
From the site screen (`p`). The desk that made a record sees it in its today list, to correct."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from i18n import N_, _, format_date, format_number, ngettext
from sync.supervision import PlatformRefusal, SupervisorClient, platform_figures
from sync.worker import HubRefused, HubUnavailable
from tui.widgets.keybar import KeyBar

COLUMNS = (N_("Desk"), N_("Given"), N_("ID"), N_("Refused because"))


def platform_line(stats: dict[str, Any] | None) -> str:
    """The site and the national platform in one line ('' from a hub that says nothing)."""
    figures = platform_figures(stats)
    if figures is None:
        return ""
    line = ngettext("Not yet sent to the national platform: {count} record",
                    "Not yet sent to the national platform: {count} records",
                    figures.not_sent).format(count=format_number(figures.not_sent))  # fmt: skip
    if figures.refused:
        line += " · " + _("⚠ {count} refused by the platform, to correct (p: the list)").format(
            count=format_number(figures.refused)
        )
    return line


def row_cells(row: PlatformRefusal) -> list[Any]:
    given = format_date(row.given_on) if row.given_on else "—"
    when = f"{given} {row.given_time}".strip()
    return [Text(row.desk_id, style="bold"), when, row.person or "—", row.reason]


class SitePlatformScreen(Screen[None]):
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
        yield Static(_("Refused by the national platform, not yet corrected"), id="platform-title")
        yield Static(id="platform-counts")
        yield DataTable(cursor_type="row", id="platform-refusals")
        yield Static(id="platform-state")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label in COLUMNS:
            table.add_column(_(label))
        table.focus()
        self.show()
        self.set_interval(self.refresh_seconds, self.action_refresh_now)

    def show(self) -> None:
        self.query_one("#platform-counts", Static).update(platform_line(self.stats))
        table = self.query_one(DataTable)
        table.clear()
        figures = platform_figures(self.stats)
        for row in figures.refusals if figures else []:
            table.add_row(*row_cells(row))

    async def action_refresh_now(self) -> None:
        try:
            self.stats = await self.client.stats()
        except (HubUnavailable, HubRefused) as error:
            self.query_one("#platform-state", Static).update(
                Text(_("hub unreachable: {error}").format(error=error), style="bold red"))
            return
        self.query_one("#platform-state", Static).update("")
        self.show()

    def action_back(self) -> None:
        self.dismiss(None)
