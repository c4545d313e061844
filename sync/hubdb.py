"""The hub's storage: one schema and one behaviour on SQLite (the default) and PostgreSQL.

Every record version a desk ever sent is kept, keyed by (record id, version): a re-send is
recognised by its content hash, another content under the same key is a conflict kept apart.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sync.protocol import (
    CONFLICT,
    DUPLICATE,
    STORED,
    content_hash,
    differing_field,
    record_body,
)

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS desks (
        desk_id TEXT PRIMARY KEY,
        site_id TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        enrolled_at TEXT NOT NULL,
        revoked INTEGER NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE IF NOT EXISTS records (
        record_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        desk_id TEXT NOT NULL,
        site_id TEXT NOT NULL,
        person_key TEXT NOT NULL,
        status TEXT NOT NULL,
        screening TEXT NOT NULL,
        vaccine TEXT NOT NULL,
        dose_number INTEGER,
        given_on TEXT NOT NULL,
        aefi TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        body TEXT NOT NULL,
        received_at TEXT NOT NULL,
        desk_recorded_at TEXT NOT NULL,
        PRIMARY KEY (record_id, version)
    )""",
    "CREATE INDEX IF NOT EXISTS records_person ON records (person_key)",
    # The supervisor's figures read only these two, never the bodies: a site's day, and a
    # window of receipt times (covering: desk and version are in the index).
    "CREATE INDEX IF NOT EXISTS records_site_day ON records (site_id, given_on, desk_id)",
    "CREATE INDEX IF NOT EXISTS records_site_received "
    "ON records (site_id, received_at, desk_id, version)",
    """CREATE TABLE IF NOT EXISTS conflicts (
        record_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        desk_id TEXT NOT NULL,
        offered_hash TEXT NOT NULL,
        field TEXT NOT NULL,
        received_at TEXT NOT NULL,
        PRIMARY KEY (record_id, version, offered_hash)
    )""",
    """CREATE TABLE IF NOT EXISTS heartbeats (
        desk_id TEXT PRIMARY KEY,
        site_id TEXT NOT NULL,
        seen_at TEXT NOT NULL,
        software_version TEXT NOT NULL,
        backlog INTEGER NOT NULL,
        camera TEXT NOT NULL,
        last_record_at TEXT NOT NULL,
        clock_skew_seconds REAL NOT NULL,
        last_error TEXT NOT NULL DEFAULT ''
    )""",
    """CREATE TABLE IF NOT EXISTS supervisors (
        token_hash TEXT PRIMARY KEY,
        site_id TEXT NOT NULL,
        enrolled_at TEXT NOT NULL,
        revoked INTEGER NOT NULL DEFAULT 0
    )""",
]


MIGRATIONS = {
    1: SCHEMA,
    # The head of each desk's audit chain, from its heartbeats: a rewritten desk log shows.
    2: [
        "ALTER TABLE heartbeats ADD COLUMN audit_seq INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE heartbeats ADD COLUMN audit_head TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE heartbeats ADD COLUMN audit_alert TEXT NOT NULL DEFAULT ''",
    ],
}
SCHEMA_VERSION = max(MIGRATIONS)
TABLES = ("desks", "records", "conflicts", "heartbeats", "supervisors", "hub_meta")


@dataclass(frozen=True)
class Desk:
    desk_id: str
    site_id: str


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


