"""The supervisor's screen shows the same figures before and after `vaxdesk hub rebuild-stats`
(issue 15): the real CLI on the hub's database, the real screen reading a real hub; the
counters emptied in between, so the screen is seen to change and to come back."""

from __future__ import annotations

import asyncio
from datetime import UTC
from typing import Any

from click.testing import CliRunner
from rich.text import Text
from textual.widgets import DataTable, Static

from hub.db import HubDB
from hub.tokens import issue_supervisor_token
from tests.conftest import until
from tests.test_counters import NOW, random_history
from tests.test_supervise import HubClock
from tui.supervise import make_supervisor_app
from vaxdesk.cli import main
from vaxdesk.testing.hub import SITE, HubServer


def shown(app: Any) -> list[Any]:
    """What the site screen says: every cell of its desks' table, its summary and events."""
    table = app.screen.query_one(DataTable)
    rows = [[cell.plain if isinstance(cell, Text) else str(cell) for cell in table.get_row_at(n)]
            for n in range(table.row_count)]  # fmt: skip
    lines = [str(app.screen.query_one(name, Static).render())
             for name in ("#site-summary", "#site-aefi")]  # fmt: skip
    return [rows, lines]


async def test_the_screen_shows_the_same_figures_after_rebuild_stats(hub_db: HubDB) -> None:
    random_history(hub_db, 5, steps=300)
    hub_clock = HubClock(NOW.astimezone(UTC))
    supervisor = issue_supervisor_token(hub_db, SITE, hub_clock())
    server = HubServer(hub_db, clock=hub_clock).start()
    try:
        app = make_supervisor_app(server.url, supervisor, SITE, refresh_seconds=0.2)
        async with app.run_test(size=(160, 40)) as pilot:
            table = app.screen.query_one(DataTable)
            await until(pilot, lambda: table.row_count > 0, "the desks")
            await pilot.pause(0.5)
            before = shown(app)
            assert any(cell not in ("0", "", "—") for row in before[0] for cell in row[1:])
            with hub_db._tx() as cur:
                cur.execute("DELETE FROM site_counts")
            await until(pilot, lambda: shown(app) != before, "the figures without counters")
            result = await asyncio.to_thread(
                CliRunner().invoke, main, ["--lang", "en", "hub", "--db", hub_db.url,
                                           "rebuild-stats"])  # fmt: skip
            assert result.exit_code == 0, result.output
            assert "figures recomputed from" in result.output
            await until(pilot, lambda: shown(app) == before, "the same figures again")
    finally:
        server.stop()
