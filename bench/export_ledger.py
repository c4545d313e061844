"""Benchmark of the export ledger: the hub of bench/national_export.py exported (the file and
its ledger rows), the "not yet sent" count the supervisor's figures ask for at each refresh,
an `--only-new` export with nothing new, and the platform's result file read back with one
row in 100 refused.

    python bench/export_ledger.py [--records 100000] [--db postgresql://...]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.national_export import SITE, START, fill
from hub.db import HubDB
from hub.export_ledger import not_sent_count, refused_count
from hub.national_export import SHEET, export_site, write_template
from hub.platform_results import import_results


def timed(what: str, call, *args, **kwargs):  # type: ignore[no-untyped-def]
    began = time.perf_counter()
    result = call(*args, **kwargs)
    print(f"{what}: {time.perf_counter() - began:.2f} s")
    return result


def answered(exported: Path, out: Path) -> Path:
    """The platform's result file, streamed: the exported rows, one in 100 refused."""
    from python_calamine import CalamineWorkbook

    lines = CalamineWorkbook.from_path(str(exported)).get_sheet_by_name(SHEET).iter_rows()
    title = ""
    rows = []
    for index, line in enumerate(lines, 1):
        if index == 2:
            title = str(line[0])
        if index >= 9:
            cells = [int(v) if isinstance(v, float) else v for v in line]
            cells[24] = "Sai số lô" if cells[0] % 100 == 0 else "Thành công"
            rows.append(cells)
    write_template(rows, out, title=title)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--db", help="a hub database URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    end = START + timedelta(days=90)
    with tempfile.TemporaryDirectory() as tmp:
        db = HubDB(args.db or f"sqlite:///{Path(tmp) / 'hub.db'}")
        fill(db, args.records)
        print(f"hub filled with {db.count_versions():,} versions")
        count = timed("not yet sent, before", not_sent_count, db, SITE)
        out = Path(tmp) / "national.xlsx"
        done = timed("export with its ledger", export_site, db, SITE, START, end, out)
        print(f"  {done.records:,} records in {done.people:,} rows; {count:,} were not sent")
        timed("not yet sent, after (the figure each refresh)", not_sent_count, db, SITE)
        again = timed("--only-new, nothing new", export_site, db, SITE, START, end,
                      Path(tmp) / "new.xlsx", only_new=True)  # fmt: skip
        print(f"  {again.people:,} rows")
        began = time.perf_counter()
        result = answered(out, Path(tmp) / "result.xlsx")
        print(f"(the result file made in {time.perf_counter() - began:.1f} s, not counted)")
        read = timed("result file read back", import_results, db, result, datetime.now(UTC))
        print(f"  {read.accepted:,} accepted, {read.refused:,} refused")
        timed("refused count", refused_count, db, SITE)
        db.close()


if __name__ == "__main__":
    main()
