"""Desk to hub with real parts: uvicorn on loopback, SQLite and PostgreSQL, a faulty proxy.

Every fault test ends the same way: every record the desk saved is on the hub exactly once,
and every outbox row is acknowledged.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from domain.doses import DoseOverride
from domain.record import EntryContext, Mode, build_record, build_session, identity_to_form
from domain.wire import API
from hub.db import HubDB
from scanner.synthetic import people
from store import DoseRulesBroken, DuplicateDose, open_store
from sync.worker import HubClient, SyncWorker, backoff_delay
from tests.conftest import SESSION_FORM, FakeClock
from vaxdesk.testing.hub import SITE, FaultProxy, HubServer, enrol

ROOT = Path(__file__).resolve().parent.parent


def desk_store(
    tmp_path: Path, desk_id: str, records: int, seed: int = 1, clock: FakeClock | None = None
) -> Path:
    """A desk's file with records saved now (or at the clock's time), none uploaded."""
    path = tmp_path / f"{desk_id}.db"
    now = clock() if clock else datetime.now().astimezone()
    session = build_session({**SESSION_FORM, "desk_id": desk_id}, today=now.date())
    ctx = EntryContext(session=session, mode=Mode.LIVE, now=now)
    stream = people(seed)
    with open_store(path, clock) if clock else open_store(path) as store:
        for _ in range(records):
            store.save(build_record(identity_to_form(next(stream)), ctx))
    return path


def desk_keys(path: Path) -> set[tuple[str, int]]:
    with open_store(path) as store:
        return {(r["record_id"], r["version"]) for r in store.db.query("SELECT * FROM records")}


def outbox(path: Path) -> dict[str, int]:
    with open_store(path) as store:
        return store.outbox_counts()


def worker(path: Path, url: str, token: str, **options: object) -> tuple[SyncWorker, HubClient]:
    client = HubClient(url, token, timeout=2.0)
    settings = {"batch_size": 7, "base_delay": 0.01, "max_delay": 0.05, "rng": random.Random(3),
                "heartbeat_seconds": 0.0, **options}  # fmt: skip
    return SyncWorker(path, client, **settings), client  # type: ignore[arg-type]


async def drain(path: Path, url: str, token: str, rounds: int = 60) -> None:
    for _ in range(rounds):
        sync, client = worker(path, url, token)
        try:
            if await sync.run(once=True):
                return
        finally:
            await client.close()
    raise AssertionError("the backlog did not drain")


def assert_exactly_once(db: HubDB, *paths: Path) -> None:
    expected: set[tuple[str, int]] = set()
    for path in paths:
        expected |= desk_keys(path)
        assert outbox(path) == {"acked": len(desk_keys(path))}
    held = db.keys()
    assert len(held) == len(set(held)) == len(expected)
    assert set(held) == expected


async def test_a_backlog_drains_to_the_hub(hub: HubServer, hub_db: HubDB, tmp_path: Path) -> None:
    path = desk_store(tmp_path, "desk-1", 25)
    await drain(path, hub.url, enrol(hub_db, "desk-1"))
    assert_exactly_once(hub_db, path)
    stats = hub_db.site_stats(SITE, datetime.now(UTC))
    assert stats[0]["desk_id"] == "desk-1" and stats[0]["last_15_min"] == 25
    assert stats[0]["backlog"] == 0 and stats[0]["software_version"] == ""


async def test_exactly_once_through_a_faulty_link(
    hub: HubServer, hub_db: HubDB, tmp_path: Path
) -> None:
    path = desk_store(tmp_path, "desk-1", 60)
    proxy = FaultProxy(hub.port, seed=11).start()
    try:
        await drain(path, proxy.url, enrol(hub_db, "desk-1"))
    finally:
        proxy.stop()
    assert {"drop-before", "error-500", "drop-after", "delay"} <= set(proxy.fates)
    assert_exactly_once(hub_db, path)


async def test_hub_down_for_a_while_then_up(hub_db: HubDB, tmp_path: Path) -> None:
    path = desk_store(tmp_path, "desk-1", 20)
    token = enrol(hub_db, "desk-1")
    server = HubServer(hub_db)  # not started: the hub is down
    states = []
    sync, client = worker(path, server.url, token, poll_seconds=0.05, on_state=states.append)
    stop = asyncio.Event()
    task = asyncio.create_task(sync.run(stop))
    for _ in range(200):
        if any(s.unreachable_since for s in states):
            break
        await asyncio.sleep(0.02)
    assert states[-1].unreachable_since is not None and states[-1].backlog == 20
    server.start()
    try:
        for _ in range(300):
            if states[-1].backlog == 0 and states[-1].unreachable_since is None:
                break
            await asyncio.sleep(0.02)
        stop.set()
        await task
    finally:
        await client.close()
        server.stop()
    assert_exactly_once(hub_db, path)




async def test_two_desks_at_once(hub: HubServer, hub_db: HubDB, tmp_path: Path) -> None:
    one = desk_store(tmp_path, "desk-1", 30, seed=1)
    two = desk_store(tmp_path, "desk-2", 30, seed=2)
    await asyncio.gather(
        drain(one, hub.url, enrol(hub_db, "desk-1")), drain(two, hub.url, enrol(hub_db, "desk-2"))
    )
    assert_exactly_once(hub_db, one, two)



async def test_a_restored_hub_heals_by_resending(
    hub: HubServer, hub_db: HubDB, tmp_path: Path
) -> None:
    path = desk_store(tmp_path, "desk-1", 12)
    token = enrol(hub_db, "desk-1")
    await drain(path, hub.url, token)
    with hub_db._tx() as cur:  # the hub is restored from a backup older than these records
        cur.execute("DELETE FROM records WHERE version = 1 AND record_id IN "
                    "(SELECT record_id FROM records ORDER BY record_id LIMIT 5)")  # fmt: skip
    assert hub_db.count_versions() == 7
    await drain(path, hub.url, token)
    assert_exactly_once(hub_db, path)


async def test_a_desk_clock_off_is_flagged(hub: HubServer, hub_db: HubDB) -> None:
    token = enrol(hub_db, "desk-1")
    async with httpx.AsyncClient(
        base_url=hub.url, headers={"Authorization": f"Bearer {token}"}
    ) as c:
        late = (datetime.now(UTC) - timedelta(minutes=12)).isoformat()
        reply = await c.post(f"{API}/heartbeat", json={"backlog": 3}, headers={"X-Desk-Time": late})
        assert reply.json()["clock_flagged"] is True
        stats = (await c.get(f"{API}/sites/{SITE}/stats")).json()
        assert stats["desks"][0]["clock_skew_seconds"] < -600
        assert (await c.get(f"{API}/sites/OTHER/stats")).status_code == 403


async def test_dose_history_comes_from_other_desks(
    hub: HubServer, hub_db: HubDB, tmp_path: Path
) -> None:
    one = desk_store(tmp_path, "desk-1", 1, seed=5)
    await drain(one, hub.url, enrol(hub_db, "desk-1"))
    person = next(people(5))
    now = datetime.now().astimezone()
    session = build_session({**SESSION_FORM, "desk_id": "desk-2"}, today=now.date())
    ctx = EntryContext(session=session, mode=Mode.LIVE, now=now)
    sync, client = worker(tmp_path / "desk-2.db", hub.url, enrol(hub_db, "desk-2"))
    with open_store(tmp_path / "desk-2.db") as store:
        try:
            assert await sync.pull_history(person.person_key) == 1
        finally:
            await client.close()
        [earlier] = store.history(person.person_key)
        assert earlier.desk_id == "desk-1" and earlier.dose_number == 1
        with pytest.raises(DuplicateDose, match="desk desk-1"):
            store.save(build_record({**identity_to_form(person), "dose_number": "1"}, ctx))
        # Dose 2 the same day is too soon, against desk-1's dose; an override stores it.
        record = build_record(identity_to_form(person), ctx)
        with pytest.raises(DoseRulesBroken) as refused:
            store.save(record)
        [too_soon] = refused.value.problems
        assert too_soon.code == "dose.too_soon" and too_soon.params["desk"] == "desk-1"
        override = DoseOverride("lost card, doctor's order", "Trần Văn Cường")
        assert store.save(record, override).dose_number == 2


def test_sigkill_during_upload_then_restart(hub: HubServer, hub_db: HubDB, tmp_path: Path) -> None:
    path = desk_store(tmp_path, "desk-1", 40)
    token = enrol(hub_db, "desk-1")
    slow = FaultProxy(hub.port, weights=(0, 1, 0, 0, 0), delay=2.0).start()
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")}
    try:
        syncing = subprocess.Popen(
            [sys.executable, "-m", "vaxdesk", "sync", "--db", str(path), "--hub", slow.url,
             "--token", token],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(200):  # wait until a batch is in flight
            if outbox(path).get("inflight"):
                break
            asyncio.run(asyncio.sleep(0.02))
        assert outbox(path).get("inflight")
        os.kill(syncing.pid, signal.SIGKILL)
        syncing.wait(10)
    finally:
        slow.stop()
    assert outbox(path).get("inflight")  # left in flight by the crash
    restarted = subprocess.run(
        [sys.executable, "-m", "vaxdesk", "sync", "--db", str(path), "--hub", hub.url,
         "--token", token, "--once"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert restarted.returncode == 0, restarted.stderr
    assert_exactly_once(hub_db, path)


def test_backoff_has_full_jitter() -> None:
    rng = random.Random(1)
    delays = [backoff_delay(attempt, rng, 1.0, 60.0) for attempt in range(12)]
    assert all(0 <= d <= min(60, 2**a) for a, d in enumerate(delays))
    spread = {round(backoff_delay(5, random.Random(seed), 1.0, 60.0), 3) for seed in range(50)}
    assert len(spread) == 50  # desks coming back together do not retry together


def test_nothing_personal_in_the_hub_access_log(
    hub: HubServer, hub_db: HubDB, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    path = desk_store(tmp_path, "desk-1", 3, seed=9)

    async def session() -> None:
        await drain(path, hub.url, enrol(hub_db, "desk-1"))
        client = HubClient(hub.url, enrol(hub_db, "desk-2"))
        try:
            await client.doses(next(people(9)).person_key)
        finally:
            await client.close()

    with caplog.at_level(logging.INFO, logger="vaxdesk"):
        asyncio.run(session())
    text = caplog.text
    assert "POST /api/v2/items 200 desk=desk-1" in text
    stream = people(9)
    for _ in range(3):
        someone = next(stream)
        for personal in (someone.id_number, someone.full_name, someone.phone):
            assert personal not in text


def test_store_outbox_states(tmp_path: Path) -> None:
    path = desk_store(tmp_path, "desk-1", 3)
    with open_store(path) as store:
        claimed = store.outbox_claim(2)
        assert store.outbox_counts() == {"inflight": 2, "pending": 1}
        assert store.outbox_reset_inflight() == 2
        claimed = store.outbox_claim(3)
        seqs = [item.seq for item in claimed]
        store.outbox_settle([seqs[0]], {seqs[1]: "conflict: phone"}, [seqs[2]])
        assert store.outbox_counts() == {"acked": 1, "conflict": 1, "pending": 1}
        assert store.backlog() == 1
        assert store.outbox_conflicts()[0]["last_error"] == "conflict: phone"



async def test_https_with_a_site_made_certificate(hub_db: HubDB, tmp_path: Path) -> None:
    from sync.worker import HubUnavailable
    from vaxdesk.testing.hub import site_certificate

    ca, cert, key = site_certificate(tmp_path)
    server = HubServer(hub_db, tls=(cert, key)).start()
    token = enrol(hub_db, "desk-1")
    path = desk_store(tmp_path, "desk-1", 3)
    try:
        untrusting = HubClient(server.url, token)
        try:
            with pytest.raises(HubUnavailable, match=r"CERTIFICATE_VERIFY_FAILED|certificate"):
                await untrusting.heartbeat({})
        finally:
            await untrusting.close()
        trusting = HubClient(server.url, token, ca_file=ca)
        try:
            sync = SyncWorker(path, trusting, heartbeat_seconds=0)
            assert await sync.run(once=True)
        finally:
            await trusting.close()
    finally:
        server.stop()
    assert_exactly_once(hub_db, path)


async def test_a_rewritten_desk_audit_trail_shows_at_the_hub(
    hub: HubServer, hub_db: HubDB, tmp_path: Path
) -> None:
    path = desk_store(tmp_path, "desk-1", 3)
    token = enrol(hub_db, "desk-1")
    await drain(path, hub.url, token)  # its heartbeat carries the chain's head
    with open_store(path) as store:
        seq, head = store.people.head()
    assert seq == 3  # one row a saved record
    client = HubClient(hub.url, token)
    try:
        await client.heartbeat({"audit_seq": seq, "audit_head": head})
        stats = hub_db.site_stats(SITE, datetime.now(UTC))
        assert stats[0]["audit_alert"] == ""
        # The desk's file was replaced by an edited copy: the same row, another hash.
        await client.heartbeat({"audit_seq": seq, "audit_head": "f" * 64})
    finally:
        await client.close()
    stats = hub_db.site_stats(SITE, datetime.now(UTC))
    assert stats[0]["audit_alert"].startswith("audit trail rewritten: row 3")
