"""The day's subject states at the hub, as the desks sent them: every version, keyed by (desk,
state key, version); a re-send is recognised by its content hash (acknowledged, nothing
changed), other content under the same key is a conflict kept apart (in `conflicts`, as
records' are), never an overwrite. And what the supervisor reads of them: per desk, how many
wait and how many are under observation. Works on the hub's one connection (`Storage`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from dbkit import Cursor, iso
from domain.subjects import SubjectState
from domain.wire import STATE_DETAILS, STORED, state_fields, state_hash, state_key
from hub.items_db import settle_held
from hub.storage import Storage

if TYPE_CHECKING:
    from hub.db import Desk

CHUNK = 500
# Arrived and not yet vaccinated or screened out; vaccinated, not yet observed or gone.
WAITING = (SubjectState.ARRIVED.value, SubjectState.ELIGIBLE.value)
IN_OBSERVATION = (SubjectState.VACCINATED.value,)


def ingest_states(
    db: Storage, desk: Desk, bodies: Sequence[dict[str, Any]], now: datetime
) -> list[dict[str, Any]]:
    """Keep a batch of checked state bodies in one transaction; a result for each, in order."""
    received = iso(now)
    with db._tx() as cur:
        existing = _held(cur, desk.desk_id, sorted({str(b["state_key"]) for b in bodies}))
        results = []
        for body in bodies:
            key = (str(body["state_key"]), int(body["version"]))
            digest = state_hash(body)
            result: dict[str, Any] = {"state_key": key[0], "version": key[1]}
            if key in existing:
                result.update(settle_held(cur, desk.desk_id, key, digest, existing[key], body,
                                          state_fields(body), received))  # fmt: skip
            else:
                kept = json.dumps({n: body[n] for n in state_fields(body)}, ensure_ascii=False)
                cur.execute(
                    "INSERT INTO day_states (desk_id, state_key, version, site_id, list_day, "
                    "state, state_at, content_hash, body, received_at) VALUES (?, ?, ?, ?, ?, "
                    "?, ?, ?, ?, ?)",
                    (desk.desk_id, key[0], key[1], desk.site_id, body["day"], body["state"],
                     body["state_at"], digest, kept, received),
                )  # fmt: skip
                existing[key] = (digest, kept)
                result["result"] = STORED
            results.append(result)
    return results


def _held(cur: Cursor, desk_id: str, keys: Sequence[str]) -> dict[tuple[str, int], tuple[str, str]]:
    held: dict[tuple[str, int], tuple[str, str]] = {}
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        cur.execute(
            "SELECT state_key, version, content_hash, body FROM day_states WHERE desk_id = ? "
            f"AND state_key IN ({', '.join('?' * len(chunk))})",
            [desk_id, *chunk],
        )
        for key, version, digest, body in cur.fetchall():
            held[(key, version)] = (digest, body)
    return held


def missing_states(
    db: Storage, desk: Desk, keys: Sequence[tuple[str, int]]
) -> list[tuple[str, int]]:
    """Which of these (state key, version), sent by this desk, the hub does not hold."""
    with db._tx() as cur:
        held = _held(cur, desk.desk_id, sorted({key for key, _ in keys}))
    return [key for key in keys if key not in held]


def day_counts(cur: Cursor, site_id: str, day: date) -> dict[str, dict[str, int]]:
    """Per desk, from the latest state each subject of the site's day is in (as that desk
    sent it): {"desk-1": {"waiting": 3, "in_observation": 2}}."""
    cur.execute(
        "SELECT s.desk_id, s.state FROM day_states s WHERE s.site_id = ? AND s.list_day = ? "
        "AND s.version = (SELECT MAX(l.version) FROM day_states l WHERE l.desk_id = s.desk_id "
        "AND l.state_key = s.state_key)",
        (site_id, day.isoformat()),
    )
    counts: dict[str, dict[str, int]] = {}
    for desk_id, state in cur.fetchall():
        figures = counts.setdefault(desk_id, {"waiting": 0, "in_observation": 0})
        if state in WAITING:
            figures["waiting"] += 1
        elif state in IN_OBSERVATION:
            figures["in_observation"] += 1
    return counts


def listed_details(
    cur: Cursor, site_id: str, doses: Sequence[tuple[str, str]]
) -> dict[str, dict[str, str]]:
    """What the day's list said of each person vaccinated (priority group, workplace, health
    insurance number), from the states of (day given, person key) at the site, the latest
    that carries details; {} for a walk-in whose desk had no list."""
    keys = sorted({state_key(site_id, date.fromisoformat(day), person) for day, person in doses})
    found: dict[str, tuple[int, dict[str, str]]] = {}
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        cur.execute(
            "SELECT version, body FROM day_states WHERE state_key IN "
            f"({', '.join('?' * len(chunk))})",
            chunk,
        )
        for version, text in cur.fetchall():
            body = json.loads(text)
            details = {name: str(body[name]) for name in STATE_DETAILS if body.get(name)}
            person = str(body["person_key"])
            if details and version >= found.get(person, (0, {}))[0]:
                found[person] = (version, details)
    return {person: details for person, (_, details) in found.items()}
