"""The hub on its own: items by kind, desks already in the field (v1 records), its schemas
old and new, and the site's day, which it counts the way the desk does."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest

from dbkit import Cursor
from domain.record import (
    EntryContext,
    Mode,
    build_record,
    build_session,
    identity_to_form,
    record_to_form,
)
from domain.wire import API, CONFLICT, DOSE_FIELDS, DUPLICATE, INVALID, ITEMS_PATH, STORED
from hub.db import HubDB
from hub.schema import MIGRATIONS
from hub.tokens import issue_supervisor_token
from scanner.synthetic import people
from store import open_store
from sync.supervision import SupervisorClient
from sync.worker import HubClient, SyncState, SyncWorker
from tests.conftest import ICT, SESSION_FORM, FakeClock
from tests.test_sync import desk_store, drain
from vaxdesk.testing.hub import SITE, HubServer, enrol


async def test_today_agrees_with_the_desk_at_23_30_and_00_30(
    hub_db: HubDB, tmp_path: Path
) -> None:
    """The desk counts its records first recorded since the site's midnight (not voided);
    the supervisor's figure is the same, late in the evening and just after midnight."""
    clock = FakeClock(datetime(2026, 11, 23, 20, 0, tzinfo=ICT))
    server = HubServer(hub_db, clock=lambda: clock().astimezone(UTC)).start()
    token, path = enrol(hub_db, "desk-1"), tmp_path / "desk-1.db"
    supervisor = SupervisorClient(server.url, issue_supervisor_token(hub_db, SITE, clock()), SITE)
    stream = people(21, today=date(2021, 8, 1))  # adults on the paper list's day too

    def save(store, original=None, retrospective=False):  # type: ignore[no-untyped-def]
        session = build_session(SESSION_FORM, today=clock().date())
        mode = Mode.RETROSPECTIVE if retrospective else Mode.LIVE
        ctx = EntryContext(session=session, mode=mode, now=clock(), original=original)
        if retrospective:  # from a paper list: given long ago, recorded today
            form = {**identity_to_form(next(stream)), "vaccine": "AZ", "given_on": "010821"}
            return store.save(build_record(form, ctx))
        if original is None:
            return store.save(build_record(identity_to_form(next(stream)), ctx))
        form = {**record_to_form(original), "phone": "0987654321"}
        return store.correct(build_record(form, ctx))

    async def both_say(today: int, day: str, hour: int) -> None:
        await drain(path, server.url, token)
        with open_store(path, clock) as store:
            assert store.stats("desk-1", clock()).today == today
        stats = await supervisor.stats()
        assert (stats["day"], stats["hour"], stats["site_timezone"]) == (day, hour,
                                                                        "Asia/Ho_Chi_Minh")
        assert [d["today"] for d in stats["desks"]] == [today]
        assert sum(d["count"] for d in stats["totals"]["doses"]) == today

    try:
        with open_store(path, clock) as store:
            early = save(store)  # 20:00
        clock.advance(hours=3, minutes=30)  # 23:30
        with open_store(path, clock) as store:
            late = save(store)
            store.void(save(store).record_id, "entered twice", "Hoa")
            save(store, original=early)  # corrected tonight, first recorded tonight too
            save(store, retrospective=True)
        await both_say(3, "2026-11-23", 23)
        clock.advance(hours=1)  # 00:30, the next day
        with open_store(path, clock) as store:
            save(store)
            save(store, original=store.get(late.record_id))  # first recorded yesterday
        await both_say(1, "2026-11-24", 0)
        assert (await supervisor.stats())["desks"][0]["hourly"][0] == 1
    finally:
        await supervisor.close()
        server.stop()


