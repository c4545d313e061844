"""Benchmark of sync: the hub's ingest rate, and a desk's backlog draining after an outage.

    python bench/sync.py [--records 10000] [--batch 100] [--postgres URL]

Ingest: records/second the hub keeps, uploaded in batches over HTTP on loopback (SQLite, and
PostgreSQL when a URL is given or VAXDESK_TEST_POSTGRES is set). Drain: a desk with a backlog
sees the hub come back after an outage; the time until its backlog is 0, with the worker's real
backoff (1 s doubling, full jitter, 60 s cap).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.record import (
    EntryContext,
    Mode,
    build_record,
    build_session,
    identity_to_form,
)
from hub.db import HubDB
from scanner.synthetic import people
from store import open_store
from sync.worker import HubClient, SyncState, SyncWorker
from vaxdesk.testing.hub import SITE, HubServer, enrol


def make_desk(path: Path, records: int, desk_id: str = "desk-1") -> None:
    now = datetime.now().astimezone()
    form = {"site_id": SITE, "desk_id": desk_id, "entered_by": "Lê Thị Hoa",
            "vaccinator": "Nguyễn Văn Bình", "vaccine": "AZ", "lot": "NX1234"}  # fmt: skip
    ctx = EntryContext(session=build_session(form, today=now.date()), mode=Mode.LIVE, now=now)
    stream = people(42)
    with open_store(path) as store:
        store.conn.execute("PRAGMA synchronous=OFF")  # setting up, not measuring
        for _ in range(records):
            store.save(build_record(identity_to_form(next(stream)), ctx))


async def ingest(url: str, token: str, bodies: list[dict], batch: int) -> float:
    """Records per second, sent as the worker sends them: outbox items of kind record."""
    items = [{"kind": "record", "key": b["record_id"], "version": b["version"], "payload": b}
             for b in bodies]  # fmt: skip
    client = HubClient(url, token, timeout=60)
    start = time.perf_counter()
    try:
        for i in range(0, len(items), batch):
            reply = await client.upload_items(items[i : i + batch])
            assert all(r["result"] == "stored" for r in reply["results"])
    finally:
        await client.close()
    return len(bodies) / (time.perf_counter() - start)


async def drain_after_outage(hub_db: HubDB, desk: Path, batch: int, outage: float) -> dict:
    token = enrol(hub_db, "desk-1")
    server = HubServer(hub_db)
    states: list[SyncState] = []
    client = HubClient(server.url, token, timeout=30)
    worker = SyncWorker(desk, client, batch_size=batch, on_state=states.append)
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    await asyncio.sleep(outage)
    server.start()
    back = time.perf_counter()
    first_upload = None
    while not states or states[-1].backlog or states[-1].unreachable_since:
        await asyncio.sleep(0.01)
        if first_upload is None and hub_db.count_versions():
            first_upload = time.perf_counter()
    done = time.perf_counter()
    stop.set()
    await task
    await client.close()
    server.stop()
    return {
        "wait": (first_upload or done) - back,
        "upload": done - (first_upload or done),
        "total": done - back,
        "held": hub_db.count_versions(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--outage", type=float, default=5.0, help="seconds the hub is down")
    parser.add_argument("--postgres", default=os.environ.get("VAXDESK_TEST_POSTGRES", ""))
    args = parser.parse_args()
    logging.getLogger("vaxdesk").setLevel(logging.ERROR)  # the outage is on purpose
    with tempfile.TemporaryDirectory() as tmp:
        desk = Path(tmp) / "desk.db"
        started = time.perf_counter()
        make_desk(desk, args.records)
        print(f"desk with {args.records} records made in {time.perf_counter() - started:.1f} s")
        with open_store(desk) as store:
            bodies = [item.payload for item in store.outbox_claim(args.records)]
            store.outbox_reset_inflight()
        backends = [("sqlite", f"sqlite:///{tmp}/hub.db")]
        if args.postgres:
            backends.append(("postgresql", args.postgres))
        for name, url in backends:
            db = HubDB(url)
            with db._tx() as cur:
                cur.execute("DELETE FROM records")
            server = HubServer(db).start()
            rate = asyncio.run(ingest(server.url, enrol(db, "desk-1"), bodies, args.batch))
            server.stop()
            print(
                f"hub ingest, {name}: {rate:,.0f} records/s "
                f"({args.records} records, batches of {args.batch}, HTTP on loopback)"
            )
            with db._tx() as cur:
                cur.execute("DELETE FROM records")
                cur.execute("DELETE FROM heartbeats")
            figures = asyncio.run(drain_after_outage(db, desk, args.batch, args.outage))
            print(f"backlog of {args.records} after a {args.outage:g} s outage, {name}: drained "
                  f"{figures['total']:.1f} s after the hub came back (backoff wait "
                  f"{figures['wait']:.1f} s + upload {figures['upload']:.1f} s); hub holds "
                  f"{figures['held']}")  # fmt: skip
            db.close()
            with open_store(desk) as store:  # the same backlog again for the next back end
                store.conn.execute("UPDATE outbox SET state = 'pending'")


if __name__ == "__main__":
    main()
