"""One desk, for the supervisor: its sync state and its latest records (ID numbers masked)."""

from __future__ import annotations

from datetime import date
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from i18n import N_, _, format_date, format_number, format_time
from sync.supervision import SupervisorClient, desk_row, on_site_clock, site_today
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
    row = desk_row(stats, desk_id)
    seen = _("never")
    if row.last_seen is not None and row.silence_seconds is not None:
        seen = _("{time} ({ago} ago)").format(
            time=format_time(row.last_seen), ago=elapsed(row.silence_seconds)
        )
    skew = row.clock_skew_seconds
    parts = [
        _("Desk {desk}").format(desk=desk_id),
        _("backlog {count}").format(count=backlog_text(row.backlog)),
        _("last seen {seen}").format(seen=seen),
        _("camera {camera}").format(camera=row.camera or "-"),
        _("software {version}").format(version=row.software_version or "-"),
        _("conflicts {count}").format(count=format_number(row.conflicts)),
        _("clock skew {seconds} s").format(seconds=f"{skew:+d}") if skew else "",
        _("last error: {error}").format(error=row.last_error) if row.last_error else "",
    ]
    return " · ".join(part for part in parts if part)


def on_day(day: date, time: str, today: date | None) -> str:
    """A moment of a record: the time alone today, with the day otherwise (the year when it
    is not this year's)."""
    if day == today and time:
        return time
    shown = f"{day:%d/%m}" if today and day.year == today.year else format_date(day)
    return f"{shown} {time}".strip()


def record_cells(record: dict[str, Any], stats: dict[str, Any] | None) -> tuple[str, ...]:
    """One of a desk's latest records as the detail shows it: received and given on the
    site's clock, the ID number as the hub masked it, the hub's codes named."""
    today = site_today(stats)
    received = on_site_clock(record["received_at"], stats)
    given = record["given_on"]
    status = STATUSES.get(record["status"])
    aefi, source = record["aefi"] or "", record["source"]
    return (
        on_day(received.date(), format_time(received), today),
        record["id_number"],
        on_day(date.fromisoformat(given), record["given_time"], today) if given else "",
        record["vaccine"] or "—",
        str(record["dose_number"] or "—"),
        record["screening"],
        _(AEFI[aefi]) if aefi in AEFI else aefi,
        _(SOURCES[source]) if source in SOURCES else source,
        _(status).format(version=record["version"]) if status else record["status"],
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
        for record in reply["records"]:
            table.add_row(*record_cells(record, self.stats))
