"""Records: append-only and versioned; each version queued for the hub as it is written."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from dbkit import active_dose, current_version, iso
from domain.doses import DoseOverride, dose_problems, expected_number, in_programme, programme_of
from domain.errors import FieldError
from domain.fields import parse_void_reason
from domain.record import Record, Source, Status
from domain.screening_answers import override_reason
from domain.text import fold
from domain.wire import DOSE_FIELDS, RECORD, body_to_record, dose_to_record, record_to_body
from store.errors import DoseRulesBroken, DuplicateDose, RecordNotFound, StoreError
from store.outbox import Outbox

# This desk's records whose first version was recorded since a moment: the desk's "today".
_FIRST_RECORDED_SINCE = (
    "FROM current_records c JOIN records first "
    "ON first.record_id = c.record_id AND first.version = 1 "
    "WHERE c.desk_id = ? AND first.recorded_at >= ?"
)


@dataclass(frozen=True)
class DeskStats:
    today: int  # doses and screenings recorded today by this desk (current, not voided)
    last_hour: int
    backlog: int  # outbox rows not yet acknowledged by the hub


class Records(Outbox):
    def save(self, record: Record, override: DoseOverride | None = None) -> Record:
        """Store a new record and queue it for upload, in one transaction.

        Numbers the dose from the person's history when the record has no number; refuses
        a dose number the person already has, and a dose the dose rules refuse unless
        `override` gives the reason (kept in the audit trail). Returns the record as stored.
        """
        if record.version != 1:
            raise StoreError("store.new_version")
        with self._write():
            if self._exists(record.record_id):
                raise StoreError("store.exists", record_id=record.record_id)
            return self._append(*self._numbered(record, None, override), current=None)

    def correct(self, corrected: Record, override: DoseOverride | None = None) -> Record:
        """Store the next version of a record; the earlier versions stay as history."""
        with self._write():
            current = self._current(corrected.record_id)
            if current.status is Status.VOIDED:
                raise StoreError("store.voided")
            if corrected.version != current.version + 1:
                raise StoreError("store.changed", version=current.version)
            return self._append(*self._numbered(corrected, current, override), current=current)

    def void(self, record_id: str, reason: str, entered_by: str) -> Record:
        """Mark a mistaken record void, with a reason, as a new version."""
        try:
            reason = parse_void_reason(reason)
        except FieldError as error:
            raise StoreError(error.code) from None
        with self._write():
            current = self._current(record_id)
            if current.status is Status.VOIDED:
                raise StoreError("store.voided_already")
            voided = replace(
                current,
                version=current.version + 1,
                status=Status.VOIDED,
                void_reason=reason,
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
            raise RecordNotFound(record_id)
        return body_to_record(rows[0])

    def _numbered(
        self, record: Record, current: Record | None, override: DoseOverride | None
    ) -> tuple[Record, DoseOverride | None]:
        """The record numbered, and the override it needed (None when the rules allow it)."""
        if not record.gives_dose:
            return replace(record, dose_number=None), None
        earlier = [
            r for r in self.history(record.person.person_key) if r.record_id != record.record_id
        ]
        if record.dose_number is None:
            record = replace(record, dose_number=expected_number(record, earlier))
        else:
            for other in in_programme(earlier, programme_of(record.vaccine)):
                if other.dose_number == record.dose_number:
                    raise DuplicateDose(other)
        if not _rules_apply(record, current):
            return record, None
        problems = dose_problems(record, earlier)
        if problems and override is None:
            raise DoseRulesBroken(problems)
        return record, override if problems else None

    def _append(
        self, record: Record, override: DoseOverride | None = None, current: Record | None = None
    ) -> Record:
        record = replace(record, recorded_at=self._now())
        body = record_to_body(record)
        if record.status is Status.VOIDED:
            action = "record.void"
        else:
            action = "record.create" if record.version == 1 else "record.correct"
        self.people.audit_in_tx(record.entered_by, action, f"{record.record_id} v{record.version}")
        if override is not None:
            self.people.audit_in_tx(
                override.by,
                "dose.override",
                f"{record.record_id} v{record.version}: {override.reason}",
            )
        changed = override_reason(record.screening_answers)
        before = current and (current.screening, override_reason(current.screening_answers))
        if changed and record.status is Status.ACTIVE and before != (record.screening, changed):
            # A doctor changed the checklist's outcome: who, and why, in the audit trail.
            self.people.audit_in_tx(
                record.entered_by,
                "screening.override",
                f"{record.record_id} v{record.version}: {record.screening.value}: {changed}",
            )
        self.db.table("records").insert(body)
        self._enqueue(RECORD, record.record_id, record.version, body)
        return record

    def keep_fetched(self, record: Record, fetched_by: str) -> Record:
        """A version of a record made at another desk of the site, as the hub holds it: kept
        here as it is (the hub has it: nothing queued) so that it can be corrected here, the
        next version going up as usual. A version older than the one here changes nothing."""
        with self._write():
            if self._exists(record.record_id):
                current = self._current(record.record_id)
                if current.version >= record.version:
                    return current
            self.people.audit_in_tx(
                fetched_by, "record.fetched", f"{record.record_id} v{record.version}"
            )
            self.db.table("records").insert(record_to_body(record))
        return record

    def get(self, record_id: str) -> Record:
        return self._current(record_id)

    def versions(self, record_id: str) -> list[Record]:
        rows = self.db.query(
            "SELECT * FROM records WHERE record_id = ? ORDER BY version", [record_id]
        )
        return [body_to_record(row) for row in rows]

    def history(self, person_key: str) -> list[Record]:
        """The person's doses (current, not voided), in the order given: this desk's, and
        those the hub said other desks recorded."""
        local = [
            body_to_record(row)
            for row in self.db.query(
                f"SELECT * FROM current_records c WHERE person_key = ? AND {active_dose('c')}",
                [person_key],
            )
        ]
        known = {r.record_id for r in local}
        remote = [
            dose_to_record(row)
            for row in self.db.query(
                "SELECT r.* FROM remote_records r WHERE person_key = ? AND "
                + current_version("r", "remote_records"),
                [person_key],
            )
            if row["record_id"] not in known
        ]
        doses = [r for r in local + remote if r.status is Status.ACTIVE and r.gives_dose]
        return sorted(doses, key=lambda r: (r.given_on, r.dose_number or 0))

    def remember_remote(self, rows: list[dict[str, Any]]) -> None:
        """Keep doses recorded at other desks (from the hub) for numbering and duplicates:
        only what that needs, whatever an older hub sends."""
        kept = []
        for row in rows:
            try:
                dose_to_record(row)
            except (KeyError, TypeError, ValueError, AttributeError):
                continue  # not a dose: it would break every numbering of this person
            kept.append({c: row.get(c) for c in DOSE_FIELDS})
        with self._write():
            for row in kept:
                self.db.table("remote_records").insert(row, replace=True)

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
            f"SELECT c.* {_FIRST_RECORDED_SINCE} AND first.recorded_at < ? "
            "ORDER BY first.recorded_at DESC",
            [desk_id, iso(start), iso(end)],
        )
        records = [body_to_record(row) for row in rows]
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
        count_sql = f"SELECT COUNT(*) {_FIRST_RECORDED_SINCE} AND c.status = 'active'"
        today = self.conn.execute(count_sql, [desk_id, iso(local_midnight)]).fetchone()[0]
        hour = self.conn.execute(count_sql, [desk_id, iso(now - timedelta(hours=1))]).fetchone()[0]
        return DeskStats(today=today, last_hour=hour, backlog=self.backlog())

    def current_rows(self) -> Iterator[dict[str, Any]]:
        """Every record's current version, as stored, oldest first: what exports read."""
        yield from self.db.query("SELECT * FROM current_records ORDER BY recorded_at, record_id")

    def count_versions(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM records").fetchone()[0])

    def last_saved(self, desk_id: str = "") -> str | None:
        """The id of the record this desk (any, for "") saved or corrected last; None before
        its first: what `vaxdesk print --last` and the desk's Ctrl+P print."""
        where, params = ("WHERE desk_id = ? ", [desk_id]) if desk_id else ("", [])
        row = self.conn.execute(
            f"SELECT record_id FROM records {where}ORDER BY recorded_at DESC, rowid DESC LIMIT 1",
            params,
        ).fetchone()
        return str(row[0]) if row else None


def _rules_apply(record: Record, current: Record | None) -> bool:
    """A certificate's doses are facts signed elsewhere; a correction that leaves the dose's
    vaccine, date and number as they were (an override's, say) is not checked again."""
    if record.source is Source.CERTIFICATE:
        return False
    if current is None:
        return True
    dose = (current.vaccine, current.given_on, current.dose_number, current.gives_dose)
    return dose != (record.vaccine, record.given_on, record.dose_number, record.gives_dose)
