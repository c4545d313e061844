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

from domain.stock import StockSettings, warnings
from domain.wire_stock import checked_settings, checked_site_lots
from i18n import N_, _, format_number, format_percent, format_time, ngettext
from sync.supervision import (
    DeskRow,
    SupervisorClient,
    adverse_events,
    desk_rows,
    generated_at,
    severe_events,
    site_day,
    site_today,
    zone_of,
)
from sync.worker import HubRefused, HubUnavailable
from tui.screens.desk_detail import DeskDetailScreen, backlog_text, elapsed
from tui.screens.site_platform import SitePlatformScreen, platform_line
from tui.widgets.keybar import KeyBar

# What stands out first: the figures, then whether the desk is heard from and what is wrong
# with it; the camera and the day's trend last, where a narrow terminal cuts.
COLUMNS = (
    ("desk", N_("Desk")),
    ("today", N_("Today")),
    ("hour", N_("Last h")),
    ("rate", N_("Rate/h 15m")),
    ("target", N_("Target")),
    ("waiting", N_("Waiting")),
    ("observing", N_("In obs.")),
    ("backlog", N_("Backlog")),
    ("seen", N_("Seen")),
    ("conflicts", N_("Conflicts")),
    ("problem", N_("Problem")),
    ("camera", N_("Camera")),
    ("trend", N_("By hour")),
)


def site_line(stats: dict[str, Any], target_per_day: int) -> str:
    """The site's day in one line: its records against the target, and the doses given."""
    day = site_day(stats, target_per_day)
    doses = ", ".join(
        _("{vaccine} dose {dose}: {count}").format(
            vaccine=vaccine, dose=dose, count=format_number(count)
        )
        for vaccine, dose, count in day.doses
    )
    return _("Site {site} · {today} today of {target} ({share}) · {doses}").format(
        site=day.heading, today=format_number(day.today), target=format_number(day.target),
        share=format_percent(day.share), doses=doses or _("no doses yet"),
    )  # fmt: skip


def adverse_line(stats: dict[str, Any]) -> str:
    """Today's adverse events, severe first, each kind with the desks that reported it."""
    events = adverse_events(stats)
    if not events:
        return ""
    kinds = []
    for event in events:
        desks = ", ".join(
            desk if count == 1 else f"{desk} ×{format_number(count)}" for desk, count in event.desks
        )
        if event.kind == "severe":
            text = _("{count} SEVERE at {desks}") if desks else _("{count} SEVERE")
        else:
            text = _("{count} mild at {desks}") if desks else _("{count} mild")
        kinds.append(text.format(count=format_number(event.count), desks=desks))
    total = sum(event.count for event in events)
    return ngettext(
        "⚠ {count} adverse event reported today: {kinds}",
        "⚠ {count} adverse events reported today: {kinds}",
        total,
    ).format(count=format_number(total), kinds="; ".join(kinds))


SEVERE_LINES = 3  # flagged one a line; more are counted, listed on the AEFI screen (a)


def severe_lines(stats: dict[str, Any]) -> list[str]:
    """A line for each severe adverse event of the day: desk, time, the person masked."""
    severe = severe_events(stats)
    lines = [_("⚠ SEVERE adverse event · {desk} · {time} · {person} (a: the list)").format(
                 desk=row.desk_id, time=row.onset_time, person=row.person)
             for row in severe[:SEVERE_LINES]]  # fmt: skip
    if len(severe) > SEVERE_LINES:
        more = len(severe) - SEVERE_LINES
        lines.append(ngettext("and {count} more severe event (a: the list)",
                              "and {count} more severe events (a: the list)", more)
                     .format(count=format_number(more)))  # fmt: skip
    return lines


def stock_line(stats: dict[str, Any]) -> str:
    """The site's lots that are expired, near expiry, empty or near empty (issue 16), on the
    site's day and with its thresholds; "" when none is (or the hub keeps no stock)."""
    found = stats.get("stock")
    stock: dict[str, Any] = found if isinstance(found, dict) else {}
    today = site_today(stats)
    lots = checked_site_lots(stock.get("lots")) if stock and today else []
    if not lots or today is None:
        return ""
    lines = warnings(lots, today, checked_settings(stock.get("settings")) or StockSettings())
    return _("⚠ Stock: {alerts}").format(alerts=" · ".join(lines)) if lines else ""


def seen_text(row: DeskRow) -> str:
    """How long since the desk was last heard from; a silent desk said so."""
    if row.silence_seconds is None:
        return _("SILENT, never seen") if row.silent else _("never")
    ago = elapsed(row.silence_seconds)
    return _("SILENT {ago}").format(ago=ago) if row.silent else ago


