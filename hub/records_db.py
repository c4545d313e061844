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
from hub.counters import VERSION_COLUMNS, Version, count_new_versions
from hub.storage import Storage, locked_records, locked_site

if TYPE_CHECKING:
    from hub.db import Desk

CHUNK = 500  # ids in one IN (...)
RECORD_COLUMNS = ("record_id", "version", "desk_id", "site_id", "person_key", "status",
                  "screening", "vaccine", "dose_number", "given_on", "aefi", "content_hash",
                  "body", "received_at", "desk_recorded_at", "checklist_version",
                  "screening_answers", "checklist_outcome")  # fmt: skip
_VERSION_AT = [RECORD_COLUMNS.index(name) for name in VERSION_COLUMNS]  # a new row's Version
_INSERT_CONFLICT = (
    "INSERT INTO conflicts (record_id, version, desk_id, offered_hash, field, received_at) "
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
)


def _chunks(ids: Sequence[str]) -> list[Sequence[str]]:
    return [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)]


def _ids_in(cur: Cursor, ids: Sequence[str]) -> str:
    """`record_id` is one of these: one array parameter on PostgreSQL, `?`s on SQLite."""
    return "record_id = ANY(?)" if cur.postgres else f"record_id IN ({', '.join('?' * len(ids))})"


def _ids_params(cur: Cursor, ids: Sequence[str]) -> Sequence[Any]:
    return [list(ids)] if cur.postgres else ids


def _checklist(body: dict[str, Any]) -> tuple[str, str, str]:
    """A body's screening checklist (absent from older desks' bodies): version, answers, and
    the outcome they give."""
    version = str(body.get("checklist_version") or "")
    answers = str(body.get("screening_answers") or "")
    return version, answers, outcome_of(version, answers)


class RecordRows(Storage):
    def ingest(
        self,
        desk: Desk,
        bodies: Sequence[dict[str, Any]],
        now: datetime,
        canonical: Sequence[tuple[str, str]] | None = None,
    ) -> list[dict[str, Any]]:
        """Keep a batch of checked record bodies in one transaction; a result for each, in
        order: {record_id, version, result[, field, message]}. What the hub holds of them is
        asked once for the batch, the new versions written at once. `canonical`: each body's kept
        JSON and content hash, when the checks made them already."""
        received = iso(now)
        ids = sorted({str(b["record_id"]) for b in bodies})
        with self._tx() as cur:
            locked_site(cur, desk.site_id, shared=True)
            locked_records(cur, ids)
            existing, held = self._held(cur, ids)
            results, new_rows, conflicting = [], [], []
            for n, body in enumerate(bodies):
                key = (str(body["record_id"]), int(body["version"]))
                kept, digest = canonical[n] if canonical is not None else canonical_body(body)
                result: dict[str, Any] = {"record_id": key[0], "version": key[1]}
                if key in existing:
                    result["result"] = DUPLICATE if existing[key] == digest else CONFLICT
                    if existing[key] != digest:
                        conflicting.append((result, key, digest, body))
                else:
                    new_rows.append(
                        (key[0], key[1], desk.desk_id, desk.site_id, body["person_key"],
                         body["status"], body["screening"], body["vaccine"],
                         body["dose_number"], body["given_on"], body["aefi"], digest,
                         kept, received, body["recorded_at"], *_checklist(body))
                    )  # fmt: skip
                    existing[key] = digest
                    result["result"] = STORED
                results.append(result)
            cur.insert_rows("records", RECORD_COLUMNS, new_rows)
            count_new_versions(cur, held, [Version._make(row[i] for i in _VERSION_AT)
                                           for row in new_rows])  # fmt: skip
            if conflicting:
                cur.executemany(_INSERT_CONFLICT, self._conflicts(cur, desk, conflicting,
                                                                  received))  # fmt: skip
        return results

    @staticmethod
    def _conflicts(cur: Cursor, desk: Desk, conflicting: list[Any], received: str) -> list[Any]:
        """Each version offered with other content than the hub holds: its result says which
        field differs (the held body read for these only), and the conflict row to keep."""
        rows = []
        for result, (rid, version), digest, body in conflicting:
            cur.execute("SELECT body FROM records WHERE record_id = ? AND version = ?",
                        (rid, version))  # fmt: skip
            field = differing_field(json.loads(cur.fetchone()[0]), body)
            rows.append((rid, version, desk.desk_id, digest, field, received))
            result.update(field=field, message=f"the hub holds other content for this version "
                                               f"({field} differs)")  # fmt: skip
        return rows

    @staticmethod
    def _held(
        cur: Cursor, ids: Sequence[str]
    ) -> tuple[dict[tuple[str, int], str], dict[str, list[Version]]]:
        """The content hash of every version the hub holds of these records, and what the
        counters read of each."""
        hashes: dict[tuple[str, int], str] = {}
        held: dict[str, list[Version]] = {}
        for chunk in _chunks(ids):
            cur.execute(
                f"SELECT content_hash, {', '.join(VERSION_COLUMNS)} FROM records "
                f"WHERE {_ids_in(cur, chunk)}",
                _ids_params(cur, chunk),
            )
            for digest, *row in cur.fetchall():
                version = Version(*row)
                hashes[(version.record_id, version.version)] = digest
                held.setdefault(version.record_id, []).append(version)
        return hashes, held

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
