"""The supervisor's figures as a supervisor reads them: adverse events named by desk, a desk's
times on the site's clock, no desk called behind on one record, columns as wide as their
values. Pure functions directly; the screens against a real hub on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from textual.widgets import DataTable, Static

from domain.record import EntryContext, Mode, build_record, build_session, identity_to_form
from domain.wire import DESK_TIME_HEADER, HEARTBEAT_PATH
from hub.db import HubDB
from hub.tokens import issue_supervisor_token
from scanner.synthetic import people
from store import open_store
from sync.supervision import adverse_events, desk_row, desk_rows, generated_at
from tests.conftest import ICT, SESSION_FORM, FakeClock, until
from tests.test_supervise import HubClock, cell, desk, stats
from tests.test_sync import desk_store, drain
from tui.screens.desk_detail import DeskDetailScreen, desk_line, record_cells
from tui.screens.site import adverse_line
from tui.supervise import make_supervisor_app
from vaxdesk.testing.hub import SITE, HubServer, enrol

TEN = datetime(2026, 11, 23, 10, 0, tzinfo=ICT)  # 03:00 UTC


def desk_with_aefi(tmp_path: Path, desk_id: str, kinds: list[str], clock: FakeClock) -> Path:
    """A desk's file with one record per kind ("1" mild, "2" severe), none uploaded."""
    path = tmp_path / f"{desk_id}.db"
    session = build_session({**SESSION_FORM, "desk_id": desk_id}, today=clock().date())
    ctx = EntryContext(session=session, mode=Mode.LIVE, now=clock())
    stream = people(len(kinds) + 40)
    with open_store(path, clock) as store:
        for kind in kinds:
            form = {**identity_to_form(next(stream)), "aefi": kind, "aefi_note": "khó thở"}
            store.save(build_record(form, ctx))
    return path


async def beat(url: str, token: str, desk_time: datetime, **fields: object) -> None:
    """A heartbeat whose desk clock reads `desk_time`."""
    beat = {"software_version": "0.1.0", "backlog": 0, "camera": "cam 0", **fields}
    async with httpx.AsyncClient(base_url=url) as client:
        headers = {"Authorization": f"Bearer {token}", DESK_TIME_HEADER: desk_time.isoformat()}
        reply = await client.post(HEARTBEAT_PATH, json=beat, headers=headers)
    reply.raise_for_status()


async def test_the_hub_counts_adverse_events_per_desk(hub_db: HubDB, tmp_path: Path) -> None:
    clock = FakeClock(TEN)
    server = HubServer(hub_db, clock=lambda: clock().astimezone(UTC)).start()
    try:
        one, two = enrol(hub_db, "desk-1"), enrol(hub_db, "desk-2")
        await drain(desk_with_aefi(tmp_path, "desk-1", ["1", "1"], clock), server.url, one)
        await drain(desk_with_aefi(tmp_path, "desk-2", ["2", "1"], clock), server.url, two)
    finally:
        server.stop()
    midnight = datetime(2026, 11, 23, tzinfo=ICT)
    totals = hub_db.site_totals(SITE, midnight)
    assert totals["aefi"] == {"mild": 3, "severe": 1}
    assert totals["aefi_by_desk"] == {"mild": {"desk-1": 2, "desk-2": 1},
                                      "severe": {"desk-2": 1}}  # fmt: skip
    firsts = {d["desk_id"]: d["first_today"] for d in hub_db.site_stats(SITE, TEN, midnight)}
    assert firsts == {"desk-1": TEN.isoformat(), "desk-2": TEN.isoformat()}


def test_an_adverse_event_alert_names_its_desks() -> None:
    figures = stats([desk("desk-1"), desk("desk-2")], {"mild": 3, "severe": 1})
    figures["totals"]["aefi_by_desk"] = {"mild": {"desk-1": 2, "desk-3": 1},
                                         "severe": {"desk-2": 1}}  # fmt: skip
    assert [(e.kind, e.desks) for e in adverse_events(figures)] == [
        ("severe", [("desk-2", 1)]), ("mild", [("desk-1", 2), ("desk-3", 1)])
    ]  # fmt: skip
    assert adverse_line(figures) == (
        "⚠ 4 adverse events reported today: 1 SEVERE at desk-2; 3 mild at desk-1 ×2, desk-3"
    )


def test_clock_skew_is_whole_seconds_and_none_under_one() -> None:
    def skew(seconds: float | None) -> int:
        return desk_row(stats([desk("a", clock_skew_seconds=seconds)]), "a").clock_skew_seconds

    assert skew(-0.4) == skew(0.0) == skew(None) == 0
    assert skew(-0.6) == -1 and skew(12.4) == 12
    assert "clock skew -1 s" in desk_line(stats([desk("a", clock_skew_seconds=-0.6)]), "a")
    assert "clock skew +12 s" in desk_line(stats([desk("a", clock_skew_seconds=12.4)]), "a")
    line = desk_line(stats([desk("a", clock_skew_seconds=-0.3)]), "a")
    assert "skew" not in line and "-0 s" not in line
    assert "last seen never" in desk_line(stats([desk("a")]), "b")
    assert "last seen never" in desk_line(None, "b")


