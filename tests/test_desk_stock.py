"""Vaccine stock at the desk: the lots the hub allocated reach it in the heartbeat reply and are
kept (offline, the desk works with what it last knew); what it holds falls with its own doses
and movements; a session on an expired lot is refused, storing nothing; vials opened and doses
wasted are stored, queued and reach a real hub on loopback; the entry screen warns and F8
records a movement in a keystroke or two."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, timedelta
from pathlib import Path

import pytest

from desk import Desk
from desk.sessions import open_session
from desk.stock import holdings, record_usage, session_alerts
from domain.errors import FieldError, ValidationError
from domain.record import EntryContext, Mode, build_record, build_session, identity_to_form
from domain.stock import Alert, Allocation, Receipt, StockSettings
from domain.wire_stock import STOCK_USAGE
from hub import stock_db
from hub.db import HubDB
from scanner.synthetic import people
from store import Store, open_store
from store.stock import desk_holdings, keep_stock, save_usage, stock_thresholds
from sync.worker import HubClient, SyncWorker
from tests.conftest import SESSION_FORM, FakeClock, desk_app
from tests.test_sync import drain
from tests.test_tui_desk import SIZE, text_of
from tests.test_tui_desk import open_session as open_session_keys
from tui.screens.entry import EntryScreen
from tui.screens.session import SessionScreen
from tui.screens.stock_usage import StockUsageModal
from vaxdesk.testing.hub import SITE, HubServer, enrol

TODAY = date(2026, 11, 23)


def lots(expires: date = date(2027, 6, 30), vials: int = 3) -> list[dict]:
    return [{"vaccine": "AZ", "lot": "NX1234", "expires_on": expires.isoformat(),
             "doses_per_vial": 10, "allocated_vials": vials},
            {"vaccine": "PF", "lot": "FK01", "expires_on": "2027-01-31", "doses_per_vial": 6,
             "allocated_vials": 1},
            {"vaccine": "PF", "lot": "bad lot!", "expires_on": "2027-01-31"},
            "not a lot"]  # fmt: skip


def save_doses(store: Store, clock: FakeClock, count: int) -> None:
    session = build_session(SESSION_FORM, today=clock().date())
    ctx = EntryContext(session=session, mode=Mode.LIVE, now=clock())
    stream = people(3)
    for _ in range(count):
        store.save(build_record(identity_to_form(next(stream)), ctx))


def test_the_hubs_lots_are_kept_whole_and_count_the_desks_own_use(
    store: Store, clock: FakeClock
) -> None:
    assert keep_stock(store, lots(), {"near_expiry_days": 10, "near_empty_doses": 5}) == 2
    assert stock_thresholds(store) == StockSettings(10, 5)
    kept = store.conn.execute("SELECT received_at FROM stock_lots").fetchall()
    clock.advance(minutes=1)
    keep_stock(store, lots(), {"near_expiry_days": 10, "near_empty_doses": 5})
    assert store.conn.execute("SELECT received_at FROM stock_lots").fetchall() == kept
    save_doses(store, clock, 4)
    desk = Desk(store, clock, site_id=SITE, desk_id="desk-1")
    desk.session = build_session(SESSION_FORM, today=TODAY)
    record_usage(desk, {"lot": "nx1234", "vials_opened": "1", "doses_wasted": "2"})
    az, pf = desk_holdings(store, "desk-1")
    assert (az.key, az.received_doses, az.given_doses, az.wasted_doses, az.on_hand_doses) == (
        ("AZ", "NX1234"), 30, 4, 2, 24)
    assert (pf.key, pf.on_hand_doses) == (("PF", "FK01"), 6)
    assert desk_holdings(store, "desk-2")[0].given_doses == 0
    keep_stock(store, lots()[:1], None)  # the hub took PF back; the thresholds stay
    assert [h.key for h in holdings(desk)] == [("AZ", "NX1234")]
    assert stock_thresholds(store) == StockSettings(10, 5)
    keep_stock(store, [], {})
    assert holdings(desk) == [] and session_alerts(desk) == []


def test_a_movement_is_stored_queued_and_never_changed(store: Store, clock: FakeClock) -> None:
    desk = Desk(store, clock, site_id=SITE, desk_id="desk-1")
    desk.session = build_session(SESSION_FORM, today=TODAY)
    with pytest.raises(ValidationError) as caught:
        record_usage(desk, {"lot": "NX1234", "vials_opened": "x", "doses_wasted": "1001"})
    assert set(caught.value.errors) == {"vials_opened", "doses_wasted"}
    with pytest.raises(ValidationError) as caught:
        record_usage(desk, {"lot": "NX1234", "vials_opened": "0", "doses_wasted": ""})
    assert caught.value.errors["vials_opened"].code == "stock.nothing"
    assert store.outbox_counts() == {}
    usage = record_usage(desk, {"lot": "NX1234", "vials_opened": "2", "reason": "ca chiều"})
    assert usage.recorded_at and usage.entered_by == SESSION_FORM["entered_by"]
    [item] = store.outbox_claim(10)
    assert (item.kind, item.key, item.payload["vials_opened"]) == (STOCK_USAGE, usage.usage_id, 2)
    with pytest.raises(sqlite3.IntegrityError):
        store.conn.execute("UPDATE stock_usage SET doses_wasted = 9")
    with pytest.raises(FieldError):
        save_usage(store, usage.__class__(**{**usage.__dict__, "vials_opened": -1}))


def test_a_session_on_an_expired_lot_is_refused_and_nothing_stored(
    store: Store, clock: FakeClock
) -> None:
    desk = Desk(store, clock, site_id=SITE, desk_id="desk-1")
    keep_stock(store, lots(expires=TODAY - timedelta(days=1)), None)
    with pytest.raises(ValidationError) as caught:
        open_session(desk, SESSION_FORM)
    assert caught.value.errors["lot"].code == "stock.expired"
    assert store.last_session() is None and desk.session is None
    keep_stock(store, lots(expires=TODAY), None)  # its last day: still usable
    assert open_session(desk, SESSION_FORM).lot == "NX1234"
    assert [a.alert for a in session_alerts(desk)] == [Alert.NEAR_EXPIRY]


async def test_lots_reach_the_desk_and_its_movements_reach_the_hub(
    hub_db: HubDB, clock: FakeClock, tmp_path: Path
) -> None:
    server = HubServer(hub_db, clock=lambda: clock().astimezone(UTC)).start()
    try:
        token = enrol(hub_db, "desk-1")
        stock_db.receive(hub_db, stock_db_receipt(), TODAY, clock())
        stock_db.allocate(hub_db, stock_db_allocation(), TODAY, clock())
        path = tmp_path / "desk-1.db"
        with open_store(path, clock) as store:
            client = HubClient(server.url, token)
            try:
                await SyncWorker(store_path=path, client=client).send_heartbeat()
            finally:
                await client.close()
            desk = Desk(store, clock, site_id=SITE, desk_id="desk-1")
            [held] = holdings(desk)
            assert (held.key, held.received_vials, held.received_doses) == (("AZ", "NX1234"), 2, 20)
            desk.session = open_session(desk, SESSION_FORM)
            save_doses(store, clock, 3)
            record_usage(desk, {"lot": "NX1234", "vials_opened": "1", "doses_wasted": "1"})
        await drain(path, server.url, token)
        [desk_at_hub] = stock_db.holdings(hub_db, SITE, "desk-1")
        assert (desk_at_hub.given_doses, desk_at_hub.wasted_doses, desk_at_hub.opened_vials,
                desk_at_hub.on_hand_doses) == (3, 1, 1, 16)  # fmt: skip
        with open_store(path, clock) as store:
            assert desk_holdings(store, "desk-1")[0].on_hand_doses == 16  # the same figure
    finally:
        server.stop()


def stock_db_receipt() -> Receipt:
    return Receipt(stock_db.new_id(), SITE, "AZ", "NX1234", 10, 10, date(2027, 6, 30),
                            "CDC", TODAY)  # fmt: skip


def stock_db_allocation() -> Allocation:
    return Allocation(stock_db.new_id(), SITE, "AZ", "NX1234", "desk-1", 2, TODAY)


async def test_the_session_screen_refuses_an_expired_lot(db_path: Path, clock: FakeClock) -> None:
    with open_store(db_path, clock) as store:
        keep_stock(store, lots(expires=TODAY - timedelta(days=3)), None)
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session_keys(pilot)
        assert isinstance(app.screen, SessionScreen)
        assert "lot NX1234 expired on 20/11/2026: it cannot be used" in text_of(
            app, "#field-lot .error")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, SessionScreen)
    with open_store(db_path, clock) as store:
        assert store.last_session() is None


async def test_the_entry_screen_warns_and_f8_records_a_vial(
    db_path: Path, clock: FakeClock
) -> None:
    with open_store(db_path, clock) as store:
        keep_stock(store, lots(expires=TODAY + timedelta(days=5), vials=1),
                   {"near_expiry_days": 30, "near_empty_doses": 20})  # fmt: skip
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session_keys(pilot)
        assert isinstance(app.screen, EntryScreen)
        status = text_of(app, "#status")
        assert "⚠ AZ NX1234: expires 28/11/2026 (in 5 days) · AZ NX1234: 10 doses left" in status
        assert "Vials" in text_of(app, "#keybar")
        await pilot.press("f8")
        assert isinstance(app.screen, StockUsageModal)
        await pilot.press("enter", "3", "enter", "enter")  # 1 vial (offered), 3 doses wasted
        await pilot.pause()
        assert isinstance(app.screen, EntryScreen)
        assert "Recorded for AZ NX1234: 1 vial opened, 3 doses wasted" in text_of(app, "#message")
        assert "AZ NX1234: 7 doses left" in text_of(app, "#status")
        await pilot.press("f8", "escape")
        assert isinstance(app.screen, EntryScreen)
    with open_store(db_path, clock) as store:
        rows = store.conn.execute("SELECT vials_opened, doses_wasted FROM stock_usage").fetchall()
        assert rows == [(1, 3)]
        assert store.outbox_counts() == {"pending": 1}


async def test_no_lots_no_key_and_no_warning(db_path: Path, clock: FakeClock) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session_keys(pilot)
        assert "⚠" not in text_of(app, "#status")
        assert "Vials" not in text_of(app, "#keybar")
        await pilot.press("f8")
        assert isinstance(app.screen, EntryScreen)
