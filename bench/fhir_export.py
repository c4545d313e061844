"""Benchmark of `vaxdesk hub export --format fhir`: the hub of bench/national_export.py (one
site, every person with doses 1 and 2, one record in 50 corrected, one in 100 voided) and an
adverse event linked to one record in 100; exported as NDJSON and as a transaction Bundle.

    python bench/fhir_export.py [--records 100000] [--db postgresql://...]
                                [--form ndjson|bundle|both]

Prints, for each form, the time to export (read the latest versions page by page, make and
validate each resource with its fhir.resources model, write the parts, join them) and the
records and resources per second; filling the hub is not counted.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.national_export import SITE, START, fill
from hub.aefi_db import ingest_aefi
from hub.db import Desk, HubDB
from hub.fhir_export import export_site_fhir


def event(n: int) -> dict[str, Any]:
    day = START.isoformat()
    return {
        "event_id": f"0190a1b2-0000-7000-9000-{n:012d}", "version": 1,
        "record_id": f"r{n:08d}-1", "person_key": f"cccd:0010{n:08d}", "desk_id": "desk-1",
        "site_id": SITE, "given_on": day, "onset_on": day, "onset_time": "09:40",
        "symptoms": "fever,headache", "symptoms_other": "", "symptom_list": "2026-12",
        "severity": "mild", "treatment": "", "referral": "", "outcome": "recovered",
        "vaccinator": "v", "entered_by": "lan", "recorded_at": f"{day}T09:45:00+07:00",
    }  # fmt: skip


def add_events(db: HubDB, records: int) -> int:
    people = range(0, records // 2, 50)  # dose 1 of one person in 50: one record in 100
    desk, now = Desk("desk-1", SITE), datetime.now(UTC)
    batch = [event(n) for n in people]
    for first in range(0, len(batch), 2000):
        ingest_aefi(db, desk, batch[first : first + 2000], now)
    return len(batch)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--db", help="a hub database URL (default: a fresh SQLite file)")
    parser.add_argument("--form", choices=["ndjson", "bundle", "both"], default="both")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = HubDB(args.db or f"sqlite:///{Path(tmp) / 'hub.db'}")
        began = time.perf_counter()
        fill(db, args.records)
        events = add_events(db, args.records)
        print(f"hub filled with {db.count_versions():,} versions and {events:,} adverse events "
              f"in {time.perf_counter() - began:.1f} s")  # fmt: skip
        forms = {"ndjson": [False], "bundle": [True], "both": [False, True]}[args.form]
        for bundle in forms:
            out = Path(tmp) / ("site.json" if bundle else "site.ndjson")
            began = time.perf_counter()
            done = export_site_fhir(db, SITE, START, START + timedelta(days=90), out,
                                    bundle=bundle)  # fmt: skip
            took = time.perf_counter() - began
            resources = done.patients + done.immunizations + done.observations
            print(f"{'Bundle' if bundle else 'NDJSON'}: {done.immunizations:,} records "
                  f"({resources:,} resources) in {took:.1f} s: "
                  f"{done.immunizations / took:,.0f} records/s, {resources / took:,.0f} "
                  f"resources/s, {out.stat().st_size / 1e6:.1f} MB")  # fmt: skip
        db.close()


if __name__ == "__main__":
    main()
