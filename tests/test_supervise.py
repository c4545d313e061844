"""The supervisor's screen against a real hub on loopback, with desks posting records and
heartbeats; and the pure functions behind what stands out."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rich.text import Text
from textual.widgets import DataTable, Static

from hub.db import HubDB
from hub.tokens import issue_supervisor_token
from sync.supervision import adverse_events, desk_rows, site_day, sparkline
from sync.worker import HubClient
from tests.conftest import ICT, FakeClock, until
from tests.test_sync import desk_store, drain
from tui.screens.desk_detail import DeskDetailScreen
from tui.screens.site import adverse_line, problem_text, seen_text, site_line
from tui.supervise import make_supervisor_app
from vaxdesk.testing.hub import SITE, HubServer, enrol


@dataclass
class HubClock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def hub_clock() -> HubClock:
    return HubClock(datetime.now(UTC))


@pytest.fixture
def morning() -> FakeClock:
    """10:00 at the site, whatever the hour where the tests run."""
    return FakeClock(datetime(2026, 11, 23, 10, 0, tzinfo=ICT))


@pytest.fixture
def site(tmp_path: Path, hub_clock: HubClock) -> Iterator[tuple[HubServer, HubDB, str]]:
    db = HubDB(f"sqlite:///{tmp_path / 'hub.db'}")
    supervisor = issue_supervisor_token(db, SITE, hub_clock())
    server = HubServer(db, clock=hub_clock).start()
    yield server, db, supervisor
    server.stop()
    db.close()


def cell(table: DataTable, row: str, column: str) -> str:
    value = table.get_cell(row, column)
    return value.plain if isinstance(value, Text) else str(value)


async def beat(url: str, token: str, **fields: object) -> None:
    client = HubClient(url, token)
    try:
        await client.heartbeat({"software_version": "0.1.0", "backlog": 0, "camera": "cam 0",
                                **fields})  # fmt: skip
    finally:
        await client.close()


async def test_the_site_at_a_glance(
    site: tuple[HubServer, HubDB, str], tmp_path: Path, hub_clock: HubClock, morning: FakeClock
) -> None:
    hub_clock.now = morning()  # the hub and the desks at the same moment of the site's day
    server, db, supervisor = site
    one, two = enrol(db, "desk-1"), enrol(db, "desk-2")
    # desk-1 has recorded since 09:20 (uploading now): the site has worked long enough today
    # to call an idle desk behind.
    since_0920 = FakeClock(morning() - timedelta(minutes=40))
    await drain(desk_store(tmp_path, "desk-1", 6, seed=1, clock=since_0920), server.url, one)
    await beat(server.url, two, backlog=4)
    app = make_supervisor_app(server.url, supervisor, SITE, refresh_seconds=0.2)
    async with app.run_test(size=(160, 30)) as pilot:
        table = app.screen.query_one(DataTable)
        await until(pilot, lambda: table.row_count == 2, "both desks")
        assert cell(table, "desk-1", "today") == "6" and cell(table, "desk-1", "rate") == "24"
        assert cell(table, "desk-2", "today") == "0" and cell(table, "desk-2", "backlog") == "4"
        assert "behind" in cell(table, "desk-2", "rate")
        summary = str(app.screen.query_one("#site-summary", Static).render())
        assert "6 today of 200 (3%)" in summary and "AZ dose 1: 6" in summary
        # desk-2 catches up: the row changes by itself, the cursor stays put.
        await pilot.press("down")
        await drain(desk_store(tmp_path, "desk-2", 3, seed=2, clock=morning), server.url, two)
        await until(pilot, lambda: cell(table, "desk-2", "today") == "3", "desk-2's figures")
        assert table.cursor_row == 1
        # Three minutes without a heartbeat from either desk: both stand out.
        hub_clock.now += timedelta(minutes=3)
        await until(pilot, lambda: "SILENT" in cell(table, "desk-1", "seen"), "the silence")
        assert cell(table, "desk-1", "seen").startswith("SILENT 3m")
        # Enter opens the desk: its records, ID numbers masked.
        await pilot.press("up", "enter")
        detail = app.screen
        assert isinstance(detail, DeskDetailScreen)
        recent = detail.query_one(DataTable)
        await until(pilot, lambda: recent.row_count == 6, "the desk's records")
        assert str(recent.get_row_at(0)[1]).startswith("********")
        await pilot.press("escape")
        # The hub goes away: said plainly, last figures kept.
        server.stop()
        await until(pilot, lambda: "unreachable" in str(app.screen.query_one("#site-state",
                    Static).render()), "the outage")  # fmt: skip
        state = str(app.screen.query_one("#site-state", Static).render())
        assert "hub unreachable since" in state and "last known figures" in state
        assert cell(table, "desk-1", "today") == "6"


async def test_conflicts_and_adverse_events_stand_out(
    site: tuple[HubServer, HubDB, str], tmp_path: Path
) -> None:
    server, db, supervisor = site
    token = enrol(db, "desk-1")
    path = desk_store(tmp_path, "desk-1", 2, seed=3)
    await drain(path, server.url, token)
    from store import open_store

    with open_store(path) as store:
        row = next(iter(store.db.query("SELECT * FROM records LIMIT 1")))
    client = HubClient(server.url, token)
    try:
        await client.upload([{**row, "phone": "0987654321"}])  # same version, other content
    finally:
        await client.close()
    with open_store(path) as store:
        seq, head = store.people.head()
    await beat(server.url, token, last_error="camera: /dev/video0 busy", audit_seq=seq,
               audit_head=head)  # fmt: skip
    app = make_supervisor_app(server.url, supervisor, SITE, refresh_seconds=0.2)
    async with app.run_test(size=(160, 30)) as pilot:
        table = app.screen.query_one(DataTable)
        await until(pilot, lambda: table.row_count == 1, "the desk")
        assert cell(table, "desk-1", "conflicts") == "1"
        assert "camera: /dev/video0 busy" in cell(table, "desk-1", "problem")


async def test_tokens_of_another_site_are_refused(site: tuple[HubServer, HubDB, str]) -> None:
    server, db, _ = site
    other = issue_supervisor_token(db, "OTHER", datetime.now(UTC))
    client = HubClient(server.url, other)
    try:
        with pytest.raises(Exception, match="403"):
            await client.get(f"/sites/{SITE}/stats")
    finally:
        await client.close()


def stats(desks: list[dict], aefi: dict | None = None) -> dict:
    return {"site_id": SITE, "day": "2026-11-23", "hour": 10,
            "generated_at": "2026-11-23T03:00:00+00:00",
            "desks": desks, "totals": {"doses": [{"vaccine": "AZ", "dose_number": 1,
                                                  "count": 30}], "aefi": aefi or {}}}  # fmt: skip


def desk(desk_id: str, **figures: object) -> dict:
    base = {"desk_id": desk_id, "today": 30, "last_hour": 10, "last_15_min": 3, "backlog": 0,
            "last_seen": "2026-11-23T02:59:30+00:00", "camera": "cam", "conflicts": 0,
            "clock_skew_seconds": 0.0, "last_error": "", "hourly": [0] * 24,
            "first_today": "2026-11-23T01:00:00+00:00"}  # fmt: skip
    return {**base, **figures}


def test_what_stands_out() -> None:
    rows = desk_rows(stats([desk("a"), desk("b", last_seen="2026-11-23T02:55:00+00:00"),
                            desk("c", last_15_min=0), desk("d", last_seen=None),
                            desk("e", clock_skew_seconds=-900)]), 200)  # fmt: skip
    by_id = {r.desk_id: r for r in rows}
    assert not by_id["a"].silent and not by_id["a"].behind and by_id["a"].rate_per_hour == 12
    assert by_id["b"].silent and by_id["b"].silence_seconds == 300
    assert seen_text(by_id["a"]) == "30s" and seen_text(by_id["b"]) == "SILENT 5m"
    assert by_id["c"].behind
    assert by_id["d"].silent and by_id["d"].silence_seconds is None
    assert seen_text(by_id["d"]) == "SILENT, never seen"
    assert by_id["e"].clock_off and by_id["e"].clock_skew_seconds == -900
    assert problem_text(by_id["e"]) == "clock off -15 min" and problem_text(by_id["a"]) == ""
    assert by_id["a"].share_of_target == 75  # 30 of its 40 (200 over 5 desks)


def test_a_desk_far_under_its_peers_is_behind() -> None:
    rows = desk_rows(stats([desk("a", last_15_min=40), desk("b", last_15_min=36),
                            desk("c", last_15_min=8)]), 200)  # fmt: skip
    assert [r.behind for r in rows] == [False, False, True]


def test_summary_sparkline_and_events() -> None:
    assert sparkline([0, 1, 2, 4, 8]) == " ▁▂▄█"
    assert sparkline([0, 0]) == "  "
    day = site_day(stats([desk("a")]), 200)
    assert (day.today, day.target, day.share, day.doses) == (30, 200, 0.15, [("AZ", 1, 30)])
    assert "30 today of 200 (15%) · AZ dose 1: 30" in site_line(stats([desk("a")]), 200)
    assert adverse_events(stats([desk("a")])) == [] and adverse_line(stats([desk("a")])) == ""
    events = adverse_events(stats([desk("a")], {"mild": 2, "severe": 1}))
    assert [(e.kind, e.count, e.desks) for e in events] == [("severe", 1, []), ("mild", 2, [])]
    assert adverse_line(stats([desk("a")], {"mild": 2, "severe": 1})) == (
        "⚠ 3 adverse events reported today: 1 SEVERE; 2 mild"
    )


def test_the_demo_is_a_whole_site(tmp_path: Path) -> None:
    import json
    import time

    from vaxdesk.demo_site import DemoSite, site_file
    from vaxdesk.testing.hub import free_port

    site = DemoSite(tmp_path / "demo", port=free_port(), speed=25).start()
    # About two hours of a site's day at this speed; a loaded machine takes longer, so the
    # test waits for the site to get there (a minute at most) rather than for a fixed time.
    deadline = time.monotonic() + 60
    try:
        while True:
            time.sleep(0.5)
            settings = json.loads(site_file(tmp_path / "demo").read_text())
            by_id = {d["desk_id"]: d for d in
                     site.db.site_stats(settings["site_id"], datetime.now(UTC))}  # fmt: skip
            desk_4_backlog = 0
            if (tmp_path / "demo" / "desk-4.db").exists():
                with open_store_at(tmp_path / "demo" / "desk-4.db") as store:
                    desk_4_backlog = store.backlog()
            lagging = by_id.get("desk-1", {}).get("last_15_min", 0) > by_id.get(
                "desk-3", {}).get("last_15_min", 0)  # fmt: skip
            if (len(by_id) == 5 and lagging and desk_4_backlog) or time.monotonic() > deadline:
                break
    finally:
        site.stop()
    assert set(by_id) == {"desk-1", "desk-2", "desk-3", "desk-4", "desk-you"}
    assert by_id["desk-1"]["last_15_min"] > by_id["desk-3"]["last_15_min"]  # desk-3 lags
    assert desk_4_backlog > 0  # desk-4 went offline: its records wait on the desk
    assert settings["supervisor_token"].startswith("vxd_")


def open_store_at(path: Path):
    from store import open_store

    return open_store(path)
