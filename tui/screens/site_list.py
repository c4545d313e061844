"""What the supervisor's lists of the site share (adverse events, refusals of the national
platform): a title, a counts line, a table of rows, the hub's state; refreshed from the site's
figures every few seconds and on `r`; Esc goes back. A list says what its title, counts and
rows are; the widget ids are `<ID_PREFIX>-title`, `-counts`, `<ROWS_ID>`, `-state`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from i18n import N_, _
from sync.supervision import SupervisorClient
from sync.worker import HubRefused, HubUnavailable
from tui.widgets.keybar import KeyBar


class SiteListScreen(Screen[None]):
    BINDINGS = [
        Binding("r", "refresh_now", N_("Refresh")),
        Binding("escape", "back", N_("Back")),
    ]
    TITLE_TEXT: ClassVar[str] = ""  # a message id, translated when shown
    COLUMNS: ClassVar[tuple[str, ...]] = ()
    ID_PREFIX: ClassVar[str] = ""
    ROWS_ID: ClassVar[str] = ""

    def __init__(
        self, client: SupervisorClient, stats: dict[str, Any] | None, refresh_seconds: float = 5
    ) -> None:
        super().__init__()
        self.client = client
        self.stats = stats
        self.refresh_seconds = refresh_seconds

    def counts(self) -> str:
        raise NotImplementedError

    def rows(self) -> Iterable[list[Any]]:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_(self.TITLE_TEXT), id=f"{self.ID_PREFIX}-title")
        yield Static(id=f"{self.ID_PREFIX}-counts")
        yield DataTable(cursor_type="row", id=self.ROWS_ID)
        yield Static(id=f"{self.ID_PREFIX}-state")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label in self.COLUMNS:
            table.add_column(_(label))
        table.focus()
        self.show()
        self.set_interval(self.refresh_seconds, self.action_refresh_now)

    def show(self) -> None:
        self.query_one(f"#{self.ID_PREFIX}-counts", Static).update(self.counts())
        table = self.query_one(DataTable)
        table.clear()
        for cells in self.rows():
            table.add_row(*cells)

    async def action_refresh_now(self) -> None:
        state = self.query_one(f"#{self.ID_PREFIX}-state", Static)
        try:
            self.stats = await self.client.stats()
        except (HubUnavailable, HubRefused) as error:
            state.update(Text(_("hub unreachable: {error}").format(error=error), style="bold red"))
            return
        state.update("")
        self.show()

    def action_back(self) -> None:
        self.dismiss(None)
