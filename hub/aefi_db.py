"""Adverse events at the hub: every version a desk sent, keyed by (event id, version); a
re-send is recognised by its content hash (acknowledged, nothing changed), another content
under the same key is a conflict kept apart (in `conflicts`, as records' are), never an
overwrite. An event linked to a record takes that record's own AEFI field out of the site's
counters (`hub/counters.py`), in the same transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from dbkit import Cursor, current_version, iso
from domain.aefi import AEFI_FIELDS, aefi_body, aefi_hash
from domain.text import mask
from domain.wire import STORED
from hub.counters import count_linked_events, linked_records
from hub.items_db import settle_held
from hub.storage import Storage, locked_records

if TYPE_CHECKING:
    from hub.db import Desk

CHUNK = 500
CURRENT = current_version("e", "aefi_events", "event_id")


def ingest_aefi(
    db: Storage, desk: Desk, bodies: Sequence[dict[str, Any]], now: datetime
) -> list[dict[str, Any]]:
    """Keep a batch of checked event bodies in one transaction; a result for each, in order."""
    received = iso(now)
    records = sorted({str(b["record_id"]) for b in bodies})
    with db._tx() as cur:
        locked_records(cur, records)  # their figures change: one transaction at a time
        already = linked_records(cur, records)
        existing = _held(cur, sorted({str(b["event_id"]) for b in bodies}))
        results = []
        for body in bodies:
            key = (str(body["event_id"]), int(body["version"]))
            digest = aefi_hash(body)
            result: dict[str, Any] = {"event_id": key[0], "version": key[1]}
            if key in existing:
                result.update(settle_held(cur, desk.desk_id, key, digest, existing[key], body,
                                          AEFI_FIELDS, received))  # fmt: skip
            else:
                kept = json.dumps(aefi_body(body), ensure_ascii=False)
                cur.execute(
                    "INSERT INTO aefi_events (event_id, version, record_id, desk_id, site_id, "
                    "person_key, severity, outcome, onset_on, onset_time, content_hash, body, "
                    "received_at, desk_recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                    "?, ?, ?)",
                    (key[0], key[1], body["record_id"], desk.desk_id, desk.site_id,
                     body["person_key"], body["severity"], body["outcome"], body["onset_on"],
                     body["onset_time"], digest, kept, received, body["recorded_at"]),
                )  # fmt: skip
                existing[key] = (digest, kept)
                result["result"] = STORED
            results.append(result)
        count_linked_events(cur, sorted(linked_records(cur, records)), already)
    return results


def _held(cur: Cursor, ids: Sequence[str]) -> dict[tuple[str, int], tuple[str, str]]:
    held: dict[tuple[str, int], tuple[str, str]] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        cur.execute(
            "SELECT event_id, version, content_hash, body FROM aefi_events "
            f"WHERE event_id IN ({', '.join('?' * len(chunk))})",
            chunk,
        )
        for eid, version, digest, body in cur.fetchall():
            held[(eid, version)] = (digest, body)
    return held


def missing_aefi(db: Storage, desk: Desk, keys: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
    """Which of these (event id, version), sent by this desk, the hub does not hold."""
    held: set[tuple[str, int]] = set()
    ids = sorted({eid for eid, _ in keys})
    with db._tx() as cur:
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            cur.execute(
                "SELECT event_id, version FROM aefi_events WHERE desk_id = ? AND "
                f"event_id IN ({', '.join('?' * len(chunk))})",
                [desk.desk_id, *chunk],
            )
            held.update((eid, version) for eid, version in cur.fetchall())
    return [key for key in keys if key not in held]


def masked_person(person_key: str) -> str:
    """'cccd:079092001234' → '********1234': the person told apart, not identified."""
    return mask(person_key.partition(":")[2] or person_key)


def events_since(cur: Cursor, site_id: str, day_start: datetime, limit: int = 500) -> list[dict]:
    """The site's events first reported since the site's midnight (current versions), newest
    first: desk, moments, severity, outcome, symptoms, the person masked."""
    cur.execute(
        "SELECT e.event_id, e.version, e.record_id, e.desk_id, e.person_key, e.severity, "
        "e.outcome, e.onset_on, e.onset_time, e.body, e.received_at, f.desk_recorded_at "
        "FROM aefi_events f JOIN aefi_events e ON e.event_id = f.event_id AND " + CURRENT + " "
        "WHERE f.site_id = ? AND f.version = 1 AND f.desk_recorded_at >= ? "
        "ORDER BY f.desk_recorded_at DESC, e.event_id LIMIT ?",
        (site_id, iso(day_start), limit),
    )
    events = []
    for (eid, version, rid, desk_id, person, severity, outcome, onset_on, onset_time, body,
         received, reported) in cur.fetchall():  # fmt: skip
        kept = json.loads(body)
        events.append({"event_id": eid, "version": version, "record_id": rid,
                       "desk_id": desk_id, "person": masked_person(person),
                       "severity": severity, "outcome": outcome, "onset_on": onset_on,
                       "onset_time": onset_time, "symptoms": kept.get("symptoms", ""),
                       "symptoms_other": kept.get("symptoms_other", ""),
                       "referral": kept.get("referral", ""), "reported_at": reported,
                       "received_at": received})  # fmt: skip
    return events