async def test_a_desk_already_in_the_field_still_uploads_records(
    hub: HubServer, hub_db: HubDB, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Desks of the version before outbox items post records to v1 and reconcile by
    (record id, version): the hub keeps taking both."""
    import logging

    path = desk_store(tmp_path, "desk-1", 3)
    with open_store(path) as store:
        bodies = [item.payload for item in store.outbox_claim(10)]
    headers = {"Authorization": f"Bearer {enrol(hub_db, 'desk-1')}"}
    with caplog.at_level(logging.INFO, logger="vaxdesk"):
        async with httpx.AsyncClient(base_url=hub.url, headers=headers) as old_desk:
            reply = (await old_desk.post(f"{API}/records", json={"records": bodies[:2]})).json()
            assert [(r["record_id"], r["version"], r["result"]) for r in reply["results"]] == [
                (b["record_id"], 1, STORED) for b in bodies[:2]
            ]
            keys = [[b["record_id"], 1] for b in bodies]
            missing = (await old_desk.post(f"{API}/reconcile", json={"keys": keys})).json()
            assert missing == {"missing": [[bodies[2]["record_id"], 1]]}
    assert "POST /api/v1/records 200 desk=desk-1" in caplog.text
    assert hub_db.count_versions() == 2


async def test_items_are_kept_by_kind(hub: HubServer, hub_db: HubDB, tmp_path: Path) -> None:
    path = desk_store(tmp_path, "desk-1", 2)
    with open_store(path) as store:
        first, second = (item.payload for item in store.outbox_claim(10))
    client = HubClient(hub.url, enrol(hub_db, "desk-1"))

    def item(payload: dict, kind: str = "record", key: str = "", version: int = 1) -> dict:
        return {"kind": kind, "key": key or payload["record_id"], "version": version,
                "payload": payload}  # fmt: skip

    try:
        reply = await client.upload_items([
            item(first), item(first), item({"count": 3}, kind="stock_movement", key="lot-1"),
            {"kind": "record", "key": "x"}, item(second, key=first["record_id"]),
            item({**first, "phone": "0987654321"}),
        ])  # fmt: skip
        results = reply["results"]
        assert [r["result"] for r in results] == [STORED, DUPLICATE, INVALID, INVALID, INVALID,
                                                  CONFLICT]  # fmt: skip
        assert results[2] == {"kind": "stock_movement", "key": "lot-1", "version": 1,
                              "result": INVALID, "field": "kind", "code": "wire.kind",
                              "params": {"kind": "stock_movement"},
                              "message": "kind: unknown kind 'stock_movement'"}
        assert results[5]["field"] == "phone" and results[5]["key"] == first["record_id"]
        assert "clock_flagged" in reply and "received_at" in reply
        assert hub_db.count_versions() == 1
        missing = await client.missing_items([("record", first["record_id"], 1),
                                              ("record", second["record_id"], 1),
                                              ("stock_movement", "lot-1", 1)])  # fmt: skip
        assert missing == [("record", second["record_id"], 1), ("stock_movement", "lot-1", 1)]
        async with httpx.AsyncClient(base_url=hub.url) as raw:
            other = {"Authorization": f"Bearer {enrol(hub_db, 'desk-2')}"}
            refused = await raw.post(ITEMS_PATH, json={"items": [item(second)]}, headers=other)
            assert refused.status_code == 403 and "own records" in refused.json()["error"]
            wrong = await raw.post(ITEMS_PATH, json={"records": []}, headers=other)
            assert wrong.status_code == 400
    finally:
        await client.close()


async def test_the_heartbeat_gives_desks_the_site_timezone(
    hub_db: HubDB, tmp_path: Path
) -> None:
    server = HubServer(hub_db, site_timezone="Asia/Bangkok").start()
    states: list[SyncState] = []
    client = HubClient(server.url, enrol(hub_db, "desk-1"))
    try:
        worker = SyncWorker(desk_store(tmp_path, "desk-1", 1), client, heartbeat_seconds=0,
                            on_state=states.append)  # fmt: skip
        assert await worker.run(once=True)
    finally:
        await client.close()
        server.stop()
    assert states[-1].site_timezone == "Asia/Bangkok" and states[-1].backlog == 0


def test_a_hub_of_schema_2_is_recognised(tmp_path: Path) -> None:
    """A hub from before named migrations counted them in hub_meta: it gets only the later."""
    conn = sqlite3.connect(tmp_path / "hub.db", isolation_level=None)
    for migration in MIGRATIONS.migrations[:2]:
        migration.run(Cursor(conn.cursor()))
    conn.execute("CREATE TABLE hub_meta (schema_version INTEGER NOT NULL)")
    conn.execute("INSERT INTO hub_meta VALUES (2)")
    conn.close()
    db = HubDB(f"sqlite:///{tmp_path / 'hub.db'}")
    with db._tx() as cur:
        names = [n for (n,) in cur.execute("SELECT name FROM _migrations").fetchall()]
        indexes = {n for (n,) in cur.execute("SELECT name FROM sqlite_master").fetchall()}
        version = cur.execute("SELECT schema_version FROM hub_meta").fetchone()[0]
    db.close()
    assert sorted(names) == MIGRATIONS.names and version == len(MIGRATIONS.names)
    assert "records_site_first" in indexes and "records_site_day" not in indexes
async def test_the_same_batch_twice_changes_nothing(
    hub: HubServer, hub_db: HubDB, tmp_path: Path
) -> None:
    path = desk_store(tmp_path, "desk-1", 5)
    with open_store(path) as store:
        bodies = [item.payload for item in store.outbox_claim(10)]
    client = HubClient(hub.url, enrol(hub_db, "desk-1"))
    try:
        first = await client.upload(bodies)
        again = await client.upload(bodies)
        assert [r["result"] for r in first["results"]] == [STORED] * 5
        assert [r["result"] for r in again["results"]] == [DUPLICATE] * 5
        assert hub_db.count_versions() == 5
        # The same (id, version) with other content: a conflict, never an overwrite.
        changed = {**bodies[0], "phone": "0987654321"}
        reply = await client.upload([changed])
        [result] = reply["results"]
        assert result["result"] == CONFLICT and result["field"] == "phone"
        [held] = await client.doses(bodies[0]["person_key"])
        assert held == {name: bodies[0][name] for name in DOSE_FIELDS}
        kept = next(r for r in hub_db.recent(SITE, "desk-1", 10)
                    if r["record_id"] == bodies[0]["record_id"])  # fmt: skip
        assert kept["phone"] == bodies[0]["phone"]
        stats = hub_db.site_stats(SITE, datetime.now(UTC))
        assert stats[0]["conflicts"] == 1
    finally:
        await client.close()


async def test_a_newer_version_wins_an_older_never_overwrites(
    hub: HubServer, hub_db: HubDB, tmp_path: Path
) -> None:
    path = desk_store(tmp_path, "desk-1", 1)
    with open_store(path) as store:
        [v1] = [item.payload for item in store.outbox_claim(1)]
        voided = store.void(v1["record_id"], "entered twice", "Hoa")
        [v2] = [item.payload for item in store.outbox_claim(1)]
    assert v2["version"] == voided.version == 2
    client = HubClient(hub.url, enrol(hub_db, "desk-1"))
    try:
        await client.upload([v2])
        await client.upload([v1])  # the older one arrives late
        assert await client.doses(v1["person_key"]) == []  # voided stays voided
        assert hub_db.count_versions() == 2
    finally:
        await client.close()


async def test_tokens_are_required_and_desks_write_as_themselves(
    hub: HubServer, hub_db: HubDB, tmp_path: Path
) -> None:
    path = desk_store(tmp_path, "desk-1", 2)
    with open_store(path) as store:
        bodies = [item.payload for item in store.outbox_claim(10)]
    enrol(hub_db, "desk-1")
    other = enrol(hub_db, "desk-2")
    async with httpx.AsyncClient(base_url=hub.url) as raw:
        missing = await raw.post(f"{API}/records", json={"records": bodies})
        assert missing.status_code == 401
        forged = await raw.post(f"{API}/records", json={"records": bodies},
                                headers={"Authorization": "Bearer vxd_forged"})  # fmt: skip
        assert forged.status_code == 403
        as_other = await raw.post(f"{API}/records", json={"records": bodies},
                                  headers={"Authorization": f"Bearer {other}"})  # fmt: skip
        assert as_other.status_code == 403 and "own records" in as_other.json()["error"]
        assert (await raw.get(f"{API}/health")).json()["status"] == "ok"
    assert hub_db.count_versions() == 0
    hub_db.revoke("desk-2")
    client = HubClient(hub.url, other)
    try:
        with pytest.raises(Exception, match="403"):
            await client.heartbeat({})
    finally:
        await client.close()


def test_a_hub_database_from_a_newer_hub_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    db = HubDB(url)
    with db._tx() as cur:
        cur.execute("UPDATE hub_meta SET schema_version = 99")
    db.close()
    with pytest.raises(RuntimeError, match="schema 99"):
        HubDB(url)
    again = HubDB(f"sqlite:///{tmp_path / 'other.db'}")
    again.close()
    assert HubDB(f"sqlite:///{tmp_path / 'other.db'}").count_versions() == 0
