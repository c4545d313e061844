"""Benchmark of vaccine stock (issue 16): what working out a site's lots costs.

    python bench/stock.py [--records 100000] [--rounds 9] [--desk-records 3000]

1. The hub: a site's stock (receipts, allocations, movements, and the doses given counted
   from its records by vaccine, lot and desk), with that many record versions uploaded since
   its first receipt and as many again before it (never read); milliseconds, p50 and p95,
   SQLite and (with VAXDESK_TEST_POSTGRES or --postgres) PostgreSQL. The supervisor's figures
   work it out at most every 30 s; the report and `hub stock list` once.
2. The report (xlsx) of that site: milliseconds.
3. The desk: what it holds of its lots (its own doses counted), as the entry screen's status
   line works it out after each save, on a desk file with that many records.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dbkit import iso
from domain.record import EntryContext, Mode, build_record, build_session, identity_to_form
from domain.stock import Allocation, Receipt
from hub import stock_db
from hub.db import HubDB
from hub.stock_report import write_report
from scanner.synthetic import people
from store import open_store
from store.stock import desk_holdings, keep_stock
from vaxdesk.testing.hub import SITE, enrol

LOTS = ("NX1234", "NX1235", "FK0001", "FK0002")


def fill(db: HubDB, records: int, receipt_day: date) -> None:
    """`records` versions uploaded after the first receipt, as many before it."""
    after = datetime.combine(receipt_day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=8)
    rows = []
    for n in range(2 * records):
        before = after - timedelta(days=3, seconds=n)
        moment = after + timedelta(seconds=n % 36000) if n < records else before
        lot = LOTS[n % len(LOTS)]
        rows.append((str(uuid.UUID(int=n + 1)), 1, f"desk-{n % 10 + 1:02d}", SITE,
                     f"cccd:{n:012d}", "active", "D", "AZ" if lot.startswith("NX") else "PF",
                     1, moment.date().isoformat(), "", "h", f'{{"lot":"{lot}"}}',
                     iso(moment), iso(moment)))  # fmt: skip
    with db._tx() as cur:
        cur.executemany(
            "INSERT INTO records (record_id, version, desk_id, site_id, person_key, status, "
            "screening, vaccine, dose_number, given_on, aefi, content_hash, body, received_at, "
            "desk_recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    now = datetime.now(UTC)
    for lot in LOTS:
        vaccine = "AZ" if lot.startswith("NX") else "PF"
        stock_db.receive(db, Receipt(stock_db.new_id(), SITE, vaccine, lot, 100_000, 10,
                                     receipt_day + timedelta(days=300), "CDC", receipt_day),
                         receipt_day, now)  # fmt: skip
        for desk in range(1, 11):
            enrol(db, f"desk-{desk:02d}")
            stock_db.allocate(db, Allocation(stock_db.new_id(), SITE, vaccine, lot,
                                             f"desk-{desk:02d}", 100, receipt_day),
                              receipt_day, now)  # fmt: skip


def timed(call: Callable[[], object], rounds: int) -> tuple[float, float]:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def hub_figures(url: str, name: str, records: int, rounds: int, folder: Path) -> None:
    db = HubDB(url)
    try:
        today = date.today()
        fill(db, records, today - timedelta(days=1))
        p50, p95 = timed(lambda: stock_db.holdings(db, SITE), rounds)
        lots = stock_db.holdings(db, SITE)
        given = sum(h.given_doses for h in lots)
        print(f"{name}: site stock, {records:,} records counted ({given:,} doses), "
              f"{records:,} before: p50 {p50:.1f} ms, p95 {p95:.1f} ms")  # fmt: skip
        out = folder / f"report-{name}.xlsx"
        p50, _ = timed(lambda: write_report(db, SITE, out, today), max(3, rounds // 3))
        print(f"{name}: stock report xlsx ({out.stat().st_size:,} bytes): p50 {p50:.1f} ms")
    finally:
        db.close()


def desk_figures(records: int, rounds: int, folder: Path) -> None:
    path = folder / "desk.db"
    now = datetime.now().astimezone()
    form = {"site_id": SITE, "desk_id": "desk-01", "entered_by": "Lê Thị Hoa",
            "vaccinator": "Nguyễn Văn Bình", "vaccine": "AZ", "lot": "NX1234"}  # fmt: skip
    ctx = EntryContext(session=build_session(form, today=now.date()), mode=Mode.LIVE, now=now)
    stream = people(5)
    with open_store(path) as store:
        for _ in range(records):
            store.save(build_record(identity_to_form(next(stream)), ctx))
        keep_stock(store, [{"vaccine": "AZ", "lot": "NX1234", "expires_on": "2030-01-01",
                            "doses_per_vial": 10, "allocated_vials": 500}], None)  # fmt: skip
        p50, p95 = timed(lambda: desk_holdings(store, "desk-01"), rounds * 5)
    print(f"desk: its lots with {records:,} records of its own: p50 {p50:.2f} ms, "
          f"p95 {p95:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--desk-records", type=int, default=3000)
    parser.add_argument("--postgres", default=os.environ.get("VAXDESK_TEST_POSTGRES", ""))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        hub_figures(f"sqlite:///{folder / 'hub.db'}", "sqlite", args.records, args.rounds,
                    folder)  # fmt: skip
        if args.postgres:
            import psycopg

            from hub.schema import TABLES

            with psycopg.connect(args.postgres, autocommit=True) as conn:
                conn.execute(f"DROP TABLE IF EXISTS {', '.join(TABLES)}")
            hub_figures(args.postgres, "postgresql", args.records, args.rounds, folder)
        desk_figures(args.desk_records, args.rounds, folder)


if __name__ == "__main__":
    main()
