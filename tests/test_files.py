"""Health data on disk: the hub's database, the demo's files and exports are the owner's alone,
and an export never hands a spreadsheet a formula to run."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx

from domain.record import EntryContext, build_record
from hub.db import HubDB
from store import open_store
from store.export import write_csv
from tests.conftest import AN, YEN


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_hubs_database_and_its_wal_are_owner_only(tmp_path: Path) -> None:
    """New, and also a file made looser before (copied, or by an older hub): 0600 once the
    hub has opened it, with its -wal and -shm."""
    fresh = tmp_path / "new" / "hub.db"
    db = HubDB(f"sqlite:///{fresh}")
    db.count_versions()
    files = [fresh, Path(f"{fresh}-wal"), Path(f"{fresh}-shm")]
    assert [mode(f) for f in files] == [0o600] * 3
    db.close()

    old = tmp_path / "old" / "hub.db"
    old.parent.mkdir()
    conn = sqlite3.connect(old)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (x)")
    os.chmod(old, 0o644)
    loose = [old, Path(f"{old}-wal"), Path(f"{old}-shm")]
    for part in loose:
        os.chmod(part, 0o644)
    db = HubDB(f"sqlite:///{old}")
    try:
        db.count_versions()
        assert [mode(f) for f in loose] == [0o600] * 3
    finally:
        db.close()
        conn.close()


def test_the_demos_files_are_owner_only_and_its_hub_keeps_demo_records(tmp_path: Path) -> None:
    import json

    from tests.test_hub_trust import bodies_of, item
    from tests.test_sync import desk_store
    from vaxdesk.demo_site import SITE, DemoSite
    from vaxdesk.testing.hub import free_port

    folder = tmp_path / "demo"
    site = DemoSite(folder, port=free_port(), speed=25).start()
    try:
        time.sleep(2)
        [body] = bodies_of(desk_store(tmp_path, "desk-you", 1))
        body = {**body, "site_id": SITE, "source": "demo"}
        reply = httpx.post(f"{site.url}/api/v2/items", json={"items": [item(body)]},
                           headers={"Authorization": f"Bearer {site.your_token}"})  # fmt: skip
    finally:
        site.stop()
    assert reply.json()["results"][0]["result"] == "stored", json.dumps(reply.json())
    made = sorted(p.name for p in folder.iterdir())
    assert {"hub.db", "desk-1.db", "site.json"} <= set(made)
    assert {name: mode(folder / name) for name in made} == {name: 0o600 for name in made}


def test_export_to_a_file_is_owner_only(db_path: Path, clock, live, tmp_path: Path) -> None:
    with open_store(db_path, clock) as store:
        store.save(build_record(AN, live))
    out, earlier = tmp_path / "out.csv", tmp_path / "earlier.csv"
    earlier.write_text("old")
    os.chmod(earlier, 0o644)
    for target in (out, earlier):
        result = subprocess.run(
            [sys.executable, "-m", "vaxdesk", "export", "--db", str(db_path), "-o", str(target)],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        assert mode(target) == 0o600
        assert len(target.read_text("utf-8").splitlines()) == 2


def test_a_value_that_looks_like_a_formula_stays_text(
    db_path: Path, clock, live: EntryContext
) -> None:
    """OWASP's CSV injection: a cell starting with = + - @ (or a tab or CR) gets a ' first."""
    formulas = {
        "address": '=HYPERLINK("http://x.example","click")',
        "aefi_note": "+1+2",
    }
    with open_store(db_path, clock) as store:
        an = store.save(build_record({**AN, **formulas, "aefi": "1"}, live))
        store.save(build_record({**YEN, "address": "@SUM(A1)"}, live))
        store.void(an.record_id, "-entered twice", "Hoa")
        out = io.StringIO()
        write_csv(store, out)
    rows = {r["full_name"]: r for r in csv.DictReader(io.StringIO(out.getvalue()))}
    an_row, yen_row = rows["Nguyễn Văn An"], rows["Ngô Ngọc Yến"]
    assert an_row["address"] == "'" + formulas["address"]
    assert an_row["aefi_note"] == "'+1+2"
    assert an_row["void_reason"] == "'-entered twice"
    assert yen_row["address"] == "'@SUM(A1)"
    # Everything else as it was: dates, numbers and names are not touched.
    assert (an_row["given_on"], an_row["dose_number"], an_row["phone"]) == (
        live.now.date().isoformat(), "1", "0912345678")
    assert all(not v.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows.values()
               for v in r.values())  # fmt: skip
