"""The store: records (append-only, versioned), their outbox, and desk sessions."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from domain.dates import PartialDate
from domain.identity import Identity, IdType, Sex
from domain.record import Aefi, Record, Screening, Session, Source, Status
from domain.text import fold
from store.people import People
from store.schema import RECORD_COLUMNS, migrate


class StoreError(RuntimeError):
    """Something the volunteer can act on, with a message that says what."""


class RecordNotFound(StoreError):
    pass


class DuplicateDose(StoreError):
    """The person already has this dose number; `earlier` is that record."""

    def __init__(self, earlier: Record) -> None:
        when = earlier.given_on.strftime("%d/%m/%Y")
        super().__init__(
            f"dose {earlier.dose_number} already recorded on {when}: "
            f"{earlier.vaccine} lot {earlier.lot or '?'}, site {earlier.site_id}, "
            f"desk {earlier.desk_id}"
        )
        self.earlier = earlier


@dataclass(frozen=True)
class DeskStats:
    today: int  # doses and screenings recorded today by this desk (current, not voided)
    last_hour: int
    backlog: int  # outbox rows not yet acknowledged by the hub


def system_clock() -> datetime:
    return datetime.now(UTC)


def record_to_row(record: Record) -> dict[str, Any]:
    person = record.person
    return {
        "record_id": record.record_id,
        "version": record.version,
        "status": record.status.value,
        "void_reason": record.void_reason,
        "desk_id": record.desk_id,
        "site_id": record.site_id,
        "session_id": record.session_id,
        "id_type": person.id_type.value,
        "id_number": person.id_number,
        "person_key": person.person_key,
        "full_name": person.full_name,
        "dob": person.dob.iso(),
        "sex": person.sex.value,
        "phone": person.phone,
        "province_code": person.province_code,
        "ward_code": person.ward_code,
        "address": person.address,
        "screening": record.screening.value,
        "vaccine": record.vaccine,
        "lot": record.lot,
        "dose_number": record.dose_number,
        "given_on": record.given_on.isoformat(),
        "given_time": record.given_time,
        "vaccinator": record.vaccinator,
        "aefi": record.aefi.value,
        "aefi_note": record.aefi_note,
        "observed_until": record.observed_until,
        "source": record.source.value,
        "entered_by": record.entered_by,
        "recorded_at": record.recorded_at,
    }


def row_to_record(row: dict[str, Any]) -> Record:
    return Record(
        record_id=row["record_id"],
        version=row["version"],
        desk_id=row["desk_id"],
        site_id=row["site_id"],
        session_id=row["session_id"],
        person=Identity(
            id_type=IdType(row["id_type"]),
            id_number=row["id_number"],
            full_name=row["full_name"],
            dob=PartialDate.from_iso(row["dob"]),
            sex=Sex(row["sex"]),
            phone=row["phone"],
            province_code=row["province_code"],
            ward_code=row["ward_code"],
            address=row["address"],
        ),
        screening=Screening(row["screening"]),
        vaccine=row["vaccine"],
        lot=row["lot"],
        dose_number=row["dose_number"],
        given_on=date.fromisoformat(row["given_on"]),
        given_time=row["given_time"],
        vaccinator=row["vaccinator"],
        aefi=Aefi(row["aefi"]),
        aefi_note=row["aefi_note"],
        observed_until=row["observed_until"],
        source=Source(row["source"]),
        entered_by=row["entered_by"],
        status=Status(row["status"]),
        void_reason=row["void_reason"],
        recorded_at=row["recorded_at"],
    )


def open_store(
    path: str | Path, clock: Callable[[], datetime] = system_clock, *, any_thread: bool = False
) -> Store:
    """`any_thread`: the connection may be used from one thread after another (never two at
    once), as the sync worker does through asyncio.to_thread."""
    return Store(Path(path), clock, any_thread=any_thread)


class Store:
    """One SQLite file in WAL mode with synchronous=FULL: a commit that returned is on disk."""

    def __init__(
        self, path: Path, clock: Callable[[], datetime] = system_clock, *, any_thread: bool = False
    ) -> None:
        self.path = path
        self.clock = clock
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                # Health data: the file is the owner's alone from its first byte.
                os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        conn = sqlite3.connect(
            str(path), isolation_level=None, timeout=15, check_same_thread=not any_thread
        )
        self.db = Database(conn)
        self.conn = conn
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        migrate(conn)
        self.people = People(self)

    def close(self) -> None:
        self.conn.close()

    def _now(self) -> str:
        return _utc(self.clock())

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once so a check and its write see the same data.

        A busy, full or read-only file becomes a StoreError the screen can show; nothing of
        the transaction is kept.
        """
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise StoreError(f"the database cannot be written now: {error}") from error
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException as error:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(error, sqlite3.OperationalError):
                raise StoreError(f"the database cannot be written now: {error}") from error
            raise

    # -- sessions ---------------------------------------------------------------------

    def open_session(self, session: Session) -> None:
        with self._write():
            self.db.table("sessions").insert(
                {
                    "session_id": session.session_id,
                    "opened_at": self._now(),
                    "site_id": session.site_id,
                    "desk_id": session.desk_id,
                    "entered_by": session.entered_by,
                    "vaccinator": session.vaccinator,
                    "vaccine": session.vaccine,
                    "lot": session.lot,
                    "session_date": session.session_date.isoformat(),
                }
            )

    def last_session(self) -> Session | None:
        rows = list(self.db["sessions"].rows_where(order_by="opened_at desc, rowid desc", limit=1))
        if not rows:
            return None
        row = rows[0]
        return Session(
            session_id=row["session_id"],
            site_id=row["site_id"],
            desk_id=row["desk_id"],
            entered_by=row["entered_by"],
            vaccinator=row["vaccinator"],
            vaccine=row["vaccine"],
            lot=row["lot"],
            session_date=date.fromisoformat(row["session_date"]),
        )

    def lots(self, vaccine: str) -> list[str]:
        """Lots used before with this vaccine, for completion: sessions' first, newest first."""
        sessions = (
            "SELECT lot FROM sessions WHERE vaccine = ? GROUP BY lot "
            "ORDER BY MAX(opened_at) DESC, MAX(rowid) DESC"
        )
        records = (
            "SELECT lot FROM records WHERE vaccine = ? AND lot != '' GROUP BY lot "
            "ORDER BY MAX(recorded_at) DESC"
        )
        lots = [row[0] for row in self.conn.execute(sessions, [vaccine])]
        lots += [row[0] for row in self.conn.execute(records, [vaccine]) if row[0] not in lots]
        return lots

    # -- records ----------------------------------------------------------------------

    def save(self, record: Record) -> Record:
        """Store a new record and queue it for upload, in one transaction.

        Numbers the dose from the person's history when the record has no number; refuses
        a dose number the person already has. Returns the record as stored.
        """
        if record.version != 1:
            raise StoreError("a new record starts at version 1; use correct()")
        with self._write():
            if self._exists(record.record_id):
                raise StoreError(f"record {record.record_id} exists already")
            return self._append(self._numbered(record))

    def correct(self, corrected: Record) -> Record:
        """Store the next version of a record; the earlier versions stay as history."""
        with self._write():
            current = self._current(corrected.record_id)
            if current.status is Status.VOIDED:
                raise StoreError("this record was voided; enter a new one instead")
            if corrected.version != current.version + 1:
                raise StoreError(
                    f"the record changed meanwhile (now version {current.version}); reopen it"
                )
            return self._append(self._numbered(corrected))

    def void(self, record_id: str, reason: str, entered_by: str) -> Record:
        """Mark a mistaken record void, with a reason, as a new version."""
        reason = " ".join(reason.split())
        if len(reason) < 3:
            raise StoreError("give a reason for voiding (at least 3 characters)")
        with self._write():
            current = self._current(record_id)
            if current.status is Status.VOIDED:
                raise StoreError("this record is voided already")
            voided = replace(
                current,
                version=current.version + 1,
                status=Status.VOIDED,
                void_reason=reason[:200],
                entered_by=entered_by,
            )
            return self._append(voided)

    def _exists(self, record_id: str) -> bool:
        sql = "SELECT 1 FROM records WHERE record_id = ? LIMIT 1"
        return self.conn.execute(sql, [record_id]).fetchone() is not None

    def _current(self, record_id: str) -> Record:
        rows = list(
            self.db.query(
                "SELECT * FROM records WHERE record_id = ? ORDER BY version DESC LIMIT 1",
                [record_id],
            )
        )
        if not rows:
            raise RecordNotFound(f"no record {record_id}")
        return row_to_record(rows[0])

    def _numbered(self, record: Record) -> Record:
        if not record.gives_dose:
            return replace(record, dose_number=None)
        earlier = [
            r for r in self.history(record.person.person_key) if r.record_id != record.record_id
        ]
        if record.dose_number is None:
            number = max((r.dose_number or 0 for r in earlier), default=0) + 1
            return replace(record, dose_number=number)
        for other in earlier:
            if other.dose_number == record.dose_number:
                raise DuplicateDose(other)
        return record

    def _append(self, record: Record) -> Record:
        record = replace(record, recorded_at=self._now())
        row = record_to_row(record)
        if record.status is Status.VOIDED:
            action = "record.void"
        else:
            action = "record.create" if record.version == 1 else "record.correct"
        self.people.audit_in_tx(record.entered_by, action, f"{record.record_id} v{record.version}")
        self.db.table("records").insert(row)
        self.db.table("outbox").insert(
            {
                "record_id": record.record_id,
                "version": record.version,
                "enqueued_at": row["recorded_at"],
            }
        )
        return record

    def get(self, record_id: str) -> Record:
        return self._current(record_id)

    def versions(self, record_id: str) -> list[Record]:
        rows = self.db.query(
            "SELECT * FROM records WHERE record_id = ? ORDER BY version", [record_id]
        )
        return [row_to_record(row) for row in rows]

    def history(self, person_key: str) -> list[Record]:
        """The person's doses (current, not voided), in the order given: this desk's, and
        those the hub said other desks recorded."""
        local = [
            row_to_record(row)
            for row in self.db.query(
                "SELECT * FROM current_records WHERE person_key = ? AND status = 'active' "
                "AND screening = 'D'",
                [person_key],
            )
        ]
        known = {r.record_id for r in local}
        remote = [
            row_to_record(row)
            for row in self.db.query(
                "SELECT r.* FROM remote_records r WHERE person_key = ? AND version = "
                "(SELECT MAX(version) FROM remote_records v WHERE v.record_id = r.record_id)",
                [person_key],
            )
            if row["record_id"] not in known
        ]
        doses = [r for r in local + remote if r.status is Status.ACTIVE and r.gives_dose]
        return sorted(doses, key=lambda r: (r.given_on, r.dose_number or 0))

    def remember_remote(self, rows: list[dict[str, Any]]) -> None:
        """Keep doses recorded at other desks (from the hub) for numbering and duplicates."""
        with self._write():
            for row in rows:
                self.db.table("remote_records").insert(
                    {c: row.get(c) for c in RECORD_COLUMNS}, replace=True
                )

    # -- outbox: pending -> inflight -> acked | conflict ---------------------------------

    def outbox_reset_inflight(self) -> int:
        """Rows a crash left in flight go back to pending: the hub may never have seen them."""
        with self._write():
            cursor = self.conn.execute(
                "UPDATE outbox SET state = 'pending' WHERE state = 'inflight'"
            )
        return cursor.rowcount

    def outbox_claim(self, limit: int) -> list[tuple[int, dict[str, Any]]]:
        """Up to `limit` pending rows, oldest first, marked in flight; with their record rows."""
        with self._write():
            rows = list(
                self.db.query(
                    "SELECT o.seq AS outbox_seq, r.* FROM outbox o JOIN records r "
                    "ON r.record_id = o.record_id AND r.version = o.version "
                    "WHERE o.state = 'pending' ORDER BY o.seq LIMIT ?",
                    [limit],
                )
            )
            seqs = [row.pop("outbox_seq") for row in rows]
            self.conn.executemany(
                "UPDATE outbox SET state = 'inflight', attempts = attempts + 1 WHERE seq = ?",
                [(seq,) for seq in seqs],
            )
        return list(zip(seqs, rows, strict=True))

    def outbox_settle(
        self, acked: list[int], conflicts: dict[int, str], retry: list[int], error: str = ""
    ) -> None:
        """Record the hub's answer: acked rows, conflicts (with what is at fault), and rows to
        send again (not mentioned in the reply, or the call failed)."""
        with self._write():
            self.conn.executemany(
                "UPDATE outbox SET state = 'acked', last_error = '' WHERE seq = ?",
                [(seq,) for seq in acked],
            )
            self.conn.executemany(
                "UPDATE outbox SET state = 'conflict', last_error = ? WHERE seq = ?",
                [(message, seq) for seq, message in conflicts.items()],
            )
            self.conn.executemany(
                "UPDATE outbox SET state = 'pending', last_error = ? WHERE seq = ?",
                [(error, seq) for seq in retry],
            )

    def outbox_counts(self) -> dict[str, int]:
        rows = self.conn.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state")
        return {state: count for state, count in rows}

    def outbox_conflicts(self) -> list[dict[str, Any]]:
        return list(
            self.db.query(
                "SELECT record_id, version, last_error FROM outbox WHERE state = 'conflict' "
                "ORDER BY seq"
            )
        )

    def acked_keys(self, after_seq: int, limit: int) -> list[tuple[int, str, int]]:
        """Acknowledged (seq, record id, version), for reconciliation with the hub."""
        return [
            (seq, rid, version)
            for seq, rid, version in self.conn.execute(
                "SELECT seq, record_id, version FROM outbox WHERE state = 'acked' AND seq > ? "
                "ORDER BY seq LIMIT ?",
                [after_seq, limit],
            )
        ]

    def outbox_requeue(self, keys: list[tuple[str, int]]) -> None:
        """The hub lost these (restored from a backup?): send them again."""
        with self._write():
            self.conn.executemany(
                "UPDATE outbox SET state = 'pending' WHERE record_id = ? AND version = ?", keys
            )

    def last_recorded_at(self) -> str:
        row = self.conn.execute("SELECT MAX(recorded_at) FROM records").fetchone()
        return row[0] or ""

    def recorded_between(
        self, desk_id: str, start: datetime, end: datetime, search: str = ""
    ) -> list[Record]:
        """Current versions of this desk's records first recorded in [start, end), newest first.

        `search` matches a part of the ID number, or of the name without diacritics.
        """
        rows = self.db.query(
            "SELECT c.* FROM current_records c JOIN records first "
            "ON first.record_id = c.record_id AND first.version = 1 "
            "WHERE c.desk_id = ? AND first.recorded_at >= ? AND first.recorded_at < ? "
            "ORDER BY first.recorded_at DESC",
            [desk_id, _utc(start), _utc(end)],
        )
        records = [row_to_record(row) for row in rows]
        key = fold(search)
        if not key:
            return records
        return [
            r
            for r in records
            if key in r.person.id_number.lower() or key in fold(r.person.full_name)
        ]

    def stats(self, desk_id: str, now: datetime) -> DeskStats:
        local_midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        count_sql = (
            "SELECT COUNT(*) FROM current_records c JOIN records first "
            "ON first.record_id = c.record_id AND first.version = 1 "
            "WHERE c.desk_id = ? AND c.status = 'active' AND first.recorded_at >= ?"
        )
        today = self.conn.execute(count_sql, [desk_id, _utc(local_midnight)]).fetchone()[0]
        hour = self.conn.execute(count_sql, [desk_id, _utc(now - timedelta(hours=1))]).fetchone()[0]
        return DeskStats(today=today, last_hour=hour, backlog=self.backlog())

    def backlog(self) -> int:
        sql = "SELECT COUNT(*) FROM outbox WHERE state IN ('pending', 'inflight')"
        return int(self.conn.execute(sql).fetchone()[0])

    def current_rows(self) -> Iterator[dict[str, Any]]:
        """Every record's current version, as stored, oldest first: what exports read."""
        yield from self.db.query("SELECT * FROM current_records ORDER BY recorded_at, record_id")

    def backup(self, destination: Path, by: str = "-") -> Path:
        """A consistent copy through SQLite's backup API (never a file copy of a live
        database), created owner-only."""
        destination.parent.mkdir(parents=True, exist_ok=True)
        if destination.exists():
            raise StoreError(f"{destination} exists already")
        os.close(os.open(destination, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600))
        target = sqlite3.connect(str(destination))
        try:
            self.conn.backup(target)
        finally:
            target.close()
        self.people.audit(by, "backup", destination.name)
        return destination

    def count_versions(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM records").fetchone()[0])


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


__all__ = ["RECORD_COLUMNS", "DeskStats", "DuplicateDose", "Store", "StoreError"]
