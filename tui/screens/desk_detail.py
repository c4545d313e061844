"""One desk, for the supervisor: its sync state and its latest records (ID numbers masked)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from i18n import N_, _, format_number
from sync.supervision import SupervisorClient, clock_time, recent_rows, zone_of
from sync.worker import HubRefused, HubUnavailable
from tui.widgets.keybar import KeyBar

COLUMNS = (
    N_("Received"), N_("ID"), N_("Given"), N_("Vaccine"), N_("Dose"), N_("Screening"),
    N_("AEFI"), N_("Source"), N_("Status"),
)  # fmt: skip
# The hub's codes, as the detail names them.
AEFI = {"mild": N_("mild"), "severe": N_("severe")}
SOURCES = {"typed": N_("typed"), "scan": N_("scanned"), "import": N_("imported"),
           "retrospective": N_("retrospective"), "certificate": N_("certificate"),
           "demo": N_("demo")}  # fmt: skip
STATUSES = {"active": N_("active v{version}"), "voided": N_("voided v{version}")}


def elapsed(seconds: float) -> str:
    """A short duration: 12s, 4m, 2h."""
    if seconds < 60:
        # TRANSLATORS: seconds, short (a column of the supervisor's screen)
        return _("{count}s").format(count=format_number(round(max(seconds, 0))))
    if seconds < 3600:
        # TRANSLATORS: minutes, short
        return _("{count}m").format(count=format_number(round(seconds / 60)))
    # TRANSLATORS: hours, short
    return _("{count}h").format(count=format_number(round(seconds / 3600)))


def backlog_text(backlog: int | None) -> str:
    """What a desk has still to send ("?" when it has not said)."""
    return "?" if backlog is None else format_number(backlog)


def desk_line(stats: dict[str, Any] | None, desk_id: str) -> str:
    """The line above a desk's records: its sync state, times on the site's clock."""
    desks: list[dict[str, Any]] = (stats or {}).get("desks", [])
    desk = next((d for d in desks if d["desk_id"] == desk_id), {})
    seen = desk.get("last_seen")
    if seen and stats:
        silence = datetime.fromisoformat(stats["generated_at"]) - datetime.fromisoformat(seen)
        seen = _("{time} ({ago} ago)").format(
            time=clock_time(seen, zone_of(stats)), ago=elapsed(silence.total_seconds())
        )
    skew = round(desk.get("clock_skew_seconds") or 0)
    parts = [
        _("Desk {desk}").format(desk=desk_id),
        _("backlog {count}").format(count=backlog_text(desk.get("backlog"))),
        _("last seen {seen}").format(seen=seen or _("never")),
        _("camera {camera}").format(camera=desk.get("camera") or "-"),
        _("software {version}").format(version=desk.get("software_version") or "-"),
        _("conflicts {count}").format(count=format_number(desk.get("conflicts", 0))),
        _("clock skew {seconds} s").format(seconds=f"{skew:+d}") if skew else "",
        _("last error: {error}").format(error=desk["last_error"]) if desk.get("last_error") else "",
    ]
    return " · ".join(part for part in parts if part)


def record_cells(record: dict[str, Any], row: tuple[str, ...]) -> tuple[str, ...]:
    """A record's row with the hub's codes (adverse event, source, status) named."""
    status = STATUSES.get(record["status"])
    return (
        *row[:6],
        _(AEFI[record["aefi"]]) if record["aefi"] in AEFI else row[6],
        _(SOURCES[record["source"]]) if record["source"] in SOURCES else row[7],
        _(status).format(version=record["version"]) if status else row[8],
    )


class DeskDetailScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", N_("Back")),
        Binding("r", "reload", N_("Refresh")),
    ]

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
        self.query_one("#desk-state", Static).update(desk_line(self.stats, self.desk_id))
        table = self.query_one(DataTable)
        table.add_columns(*(_(label) for label in COLUMNS))
        table.focus()
        self.action_reload()

    @work(exclusive=True)
    async def action_reload(self) -> None:
        try:
            reply = await self.client.recent(self.desk_id)
        except (HubUnavailable, HubRefused) as error:
            self.query_one("#desk-state", Static).update(
                _("hub unreachable: {error}").format(error=error)
            )
            return
        table = self.query_one(DataTable)
        table.clear()
        records = reply["records"]
        for record, row in zip(records, recent_rows(records, self.stats), strict=True):
            table.add_row(*record_cells(record, row))
