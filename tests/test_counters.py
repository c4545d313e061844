"""The supervisor's figures come from counters kept at ingest (issue 15): after random
histories (new records, corrections, voids, versions out of order, re-sends, conflicts,
adverse events linked to records, two sites, across midnight) they are the figures the
records give when scanned (the queries the hub ran before the counters), and `rebuild-stats`
recomputes the very same counters. On SQLite and PostgreSQL."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from dbkit import active_dose, current_version, iso
from hub.aefi_db import events_since, ingest_aefi
from hub.db import Desk, HubDB
from hub.export_ledger import (
    NATIONAL,
    mark_exported,
    new_export,
    not_sent_count,
    not_sent_figure,
)
from tests.conftest import ICT

MIDNIGHT = datetime(2026, 11, 23, tzinfo=ICT)
NOW = MIDNIGHT + timedelta(hours=15)
SITES = ("TV-CN-01", "TV-CN-02")
DESKS = [Desk(f"desk-{n}", SITES[n % 2]) for n in range(5)]
VACCINES = ("AZ", "PF", "MD")
SCREENINGS = ("D", "D", "D", "H", "C", "B")
AEFIS = ("", "", "", "", "mild", "severe")

# The figures as the hub counted them before the counters: scanning the records.
_FIRST_SINCE = (
    f"FROM records f JOIN records c ON c.record_id = f.record_id AND {current_version('c')} "
    "WHERE f.site_id = ? AND f.version = 1 AND f.desk_recorded_at >= ?"
)


def scanned(db: HubDB, site_id: str, day_start: datetime) -> dict[str, Any]:
    since = (site_id, iso(day_start))
    desks: dict[str, dict[str, Any]] = {}
    with db._tx() as cur:
        cur.execute(f"SELECT f.desk_id, COUNT(*) {_FIRST_SINCE} AND c.status = 'active' "
                    "GROUP BY f.desk_id", since)  # fmt: skip
        today = dict(cur.fetchall())
        cur.execute("SELECT desk_id, desk_recorded_at FROM records WHERE site_id = ? AND "
                    "version = 1 AND desk_recorded_at >= ?", since)  # fmt: skip
        for desk_id, recorded in cur.fetchall():
            moment = datetime.fromisoformat(recorded).astimezone(day_start.tzinfo)
            new = {"today": today.get(desk_id, 0), "hourly": [0] * 24, "first_today": None}
            figures = desks.setdefault(desk_id, new)
            figures["hourly"][moment.hour] += 1
            first = figures["first_today"]
            if first is None or moment < datetime.fromisoformat(first):
                figures["first_today"] = moment.isoformat()
        cur.execute(f"SELECT c.vaccine, c.dose_number, COUNT(*) {_FIRST_SINCE} AND "
                    f"{active_dose('c')} GROUP BY c.vaccine, c.dose_number "
                    "ORDER BY c.vaccine, c.dose_number", since)  # fmt: skip
        doses = [{"vaccine": v, "dose_number": n, "count": c} for v, n, c in cur.fetchall()]
        cur.execute(f"SELECT c.aefi, f.desk_id, COUNT(*) {_FIRST_SINCE} AND c.status = 'active' "
                    "AND c.aefi != '' AND c.record_id NOT IN (SELECT record_id FROM aefi_events) "
                    "GROUP BY c.aefi, f.desk_id ORDER BY c.aefi, f.desk_id", since)  # fmt: skip
        counted = [tuple(row) for row in cur.fetchall()]
        events = events_since(cur, site_id, day_start)
    aefi: dict[str, int] = {}
    by_desk: dict[str, dict[str, int]] = {}
    for kind, desk_id, count in counted + [(e["severity"], e["desk_id"], 1) for e in events]:
        aefi[kind] = aefi.get(kind, 0) + count
        by_desk.setdefault(kind, {})[desk_id] = by_desk.get(kind, {}).get(desk_id, 0) + count
    return {"desks": desks, "doses": doses, "aefi": aefi, "aefi_by_desk": by_desk}


def counted(db: HubDB, site_id: str, day_start: datetime) -> dict[str, Any]:
    """The same figures as the hub gives them now (its counters)."""
    desks = {d["desk_id"]: {"today": d["today"], "hourly": d["hourly"],
                            "first_today": d["first_today"]}
             for d in db.site_stats(site_id, NOW, day_start)
             if d["today"] or any(d["hourly"])}  # fmt: skip
    totals = db.site_totals(site_id, day_start)
    return {"desks": desks, "doses": totals["doses"], "aefi": totals["aefi"],
            "aefi_by_desk": totals["aefi_by_desk"]}  # fmt: skip


def counters(db: HubDB) -> list[tuple]:
    with db._tx() as cur:
        cur.execute("SELECT site_id, bucket, desk_id, measure, detail, n, first_at "
                    "FROM site_counts WHERE n != 0 ORDER BY 1, 2, 3, 4, 5")  # fmt: skip
        return [tuple(row) for row in cur.fetchall()]


def record_body(rid: str, version: int, desk: Desk, rng: random.Random, when: datetime,
                status: str = "active") -> dict[str, Any]:  # fmt: skip
    screening = rng.choice(SCREENINGS)
    dose = screening == "D"
    return {"record_id": rid, "version": version, "desk_id": desk.desk_id,
            "site_id": desk.site_id, "person_key": f"cccd:{rng.randrange(10**12):012d}",
            "status": status, "void_reason": "nhầm người" if status == "voided" else "",
            "screening": screening, "vaccine": rng.choice(VACCINES) if dose else "",
            "dose_number": rng.randint(1, 3) if dose else None,
            "given_on": when.astimezone(ICT).date().isoformat(),
            "aefi": rng.choice(AEFIS) if dose else "", "recorded_at": iso(when)}  # fmt: skip


def event_body(rid: str, desk: Desk, rng: random.Random, when: datetime) -> dict[str, Any]:
    return {"event_id": str(uuid.UUID(int=rng.getrandbits(128))), "version": 1,
            "record_id": rid, "desk_id": desk.desk_id, "site_id": desk.site_id,
            "person_key": "cccd:079092001234", "severity": rng.choice(["mild", "severe"]),
            "outcome": "recovered", "onset_on": when.date().isoformat(), "onset_time": "",
            "recorded_at": iso(when)}  # fmt: skip


def random_history(db: HubDB, seed: int, steps: int = 400) -> int:
    """Desks' uploads in shuffled batches (a later version may come before its first);
    returns the number of records made."""
    rng = random.Random(seed)
    made: dict[str, list[dict[str, Any]]] = {}
    origin: dict[str, Desk] = {}
    pending: list[tuple[Desk, dict[str, Any]]] = []

    def flush() -> None:
        rng.shuffle(pending)
        for desk in DESKS:
            mine = [body for d, body in pending if d == desk]
            if mine:
                db.ingest(desk, mine, NOW)
        pending.clear()

    for step in range(steps):
        when = MIDNIGHT + timedelta(minutes=rng.randrange(-20 * 60, 16 * 60),
                                    seconds=rng.random() * 60)  # fmt: skip
        roll = rng.random()
        if roll < 0.45 or not made:
            desk = rng.choice(DESKS)
            rid = str(uuid.UUID(int=rng.getrandbits(128)))
            made[rid], origin[rid] = [record_body(rid, 1, desk, rng, when)], desk
            pending.append((desk, made[rid][0]))
        else:
            rid = rng.choice(sorted(made))
            first = made[rid][0]
            # A correction may be made at another desk of the site (a slip scanned there).
            desk = rng.choice([d for d in DESKS if d.site_id == origin[rid].site_id])
            if roll < 0.8:  # a correction, or a void
                status = "voided" if roll >= 0.7 else "active"
                body = record_body(rid, len(made[rid]) + 1, desk, rng, when, status)
                body.update(desk_id=first["desk_id"], person_key=first["person_key"])
                made[rid].append(body)
                pending.append((desk, body))
            elif roll < 0.88:
                ingest_aefi(db, origin[rid], [event_body(rid, origin[rid], rng, when)], NOW)
            elif roll < 0.95:
                pending.append((origin[rid], rng.choice(made[rid])))  # sent again
            else:
                held = rng.choice(made[rid])
                pending.append((origin[rid], {**held, "aefi": "mild" if held["aefi"] == ""
                                              else ""}))  # other content: a conflict  # fmt: skip
        if step % rng.randint(5, 40) == 0:
            flush()
            if rng.random() < 0.3:  # an export to the platform: some versions, current or not
                export_some(db, rng, made, origin)
    flush()
    return len(made)


def export_some(db: HubDB, rng: random.Random, made: dict[str, list[dict[str, Any]]],
                origin: dict[str, Desk]) -> None:  # fmt: skip
    site_id = rng.choice(SITES)
    held = set(db.keys())
    chosen = [(rid, rng.randint(1, len(versions)))
              for rid, versions in made.items() if origin[rid].site_id == site_id]  # fmt: skip
    marks = [(rid, version, row) for row, (rid, version) in enumerate(chosen, start=9)
             if (rid, version) in held and rng.random() < 0.5]  # fmt: skip
    export = new_export(NATIONAL, site_id, MIDNIGHT.date(), MIDNIGHT.date(), "out.xlsx", NOW)
    mark_exported(db, export, marks, NOW)


def midnights() -> list[datetime]:
    return [MIDNIGHT, MIDNIGHT - timedelta(days=1), MIDNIGHT.astimezone(UTC)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_counters_give_the_figures_the_records_give(hub_db: HubDB, seed: int) -> None:
    records = random_history(hub_db, seed)
    kept = counters(hub_db)
    assert kept, "the history counted nothing"
    for site_id in SITES:
        for day_start in midnights():
            assert counted(hub_db, site_id, day_start) == scanned(hub_db, site_id, day_start)
    for site_id in SITES:  # what the platform waits for, as the ledger counts it
        assert not_sent_figure(hub_db, site_id) == not_sent_count(hub_db, site_id)
    assert hub_db.rebuild_stats() == records
    assert counters(hub_db) == kept


def test_rebuild_mends_counters_lost_or_wrong(hub_db: HubDB) -> None:
    random_history(hub_db, 7, steps=200)
    kept = counters(hub_db)
    before = counted(hub_db, SITES[0], MIDNIGHT)
    with hub_db._tx() as cur:
        cur.execute("DELETE FROM site_counts WHERE measure = 'active'")
        cur.execute("UPDATE site_counts SET n = n + 5 WHERE measure = 'dose'")
    assert counted(hub_db, SITES[0], MIDNIGHT) != before
    hub_db.rebuild_stats()
    assert counters(hub_db) == kept
    assert counted(hub_db, SITES[0], MIDNIGHT) == before


def test_a_hub_with_records_before_the_counters_counts_them(tmp_path: Any) -> None:
    """The migration fills the counters from the records a hub already held."""
    from hub.schema import MIGRATIONS

    url = f"sqlite:///{tmp_path / 'old.db'}"
    db = HubDB(url)
    random_history(db, 11, steps=150)
    kept = counters(db)
    with db._tx() as cur:
        cur.execute("DROP TABLE site_counts")
        cur.execute("DELETE FROM _migrations WHERE name = '0010_counters'")
    db.close()
    assert "0010_counters" in MIGRATIONS.names
    reopened = HubDB(url)
    try:
        assert counters(reopened) == kept
    finally:
        reopened.close()
