"""Benchmark of the supervisor's load on the hub.

    python bench/supervise.py [--records 100000,1000000] [--desks 50] [--days 100]
                              [--seconds 20] [--postgres URL]

1. The hub's statistics (per-desk figures and site totals, from the counters kept at ingest)
   with 50 desks and 100 thousand to millions of record versions over 100 days, as a real hub
   holds them: every day's records spread over all desks and the working day (today's over
   the hours so far), 4% corrected, 1% voided, an AEFI field on one in a thousand.
   Milliseconds per call, p50 and p95, beside the same figures scanned from the records (the
   queries the hub ran before its counters) in the same run; the stats route over HTTP; the
   time `rebuild-stats` takes.
2. Desks uploading for a while, with a supervisor screen's refresh every 2 seconds and with
   none: records per second the hub takes. Then the figures before and after `rebuild-stats`,
   compared (the uploads' counters were kept at ingest).
Stored bodies are short here (the statistics never read them), which keeps the file small.
SQLite always; PostgreSQL when a URL is given (its server's durability is said).
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
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.sync import durability, make_desk, numbers
from dbkit import iso
from domain.clock import DEFAULT_TIMEZONE, day_bounds, site_zone
from hub.db import HubDB
from hub.records_db import RECORD_COLUMNS
from hub.schema import TABLES
from hub.tokens import issue_supervisor_token
from sync.supervision import SupervisorClient
from sync.worker import HubClient
from tests.test_counters import scanned
from vaxdesk.testing.hub import SITE, HubServer, enrol

ZONE = site_zone(DEFAULT_TIMEZONE)


def fill(db: HubDB, records: int, desks: int, days: int, now: datetime) -> None:
    """`records` first versions over `days` days up to now, each day's over every desk and
    its working hours (07:00-17:00; today's up to now), and their corrections and voids."""
    today = day_bounds(now.astimezone(ZONE))[0]
    per_day = max(1, records // days)
    batch: list[tuple[Any, ...]] = []

    def row(n: int, version: int, when: datetime, status: str, screening: str) -> tuple:
        given = when.astimezone(ZONE).date().isoformat()
        dose = screening == "D"
        return (str(uuid.UUID(int=n + 1)), version, f"desk-{n % desks + 1:02d}", SITE,
                f"cccd:{n:012d}", status, screening, "AZ" if dose else "",
                1 + n % 3 if dose else None, given, "mild" if n % 997 == 0 and dose else "",
                "h", "{}", iso(when + timedelta(seconds=30)), iso(when), "", "", "")  # fmt: skip

    for n in range(records):
        day = days - 1 - min(days - 1, n // per_day)  # days ago: the oldest first
        start = today - timedelta(days=day) + timedelta(hours=7)
        span = (now - today).total_seconds() if day == 0 else 10 * 3600
        when = start + timedelta(seconds=(n % per_day) * max(1.0, span - 7 * 3600) / per_day)
        if day == 0:
            when = today + timedelta(seconds=(n % per_day) * span / per_day)
        screening = "D" if n % 10 else "H"
        batch.append(row(n, 1, when, "active", screening))
        if n % 25 == 0:  # corrected a little later: another dose number
            batch.append(row(n, 2, when + timedelta(minutes=5), "active", screening))
        if n % 100 == 1:  # voided
            batch.append(row(n, 2, when + timedelta(minutes=9), "voided", screening))
        if len(batch) >= 20_000:
            with db._tx() as cur:
                cur.insert_rows("records", RECORD_COLUMNS, batch)
            batch = []
    with db._tx() as cur:
        cur.insert_rows("records", RECORD_COLUMNS, batch)


def timed(call: Callable[[], Any], rounds: int) -> tuple[float, float]:
    """p50 and p95 milliseconds of `rounds` calls."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(len(times) * 0.95))]


def figures(db: HubDB, now: datetime) -> tuple[Any, Any]:
    day_start = day_bounds(now.astimezone(ZONE))[0]
    return db.site_figures(SITE, now, day_start)


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


def fresh(url: str) -> HubDB:
    if url.startswith("postgresql"):
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP TABLE IF EXISTS {', '.join(TABLES)}")
    return HubDB(url)


def statistics_at(url: str, size: int, args: argparse.Namespace, label: str) -> None:
    db = fresh(url)
    now = datetime.now(UTC)
    day_start = day_bounds(now.astimezone(ZONE))[0]
    started = time.perf_counter()
    if not url.startswith("postgresql"):
        db._conn.execute("PRAGMA synchronous=OFF")  # filling, not measuring
    fill(db, size, args.desks, args.days, now)
    filled = time.perf_counter() - started
    started = time.perf_counter()
    db.rebuild_stats()
    rebuilt = time.perf_counter() - started
    held = db.count_versions()
    today = sum(d["today"] for d in db.site_stats(SITE, now, day_start))
    counters = timed(lambda: figures(db, now), 20)
    scans = timed(lambda: scanned(db, SITE, day_start), 3 if size > 1_000_000 else 5)
    server = HubServer(db).start()
    supervisor = issue_supervisor_token(db, SITE, now)

    async def over_http() -> tuple[float, float]:
        client = SupervisorClient(server.url, supervisor, SITE)
        times = []
        try:
            for _ in range(21):
                start = time.perf_counter()
                await client.stats()
                times.append((time.perf_counter() - start) * 1000)
        finally:
            await client.close()
        times = sorted(times[1:])  # the first counts what was never sent (then every 30 s)
        return statistics.median(times), times[18]

    route = asyncio.run(over_http())
    server.stop()
    print(f"{label:<10} {held:>10,} {today:>7,} {counters[0]:>7.1f} {counters[1]:>7.1f} "
          f"{scans[0]:>9.0f} {route[0]:>8.1f} {route[1]:>8.1f} {filled:>7.0f} {rebuilt:>8.1f}",
          flush=True)  # fmt: skip
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=numbers, default=[100_000, 1_000_000])
    parser.add_argument("--desks", type=int, default=50)
    parser.add_argument("--days", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--uploaders", type=int, default=5)
    parser.add_argument("--postgres", default="")
    args = parser.parse_args()
    logging.getLogger("vaxdesk").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        backends = [("sqlite", f"sqlite:///{tmp}/hub.db")]
        if args.postgres:
            backends.append(("postgres", args.postgres))
            print(f"postgres: {durability(args.postgres)}")
        print(f"statistics of one site, {args.desks} desks, records over {args.days} days; ms "
              "p50/p95 from the counters, p50 scanning the records (before the counters), "
              "p50/p95 of the stats route over HTTP (+ platform figures); fill and "
              "rebuild-stats in s")  # fmt: skip
        print(f"{'back end':<10} {'versions':>10} {'today':>7} {'p50':>7} {'p95':>7} "
              f"{'scan p50':>9} {'http p50':>8} {'http p95':>8} {'fill':>7} {'rebuild':>8}")
        for name, url in backends:
            for size in args.records:
                if name == "sqlite":
                    Path(f"{tmp}/hub.db").unlink(missing_ok=True)
                statistics_at(url, size, args, name)
        if args.seconds:
            uploads(f"sqlite:///{tmp}/hub.db", Path(tmp), args)


def uploads(url: str, tmp: Path, args: argparse.Namespace) -> None:
    db = HubDB(url)
    now = datetime.now(UTC)
    supervisor = issue_supervisor_token(db, SITE, now)
    server = HubServer(db).start()
    for label, watcher in (("no supervisor", None), ("supervisor every 2 s", supervisor)):
        tokens, bodies = [], []
        for n in range(args.uploaders):
            desk_id = f"up-{label[:2]}-{n}"
            tokens.append(enrol(db, desk_id))
            path = tmp / f"{desk_id}.db"
            make_desk(path, 3000, desk_id)
            from store import open_store

            with open_store(path) as store:
                bodies.append([item.payload for item in store.outbox_claim(3000)])
        rate = asyncio.run(upload_rate(server.url, tokens, bodies, args.seconds, watcher))
        print(f"upload rate, {args.uploaders} desks in batches of 20, {label}: "
              f"{rate:,.0f} records/s")  # fmt: skip
    server.stop()
    before = figures(db, now)
    db.rebuild_stats()
    same = figures(db, now) == before
    print(f"figures of {db.count_versions():,} versions before and after rebuild-stats: "
          f"{'the same' if same else 'DIFFERENT'}")  # fmt: skip
    db.close()
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
