"""Benchmark of a slip scanned at another desk: how long from its code to the record open.

    python bench/slip_lookup.py [--records 10000] [--lookups 200] [--postgres URL]

Decode: a slip's Code 128 drawn with python-barcode, read by the desk's decoder (zxing).
Lookup: the hub (SQLite, and PostgreSQL when a URL is given or VAXDESK_TEST_POSTGRES is set)
holding `records` records answers a desk of the site for random ones over HTTP on loopback;
then the desk keeps the record in its store (what opening it for correction needs).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.sync import make_desk
from desk import Desk, slip_lookup
from domain.record import build_session
from domain.slip_code import slip_code
from hub.db import HubDB
from store import open_store
from sync.worker import HubClient, SyncWorker
from vaxdesk.testing.hub import SITE, HubServer, enrol


def ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"median {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


def decode_figure(record_id: str, folder: Path, rounds: int = 50) -> str:
    import barcode
    from barcode.writer import ImageWriter

    from scanner.decode import make_decoder
    from scanner.sources import read_image

    drawn = barcode.get("code128", slip_code(record_id), writer=ImageWriter())
    image = read_image(Path(drawn.save(str(folder / "slip"), options={"write_text": False})))
    assert image is not None
    decoder = make_decoder("zxing")
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        [code] = decoder.decode(image)
        times.append(time.perf_counter() - start)
    assert code.data.decode() == slip_code(record_id)
    return f"decode {image.shape[1]}x{image.shape[0]} slip: {ms(times)}"


async def lookups(url: str, folder: Path, records: int, count: int) -> str:
    db = HubDB(url)
    server = HubServer(db, lookups_per_minute=10**6).start()
    try:
        made = folder / "desk-1.db"
        make_desk(made, records)
        client = HubClient(server.url, enrol(db, "desk-1"), timeout=60)
        worker = SyncWorker(made, client, batch_size=500, heartbeat_seconds=0.0)
        await worker.run(once=True)
        await client.close()
        with open_store(made) as store:
            ids = [row["record_id"] for row in store.current_rows()]
        store = open_store(folder / "desk-2.db")
        desk = Desk(store, store.clock, site_id=SITE, desk_id="desk-2")
        desk.session = build_session({"site_id": SITE, "desk_id": "desk-2", "entered_by": "x",
                                      "vaccinator": "y", "vaccine": "AZ", "lot": "NX1234"},
                                     today=store.clock().date())  # fmt: skip
        asker = HubClient(server.url, enrol(db, "desk-2"))
        asked, kept = [], []
        for record_id in random.Random(4).sample(ids, min(count, len(ids))):
            start = time.perf_counter()
            body = await asker.record(record_id)
            middle = time.perf_counter()
            assert isinstance(slip_lookup.from_hub(desk, record_id, body), slip_lookup.SlipOpened)
            kept.append(time.perf_counter() - middle)
            asked.append(middle - start)
        await asker.close()
        store.close()
        kind = "postgresql" if db.postgres else "sqlite"
        return (f"hub ({kind}, {records} records) answers a record: {ms(asked)}; "
                f"the desk keeps it: {ms(kept)}")  # fmt: skip
    finally:
        server.stop()
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--lookups", type=int, default=200)
    parser.add_argument("--postgres", default=os.environ.get("VAXDESK_TEST_POSTGRES", ""))
    args = parser.parse_args()
    logging.disable(logging.INFO)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(decode_figure("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", folder))
        urls = [f"sqlite:///{folder / 'hub.db'}"] + ([args.postgres] if args.postgres else [])
        for url in urls:
            if url.startswith("postgresql"):
                import psycopg

                from hub.schema import TABLES

                with psycopg.connect(url, autocommit=True) as conn:
                    conn.execute(f"DROP TABLE IF EXISTS {', '.join(TABLES)}")
            sub = folder / url.split(":")[0]
            sub.mkdir()
            print(asyncio.run(lookups(url, sub, args.records, args.lookups)))


if __name__ == "__main__":
    main()
