"""One desk, for the supervisor: its sync state and its latest records (ID numbers masked)."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from sync.supervision import SupervisorClient, desk_state, recent_rows
from sync.worker import HubRefused, HubUnavailable
from tui.widgets.keybar import KeyBar


class DeskDetailScreen(Screen[None]):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back"), Binding("r", "reload", "Refresh")]

    def __init__(
        self, client: SupervisorClient, desk_id: str, stats: dict[str, Any] | None
    ) -> None:
        super().__init__()
        self.client = client
        self.desk_id = desk_id
        self.stats = stats

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="desk-state")
        yield DataTable(cursor_type="row", id="recent")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#desk-state", Static).update(desk_state(self.stats, self.desk_id))
        table = self.query_one(DataTable)
        table.add_columns(
            "Received", "ID", "Given", "Vaccine", "Dose", "Screening", "AEFI", "Source", "Status"
        )
        table.focus()
        self.action_reload()

    @work(exclusive=True)
    async def action_reload(self) -> None:
        try:
            reply = await self.client.recent(self.desk_id)
        except (HubUnavailable, HubRefused) as error:
            self.query_one("#desk-state", Static).update(f"hub unreachable: {error}")
            return
        table = self.query_one(DataTable)
        table.clear()
        for row in recent_rows(reply["records"], self.stats):
            table.add_row(*row)
