"""Benchmark of the supervisor's load on the hub.

    python bench/supervise.py [--records 1000000] [--desks 50] [--seconds 20]

1. The hub's statistics (per-desk figures and site totals) with 50 desks and a million record
   versions stored over 100 days: milliseconds per query, p50 and p95.
2. Desks uploading for a while, with a supervisor screen's refresh every 2 seconds and with
   none: records per second the hub takes.
Stored bodies are short here (the statistics never read them), which keeps the file small.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.sync import make_desk
from dbkit import iso
from domain.clock import DEFAULT_TIMEZONE, day_bounds, site_zone
from hub.db import HubDB
from hub.tokens import issue_supervisor_token
from sync.supervision import SupervisorClient
from sync.worker import HubClient
from vaxdesk.testing.hub import SITE, HubServer, enrol


def fill(db: HubDB, records: int, desks: int) -> None:
    now = datetime.now(UTC)
    rows = []
    for n in range(records):
        day = now - timedelta(days=n % 100, minutes=n % 600)
        rows.append((str(uuid.UUID(int=n + 1)), 1, f"desk-{n % desks + 1:02d}", SITE,
                     f"cccd:{n:012d}", "active", "D", "AZ", 1 + n % 3,
                     day.date().isoformat(), "mild" if n % 997 == 0 else "", "h", "{}",
                     iso(day), iso(day)))  # fmt: skip
    with db._tx() as cur:
        for start in range(0, len(rows), 5000):
            for row in rows[start : start + 5000]:
                cur.execute(
                    "INSERT INTO records (record_id, version, desk_id, site_id, person_key, "
                    "status, screening, vaccine, dose_number, given_on, aefi, content_hash, "
                    "body, received_at, desk_recorded_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    row,
                )


def time_stats(db: HubDB, rounds: int) -> list[float]:
    now = datetime.now(UTC)
    day_start = day_bounds(now.astimezone(site_zone(DEFAULT_TIMEZONE)))[0]
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        db.site_stats(SITE, now, day_start)
        db.site_totals(SITE, day_start)
        times.append((time.perf_counter() - start) * 1000)
    return times


async def upload_rate(url: str, tokens: list[str], desks: list[list[dict]], seconds: float,
                      supervisor: str | None) -> float:  # fmt: skip
    sent = 0
    stop = asyncio.Event()

    async def desk(token: str, bodies: list[dict]) -> None:
        nonlocal sent
        client = HubClient(url, token, timeout=60)
        try:
            for i in range(0, len(bodies), 20):
                if stop.is_set():
                    return
                await client.upload(bodies[i : i + 20])
                sent += len(bodies[i : i + 20])
        finally:
            await client.close()

    async def watch() -> None:
        assert supervisor is not None
        client = SupervisorClient(url, supervisor, SITE)
        try:
            while not stop.is_set():
                await client.stats()
                await asyncio.sleep(2)
        finally:
            await client.close()

    tasks = [asyncio.create_task(desk(t, b)) for t, b in zip(tokens, desks, strict=True)]
    if supervisor:
        tasks.append(asyncio.create_task(watch()))
    start = time.perf_counter()
    await asyncio.sleep(seconds)
    stop.set()
    elapsed = time.perf_counter() - start
    await asyncio.gather(*tasks)
    return sent / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--desks", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--uploaders", type=int, default=5)
    args = parser.parse_args()
    logging.getLogger("vaxdesk").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        db = HubDB(f"sqlite:///{tmp}/hub.db")
        started = time.perf_counter()
        fill(db, args.records, args.desks)
        print(f"hub filled with {args.records:,} records of {args.desks} desks over 100 days "
              f"in {time.perf_counter() - started:.0f} s")  # fmt: skip
        times = time_stats(db, 20)
        print(f"statistics (per-desk figures + site totals), SQLite: p50 "
              f"{statistics.median(times):.0f} ms, p95 {sorted(times)[18]:.0f} ms")  # fmt: skip
        supervisor = issue_supervisor_token(db, SITE, datetime.now(UTC))
        server = HubServer(db).start()
        for label, watcher in (("no supervisor", None), ("supervisor every 2 s", supervisor)):
            tokens, bodies = [], []
            for n in range(args.uploaders):
                desk_id = f"up-{label[:2]}-{n}"
                token = enrol(db, desk_id)
                path = Path(tmp) / f"{desk_id}.db"
                make_desk(path, 3000, desk_id)
                from store import open_store

                with open_store(path) as store:
                    bodies.append([item.payload for item in store.outbox_claim(3000)])
                tokens.append(token)
            rate = asyncio.run(upload_rate(server.url, tokens, bodies, args.seconds, watcher))
            print(f"upload rate, {args.uploaders} desks in batches of 20, {label}: "
                  f"{rate:,.0f} records/s")  # fmt: skip
        server.stop()
        db.close()


if __name__ == "__main__":
    main()
