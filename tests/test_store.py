from __future__ import annotations

import csv
import io
import json
import sqlite3
import stat
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from domain.record import EntryContext, Mode, Source, Status, build_record, record_to_form
from store import DuplicateDose, RecordNotFound, StoreError, open_store
from store.db import Store
from store.export import CSV_COLUMNS, write_csv
from store.schema import SCHEMA_VERSION, SchemaTooNew
from tests.conftest import AN, YEN, FakeClock


def test_file_is_wal_full_sync_owner_only(store: Store, db_path: Path) -> None:
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600


def test_save_writes_record_and_outbox_together(store: Store, live: EntryContext) -> None:
    saved = store.save(build_record(AN, live))
    assert saved.dose_number == 1 and saved.recorded_at
    rows = list(store.db.query("SELECT kind, key, version, state FROM outbox"))
    assert rows == [{"kind": "record", "key": saved.record_id, "version": 1, "state": "pending"}]
    assert store.get(saved.record_id) == saved


def test_failed_outbox_write_rolls_back_the_record(store: Store, live: EntryContext) -> None:
    store.conn.execute(
        "CREATE TRIGGER break_outbox BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'x'); END"
    )
    with pytest.raises(sqlite3.IntegrityError):
        store.save(build_record(AN, live))
    assert store.count_versions() == 0


def test_doses_numbered_from_history(store: Store, live: EntryContext, clock: FakeClock) -> None:
    first = store.save(build_record(AN, live))
    clock.advance(days=30)
    that_day = replace(live, now=clock())
    that_day = replace(that_day, session=replace(live.session, session_date=clock().date()))
    second = store.save(build_record(AN, that_day))
    assert (first.dose_number, second.dose_number) == (1, 2)
    assert [r.record_id for r in store.history(first.person.person_key)] == [
        first.record_id,
        second.record_id,
    ]


def test_same_dose_twice_refused_showing_the_earlier(store: Store, live: EntryContext) -> None:
    first = store.save(build_record(AN, live))
    with pytest.raises(DuplicateDose) as caught:
        store.save(build_record({**AN, "dose_number": "1"}, live))
    assert caught.value.earlier.record_id == first.record_id
    assert "dose 1 already recorded on 23/11/2026: AZ lot NX1234" in str(caught.value)
    assert store.count_versions() == 1


def test_correction_is_a_new_version(store: Store, live: EntryContext) -> None:
    first = store.save(build_record(AN, live))
    form = {**record_to_form(first), "phone": "0987654321"}
    second = store.correct(build_record(form, replace(live, original=first)))
    assert second.version == 2
    assert [r.person.phone for r in store.versions(first.record_id)] == ["0912345678", "0987654321"]
    assert store.get(first.record_id).person.phone == "0987654321"
    # A correction that keeps the dose number is not a duplicate of itself.
    assert second.dose_number == 1
    # Saving an old version again is refused: someone else corrected it meanwhile.
    with pytest.raises(StoreError, match="changed meanwhile"):
        store.correct(build_record(form, replace(live, original=first)))


def test_void_keeps_history_and_frees_the_dose(store: Store, live: EntryContext) -> None:
    first = store.save(build_record(AN, live))
    with pytest.raises(StoreError, match="reason"):
        store.void(first.record_id, " ", "Hoa")
    voided = store.void(first.record_id, "entered twice", "Hoa")
    assert voided.status is Status.VOIDED and voided.version == 2
    assert len(store.versions(first.record_id)) == 2
    assert store.history(first.person.person_key) == []
    again = store.save(build_record({**AN, "dose_number": "1"}, live))
    assert again.dose_number == 1
    with pytest.raises(StoreError, match="voided already"):
        store.void(first.record_id, "again", "Hoa")
    with pytest.raises(StoreError, match="voided"):
        store.correct(build_record(record_to_form(voided), replace(live, original=voided)))
    with pytest.raises(RecordNotFound):
        store.void("no-such-id", "typo", "Hoa")


def test_records_cannot_be_changed_or_deleted(store: Store, live: EntryContext) -> None:
    store.save(build_record(AN, live))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("UPDATE records SET full_name = 'X'")
    with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
        store.conn.execute("DELETE FROM records")


def test_screening_without_dose_is_kept_but_not_numbered(store: Store, live: EntryContext) -> None:
    postponed = store.save(build_record({**YEN, "screening": "H"}, live))
    assert postponed.dose_number is None
    given = store.save(build_record(YEN, live))
    assert given.dose_number == 1


def test_stats_today_and_last_hour(store: Store, live: EntryContext, clock: FakeClock) -> None:
    store.save(build_record(AN, live))
    clock.advance(hours=2)
    store.save(build_record(YEN, replace(live, now=clock())))
    stats = store.stats("desk-1", clock())
    assert (stats.today, stats.last_hour, stats.backlog) == (2, 1, 2)
    clock.advance(days=1)
    assert store.stats("desk-1", clock()).today == 0
    assert store.stats("other-desk", clock()).today == 0


