"""Which record versions went out, to which destination, in which export and row; and what the
platform answered of them (hub/schema.py, `0009_export_ledger`).

An exporter (the national template, FHIR) makes an `Export` before it writes (its id goes in
the file), writes its file to a temporary name and moves it into place, then calls
`mark_exported` with the (record id, version, row) it wrote: the export and its rows are kept
in one transaction, so a file that was never completed marks nothing.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from dbkit import current_version, iso
from hub.counters import NATIONAL, count_exported, unsent_count
from hub.storage import Storage, locked_site

FHIR = "fhir"
DESTINATIONS = (NATIONAL, FHIR)
ACCEPTED, REFUSED = "accepted", "refused"
CHUNK = 400  # rows in one INSERT of 5 parameters a row (half as many of 8)

# A version is sent to a destination when a completed export holds it (`?`: the destination;
# `{alias}`: a row of records).
SENT = (
    "EXISTS (SELECT 1 FROM exported_versions e WHERE e.destination = ? "
    "AND e.record_id = {alias}.record_id AND e.version = {alias}.version)"
)


@dataclass(frozen=True)
class Export:
    export_id: str
    destination: str
    site_id: str
    start: date
    end: date
    file_name: str
    started_at: datetime


def new_export(
    destination: str, site_id: str, start: date, end: date, file_name: str, now: datetime
) -> Export:
    """An export about to be written; its id (`NAT-20210820090000-3fa9c1`) names it in the
    file."""
    if destination not in DESTINATIONS:
        raise ValueError(f"unknown destination {destination!r}")
    export_id = f"{destination[:3].upper()}-{now:%Y%m%d%H%M%S}-{secrets.token_hex(3)}"
    return Export(export_id, destination, site_id, start, end, file_name, now)


def mark_exported(
    db: Storage, export: Export, marks: Iterable[tuple[str, int, int]], completed: datetime
) -> int:
    """The export, completed, and each (record id, version, row) it wrote, in one transaction;
    how many versions were marked."""
    rows = [(export.destination, rid, int(version), export.export_id, int(row))
            for rid, version, row in marks]  # fmt: skip
    with db._tx() as cur:
        if export.destination == NATIONAL:  # the site's figure of what the platform waits for
            locked_site(cur, export.site_id, shared=False)
            count_exported(cur, [(rid, version) for _, rid, version, _, _ in rows])
        cur.execute(
            "INSERT INTO exports (export_id, destination, site_id, period_start, period_end, "
            "file_name, started_at, completed_at, record_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (export.export_id, export.destination, export.site_id, export.start.isoformat(),
             export.end.isoformat(), export.file_name, iso(export.started_at), iso(completed),
             len(rows)),
        )  # fmt: skip
        for first in range(0, len(rows), CHUNK):
            chunk = rows[first : first + CHUNK]
            cur.execute(
                "INSERT INTO exported_versions (destination, record_id, version, export_id, "
                f"file_row) VALUES {', '.join(['(?, ?, ?, ?, ?)'] * len(chunk))} "
                "ON CONFLICT DO NOTHING",
                [value for row in chunk for value in row],
            )
    return len(rows)


def unsent(
    db: Storage, destination: str, site_id: str, start: date, end: date
) -> set[tuple[str, int]]:
    """The latest version of each record of the site given in [start, end] (voided ones too:
    a void is news for FHIR) that no completed export to `destination` holds."""
    with db._tx() as cur:
        cur.execute(
            "SELECT r.record_id, r.version FROM records r WHERE r.site_id = ? "
            f"AND r.given_on >= ? AND r.given_on <= ? AND {current_version('r')} "
            f"AND NOT {SENT.format(alias='r')}",
            (site_id, start.isoformat(), end.isoformat(), destination),
        )
        return {(str(rid), int(version)) for rid, version in cur.fetchall()}


def not_sent_count(db: Storage, site_id: str, destination: str = NATIONAL) -> int:
    """The site's records whose latest version the template can carry (active, dose 1 or 2)
    and no completed export to `destination` holds."""
    with db._tx() as cur:
        cur.execute(
            "SELECT COUNT(*) FROM records r WHERE r.site_id = ? AND r.status = 'active' "
            f"AND r.dose_number IN (1, 2) AND NOT {SENT.format(alias='r')} "
            f"AND {current_version('r')}",  # most are sent: that check first, on SQLite
            (site_id, destination),
        )
        return int(cur.fetchone()[0])


def not_sent_figure(db: Storage, site_id: str) -> int:
    """`not_sent_count` for the supervisor's figures, asked at every refresh: the counter kept
    as records arrive and exports complete (`hub/counters.py`), never a count of the records."""
    with db._tx() as cur:
        return unsent_count(cur, site_id)


@dataclass(frozen=True)
class ExportRow:
    """A completed export, as the ledger holds it."""

    export_id: str
    destination: str
    site_id: str
    file_name: str
    record_count: int


def export_of(db: Storage, export_id: str) -> ExportRow | None:
    with db._tx() as cur:
        cur.execute(
            "SELECT export_id, destination, site_id, file_name, record_count FROM exports "
            "WHERE export_id = ?",
            (export_id,),
        )
        row = cur.fetchone()
    return ExportRow(*row) if row else None


def rows_of(
    db: Storage, export_id: str, first: int = 1, last: int = 2**31 - 1
) -> dict[int, list[dict[str, Any]]]:
    """Each row of an export's file (numbered `first` to `last`): the bodies of the record
    versions it put there."""
    with db._tx() as cur:
        cur.execute(
            "SELECT e.file_row, r.body FROM exported_versions e JOIN records r ON "
            "r.record_id = e.record_id AND r.version = e.version WHERE e.export_id = ? "
            "AND e.file_row >= ? AND e.file_row <= ? ORDER BY e.file_row",
            (export_id, first, last),
        )
        found: dict[int, list[dict[str, Any]]] = {}
        for row, body in cur.fetchall():
            found.setdefault(int(row), []).append(json.loads(body))
    return found


@dataclass(frozen=True)
class Answer:
    """The platform's answer of one record version."""

    record_id: str
    version: int
    outcome: str  # ACCEPTED or REFUSED
    reason: str
    file_row: int