def test_a_desks_times_are_on_the_sites_clock() -> None:
    figures = {**stats([desk("a", last_seen="2026-11-23T02:59:30+00:00")]),
               "site_timezone": "Asia/Ho_Chi_Minh"}  # fmt: skip
    assert "last seen 09:59 (30s ago)" in desk_line(figures, "a")
    assert generated_at(figures) == TEN
    base = {"id_number": "********1234", "vaccine": "AZ", "dose_number": 1, "screening": "ok",
            "aefi": "", "source": "scan", "status": "active", "version": 1}  # fmt: skip
    today = {**base, "received_at": "2026-11-23T02:41:07.5+00:00", "given_on": "2026-11-23",
             "given_time": "09:40"}  # fmt: skip
    paper = {**base, "received_at": "2026-11-22T16:30:00+00:00", "given_on": "2021-08-01",
             "given_time": ""}  # 23:30 on the 22nd at the site  # fmt: skip
    rows = [record_cells(record, figures) for record in (today, paper)]
    assert rows[0] == ("09:41", "********1234", "09:40", "AZ", "1", "ok", "", "scanned",
                       "active v1")  # fmt: skip
    assert rows[1][:3] == ("22/11 23:30", "********1234", "01/08/2021")


def test_one_record_does_not_make_a_desk_behind() -> None:
    """A rate over 15 minutes ×4 makes one record "4/h": a desk is judged once it (or, with no
    record, the site) has recorded for 30 minutes today."""

    def at(minutes_ago: int) -> str:
        return (TEN - timedelta(minutes=minutes_ago)).astimezone(UTC).isoformat()

    fast = {"today": 30, "last_hour": 12, "last_15_min": 3, "first_today": at(120)}
    started = {"today": 1, "last_hour": 1, "last_15_min": 1, "first_today": at(5)}
    slow = {**started, "first_today": at(45)}
    rows = desk_rows(
        stats(
            [
                desk("a", **fast),
                desk("b", **fast),
                desk("new", **started),
                desk("slow", **slow),
                desk("idle", today=0, last_hour=0, last_15_min=0, first_today=None),
            ]
        ),
        200,
    )
    behind = {r.desk_id: r.behind for r in rows}
    assert behind == {"a": False, "b": False, "new": False, "slow": True, "idle": True}
    assert {r.desk_id: r.rate_per_hour for r in rows}["new"] == 4
    # At opening nobody has recorded for long: nobody is behind yet.
    opening = desk_rows(stats([desk("new", **started), desk("idle", today=0, last_hour=0,
                                                            last_15_min=0, first_today=None)]),
                        200)  # fmt: skip
    assert [r.behind for r in opening] == [False, False]


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[HubServer, HubDB, str, HubClock]]:
    hub_clock = HubClock(TEN.astimezone(UTC))
    db = HubDB(f"sqlite:///{tmp_path / 'hub.db'}")
    supervisor = issue_supervisor_token(db, SITE, hub_clock())
    server = HubServer(db, clock=hub_clock).start()
    yield server, db, supervisor, hub_clock
    server.stop()
    db.close()


async def test_the_supervisor_reads_desks_names_and_site_times(
    site: tuple[HubServer, HubDB, str, HubClock], tmp_path: Path
) -> None:
    server, db, supervisor, hub_clock = site
    one, two, three = enrol(db, "desk-1"), enrol(db, "desk-2"), enrol(db, "desk-3")
    early = FakeClock(TEN - timedelta(minutes=40))
    await drain(desk_store(tmp_path, "desk-1", 6, seed=1, clock=early), server.url, one)
    just_now = FakeClock(TEN - timedelta(minutes=2))
    await drain(desk_with_aefi(tmp_path, "desk-2", ["2"], just_now), server.url, two)
    for token in (one, two, three):  # desk clocks 0.4 s behind the hub's
        await beat(server.url, token, hub_clock() - timedelta(seconds=0.4))
    app = make_supervisor_app(server.url, supervisor, SITE, refresh_seconds=0.2)
    async with app.run_test(size=(160, 30)) as pilot:
        table = app.screen.query_one(DataTable)
        await until(pilot, lambda: table.row_count == 3, "the desks")
        aefi = str(app.screen.query_one("#site-aefi", Static).render())
        assert "1 SEVERE at desk-2" in aefi
        # desk-2 began two minutes ago with one record: 4/h, not "behind"; desk-3, idle
        # while the site has worked for 40 minutes, is.
        assert cell(table, "desk-2", "rate") == "4"
        assert "behind" in cell(table, "desk-3", "rate")
        # Twelve minutes of silence: "SILENT 12m" is wider than the column was; it grows.
        hub_clock.now += timedelta(minutes=12)
        await until(pilot, lambda: cell(table, "desk-1", "seen") == "SILENT 12m", "silence")
        assert table.columns["seen"].content_width >= len("SILENT 12m")
        site_state = str(app.screen.query_one("#site-state", Static).render())
        assert "updated 10:12:00" in site_state
        # desk-2's detail: times on the site's clock, no "clock skew -0 s".
        await pilot.press("down", "enter")
        detail = app.screen
        assert isinstance(detail, DeskDetailScreen)
        recent = detail.query_one(DataTable)
        await until(pilot, lambda: recent.row_count == 1, "desk-2's record")
        received, _, given = (str(value) for value in recent.get_row_at(0)[:3])
        assert (received, given) == ("10:00", "09:58")
        state = str(detail.query_one("#desk-state", Static).render())
        assert "last seen 10:00 (12m ago)" in state
        assert "skew" not in state and "T0" not in state
