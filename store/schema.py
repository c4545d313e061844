"""The desk file's migrations, applied in order by name; `PRAGMA user_version` still counts
them, so a file from before the names (user_version 3) is recognised as having the first three."""

from __future__ import annotations

import json
import sqlite3

from dbkit import Cursor, Migrations, MigrationsTooNew, UserVersion, current_version
from domain.aefi import AEFI_FIELDS
from domain.errors import DeskError
from domain.wire import RECORD_FIELDS

RECORD_COLUMNS = RECORD_FIELDS  # the desk keeps a record as one column a field

V1 = f"""
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
SELECT r.* FROM records r WHERE {current_version("r")};

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

MIGRATIONS = Migrations("desk", legacy=UserVersion())
MIGRATIONS.sql("0001_records_outbox_sessions", V1)

# Doses of this desk's people recorded at other desks, pulled from the hub: they number
# doses and refuse duplicates here too. Same columns as records; replaced, not versioned.
V2 = f"""
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

MIGRATIONS.sql("0002_remote_records", V2)

# Users of the desk, and the audit trail: append-only, each row chained to the one before.
V3 = """
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
MIGRATIONS.sql("0003_users_audit", V3)


@MIGRATIONS("0004_generic_outbox")
def generic_outbox(cur: Cursor) -> None:
    """The outbox queues items of any kind, each with its payload, so nothing ties it to the
    records table: existing rows become kind 'record', keyed by record id, their state kept."""
    cur.execute(
        "CREATE TABLE outbox_items (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, "
        "key TEXT NOT NULL, version INTEGER NOT NULL, payload TEXT NOT NULL, "
        "state TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0, "
        "last_error TEXT NOT NULL DEFAULT '', enqueued_at TEXT NOT NULL, "
        "UNIQUE (kind, key, version))"
    )
    rows = cur.execute(
        "SELECT o.seq, o.state, o.attempts, o.last_error, o.enqueued_at, r.* FROM outbox o "
        "JOIN records r ON r.record_id = o.record_id AND r.version = o.version ORDER BY o.seq"
    ).dicts()
    for row in rows:
        seq, state, attempts, error, enqueued = (
            row.pop(k) for k in ("seq", "state", "attempts", "last_error", "enqueued_at")
        )
        cur.execute(
            "INSERT INTO outbox_items (seq, kind, key, version, payload, state, attempts, "
            "last_error, enqueued_at) VALUES (?, 'record', ?, ?, ?, ?, ?, ?, ?)",
            (seq, row["record_id"], row["version"], json.dumps(row, ensure_ascii=False), state,
             attempts, error, enqueued),
        )  # fmt: skip
    cur.execute("DROP TABLE outbox")
    cur.execute("ALTER TABLE outbox_items RENAME TO outbox")
    cur.execute("CREATE INDEX outbox_state ON outbox (state, seq)")


# The hub's refusal or conflict as data (field, code, parameters: JSON), beside its words in
# last_error, so that today's list says it in the desk's language.
MIGRATIONS.sql(
    "0005_outbox_problem", "ALTER TABLE outbox ADD COLUMN problem TEXT NOT NULL DEFAULT '';"
)


# Subject lists (issue 13): the people a site's day expects, each once a site and day, with
# the list they came from and their state through the day; `subject_states` keeps every
# change (who, when). Names and codes of places as the list gave them (pre-2025 ones too).
V6 = """
CREATE TABLE subject_lists (
    list_hash TEXT NOT NULL,
    site_id TEXT NOT NULL,
    list_day TEXT NOT NULL,
    file_name TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    rows INTEGER NOT NULL,
    PRIMARY KEY (list_hash, site_id, list_day)
);
CREATE TABLE subjects (
    subject_id INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id TEXT NOT NULL,
    list_day TEXT NOT NULL,
    person_key TEXT NOT NULL,
    match_key TEXT NOT NULL,
    id_type TEXT NOT NULL,
    id_number TEXT NOT NULL,
    full_name TEXT NOT NULL,
    dob TEXT NOT NULL,
    sex TEXT NOT NULL,
    phone TEXT NOT NULL,
    address TEXT NOT NULL,
    priority_group TEXT NOT NULL,
    entry TEXT NOT NULL,
    row_hash TEXT NOT NULL,
    list_hash TEXT NOT NULL,
    walk_in INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL,
    state_at TEXT NOT NULL,
    vaccinated_at TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (site_id, list_day, person_key)
);
CREATE INDEX subjects_match ON subjects (site_id, list_day, match_key);
CREATE INDEX subjects_day_state ON subjects (list_day, state);
CREATE TABLE subject_states (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    subject_id INTEGER NOT NULL REFERENCES subjects (subject_id),
    state TEXT NOT NULL,
    at TEXT NOT NULL,
    by TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX subject_states_subject ON subject_states (subject_id, seq);
"""
MIGRATIONS.sql("0006_subjects", V6)

# The screening checklist answered for a record (issue 13): its version and its answers as
# compact JSON (domain.screening.Answers); empty for a one-letter screening and older records.
MIGRATIONS.sql(
    "0007_screening_answers",
    "ALTER TABLE records ADD COLUMN checklist_version TEXT NOT NULL DEFAULT '';",
    "ALTER TABLE records ADD COLUMN screening_answers TEXT NOT NULL DEFAULT '';",
)

# Observation after the dose: a person watched after their dose is marked as gone ("left, no
# reaction"), once, with who and when. The queue itself is derived from the records.
MIGRATIONS.sql(
    "0008_observation_marks",
    """
CREATE TABLE observation_marks (
    record_id TEXT PRIMARY KEY,
    outcome TEXT NOT NULL,
    marked_by TEXT NOT NULL,
    marked_at TEXT NOT NULL
);
CREATE TRIGGER observation_marks_no_update BEFORE UPDATE ON observation_marks
BEGIN SELECT RAISE(ABORT, 'observation marks are append-only'); END;
CREATE TRIGGER observation_marks_no_delete BEFORE DELETE ON observation_marks
BEGIN SELECT RAISE(ABORT, 'observation marks are append-only'); END;
""",
)

# Adverse events after immunization, linked to a dose (record id, person key): versioned and
# append-only like records; each version goes to the hub as an outbox item of kind "aefi".
MIGRATIONS.sql(
    "0009_aefi_events",
    "CREATE TABLE aefi_events ("
    + ", ".join(f"{c} {'INTEGER' if c == 'version' else 'TEXT'} NOT NULL" for c in AEFI_FIELDS)
    + ", PRIMARY KEY (event_id, version));",
    "CREATE INDEX aefi_events_record ON aefi_events (record_id);",
    "CREATE INDEX aefi_events_recorded ON aefi_events (desk_id, recorded_at);",
    "CREATE TRIGGER aefi_events_no_update BEFORE UPDATE ON aefi_events "
    "BEGIN SELECT RAISE(ABORT, 'adverse events are append-only: save a new version'); END;",
    "CREATE TRIGGER aefi_events_no_delete BEFORE DELETE ON aefi_events "
    "BEGIN SELECT RAISE(ABORT, 'adverse events are never deleted'); END;",
    "CREATE VIEW current_aefi AS SELECT e.* FROM aefi_events e WHERE "
    + current_version("e", "aefi_events", "event_id")
    + ";",
)

# The national platform's refusals of this desk's record versions, as the hub's heartbeat
# reply last listed them (issue 14): today's list marks those rows with the reason. Replaced
# whole at each reply; a newer version of the record is not refused.
MIGRATIONS.sql(
    "0010_platform_refusals",
    """
CREATE TABLE platform_refusals (
    record_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    reason TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (record_id, version)
);
""",
)

# The site's staff from the hub (issue 16): a user the hub sent keeps its hub id (the desk's
# own users have none) and is never deleted here: revoked at the hub, it is inactive and
# marked so. `staff_sync` holds the one roster the desk has (its site and revision). The
# session's team and the records' (the screening doctor, the data-entry volunteers).
MIGRATIONS.sql(
    "0011_staff_sync",
    "ALTER TABLE users ADD COLUMN hub_staff_id TEXT NOT NULL DEFAULT '';",
    "ALTER TABLE users ADD COLUMN revoked INTEGER NOT NULL DEFAULT 0;",
    "CREATE TABLE staff_sync (site_id TEXT NOT NULL, revision INTEGER NOT NULL, "
    "synced_at TEXT NOT NULL);",
    "ALTER TABLE sessions ADD COLUMN doctor TEXT NOT NULL DEFAULT '';",
    "ALTER TABLE sessions ADD COLUMN volunteers TEXT NOT NULL DEFAULT '';",
    "ALTER TABLE records ADD COLUMN doctor TEXT NOT NULL DEFAULT '';",
    "ALTER TABLE records ADD COLUMN volunteers TEXT NOT NULL DEFAULT '';",
)

# Vaccine stock (issue 16): the lots the hub allocated to this desk and the site's thresholds,
# as its heartbeat reply last listed them (replaced whole); this desk's movements (vials
# opened, doses wasted), append-only, each queued for the hub (kind "stock_usage").
MIGRATIONS.sql(
    "0012_stock",
    """
CREATE TABLE stock_lots (
    vaccine TEXT NOT NULL,
    lot TEXT NOT NULL,
    expires_on TEXT NOT NULL,
    doses_per_vial INTEGER NOT NULL,
    allocated_vials INTEGER NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (vaccine, lot)
);
CREATE TABLE stock_thresholds (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    near_expiry_days INTEGER NOT NULL,
    near_empty_doses INTEGER NOT NULL
);
CREATE TABLE stock_usage (
    usage_id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    desk_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    vaccine TEXT NOT NULL,
    lot TEXT NOT NULL,
    vials_opened INTEGER NOT NULL,
    doses_wasted INTEGER NOT NULL,
    day TEXT NOT NULL,
    reason TEXT NOT NULL,
    entered_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX stock_usage_lot ON stock_usage (vaccine, lot);
CREATE TRIGGER stock_usage_no_update BEFORE UPDATE ON stock_usage
BEGIN SELECT RAISE(ABORT, 'stock movements are append-only: record another'); END;
CREATE TRIGGER stock_usage_no_delete BEFORE DELETE ON stock_usage
BEGIN SELECT RAISE(ABORT, 'stock movements are never deleted'); END;
""",
)

SCHEMA_VERSION = len(MIGRATIONS.names)


class SchemaTooNew(DeskError, RuntimeError):
    """A file written by a newer vaxdesk (code `store.too_new`)."""


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the file to SCHEMA_VERSION; each migration runs in its own transaction."""
    try:
        MIGRATIONS.apply(conn)
    except MigrationsTooNew as error:
        raise SchemaTooNew("store.too_new", applied=error.applied, known=SCHEMA_VERSION) from None
    return SCHEMA_VERSION
