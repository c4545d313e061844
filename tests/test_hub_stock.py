"""Vaccine stock at the hub, on SQLite and PostgreSQL: receipts and allocations (and what they
refuse, storing nothing), doses given counted from the records desks uploaded (vaccine + lot),
desks' movements as outbox items, the lots a desk gets in its heartbeat reply, and the command
line: receive, allocate, list, settings, and the report read back with openpyxl."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from domain.errors import FieldError
from domain.stock import Allocation, Receipt, StockSettings, Usage
from domain.wire import DUPLICATE, INVALID, STORED
from domain.wire_stock import STOCK_USAGE, checked_desk_lots, usage_to_body
from hub import stock_db
from hub.db import HubDB
from store import open_store
from sync.worker import HubClient
from tests.conftest import FakeClock
from tests.test_sync import desk_store, drain
from vaxdesk.cli import main
from vaxdesk.testing.hub import SITE, HubServer, enrol

TODAY = date(2026, 11, 23)


def receipt(vials: int = 10, *, lot: str = "NX1234", expires: date = date(2027, 6, 30),
            per_vial: int = 10, on: date = TODAY) -> Receipt:  # fmt: skip
    return Receipt(stock_db.new_id(), SITE, "AZ", lot, vials, per_vial, expires, "CDC", on)


def allocation(desk: str, vials: int, lot: str = "NX1234") -> Allocation:
    return Allocation(stock_db.new_id(), SITE, "AZ", lot, desk, vials, TODAY)


def usage(desk: str = "desk-1", opened: int = 1, wasted: int = 0, site: str = SITE) -> Usage:
    return Usage(str(uuid.uuid4()), site, desk, "AZ", "NX1234", opened, wasted, TODAY,
                 entered_by="Lê Thị Hoa", recorded_at="2026-11-23T02:30:00.000+00:00")  # fmt: skip


def counts(db: HubDB) -> tuple[int, int]:
    with db._tx() as cur:
        cur.execute("SELECT COUNT(*) FROM stock_receipts")
        got = cur.fetchone()[0]
        cur.execute("SELECT COUNT(*) FROM stock_allocations")
        return int(got), int(cur.fetchone()[0])


@pytest.fixture
def clocked(hub_db: HubDB, clock: FakeClock) -> Iterator[HubServer]:
    server = HubServer(hub_db, clock=lambda: clock().astimezone(UTC)).start()
    yield server
    server.stop()


async def test_stock_falls_as_doses_are_given(
    hub_db: HubDB, clocked: HubServer, clock: FakeClock, tmp_path: Path
) -> None:
    token = enrol(hub_db, "desk-1")
    enrol(hub_db, "desk-2")
    stock_db.receive(hub_db, receipt(10), TODAY, clock())
    stock_db.allocate(hub_db, allocation("desk-1", 4), TODAY, clock())
    stock_db.allocate(hub_db, allocation("desk-2", 2), TODAY, clock())
    [before] = stock_db.holdings(hub_db, SITE)
    assert (before.on_hand_doses, before.allocated_vials, before.given_doses) == (100, 6, 0)
    path = desk_store(tmp_path, "desk-1", 7, clock=clock)  # AZ lot NX1234, the session's
    with open_store(path, clock) as store:
        store.void(str(store.last_saved()), "entered twice", "Hoa")
    await drain(path, clocked.url, token)
    [after] = stock_db.holdings(hub_db, SITE)
    assert (after.given_doses, after.on_hand_doses, after.on_hand_vials) == (6, 94, 10)
    [desk] = stock_db.holdings(hub_db, SITE, "desk-1")
    assert (desk.received_doses, desk.given_doses, desk.on_hand_doses) == (40, 6, 34)
    client = HubClient(clocked.url, token)
    try:
        reply = await client.heartbeat({})
        moved = await client.upload_items([
            {"kind": STOCK_USAGE, "key": u.usage_id, "version": 1, "payload": usage_to_body(u)}
            for u in (usage(opened=2, wasted=3), usage(opened=1))
        ])  # fmt: skip
    finally:
        await client.close()
    assert [r["result"] for r in moved["results"]] == [STORED, STORED]
    [desk_lot] = checked_desk_lots(reply["stock_lots"])
    assert (desk_lot.key, desk_lot.received_vials, desk_lot.expires_on) == (
        ("AZ", "NX1234"), 4, date(2027, 6, 30))
    assert reply["stock_settings"] == {"near_expiry_days": 30, "near_empty_doses": 20}
    [site] = stock_db.holdings(hub_db, SITE)
    assert (site.opened_vials, site.wasted_doses, site.on_hand_doses) == (3, 3, 91)


async def test_movements_are_kept_once_and_only_the_desks_own(
    hub_db: HubDB, clocked: HubServer
) -> None:
    token = enrol(hub_db, "desk-1")
    mine, theirs, nothing = usage(), usage(desk="desk-2"), usage(opened=0)
    items = [{"kind": STOCK_USAGE, "key": u.usage_id, "version": 1, "payload": usage_to_body(u)}
             for u in (mine, theirs, nothing)]  # fmt: skip
    client = HubClient(clocked.url, token)
    try:
        first = (await client.upload_items(items))["results"]
        again = (await client.upload_items(items[:1]))["results"]
        missing = await client.missing_items([(STOCK_USAGE, u.usage_id, 1)
                                              for u in (mine, theirs)])  # fmt: skip
    finally:
        await client.close()
    assert [r["result"] for r in first] == [STORED, INVALID, INVALID]
    assert (first[1]["code"], first[2]["field"]) == ("hub.other_desk", "vials_opened")
    assert again[0]["result"] == DUPLICATE
    assert missing == [(STOCK_USAGE, theirs.usage_id, 1)]


def test_what_is_refused_stores_nothing(hub_db: HubDB, clock: FakeClock) -> None:
    enrol(hub_db, "desk-1")
    stock_db.receive(hub_db, receipt(5), TODAY, clock())
    cases = [
        (lambda: stock_db.receive(hub_db, receipt(expires=TODAY - timedelta(days=1)), TODAY,
                                  clock()), "stock.received_expired"),
        (lambda: stock_db.receive(hub_db, receipt(expires=date(2027, 7, 1)), TODAY, clock()),
         "stock.other_expiry"),
        (lambda: stock_db.allocate(hub_db, allocation("desk-1", 6), TODAY, clock()),
         "stock.over_allocated"),
        (lambda: stock_db.allocate(hub_db, allocation("desk-9", 1), TODAY, clock()),
         "stock.unknown_desk"),
        (lambda: stock_db.allocate(hub_db, allocation("desk-1", 1, lot="ZZ9"), TODAY, clock()),
         "stock.not_received"),
    ]  # fmt: skip
    for attempt, code in cases:
        with pytest.raises(FieldError) as caught:
            attempt()
        assert caught.value.code == code
    assert counts(hub_db) == (1, 0)
    stock_db.set_stock_settings(hub_db, SITE, StockSettings(10, 5))
    stock_db.set_stock_settings(hub_db, SITE, StockSettings(12, 6))
    assert stock_db.stock_settings(hub_db, SITE) == StockSettings(12, 6)
    assert stock_db.stock_settings(hub_db, "OTHER") == StockSettings()


def run(db: str, *args: str) -> Result:
    return CliRunner().invoke(main, ["hub", "--db", db, "stock", *args],
                              env={"VAXDESK_LANG": "en"})  # fmt: skip


def test_the_command_line_from_receipt_to_report(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    url = f"sqlite:///{tmp_path / 'hub.db'}"
    with _opened(url) as db:
        enrol(db, "desk-1")
    lot = ["--site", SITE.lower(), "--vaccine", "pf", "--lot", "fk 0123"]
    done = run(url, "receive", *lot, "--vials", "20", "--doses-per-vial", "6",
               "--expires", "31/12/2099", "--from", "CDC Trà Vinh")  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "PF lot FK0123, 20 × 6 = 120 doses, expiry 31/12/2099" in done.output
    done = run(url, "allocate", *lot, "--desk", "desk-1", "--vials", "3")
    assert done.exit_code == 0 and "allocated to desk-1: PF lot FK0123, 3 vials" in done.output
    for args, words in [
        (["allocate", *lot, "--desk", "desk-1", "--vials", "18"], ("--vials:", "17")),
        (["allocate", *lot, "--desk", "desk-7", "--vials", "1"], ("--desk:", "no desk desk-7")),
        (["receive", *lot, "--vials", "2", "--doses-per-vial", "6", "--expires", "31/13/2099",
          "--from", "CDC"], ("--expires:", "31/13/2099")),
        (["receive", *lot, "--vials", "0", "--doses-per-vial", "6", "--expires", "31/12/2099",
          "--from", "CDC"], ("--vials:", "from 1")),
        (["settings", "--site", SITE, "--near-expiry-days", "999"], ("--near-expiry-days:",)),
        (["report", "--site", SITE, str(tmp_path / "report.csv")], (".xlsx",)),
    ]:  # fmt: skip
        refused = run(url, *args)
        assert refused.exit_code == 1, refused.output
        [line] = refused.output.strip().splitlines()
        assert line.startswith("Error: ") and all(w in line for w in words), line
    listed = run(url, "list", "--site", SITE)
    assert listed.exit_code == 0
    assert "PF FK0123  expiry 31/12/2099  doses received 120  given 0" in listed.output
    assert "in stock" in listed.output
    shown = run(url, "settings", "--site", SITE, "--near-empty-doses", "200")
    assert shown.exit_code == 0 and "30; with this many doses left: 200" in shown.output
    assert "near empty" in run(url, "list", "--site", SITE).output
    out = tmp_path / "cap-phat.xlsx"
    done = run(url, "report", "--site", SITE, str(out))
    assert done.exit_code == 0, done.output
    book = load_workbook(out, read_only=True)
    assert book.sheetnames == ["Lots", "Desks", "Receipts and allocations"]
    lots = [row for row in book["Lots"].iter_rows(min_row=4, values_only=True)]
    assert lots[0][:4] == ("Vaccine", "Lot", "Expiry", "Doses per vial")
    assert lots[1][:2] == ("PF", "FK0123") and lots[1][2].date() == date(2099, 12, 31)
    assert lots[1][4:13] == (20, 120, 3, 0, 0, 0, 120, 20, "near empty")
    desks = [row for row in book["Desks"].iter_rows(min_row=5, values_only=True)]
    assert [d[:3] + d[4:6] for d in desks] == [("desk-1", "PF", "FK0123", 3, 18)]
    moves = [row for row in book["Receipts and allocations"].iter_rows(min_row=5,
                                                                       values_only=True)]
    assert [(m[1], m[4], m[7]) for m in moves] == [("received", 20, "CDC Trà Vinh"),
                                                  ("allocated", 3, "desk-1")]  # fmt: skip
    assert not list(tmp_path.glob(".*.partial"))


def test_the_report_in_vietnamese(tmp_path: Path, clock: FakeClock) -> None:
    from openpyxl import load_workbook

    url = f"sqlite:///{tmp_path / 'hub.db'}"
    with _opened(url) as db:
        stock_db.receive(db, receipt(2), TODAY, clock())
    out = tmp_path / "bao-cao.xlsx"
    done = CliRunner().invoke(main, ["hub", "--db", url, "stock", "report", "--site", SITE,
                                     str(out)], env={"VAXDESK_LANG": "vi"})  # fmt: skip
    assert done.exit_code == 0, done.output
    book = load_workbook(out, read_only=True)
    header = next(book.worksheets[0].iter_rows(min_row=4, max_row=4, values_only=True))
    assert "Vaccine" not in header and "Lot" not in header and "Số lô" in header


class _opened:
    """A hub database, closed after."""

    def __init__(self, url: str) -> None:
        self.db = HubDB(url)

    def __enter__(self) -> HubDB:
        return self.db

    def __exit__(self, *exc: object) -> None:
        self.db.close()


async def test_the_supervisor_sees_the_lots_that_need_care(
    tmp_path: Path, clock: FakeClock
) -> None:
    """A lot near expiry and one near empty stand out on the supervisor's screen, on the
    site's day and thresholds; a lot in good order does not."""
    from textual.widgets import Static

    from hub.tokens import issue_supervisor_token
    from tui.screens.site import stock_line
    from tui.supervise import make_supervisor_app
    from vaxdesk.testing.desk import until

    db = HubDB(f"sqlite:///{tmp_path / 'hub.db'}")
    server = HubServer(db, clock=lambda: clock().astimezone(UTC)).start()
    try:
        token = enrol(db, "desk-1")
        stock_db.receive(db, receipt(1, expires=TODAY + timedelta(days=200)), TODAY, clock())
        stock_db.receive(db, receipt(50, lot="LOT2", expires=TODAY + timedelta(days=9)), TODAY,
                         clock())  # fmt: skip
        stock_db.receive(db, receipt(50, lot="LOT3"), TODAY, clock())
        await drain(desk_store(tmp_path, "desk-1", 2, clock=clock), server.url, token)
        supervisor = issue_supervisor_token(db, SITE, clock())
        app = make_supervisor_app(server.url, supervisor, SITE, refresh_seconds=0.2)
        async with app.run_test(size=(160, 30)) as pilot:
            line = app.screen.query_one("#site-stock", Static)
            await until(pilot, lambda: "Stock" in str(line.render()), "the stock line")
            shown = str(line.render())
            assert "AZ LOT2: expires 02/12/2026 (in 9 days)" in shown
            assert "AZ NX1234: 8 doses left" in shown and "LOT3" not in shown
    finally:
        server.stop()
        db.close()
    assert stock_line({"day": "2026-11-23"}) == ""  # a hub before issue 16: nothing said
