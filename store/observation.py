"""Observation after the dose, as the desk's file keeps it. Who is under observation is derived
from the records (a desk's doses given live in a day: current, not voided, with an end time),
less the people marked as gone; a mark is stored once, with who and when, and audited. So the
queue survives a restart: nothing of it lives in memory only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from dbkit import active_dose, iso
from domain.record import Record, Status
from domain.wire import body_to_record
from store.errors import RecordNotFound, StoreError

if TYPE_CHECKING:
    from store.db import Store

LEFT = "left"  # left the site, no reaction seen
OUTCOMES = (LEFT,)


@dataclass(frozen=True)
class Mark:
    record_id: str
    outcome: str
    marked_by: str
    marked_at: datetime  # UTC


class Observations:
    """On a store's connection and transactions (as `store.people` is)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def changes(self) -> int:
        """A number that changes whenever this connection writes (a save, a void, a mark):
        no query, so a screen may ask it every second."""
        return self.store.conn.total_changes

    def watched(self, desk_id: str, start: datetime, end: datetime) -> list[Record]:
        """The desk's doses first recorded in [start, end) that have an observation and whose
        person is not marked as gone, in the order they were given."""
        rows = self.store.db.query(
            "SELECT c.* FROM current_records c JOIN records first "
            "ON first.record_id = c.record_id AND first.version = 1 "
            "WHERE c.desk_id = ? AND first.recorded_at >= ? AND first.recorded_at < ? "
            f"AND {active_dose('c')} AND c.observed_until != '' AND c.given_time != '' "
            "AND NOT EXISTS (SELECT 1 FROM observation_marks m WHERE m.record_id = c.record_id) "
            "ORDER BY first.recorded_at, c.record_id",
            [desk_id, iso(start), iso(end)],
        )
        return [body_to_record(row) for row in rows]

    def mark(self, record_id: str, by: str, outcome: str = LEFT) -> Mark:
        """Mark the person of a dose as gone (once); audited in the same transaction, and
        their subject of the day's list (vaccinated) observed, which the hub is told."""
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown observation outcome {outcome!r}")
        store = self.store
        with store._write():
            rows = list(
                store.db.query(
                    "SELECT status, observed_until, site_id, given_on, person_key FROM records "
                    "WHERE record_id = ? "
                    "ORDER BY version DESC LIMIT 1",
                    [record_id],
                )
            )
            if not rows:
                raise RecordNotFound(record_id)
            if rows[0]["status"] == Status.VOIDED.value:
                raise StoreError("observation.voided")
            if not rows[0]["observed_until"]:
                raise StoreError("observation.none")
            if self.mark_of(record_id) is not None:
                raise StoreError("observation.marked_already")
            at = store._now()
            store.conn.execute(
                "INSERT INTO observation_marks (record_id, outcome, marked_by, marked_at) "
                "VALUES (?, ?, ?, ?)",
                [record_id, outcome, by, at],
            )
            store.people.audit_in_tx(by, f"observation.{outcome}", record_id)
            dose = rows[0]
            store.subjects.observed_in_tx(dose["site_id"], dose["given_on"], dose["person_key"],
                                          by=by, note=f"record {record_id}")  # fmt: skip
        return Mark(record_id, outcome, by, datetime.fromisoformat(at))

    def mark_of(self, record_id: str) -> Mark | None:
        row = self.store.conn.execute(
            "SELECT outcome, marked_by, marked_at FROM observation_marks WHERE record_id = ?",
            [record_id],
        ).fetchone()
        if row is None:
            return None
        return Mark(record_id, row[0], row[1], datetime.fromisoformat(row[2]))
