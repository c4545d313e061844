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

from i18n import N_, _, format_number, format_percent, format_time, ngettext
from sync.supervision import DeskRow, SupervisorClient, desk_rows, updated_at, zone_of
from sync.worker import HubRefused, HubUnavailable
from tui.screens.desk_detail import DeskDetailScreen, backlog_text, elapsed
from tui.widgets.keybar import KeyBar

COLUMNS = (
    ("desk", N_("Desk")),
    ("today", N_("Today")),
    ("hour", N_("Last h")),
    ("rate", N_("Rate/h 15m")),
    ("target", N_("Target")),
    ("backlog", N_("Backlog")),
    ("seen", N_("Last seen")),
    ("camera", N_("Camera")),
    ("conflicts", N_("Conflicts")),
    ("trend", N_("Today by hour")),
    ("problem", N_("Problem")),
)


def site_line(stats: dict[str, Any], target_per_day: int) -> str:
    """The site's day in one line: its records against the target, and the doses given."""
    today = sum(d["today"] for d in stats["desks"])
    share = today / target_per_day if target_per_day else 0
    doses = ", ".join(
        _("{vaccine} dose {dose}: {count}").format(
            vaccine=d["vaccine"], dose=d["dose_number"], count=format_number(d["count"])
        )
        for d in stats["totals"]["doses"]
    )
    return _("Site {site} · {today} today of {target} ({share}) · {doses}").format(
        site=stats["site_id"], today=format_number(today), target=format_number(target_per_day),
        share=format_percent(share), doses=doses or _("no doses yet"),
    )  # fmt: skip


def adverse_line(stats: dict[str, Any]) -> str:
    """Today's adverse events, severe first, each kind with the desks that reported it."""
    aefi = stats["totals"]["aefi"]
    if not aefi:
        return ""
    by_desk: dict[str, dict[str, int]] = stats["totals"].get("aefi_by_desk", {})
    kinds = []
    for kind in ("severe", "mild"):
        if not aefi.get(kind):
            continue
        desks = ", ".join(
            desk if count == 1 else f"{desk} ×{count}"
            for desk, count in sorted(by_desk.get(kind, {}).items())
        )
        count = format_number(aefi[kind])
        if kind == "severe":
            text = _("{count} SEVERE at {desks}") if desks else _("{count} SEVERE")
        else:
            text = _("{count} mild at {desks}") if desks else _("{count} mild")
        kinds.append(text.format(count=count, desks=desks))
    total = sum(aefi.values())
    return ngettext(
        "⚠ {count} adverse event reported today: {kinds}",
        "⚠ {count} adverse events reported today: {kinds}",
        total,
    ).format(count=format_number(total), kinds="; ".join(kinds))


def seen_text(stats: dict[str, Any], desk: dict[str, Any], silent: bool) -> str:
    """How long since the desk was last heard from; a silent desk said so."""
    seen = desk.get("last_seen")
    if not seen:
        return _("SILENT, never seen") if silent else _("never")
    silence = datetime.fromisoformat(stats["generated_at"]) - datetime.fromisoformat(seen)
    ago = elapsed(silence.total_seconds())
    return _("SILENT {ago}").format(ago=ago) if silent else ago


def problem_text(desk: dict[str, Any]) -> str:
    """What is wrong at the desk: the hub's alert on its audit trail, the desk's last error
    (as the desk reported it), its clock."""
    problems = []
    if desk.get("audit_alert"):
        problems.append(_("audit trail rewritten"))
    if desk.get("last_error"):
        problems.append(str(desk["last_error"]))
    skew = desk.get("clock_skew_seconds") or 0
    if abs(skew) > 300:
        problems.append(_("clock off {minutes} min").format(minutes=f"{skew / 60:+.0f}"))
    return "; ".join(problems)


def row_cells(row: DeskRow, desk: dict[str, Any], stats: dict[str, Any]) -> dict[str, Any]:
    """One desk's cells, by column, in the language of the screen."""
    seen = Text(seen_text(stats, desk, row.silent), style="bold red" if row.silent else "")
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
        "backlog": backlog_text(desk.get("backlog")),
        "seen": seen,
        "camera": row.camera[:30],
        "conflicts": Text(format_number(row.conflicts), style="bold red" if row.conflicts else ""),
        "trend": row.trend,
        "problem": Text(problem_text(desk)[:60], style="red"),
    }


class SiteScreen(Screen[None]):
    BINDINGS = [
        Binding("enter", "open_desk", N_("Open desk")),
        Binding("r", "refresh_now", N_("Refresh")),
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
        self.query_one("#site-summary", Static).update(site_line(stats, self.target_per_day))
        aefi = adverse_line(stats)
        self.query_one("#site-aefi", Static).update(Text(aefi, style="bold red") if aefi else "")
        table = self.query_one(DataTable)
        desks = {d["desk_id"]: d for d in stats["desks"]}
        for row in desk_rows(stats, self.target_per_day):
            cells = row_cells(row, desks[row.desk_id], stats)
            if row.desk_id in table.rows:
                # Cell by cell: the cursor stays where the supervisor put it, nothing flickers;
                # a column grows to its longest value ("SILENT 12m" is not cut).
                for key, value in cells.items():
                    table.update_cell(row.desk_id, key, value, update_width=True)
            else:
                table.add_row(*cells.values(), key=row.desk_id)
        self.query_one("#site-state", Static).update(
            _("updated {time} · every {seconds} s · Enter opens a desk").format(
                time=updated_at(stats), seconds=format_number(self.refresh_seconds)
            )
        )

    @on(DataTable.RowSelected)
    def row_selected(self) -> None:
        self.action_open_desk()

    def action_open_desk(self) -> None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return
        row_key, _column = table.coordinate_to_cell_key(table.cursor_coordinate)
        if row_key.value is not None:
            self.app.push_screen(DeskDetailScreen(self.client, row_key.value, self.stats))