class HubDB:
    """Thread-safe (one lock, one connection): the hub's endpoints call it from a thread pool."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.postgres = url.startswith(("postgresql://", "postgres://"))
        self._lock = threading.Lock()
        if self.postgres:
            import psycopg

            self._conn: Any = psycopg.connect(url, autocommit=True)
        else:
            path = Path(url.removeprefix("sqlite:///")).expanduser()
            path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
        self._migrate()

    def _migrate(self) -> None:
        """Bring the schema to SCHEMA_VERSION; a newer one than this hub knows is refused."""
        with self._tx() as cur:
            cur.execute("CREATE TABLE IF NOT EXISTS hub_meta (schema_version INTEGER NOT NULL)")
            cur.execute("SELECT schema_version FROM hub_meta")
            row = cur.fetchone()
            current = int(row[0]) if row else 0
            if current > SCHEMA_VERSION:
                raise RuntimeError(
                    f"the hub's database has schema {current}; this hub knows {SCHEMA_VERSION}"
                )
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[version]:
                    cur.execute(statement)
            if current == 0:
                cur.execute("INSERT INTO hub_meta (schema_version) VALUES (?)", (SCHEMA_VERSION,))
            elif current < SCHEMA_VERSION:
                cur.execute("UPDATE hub_meta SET schema_version = ?", (SCHEMA_VERSION,))

    def close(self) -> None:
        self._conn.close()

    def _sql(self, statement: str) -> str:
        return statement.replace("?", "%s") if self.postgres else statement

    @contextmanager
    def _tx(self) -> Iterator[Any]:
        with self._lock:
            cur = self._conn.cursor()
            cur.execute("BEGIN" if self.postgres else "BEGIN IMMEDIATE")
            try:
                yield _Cursor(cur, self._sql)
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            finally:
                cur.close()

    # -- desks ---------------------------------------------------------------------------

    def enrol(self, desk_id: str, site_id: str, hashed_token: str, now: datetime) -> None:
        with self._tx() as cur:
            cur.execute(
                "INSERT INTO desks (desk_id, site_id, token_hash, enrolled_at, revoked) "
                "VALUES (?, ?, ?, ?, 0) ON CONFLICT (desk_id) DO UPDATE SET "
                "site_id = excluded.site_id, token_hash = excluded.token_hash, "
                "enrolled_at = excluded.enrolled_at, revoked = 0",
                (desk_id, site_id, hashed_token, iso(now)),
            )

    def enrol_supervisor(self, site_id: str, hashed_token: str, now: datetime) -> None:
        with self._tx() as cur:
            cur.execute(
                "INSERT INTO supervisors (token_hash, site_id, enrolled_at) VALUES (?, ?, ?)",
                (hashed_token, site_id, iso(now)),
            )

    def supervisor_site(self, hashed_token: str) -> str | None:
        with self._tx() as cur:
            cur.execute(
                "SELECT site_id FROM supervisors WHERE token_hash = ? AND revoked = 0",
                (hashed_token,),
            )
            row = cur.fetchone()
        return str(row[0]) if row else None

    def revoke(self, desk_id: str) -> bool:
        with self._tx() as cur:
            cur.execute("UPDATE desks SET revoked = 1 WHERE desk_id = ?", (desk_id,))
            return bool(cur.rowcount)

    def desk_for(self, hashed_token: str) -> Desk | None:
        with self._tx() as cur:
            cur.execute(
                "SELECT desk_id, site_id FROM desks WHERE token_hash = ? AND revoked = 0",
                (hashed_token,),
            )
            row = cur.fetchone()
        return Desk(*row) if row else None

    # -- records -------------------------------------------------------------------------

    def ingest(
        self, desk: Desk, bodies: Sequence[dict[str, Any]], now: datetime
    ) -> list[dict[str, Any]]:
        """Keep a batch in one transaction; a result for every record, in order."""
        received = iso(now)
        keys = [(str(b.get("record_id")), b.get("version")) for b in bodies]
        with self._tx() as cur:
            existing: dict[tuple[str, int], tuple[str, str]] = {}
            ids = sorted({rid for rid, _ in keys})
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                cur.execute(
                    "SELECT record_id, version, content_hash, body FROM records "
                    f"WHERE record_id IN ({', '.join('?' * len(chunk))})",
                    chunk,
                )
                for rid, version, digest, body in cur.fetchall():
                    existing[(rid, version)] = (digest, body)
            results = []
            for body in bodies:
                key = (str(body["record_id"]), int(body["version"]))
                digest = content_hash(body)
                result: dict[str, Any] = {"record_id": key[0], "version": key[1]}
                if key in existing:
                    known_digest, known_body = existing[key]
                    if known_digest == digest:
                        result["result"] = DUPLICATE
                    else:
                        field = differing_field(json.loads(known_body), body)
                        cur.execute(
                            "INSERT INTO conflicts (record_id, version, desk_id, offered_hash, "
                            "field, received_at) VALUES (?, ?, ?, ?, ?, ?) "
                            "ON CONFLICT DO NOTHING",
                            (key[0], key[1], desk.desk_id, digest, field, received),
                        )
                        result.update(result=CONFLICT, field=field,
                                      message=f"the hub holds other content for this version "
                                              f"({field} differs)")  # fmt: skip
                else:
                    cur.execute(
                        "INSERT INTO records (record_id, version, desk_id, site_id, person_key, "
                        "status, screening, vaccine, dose_number, given_on, aefi, content_hash, "
                        "body, received_at, desk_recorded_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (key[0], key[1], desk.desk_id, desk.site_id, body["person_key"],
                         body["status"], body["screening"], body["vaccine"],
                         body["dose_number"], body["given_on"], body["aefi"], digest,
                         json.dumps(record_body(body), ensure_ascii=False), received,
                         body["recorded_at"]),
                    )  # fmt: skip
                    existing[key] = (digest, json.dumps(record_body(body), ensure_ascii=False))
                    result["result"] = STORED
                results.append(result)
        return results

    def missing(self, desk: Desk, keys: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
        """Which of these (id, version), sent by this desk, the hub does not hold."""
        held: set[tuple[str, int]] = set()
        ids = sorted({rid for rid, _ in keys})
        with self._tx() as cur:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                cur.execute(
                    "SELECT record_id, version FROM records WHERE desk_id = ? AND "
                    f"record_id IN ({', '.join('?' * len(chunk))})",
                    [desk.desk_id, *chunk],
                )
                held.update((rid, version) for rid, version in cur.fetchall())
        return [key for key in keys if key not in held]

    def doses(self, person_key: str) -> list[dict[str, Any]]:
        """A person's current doses from every desk, as record bodies."""
        with self._tx() as cur:
            cur.execute(
                "SELECT r.body FROM records r WHERE r.person_key = ? AND r.version = "
                "(SELECT MAX(v.version) FROM records v WHERE v.record_id = r.record_id) "
                "AND r.status = 'active' AND r.screening = 'D' ORDER BY r.given_on",
                (person_key,),
            )
            return [json.loads(body) for (body,) in cur.fetchall()]

    def count_versions(self) -> int:
        with self._tx() as cur:
            cur.execute("SELECT COUNT(*) FROM records")
            return int(cur.fetchone()[0])

    def keys(self) -> list[tuple[str, int]]:
        with self._tx() as cur:
            cur.execute("SELECT record_id, version FROM records ORDER BY record_id, version")
            return [(rid, version) for rid, version in cur.fetchall()]

    # -- heartbeats and statistics ----------------------------------------------------------

    def heartbeat(self, desk: Desk, beat: dict[str, Any], now: datetime, skew: float) -> None:
        seq = int(beat.get("audit_seq") or 0)
        head = str(beat.get("audit_head") or "")[:64]
        with self._tx() as cur:
            cur.execute(
                "SELECT audit_seq, audit_head, audit_alert FROM heartbeats WHERE desk_id = ?",
                (desk.desk_id,),
            )
            known = cur.fetchone()
            alert = known[2] if known else ""
            if known and not alert and (seq < known[0] or (seq == known[0] and head != known[1])):
                alert = f"audit trail rewritten: row {known[0]} was {known[1][:12]}, now {seq}"
            cur.execute(
                "INSERT INTO heartbeats (desk_id, site_id, seen_at, software_version, backlog, "
                "camera, last_record_at, clock_skew_seconds, last_error, audit_seq, audit_head, "
                "audit_alert) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (desk_id) DO UPDATE SET site_id = excluded.site_id, "
                "seen_at = excluded.seen_at, software_version = excluded.software_version, "
                "backlog = excluded.backlog, camera = excluded.camera, "
                "last_record_at = excluded.last_record_at, "
                "clock_skew_seconds = excluded.clock_skew_seconds, "
                "last_error = excluded.last_error, audit_seq = excluded.audit_seq, "
                "audit_head = excluded.audit_head, audit_alert = excluded.audit_alert",
                (desk.desk_id, desk.site_id, iso(now), str(beat.get("software_version", ""))[:40],
                 int(beat.get("backlog", 0)), str(beat.get("camera", ""))[:80],
                 str(beat.get("last_record_at", ""))[:40], skew,
                 str(beat.get("last_error", ""))[:200], seq, head, alert),
            )  # fmt: skip

    def site_stats(
        self, site_id: str, now: datetime, today: str, day_start: datetime | None = None
    ) -> list[dict[str, Any]]:
        hour, quarter = iso(now - timedelta(hours=1)), iso(now - timedelta(minutes=15))
        desks: dict[str, dict[str, Any]] = {}

        def desk(desk_id: str) -> dict[str, Any]:
            return desks.setdefault(
                desk_id,
                {"desk_id": desk_id, "today": 0, "last_hour": 0, "last_15_min": 0,
                 "backlog": None, "last_seen": None, "camera": "", "software_version": "",
                 "clock_skew_seconds": 0.0, "conflicts": 0, "last_error": "",
                 "hourly": [0] * 24},
            )  # fmt: skip

        with self._tx() as cur:
            cur.execute("SELECT desk_id FROM desks WHERE site_id = ? AND revoked = 0", (site_id,))
            for (desk_id,) in cur.fetchall():
                desk(desk_id)
            cur.execute(
                "SELECT r.desk_id, COUNT(*) FROM records r WHERE r.site_id = ? AND r.given_on = ? "
                "AND r.status = 'active' AND r.version = "
                "(SELECT MAX(v.version) FROM records v WHERE v.record_id = r.record_id) "
                "GROUP BY r.desk_id",
                (site_id, today),
            )
            for desk_id, count in cur.fetchall():
                desk(desk_id)["today"] = count
            for column, since in (("last_hour", hour), ("last_15_min", quarter)):
                cur.execute(
                    "SELECT desk_id, COUNT(*) FROM records WHERE site_id = ? AND version = 1 "
                    "AND received_at >= ? GROUP BY desk_id",
                    (site_id, since),
                )
                for desk_id, count in cur.fetchall():
                    desk(desk_id)[column] = count
            cur.execute(
                "SELECT desk_id, seen_at, backlog, camera, software_version, clock_skew_seconds, "
                "last_error, audit_alert FROM heartbeats WHERE site_id = ?",
                (site_id,),
            )
            for desk_id, seen, backlog, camera, version, skew, error, alert in cur.fetchall():
                desk(desk_id).update(last_seen=seen, backlog=backlog, camera=camera,
                                     software_version=version, clock_skew_seconds=skew,
                                     last_error=error, audit_alert=alert)  # fmt: skip
            cur.execute(
                "SELECT c.desk_id, COUNT(*) FROM conflicts c JOIN desks d ON d.desk_id = c.desk_id "
                "WHERE d.site_id = ? GROUP BY c.desk_id",
                (site_id,),
            )
            for desk_id, count in cur.fetchall():
                desk(desk_id)["conflicts"] = count
            if day_start is not None:
                cur.execute(
                    "SELECT desk_id, received_at FROM records WHERE site_id = ? AND version = 1 "
                    "AND received_at >= ?",
                    (site_id, iso(day_start)),
                )
                for desk_id, received in cur.fetchall():
                    moment = datetime.fromisoformat(received).astimezone(day_start.tzinfo)
                    desk(desk_id)["hourly"][moment.hour] += 1
        return sorted(desks.values(), key=lambda d: d["desk_id"])

    def site_totals(self, site_id: str, today: str) -> dict[str, Any]:
        """Today's doses by vaccine and dose number, and adverse events, for the site."""
        current = (
            "r.site_id = ? AND r.given_on = ? AND r.status = 'active' AND r.version = "
            "(SELECT MAX(v.version) FROM records v WHERE v.record_id = r.record_id)"
        )
        with self._tx() as cur:
            cur.execute(
                f"SELECT r.vaccine, r.dose_number, COUNT(*) FROM records r WHERE {current} "
                "AND r.screening = 'D' GROUP BY r.vaccine, r.dose_number "
                "ORDER BY r.vaccine, r.dose_number",
                (site_id, today),
            )
            doses = [
                {"vaccine": vaccine, "dose_number": number, "count": count}
                for vaccine, number, count in cur.fetchall()
            ]
            cur.execute(
                f"SELECT r.aefi, COUNT(*) FROM records r WHERE {current} AND r.aefi != '' "
                "GROUP BY r.aefi",
                (site_id, today),
            )
            aefi = {kind: count for kind, count in cur.fetchall()}
        return {"doses": doses, "aefi": aefi}

    def recent(self, site_id: str, desk_id: str, limit: int) -> list[dict[str, Any]]:
        """A desk's latest records as received (current versions), newest first."""
        with self._tx() as cur:
            cur.execute(
                "SELECT r.body, r.received_at FROM records r WHERE r.site_id = ? AND "
                "r.desk_id = ? AND r.version = "
                "(SELECT MAX(v.version) FROM records v WHERE v.record_id = r.record_id) "
                "ORDER BY r.received_at DESC, r.record_id DESC LIMIT ?",
                (site_id, desk_id, limit),
            )
            return [
                {**json.loads(body), "received_at": received} for body, received in cur.fetchall()
            ]


class _Cursor:
    """A cursor that takes `?` placeholders on both databases."""

    def __init__(self, cursor: Any, translate: Any) -> None:
        self._cursor = cursor
        self._translate = translate

    def execute(self, statement: str, params: Sequence[Any] = ()) -> None:
        self._cursor.execute(self._translate(statement), params)

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return list(self._cursor.fetchall())

    @property
    def rowcount(self) -> int:
        return int(self._cursor.rowcount)
