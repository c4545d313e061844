"""One desk, for the supervisor: its sync state and its latest records (ID numbers masked)."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from sync.supervision import SupervisorClient
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
        desks: list[dict[str, Any]] = (self.stats or {}).get("desks", [])
        desk = next((d for d in desks if d["desk_id"] == self.desk_id), {})
        self.query_one("#desk-state", Static).update(
            f"Desk {self.desk_id} · backlog {desk.get('backlog', '?')} · last seen "
            f"{desk.get('last_seen') or 'never'} · camera {desk.get('camera') or '-'} · "
            f"software {desk.get('software_version') or '-'} · conflicts {desk.get('conflicts', 0)}"
            f" · clock skew {desk.get('clock_skew_seconds', 0):+.0f} s"
            + (f" · last error: {desk['last_error']}" if desk.get("last_error") else "")
        )
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
        for r in reply["records"]:
            table.add_row(
                r["received_at"][11:19],
                r["id_number"],
                f"{r['given_on']} {r['given_time']}".strip(),
                r["vaccine"] or "—",
                str(r["dose_number"] or "—"),
                r["screening"],
                r["aefi"] or "",
                r["source"],
                f"{r['status']} v{r['version']}",
            )
