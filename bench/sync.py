"""Benchmark of sync: the hub's ingest rate with many desks at once, and a desk's backlog
draining after an outage.

    python bench/sync.py [--records 16000] [--desks 1,4,16] [--batches 100,500]
                         [--postgres URL] [--against TREE] [--rounds 1] [--drain 2000]

Ingest: records/second the hub keeps, with 1, 4 and 16 desks uploading at once over HTTP on
loopback, each desk with its own token and its own records, batches prepared beforehand (raw
JSON posts, so the desks' own cost is not what is measured). The hub runs in its own process,
as in the field; its CPU per record (all its threads, from /proc) is printed beside the wall
rate, the steadier figure on a shared machine. Every run ends with an exact count of what the
hub holds. SQLite always; PostgreSQL when a URL is given or VAXDESK_TEST_POSTGRES is set (its
server's own CPU is not in the hub's figure). `--against TREE`: another checkout (main) run
interleaved with this one, run for run, in the same hub database, for a before/after ratio.

Drain: a desk with a backlog sees the hub come back after an outage; the time until its
backlog is 0, with the worker's real backoff (1 s doubling, full jitter, 60 s cap).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from statistics import median
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(HERE))

from domain.record import (
    EntryContext,
    Mode,
    build_record,
    build_session,
    identity_to_form,
)
from domain.wire import DESK_TIME_HEADER, HEALTH_PATH, ITEMS_PATH
from hub.db import HubDB
from scanner.synthetic import people
from store import open_store
from sync.worker import HubClient, SyncState, SyncWorker
from vaxdesk.testing.hub import SITE, HubServer, enrol, free_port

# The hub as `vaxdesk hub serve` runs it, from the checkout given: its app under uvicorn.
# Its record checks in as many worker processes as asked (a checkout before them: none).
SERVE = """
import inspect, sys
sys.path.insert(0, sys.argv[1])
import uvicorn
from hub.app import create_hub
from hub.db import HubDB
workers = int(sys.argv[4])
options = {"check_workers": workers} if workers else {}
uvicorn.run(create_hub(HubDB(sys.argv[2]), **options), host="127.0.0.1", port=int(sys.argv[3]),
            log_level="warning", access_log=False)
"""


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


def desk_batches(base: list[dict[str, Any]], desk_id: str, records: int, batch: int) -> list[bytes]:
    """This desk's own records (new ids, its name), as the request bodies it would post."""
    items = []
    for n in range(records):
        body = {**base[n % len(base)], "record_id": str(uuid.uuid4()), "desk_id": desk_id}
        items.append({"kind": "record", "key": body["record_id"], "version": 1, "payload": body})
    return [json.dumps({"items": items[i : i + batch]}, ensure_ascii=False).encode()
            for i in range(0, len(items), batch)]  # fmt: skip


class HubProcess:
    """The hub of one checkout in its own process; its CPU seconds so far from /proc."""

    def __init__(self, tree: Path, url: str, workers: int = 0) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PYTHONPATH": str(tree)}
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVE, str(tree), url, str(self.port), str(workers)],
            env=env, cwd=tree,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(self.url + HEALTH_PATH, timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"the hub of {tree} did not start") from None
                time.sleep(0.1)

    def cpu(self) -> float:
        """CPU seconds of the hub and of its processes (its checking workers)."""
        used = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                pid, rest = stat.read_text().split(" ", 1)
            except OSError:
                continue
            fields = rest.rsplit(")", 1)[1].split()
            if int(pid) == self.process.pid or int(fields[1]) == self.process.pid:
                used += int(fields[11]) + int(fields[12])
        return used / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


async def upload_all(url: str, desks: list[tuple[str, list[bytes]]]) -> None:
    """Every desk posts its batches one after another, all desks at once; all stored."""

    async def one_desk(token: str, batches: list[bytes]) -> None:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                   DESK_TIME_HEADER: datetime.now(UTC).isoformat()}  # fmt: skip
        async with httpx.AsyncClient(base_url=url, headers=headers, timeout=120) as client:
            for content in batches:
                reply = await client.post(ITEMS_PATH, content=content)
                reply.raise_for_status()
                results = reply.json()["results"]
                assert all(r["result"] == "stored" for r in results), results[:3]

    await asyncio.gather(*(one_desk(token, batches) for token, batches in desks))


def clear(db: HubDB) -> None:
    with db._tx() as cur:
        cur.execute("DELETE FROM records")
        cur.execute("DELETE FROM conflicts")


def ingest_run(db: HubDB, hub: HubProcess, desks: list[tuple[str, list[bytes]]],
               total: int) -> tuple[float, float]:  # fmt: skip
    """(records/s, hub CPU µs a record) of one upload of every desk's batches."""
    clear(db)
    cpu, start = hub.cpu(), time.perf_counter()
    asyncio.run(upload_all(hub.url, desks))
    wall, used = time.perf_counter() - start, hub.cpu() - cpu
    held = db.count_versions()
    if held != total:
        raise SystemExit(f"the hub holds {held} records, {total} were sent")
    return total / wall, used / total * 1e6


