"""The supervisor's screen: every desk of the site, refreshed by itself every few seconds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from sync.supervision import (
    SupervisorClient,
    adverse_events,
    desk_rows,
    site_summary,
    updated_at,
    zone_of,
)
from sync.worker import HubRefused, HubUnavailable
from tui.screens.desk_detail import DeskDetailScreen
from tui.widgets.keybar import KeyBar

COLUMNS = (
    ("desk", "Desk"),
    ("today", "Today"),
    ("hour", "Last h"),
    ("rate", "Rate/h 15m"),
    ("target", "Target"),
    ("backlog", "Backlog"),
    ("seen", "Last seen"),
    ("camera", "Camera"),
    ("conflicts", "Conflicts"),
    ("trend", "Today by hour"),
    ("problem", "Problem"),
)


class SiteScreen(Screen[None]):
    BINDINGS = [
        Binding("enter", "open_desk", "Open desk"),
        Binding("r", "refresh_now", "Refresh"),
    ]

    def __init__(
        self,
        client: SupervisorClient,
        *,
        target_per_day: int = 200,
        refresh_seconds: float = 2.0,
        clock: Callable[[], datetime] = lambda: datetime.now().astimezone(),
    ) -> None:
        super().__init__()
        self.client = client
        self.target_per_day = target_per_day
        self.refresh_seconds = refresh_seconds
        self.clock = clock
        self.stats: dict[str, Any] | None = None
        self.unreachable_since: datetime | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("connecting to the hub…", id="site-summary")
        yield Static("", id="site-aefi")
        yield DataTable(cursor_type="row", id="desks")
        yield Static("", id="site-state")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, label in COLUMNS:
            table.add_column(label, key=key)
        table.focus()
        self.refresh_figures()
        self.set_interval(self.refresh_seconds, self.refresh_figures)

    def action_refresh_now(self) -> None:
        self.refresh_figures()

    @work(exclusive=True, group="figures")
    async def refresh_figures(self) -> None:
        try:
            stats = await self.client.stats()
        except (HubUnavailable, HubRefused) as error:
            if self.unreachable_since is None:
                self.unreachable_since = self.clock()
            known = " — showing the last known figures" if self.stats else ""
            since = self.unreachable_since.astimezone(zone_of(self.stats))
            self.query_one("#site-state", Static).update(
                Text(
                    f"hub unreachable since {since:%H:%M}{known} ({error})",
                    style="bold red",
                )
            )
            return
        self.unreachable_since = None
        self.stats = stats
        self.show(stats)

    def show(self, stats: dict[str, Any]) -> None:
        self.query_one("#site-summary", Static).update(site_summary(stats, self.target_per_day))
        aefi = adverse_events(stats)
        self.query_one("#site-aefi", Static).update(Text(aefi, style="bold red") if aefi else "")
        table = self.query_one(DataTable)
        for row in desk_rows(stats, self.target_per_day):
            seen = Text(
                f"SILENT {row.last_seen}" if row.silent else row.last_seen,
                style="bold red" if row.silent else "",
            )
            rate = Text(
                f"{row.rate_per_hour}" + (" behind" if row.behind else ""),
                style="bold yellow" if row.behind else "",
            )
            cells = {
                "desk": Text(row.desk_id, style="bold red" if row.silent else "bold"),
                "today": str(row.today),
                "hour": str(row.last_hour),
                "rate": rate,
                "target": f"{row.share_of_target}%",
                "backlog": row.backlog,
                "seen": seen,
                "camera": row.camera[:30],
                "conflicts": Text(str(row.conflicts), style="bold red" if row.conflicts else ""),
                "trend": row.trend,
                "problem": Text(row.problem[:60], style="red"),
            }
            if row.desk_id in table.rows:
                # Cell by cell: the cursor stays where the supervisor put it, nothing flickers;
                # a column grows to its longest value ("SILENT 12m" is not cut).
                for key, value in cells.items():
                    table.update_cell(row.desk_id, key, value, update_width=True)
            else:
                table.add_row(*cells.values(), key=row.desk_id)
        self.query_one("#site-state", Static).update(
            f"updated {updated_at(stats)} · every {self.refresh_seconds:g} s · Enter opens a desk"
        )

    @on(DataTable.RowSelected)
    def row_selected(self) -> None:
        self.action_open_desk()

    def action_open_desk(self) -> None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        if row_key.value is not None:
            self.app.push_screen(DeskDetailScreen(self.client, row_key.value, self.stats))