def test_search_today_by_name_or_id(store: Store, live: EntryContext, clock: FakeClock) -> None:
    store.save(build_record(AN, live))
    store.save(build_record(YEN, live))
    start = clock().replace(hour=0, minute=0)
    end = start.replace(hour=23, minute=59)
    assert len(store.recorded_between("desk-1", start, end)) == 2
    assert [
        r.person.full_name for r in store.recorded_between("desk-1", start, end, "ngoc yen")
    ] == ["Ngô Ngọc Yến"]
    assert len(store.recorded_between("desk-1", start, end, "1234")) == 1


def test_csv_export_has_current_versions(store: Store, live: EntryContext) -> None:
    first = store.save(build_record(AN, live))
    store.correct(
        build_record({**record_to_form(first), "phone": ""}, replace(live, original=first))
    )
    store.save(build_record({**YEN, "screening": "C"}, replace(live, source=Source.SCAN)))
    out = io.StringIO()
    assert write_csv(store, out) == 2
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert (
        rows[0]["version"] == "2"
        and rows[0]["phone"] == ""
        and rows[0]["full_name"] == "Nguyễn Văn An"
    )
    assert (
        rows[1]["screening"] == "C" and rows[1]["dose_number"] == "" and rows[1]["source"] == "scan"
    )


def test_reopening_keeps_everything(db_path: Path, clock: FakeClock, live: EntryContext) -> None:
    with open_store(db_path, clock) as store:
        saved = store.save(build_record(AN, live))
    with open_store(db_path, clock) as store:
        assert store.get(saved.record_id) == saved


def test_newer_schema_refused(db_path: Path, clock: FakeClock) -> None:
    with open_store(db_path, clock) as store:
        store.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(SchemaTooNew, match="upgrade vaxdesk"):
        open_store(db_path, clock)


def test_retrospective_doses_numbered_in_order(store: Store, live: EntryContext) -> None:
    retro = replace(live, mode=Mode.RETROSPECTIVE)
    one = store.save(build_record({**YEN, "vaccine": "VC", "given_on": "010821"}, retro))
    two = store.save(build_record({**YEN, "vaccine": "VC", "given_on": "010921"}, retro))
    assert (one.dose_number, two.dose_number) == (1, 2)
    assert one.source is Source.RETROSPECTIVE


def test_a_busy_database_is_a_clear_refusal(db_path: Path, clock: FakeClock, live) -> None:
    with open_store(db_path, clock) as store, open_store(db_path, clock) as other:
        store.conn.execute("PRAGMA busy_timeout = 50")
        other.conn.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        with pytest.raises(StoreError, match="cannot be written now: database is locked"):
            store.save(build_record(AN, live))
        other.conn.execute("ROLLBACK")
        assert store.save(build_record(AN, live)).dose_number == 1


def test_a_desk_file_of_schema_3_gets_the_generic_outbox(
    db_path: Path, clock: FakeClock, live: EntryContext
) -> None:
    """A file from before named migrations (user_version 3, outbox rows keyed to records):
    its rows become items of kind 'record', with the record as payload, in their states."""
    from store.schema import MIGRATIONS, V1, V2, V3

    with open_store(tmp := db_path.with_name("new.db"), clock) as store:
        saved = [store.save(build_record(p, live)) for p in (AN, YEN)]
        bodies = [item.payload for item in store.outbox_claim(5)]
    tmp.unlink()
    old = sqlite3.connect(db_path, isolation_level=None)
    old.executescript(f"BEGIN; {V1} {V2} {V3} PRAGMA user_version = 3; COMMIT;")
    for body, state, error in zip(bodies, ("acked", "conflict"), ("", "conflict: phone"),
                                  strict=True):  # fmt: skip
        old.execute(f"INSERT INTO records ({', '.join(body)}) VALUES "
                    f"({', '.join('?' * len(body))})", list(body.values()))  # fmt: skip
        old.execute("INSERT INTO outbox (record_id, version, state, enqueued_at, last_error) "
                    "VALUES (?, 1, ?, ?, ?)", [body["record_id"], state, body["recorded_at"],
                                               error])  # fmt: skip
    old.close()
    with open_store(db_path, clock) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        applied = [n for (n,) in store.conn.execute("SELECT name FROM _migrations")]
        assert sorted(applied) == MIGRATIONS.names
        rows = list(store.db.query("SELECT seq, kind, key, version, state, payload FROM outbox"))
        assert [(r["seq"], r["kind"], r["key"], r["state"]) for r in rows] == [
            (1, "record", saved[0].record_id, "acked"), (2, "record", saved[1].record_id,
                                                         "conflict")]  # fmt: skip
        assert [json.loads(r["payload"]) for r in rows] == bodies
        assert store.outbox_conflicts() == [{"kind": "record", "key": saved[1].record_id,
                                             "version": 1, "last_error": "conflict: phone"}]
        assert store.acked_keys(0, 10) == [(1, "record", saved[0].record_id, 1)]
        later = replace(live, now=live.now + timedelta(days=28))  # dose 2 of An, 4 weeks on
        later = replace(later, session=replace(live.session, session_date=later.now.date()))
        again = store.save(build_record({**AN, "phone": ""}, later))
        [pending] = store.outbox_claim(5)
        assert (pending.seq, pending.key, pending.payload["dose_number"]) == (3, again.record_id, 2)
