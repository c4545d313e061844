"""Schema migrations, applied in order; `PRAGMA user_version` says how many have run."""

from __future__ import annotations

import sqlite3

RECORD_COLUMNS: tuple[str, ...] = (
    "record_id",
    "version",
    "status",
    "void_reason",
    "desk_id",
    "site_id",
    "session_id",
    "id_type",
    "id_number",
    "person_key",
    "full_name",
    "dob",
    "sex",
    "phone",
    "province_code",
    "ward_code",
    "address",
    "screening",
    "vaccine",
    "lot",
    "dose_number",
    "given_on",
    "given_time",
    "vaccinator",
    "aefi",
    "aefi_note",
    "observed_until",
    "source",
    "entered_by",
    "recorded_at",
)

_V1 = f"""
CREATE TABLE records (
    {
    ", ".join(
        f"{c} {'INTEGER' if c in ('version', 'dose_number') else 'TEXT'}"
        + (" NOT NULL" if c not in ("dose_number",) else "")
        for c in RECORD_COLUMNS
    )
},
    PRIMARY KEY (record_id, version)
);
CREATE INDEX records_person ON records (person_key);
CREATE INDEX records_desk_recorded ON records (desk_id, recorded_at);
-- A record is never changed or deleted: a correction or a void is a new version.
CREATE TRIGGER records_no_update BEFORE UPDATE ON records
BEGIN SELECT RAISE(ABORT, 'records are append-only: save a new version'); END;
CREATE TRIGGER records_no_delete BEFORE DELETE ON records
BEGIN SELECT RAISE(ABORT, 'records are never deleted: void them'); END;

CREATE VIEW current_records AS
SELECT r.* FROM records r
WHERE r.version = (SELECT MAX(version) FROM records v WHERE v.record_id = r.record_id);

CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    record_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    enqueued_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    UNIQUE (record_id, version),
    FOREIGN KEY (record_id, version) REFERENCES records (record_id, version)
);
CREATE INDEX outbox_state ON outbox (state, seq);

CREATE TABLE sessions (
    session_id TEXT PRIMARY KEY,
    opened_at TEXT NOT NULL,
    site_id TEXT NOT NULL,
    desk_id TEXT NOT NULL,
    entered_by TEXT NOT NULL,
    vaccinator TEXT NOT NULL,
    vaccine TEXT NOT NULL,
    lot TEXT NOT NULL,
    session_date TEXT NOT NULL
);
"""

# Doses of this desk's people recorded at other desks, pulled from the hub: they number
# doses and refuse duplicates here too. Same columns as records; replaced, not versioned.
_V2 = f"""
CREATE TABLE remote_records (
    {
    ", ".join(
        f"{c} {'INTEGER' if c in ('version', 'dose_number') else 'TEXT'}" for c in RECORD_COLUMNS
    )
},
    PRIMARY KEY (record_id, version)
);
CREATE INDEX remote_records_person ON remote_records (person_key);
"""

# Users of the desk, and the audit trail: append-only, each row chained to the one before.
_V3 = """
CREATE TABLE users (
    user_id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role TEXT NOT NULL,
    pin_hash TEXT NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    user_name TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
"""

MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3)
SCHEMA_VERSION = len(MIGRATIONS)


class SchemaTooNew(RuntimeError):
    pass


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the file to SCHEMA_VERSION; each migration runs in its own transaction."""
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    if current > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"the database has schema version {current}; this vaxdesk knows up to "
            f"{SCHEMA_VERSION}: upgrade vaxdesk"
        )
    for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
        try:
            conn.executescript(
                f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;"
            )
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    return SCHEMA_VERSION