def problem_text(row: DeskRow) -> str:
    """What is wrong at the desk: the hub's alert on its audit trail, the desk's last error
    (as the desk reported it), its clock."""
    problems = []
    if row.audit_alert:
        problems.append(_("audit trail rewritten"))
    if row.last_error:
        problems.append(row.last_error)
    if row.clock_off:
        minutes = f"{row.clock_skew_seconds / 60:+.0f}"
        problems.append(_("clock off {minutes} min").format(minutes=minutes))
    return "; ".join(problems)


def row_cells(row: DeskRow) -> dict[str, Any]:
    """One desk's cells, by column, in the language of the screen."""
    seen = Text(seen_text(row), style="bold red" if row.silent else "")
    rate = format_number(row.rate_per_hour)
    rate_cell = Text(
        _("{rate} behind").format(rate=rate) if row.behind else rate,
        style="bold yellow" if row.behind else "",
    )
    return {
        "desk": Text(row.desk_id, style="bold red" if row.silent else "bold"),
        "today": format_number(row.today),
        "hour": format_number(row.last_hour),
        "rate": rate_cell,
        "target": format_percent(row.share_of_target / 100),
        "waiting": format_number(row.waiting),
        "observing": format_number(row.in_observation),
        "backlog": backlog_text(row.backlog),
        "seen": seen,
        "camera": row.camera[:30],
        "conflicts": Text(format_number(row.conflicts), style="bold red" if row.conflicts else ""),
        "trend": row.trend,
        "problem": Text(problem_text(row)[:60], style="red"),
    }


class SiteScreen(Screen[None]):
    BINDINGS = [
        Binding("enter", "open_desk", N_("Open desk")),
        Binding("r", "refresh_now", N_("Refresh")),
        Binding("a", "aefi", N_("Adverse events")),
        Binding("p", "platform", N_("Platform refusals")),
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
        yield Static(_("connecting to the hub…"), id="site-summary")
        yield Static("", id="site-aefi")
        yield Static("", id="site-platform")
        yield Static("", id="site-stock")
        yield DataTable(cursor_type="row", id="desks")
        yield Static("", id="site-state")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, label in COLUMNS:
            table.add_column(_(label), key=key)
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
            since = format_time(self.unreachable_since.astimezone(zone_of(self.stats)))
            if self.stats:
                text = _("hub unreachable since {time} — showing the last known figures ({error})")
            else:
                text = _("hub unreachable since {time} ({error})")
            self.query_one("#site-state", Static).update(
                Text(text.format(time=since, error=error), style="bold red")
            )
            return
        self.unreachable_since = None
        self.stats = stats
        self.show(stats)

    def show(self, stats: dict[str, Any]) -> None:
        self.app.sub_title = _("site {site}").format(site=site_day(stats, 0).heading)
        self.query_one("#site-summary", Static).update(site_line(stats, self.target_per_day))
        aefi = "\n".join(line for line in (adverse_line(stats), *severe_lines(stats)) if line)
        self.query_one("#site-aefi", Static).update(Text(aefi, style="bold red") if aefi else "")
        self.query_one("#site-platform", Static).update(platform_line(stats))
        stock = stock_line(stats)
        shown = Text(stock, style="bold yellow") if stock else ""
        self.query_one("#site-stock", Static).update(shown)
        table = self.query_one(DataTable)
        for row in desk_rows(stats, self.target_per_day):
            cells = row_cells(row)
            if row.desk_id in table.rows:
                # Cell by cell: the cursor stays where the supervisor put it, nothing flickers;
                # a column grows to its longest value ("SILENT 12m" is not cut).
                for key, value in cells.items():
                    table.update_cell(row.desk_id, key, value, update_width=True)
            else:
                table.add_row(*(cells[key] for key, _label in COLUMNS), key=row.desk_id)
        updated = f"{generated_at(stats):%H:%M:%S}"  # the hub's moment, to the second
        self.query_one("#site-state", Static).update(
            _("updated {time} · every {seconds} s · Enter opens a desk").format(
                time=updated, seconds=format_number(self.refresh_seconds)
            )
        )

    @on(DataTable.RowSelected)
    def row_selected(self) -> None:
        self.action_open_desk()

    def action_aefi(self) -> None:
        from tui.screens.site_aefi import SiteAefiScreen

        self.app.push_screen(SiteAefiScreen(self.client, self.stats, self.refresh_seconds))

    def action_platform(self) -> None:
        self.app.push_screen(SitePlatformScreen(self.client, self.stats, self.refresh_seconds))

    def action_open_desk(self) -> None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return
        row_key, _column = table.coordinate_to_cell_key(table.cursor_coordinate)
        if row_key.value is not None:
            self.app.push_screen(DeskDetailScreen(self.client, row_key.value, self.stats))
