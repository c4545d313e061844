"""Adverse events after immunization at the desk: append-only and versioned, linked to a saved
dose; each version stored and queued for the hub (kind "aefi") in one transaction."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from typing import Any

from dbkit import iso
from domain.aefi import AefiEvent, body_to_event, event_to_body
from domain.record import Status
from domain.wire import AEFI
from store.errors import StoreError
from store.outbox import Outbox


class AefiNotFound(StoreError):
    def __init__(self, event_id: str) -> None:
        super().__init__("aefi.no_event")
        self.event_id = event_id


class AefiEvents(Outbox):
    """Needs the records of `store.records` beside it (the dose an event follows)."""

    def save_aefi(self, event: AefiEvent) -> AefiEvent:
        """Store an event (version 1) or its correction (the next version of the current one)
        and queue it for upload, in one transaction; returns it as stored (stamped)."""
        with self._write():
            dose = self.get(event.record_id)  # type: ignore[attr-defined]  # RecordNotFound
            if dose.status is Status.VOIDED:
                raise StoreError("aefi.voided")
            if not dose.gives_dose:
                raise StoreError("aefi.not_a_dose")
            if dose.person.person_key != event.person_key:
                raise StoreError("aefi.other_record")
            current = self._current_aefi(event.event_id)
            if current is None and event.version != 1:
                raise AefiNotFound(event.event_id)
            if current is not None:
                if current.record_id != event.record_id:
                    raise StoreError("aefi.other_record")
                if event.version != current.version + 1:
                    raise StoreError("aefi.changed", version=current.version)
            stored = replace(event, recorded_at=self._now())
            body = event_to_body(stored)
            action = "aefi.create" if stored.version == 1 else "aefi.correct"
            self.people.audit_in_tx(stored.entered_by, action,
                                    f"{stored.event_id} v{stored.version} "
                                    f"record {stored.record_id}")  # fmt: skip
            self.db.table("aefi_events").insert(body)
            self._enqueue(AEFI, stored.event_id, stored.version, body)
        return stored

    def _current_aefi(self, event_id: str) -> AefiEvent | None:
        rows = list(self.db.query(
            "SELECT * FROM aefi_events WHERE event_id = ? ORDER BY version DESC LIMIT 1",
            [event_id],
        ))  # fmt: skip
        return body_to_event(rows[0]) if rows else None

    def aefi_event(self, event_id: str) -> AefiEvent:
        event = self._current_aefi(event_id)
        if event is None:
            raise AefiNotFound(event_id)
        return event

    def aefi_versions(self, event_id: str) -> list[AefiEvent]:
        rows = self.db.query(
            "SELECT * FROM aefi_events WHERE event_id = ? ORDER BY version", [event_id]
        )
        return [body_to_event(row) for row in rows]

    def aefi_of_record(self, record_id: str) -> list[AefiEvent]:
        """The current version of every event after this dose, oldest first."""
        rows = self.db.query(
            "SELECT * FROM current_aefi WHERE record_id = ? ORDER BY recorded_at, event_id",
            [record_id],
        )
        return [body_to_event(row) for row in rows]

    def aefi_rows_of_day(
        self, day: str, start: datetime, end: datetime
    ) -> Iterator[dict[str, Any]]:
        """The day's events (current versions) for the report: those whose reaction began on
        `day` (ISO), or first reported in [start, end); each with its dose's record (current
        version) beside it, under `dose_*` keys for the record's fields."""
        rows = self.db.query(
            "SELECT e.*, r.id_type AS dose_id_type, r.id_number AS dose_id_number, "
            "r.full_name AS dose_full_name, r.dob AS dose_dob, r.sex AS dose_sex, "
            "r.phone AS dose_phone, r.vaccine AS dose_vaccine, r.lot AS dose_lot, "
            "r.dose_number AS dose_dose_number, r.given_time AS dose_given_time "
            "FROM current_aefi e "
            "JOIN aefi_events first ON first.event_id = e.event_id AND first.version = 1 "
            "LEFT JOIN current_records r ON r.record_id = e.record_id "
            "WHERE e.onset_on = ? OR (first.recorded_at >= ? AND first.recorded_at < ?) "
            "ORDER BY e.onset_on, e.onset_time, e.event_id",
            [day, iso(start), iso(end)],
        )
        yield from rows