def ingest_table(db: HubDB, name: str, url: str, base: list[dict[str, Any]],
                 args: argparse.Namespace) -> None:  # fmt: skip
    trees = [(f"w={workers}" if len(args.check_workers) > 1 else "this", HERE, workers)
             for workers in args.check_workers]  # fmt: skip
    trees += [("against", Path(args.against).resolve(), 0)] if args.against else []
    tokens = [enrol(db, f"desk-{n}") for n in range(1, max(args.desks) + 1)]
    hubs = {label: HubProcess(tree, url, workers) for label, tree, workers in trees}
    print(f"\nhub ingest, {name}: {args.records} records a run, HTTP on loopback"
          + (", 'against' = " + args.against if args.against else ""))  # fmt: skip
    head = f"{'desks':>5} {'batch':>5} " + " ".join(
        f"{label + ' rec/s':>14} {'µs CPU/rec':>10}" for label, _, _ in trees
    )
    print(head + ("   ratio (rec/s, CPU)" if args.against else ""))
    try:
        for desks in args.desks:
            for batch in args.batches:
                each = args.records // desks
                work = [(tokens[n], desk_batches(base, f"desk-{n + 1}", each, batch))
                        for n in range(desks)]  # fmt: skip
                figures: dict[str, list[tuple[float, float]]] = {t[0]: [] for t in trees}
                for _ in range(args.rounds):  # interleaved: this, against, this, against...
                    for label, _, _ in trees:
                        figures[label].append(ingest_run(db, hubs[label], work, each * desks))
                best = {label: (median(r for r, _ in runs), median(c for _, c in runs))
                        for label, runs in figures.items()}  # fmt: skip
                line = f"{desks:>5} {batch:>5} " + " ".join(
                    f"{best[label][0]:>14,.0f} {best[label][1]:>10.0f}" for label, _, _ in trees
                )
                if args.against:
                    (rate, cpu), (old_rate, old_cpu) = best[trees[0][0]], best["against"]
                    line += f"   {rate / old_rate:.2f}x, {old_cpu / cpu:.2f}x less CPU"
                print(line, flush=True)
    finally:
        for hub in hubs.values():
            hub.stop()
    clear(db)


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


def durability(url: str) -> str:
    """How durable the PostgreSQL server's commits are: scripts/start-postgres runs it with
    fsync=off (a test server), where a commit never waits for the disk."""
    import psycopg

    with psycopg.connect(url) as conn:
        fsync, commit = (conn.execute(f"SHOW {name}").fetchone()[0]
                         for name in ("fsync", "synchronous_commit"))  # fmt: skip
    if fsync == "off":
        return "its server runs fsync=off: commits not durable, faster than in the field"
    return f"fsync={fsync}, synchronous_commit={commit}"


def numbers(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=16_000, help="records a run, all desks")
    parser.add_argument("--desks", type=numbers, default=[1, 4, 16])
    parser.add_argument("--batches", type=numbers, default=[100, 500])
    parser.add_argument("--rounds", type=int, default=3, help="runs of each; medians shown")
    parser.add_argument("--against", default="", help="another checkout, run interleaved")
    parser.add_argument("--drain", type=int, default=2000, help="backlog records (0: skip)")
    parser.add_argument("--batch", type=int, default=100, help="the drain's batch")
    parser.add_argument("--outage", type=float, default=5.0, help="seconds the hub is down")
    parser.add_argument("--check-workers", type=numbers, default=[1],
                        help="the hub's checking processes, e.g. 0,1,2 (each a hub of its own)")
    parser.add_argument("--postgres", default=os.environ.get("VAXDESK_TEST_POSTGRES", ""))
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    logging.getLogger("vaxdesk").setLevel(logging.ERROR)  # the outage is on purpose
    with tempfile.TemporaryDirectory() as tmp:
        desk = Path(tmp) / "desk.db"
        started = time.perf_counter()
        made = max(args.drain, 500)
        make_desk(desk, made)
        print(f"desk with {made} records made in {time.perf_counter() - started:.1f} s")
        with open_store(desk) as store:
            base = [item.payload for item in store.outbox_claim(made)]
            store.outbox_reset_inflight()
        backends = [("sqlite (synchronous=FULL: each commit on disk)", f"sqlite:///{tmp}/hub.db")]
        if args.postgres and not args.sqlite_only:
            backends.append((f"postgresql ({durability(args.postgres)})", args.postgres))
        for name, url in backends:
            db = HubDB(url)
            clear(db)
            ingest_table(db, name, url, base, args)
            if args.drain:
                with db._tx() as cur:
                    cur.execute("DELETE FROM heartbeats")
                figures = asyncio.run(drain_after_outage(db, desk, args.batch, args.outage))
                print(f"backlog of {made} after a {args.outage:g} s outage, {name}: drained "
                      f"{figures['total']:.1f} s after the hub came back (backoff wait "
                      f"{figures['wait']:.1f} s + upload {figures['upload']:.1f} s); hub holds "
                      f"{figures['held']}")  # fmt: skip
                clear(db)
            db.close()
            with open_store(desk) as store:  # the same backlog again for the next back end
                store.conn.execute("UPDATE outbox SET state = 'pending'")


if __name__ == "__main__":
    main()
