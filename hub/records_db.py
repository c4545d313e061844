"""Record versions at the hub: every version a desk ever sent is kept, keyed by (record id,
version); a re-send is recognised by its content hash, another content under the same key is
a conflict kept apart, never an overwrite."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from dbkit import Cursor, iso
from domain.screening_answers import outcome_of
from domain.wire import CONFLICT, DUPLICATE, STORED, canonical_body, differing_field
from hub.storage import Storage

if TYPE_CHECKING:
    from hub.db import Desk

CHUNK = 500  # ids in one IN (...)
_INSERT_RECORD = (
    "INSERT INTO records (record_id, version, desk_id, site_id, person_key, status, screening, "
    "vaccine, dose_number, given_on, aefi, content_hash, body, received_at, desk_recorded_at, "
    "checklist_version, screening_answers, checklist_outcome) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_CONFLICT = (
    "INSERT INTO conflicts (record_id, version, desk_id, offered_hash, field, received_at) "
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
)


def _chunks(ids: Sequence[str]) -> list[Sequence[str]]:
    return [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)]


def _checklist(body: dict[str, Any]) -> tuple[str, str, str]:
    """A body's screening checklist (absent from older desks' bodies): version, answers, and
    the outcome they give."""
    version = str(body.get("checklist_version") or "")
    answers = str(body.get("screening_answers") or "")
    return version, answers, outcome_of(version, answers)


class RecordRows(Storage):
    def ingest(
        self, desk: Desk, bodies: Sequence[dict[str, Any]], now: datetime
    ) -> list[dict[str, Any]]:
        """Keep a batch of checked record bodies in one transaction; a result for each, in
        order: {record_id, version, result[, field, message]}."""
        received = iso(now)
        with self._tx() as cur:
            existing = self._held(cur, sorted({str(b["record_id"]) for b in bodies}))
            results, new_rows, conflicts = [], [], []
            for body in bodies:
                key = (str(body["record_id"]), int(body["version"]))
                kept, digest = canonical_body(body)
                result: dict[str, Any] = {"record_id": key[0], "version": key[1]}
                if key in existing:
                    known_digest, known_body = existing[key]
                    if known_digest == digest:
                        result["result"] = DUPLICATE
                    else:
                        field = differing_field(json.loads(known_body), body)
                        conflicts.append((key[0], key[1], desk.desk_id, digest, field, received))
                        result.update(result=CONFLICT, field=field,
                                      message=f"the hub holds other content for this version "
                                              f"({field} differs)")  # fmt: skip
                else:
                    new_rows.append(
                        (key[0], key[1], desk.desk_id, desk.site_id, body["person_key"],
                         body["status"], body["screening"], body["vaccine"],
                         body["dose_number"], body["given_on"], body["aefi"], digest,
                         kept, received, body["recorded_at"], *_checklist(body))
                    )  # fmt: skip
                    existing[key] = (digest, kept)
                    result["result"] = STORED
                results.append(result)
            cur.executemany(_INSERT_RECORD, new_rows)
            cur.executemany(_INSERT_CONFLICT, conflicts)
        return results

    @staticmethod
    def _held(cur: Cursor, ids: Sequence[str]) -> dict[tuple[str, int], tuple[str, str]]:
        held: dict[tuple[str, int], tuple[str, str]] = {}
        for chunk in _chunks(ids):
            cur.execute(
                "SELECT record_id, version, content_hash, body FROM records "
                f"WHERE record_id IN ({', '.join('?' * len(chunk))})",
                chunk,
            )
            for rid, version, digest, body in cur.fetchall():
                held[(rid, version)] = (digest, body)
        return held

    def missing(self, desk: Desk, keys: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
        """Which of these (id, version), sent by this desk, the hub does not hold."""
        held: set[tuple[str, int]] = set()
        with self._tx() as cur:
            for chunk in _chunks(sorted({rid for rid, _ in keys})):
                cur.execute(
                    "SELECT record_id, version FROM records WHERE desk_id = ? AND "
                    f"record_id IN ({', '.join('?' * len(chunk))})",
                    [desk.desk_id, *chunk],
                )
                held.update((rid, version) for rid, version in cur.fetchall())
        return [key for key in keys if key not in held]

    def count_versions(self) -> int:
        with self._tx() as cur:
            cur.execute("SELECT COUNT(*) FROM records")
            return int(cur.fetchone()[0])

    def keys(self) -> list[tuple[str, int]]:
        with self._tx() as cur:
            cur.execute("SELECT record_id, version FROM records ORDER BY record_id, version")
            return [(rid, version) for rid, version in cur.fetchall()]