def keep_answers(
    db: Storage, destination: str, export_id: str, answers: Iterable[Answer], now: datetime
) -> int:
    """The platform's answers, in one transaction; an answer already held as it is stays as
    it was (a file imported twice changes nothing). How many changed."""
    rows = [(destination, a.record_id, a.version, a.outcome, a.reason, export_id, a.file_row,
             iso(now)) for a in answers]  # fmt: skip
    changed = 0
    with db._tx() as cur:
        for first in range(0, len(rows), CHUNK // 2):
            chunk = rows[first : first + CHUNK // 2]
            cur.execute(
                "INSERT INTO platform_results (destination, record_id, version, outcome, reason, "
                "export_id, file_row, answered_at) VALUES "
                f"{', '.join(['(?, ?, ?, ?, ?, ?, ?, ?)'] * len(chunk))} "
                "ON CONFLICT (destination, record_id, version) DO UPDATE SET "
                "outcome = excluded.outcome, reason = excluded.reason, "
                "export_id = excluded.export_id, file_row = excluded.file_row, "
                "answered_at = excluded.answered_at WHERE "
                "platform_results.outcome != excluded.outcome OR "
                "platform_results.reason != excluded.reason",
                [value for row in chunk for value in row],
            )
            changed += max(cur.rowcount, 0)
    return changed


_REFUSED = (
    "FROM platform_results p JOIN records r ON r.record_id = p.record_id AND "
    f"r.version = p.version WHERE p.outcome = '{REFUSED}' AND p.destination = ? AND "
    f"{current_version('r')}"
)


def refused_count(db: Storage, site_id: str, destination: str = NATIONAL) -> int:
    """The site's records whose latest version the platform refused (not yet corrected)."""
    with db._tx() as cur:
        cur.execute(f"SELECT COUNT(*) {_REFUSED} AND r.site_id = ?", (destination, site_id))
        return int(cur.fetchone()[0])


def refused_versions(
    db: Storage, *, site_id: str = "", desk_id: str = "", limit: int = 100,
    destination: str = NATIONAL,
) -> list[dict[str, Any]]:  # fmt: skip
    """Refused, not yet corrected versions of a site's (or a desk's) records, the newest
    answer first: {record_id, version, reason, desk_id, answered_at, body}."""
    where, params = ("r.site_id = ?", site_id) if site_id else ("r.desk_id = ?", desk_id)
    with db._tx() as cur:
        cur.execute(
            f"SELECT p.record_id, p.version, p.reason, r.desk_id, p.answered_at, r.body "
            f"{_REFUSED} AND {where} ORDER BY p.answered_at DESC, p.record_id LIMIT ?",
            (destination, params, limit),
        )
        return [
            {"record_id": rid, "version": int(version), "reason": reason, "desk_id": desk,
             "answered_at": answered, "body": json.loads(body)}
            for rid, version, reason, desk, answered, body in cur.fetchall()
        ]  # fmt: skip
