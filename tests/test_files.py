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
from dataclasses import replace
from pathlib import Path

import httpx

from domain.record import EntryContext, Record, build_record
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
        assert len(target.read_text("utf-8-sig").splitlines()) == 2


def with_codes(live: EntryContext) -> Record:
    """An, with the official codes' leading zeros: Hà Nội `01`, ward `00004`."""
    an = build_record(AN, live)
    return replace(an, person=replace(an.person, province_code="01", ward_code="00004"))


def export_to(db_path: Path, target: Path, *more: str) -> list[dict[str, str]]:
    result = subprocess.run(
        [sys.executable, "-m", "vaxdesk", "export", "--db", str(db_path), "-o", str(target),
         *more],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert mode(target) == 0o600
    with target.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.DictReader(file))


def test_the_export_is_for_excel_a_bom_and_every_code_quoted_with_its_zeros(
    db_path: Path, clock, live: EntryContext, tmp_path: Path
) -> None:
    with open_store(db_path, clock) as store:
        store.save(with_codes(live))
    target = tmp_path / "out.csv"
    (row,) = export_to(db_path, target)
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\xef\xbb\xbf") == 1
    assert "Nguyễn Văn An" in raw.decode("utf-8-sig")  # the diacritics as UTF-8, NFC
    assert (row["province_code"], row["ward_code"], row["id_number"], row["phone"]) == (
        "01", "00004", "079092001234", "0912345678")  # fmt: skip
    # Every field quoted: the codes are text in the file, never bare numbers.
    text = raw.decode("utf-8-sig")
    for value in ('"01"', '"00004"', '"079092001234"', '"0912345678"', '"record_id"'):
        assert value in text
    for line in text.splitlines():
        fields = next(csv.reader([line], quoting=csv.QUOTE_NONE))
        assert all(f.startswith('"') and f.endswith('"') for f in fields), line


def test_mask_hides_id_numbers_and_phones_and_nothing_else(
    db_path: Path, clock, live: EntryContext, tmp_path: Path
) -> None:
    with open_store(db_path, clock) as store:
        store.save(with_codes(live))
        store.save(build_record(YEN, live))  # no phone
    whole = export_to(db_path, tmp_path / "whole.csv")
    masked = export_to(db_path, tmp_path / "masked.csv", "--mask")
    assert [r["id_number"] for r in masked] == ["********1234", "********0321"]
    assert [r["phone"] for r in masked] == ["*******678", ""]
    for plain, hidden in zip(whole, masked, strict=True):
        assert {k: v for k, v in plain.items() if k not in ("id_number", "phone")} == {
            k: v for k, v in hidden.items() if k not in ("id_number", "phone")}  # fmt: skip
    assert all("079092001234" not in v and "0912345678" not in v for r in masked
               for v in r.values())  # fmt: skip
    with open_store(db_path) as store:
        assert store.people.rows()[-1]["detail"] == "2 records as csv masked"


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
