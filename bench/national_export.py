"""Benchmark of `vaxdesk hub export --format xlsx`: a generated hub (SQLite, or the URL given)
holding one site's records, every person with doses 1 and 2, one record in 50 corrected in a
second version and one in 100 voided; exported to the national template.

    python bench/national_export.py [--records 100000] [--db postgresql://...]

Prints the time to export (read the latest versions page by page, group by person, write the
streamed workbook) and records and rows per second; filling the hub is not counted.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hub.db import Desk, HubDB
from hub.national_export import export_site

SITE = "BENCH-SITE"
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Giang", "Hà", "Hương", "Khánh", "Lan", "Nam"]
START = date(2021, 8, 1)


def body(n: int, dose: int, version: int = 1, **given: Any) -> dict[str, Any]:
    rng = random.Random(n)
    id_number = f"0010{n:08d}"
    day = START + timedelta(days=rng.randrange(20) + (28 if dose == 2 else 0))
    fields: dict[str, Any] = {
        "record_id": f"r{n:08d}-{dose}", "version": version, "status": "active",
        "void_reason": "", "desk_id": "desk-1", "site_id": SITE, "session_id": "s",
        "id_type": "cccd", "id_number": id_number, "person_key": f"cccd:{id_number}",
        "full_name": f"{rng.choice(SURNAMES)} Văn {rng.choice(GIVEN)}",
        "dob": f"19{50 + n % 50}-0{1 + n % 9}-1{n % 10}", "sex": "Nam" if n % 2 else "Nữ",
        "phone": f"09{n:08d}", "province_code": "1", "ward_code": "70",
        "address": f"{n % 300} Hàng Bạc", "screening": "eligible", "vaccine": "AZ",
        "lot": f"A{dose}{n % 1000:04d}", "dose_number": dose, "given_on": day.isoformat(),
        "given_time": "09:00", "vaccinator": "v", "aefi": "none", "aefi_note": "",
        "observed_until": "", "source": "desk", "entered_by": "lan",
        "recorded_at": f"{day.isoformat()}T09:00:00+07:00",
    }  # fmt: skip
    fields.update(given)
    return fields


def fill(db: HubDB, records: int) -> None:
    desk, now, batch = Desk("desk-1", SITE), datetime.now(UTC), []
    for index in range(records):
        n, dose = divmod(index, 2)
        batch.append(body(n, dose + 1))
        if index % 50 == 7:
            batch.append(body(n, dose + 1, 2, lot="FIXED"))
        if index % 100 == 13:
            batch.append(body(n, dose + 1, 3, status="voided", void_reason="duplicate"))
        if len(batch) >= 2000:
            db.ingest(desk, batch, now)
            batch = []
    if batch:
        db.ingest(desk, batch, now)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--db", help="a hub database URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = HubDB(args.db or f"sqlite:///{Path(tmp) / 'hub.db'}")
        began = time.perf_counter()
        fill(db, args.records)
        print(f"hub filled with {db.count_versions():,} versions in "
              f"{time.perf_counter() - began:.1f} s")  # fmt: skip
        out = Path(tmp) / "national.xlsx"
        began = time.perf_counter()
        done = export_site(db, SITE, START, START + timedelta(days=90), out)
        took = time.perf_counter() - began
        db.close()
        print(f"exported {done.records:,} records as {done.people:,} rows in {took:.1f} s: "
              f"{done.records / took:,.0f} records/s, {done.people / took:,.0f} rows/s, "
              f"{out.stat().st_size / 1e6:.1f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
