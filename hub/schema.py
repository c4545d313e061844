"""The hub's tables, as named migrations; `hub_meta` still counts them for older hubs."""

from __future__ import annotations

import secrets

from dbkit import Cursor, Migrations
from hub.counters import rebuild

TABLES = ("desks", "records", "conflicts", "heartbeats", "supervisors", "lookups", "hub_secrets",
          "hub_meta", "aefi_events", "day_states", "exports", "exported_versions",
          "platform_results", "site_counts", "sites", "staff", "stock_receipts",
          "stock_allocations", "stock_usage", "stock_settings", "_migrations")  # fmt: skip


class HubMeta:
    """The count of migrations a hub kept before they had names (schema 2: the first two)."""

    def read(self, cur: Cursor) -> int:
        cur.execute("CREATE TABLE IF NOT EXISTS hub_meta (schema_version INTEGER NOT NULL)")
        row = cur.execute("SELECT schema_version FROM hub_meta").fetchone()
        return int(row[0]) if row else 0

    def write(self, cur: Cursor, count: int) -> None:
        if cur.execute("UPDATE hub_meta SET schema_version = ?", (count,)).rowcount == 0:
            cur.execute("INSERT INTO hub_meta (schema_version) VALUES (?)", (count,))


MIGRATIONS = Migrations("hub", legacy=HubMeta())

MIGRATIONS.sql(
    "0001_desks_records_heartbeats",
    """CREATE TABLE IF NOT EXISTS desks (
        desk_id TEXT PRIMARY KEY,
        site_id TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        enrolled_at TEXT NOT NULL,
        revoked INTEGER NOT NULL DEFAULT 0
    )""",
    # Every version a desk sent, keyed by (record id, version); the body as sent, and the
    # columns the figures read.
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
    "CREATE INDEX IF NOT EXISTS records_site_day ON records (site_id, given_on, desk_id)",
    # A window of receipt times, covering (desk and version are in the index).
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
)

# The head of each desk's audit chain, from its heartbeats: a rewritten desk log shows.
MIGRATIONS.sql(
    "0002_audit_heads",
    "ALTER TABLE heartbeats ADD COLUMN audit_seq INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE heartbeats ADD COLUMN audit_head TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE heartbeats ADD COLUMN audit_alert TEXT NOT NULL DEFAULT ''",
)

# "Today" is what the desk counts: records whose first version the desk recorded since the
# site's midnight. The figures find those first versions here (covering), not by given_on.
MIGRATIONS.sql(
    "0003_today_by_first_version",
    "DROP INDEX IF EXISTS records_site_day",
    "CREATE INDEX IF NOT EXISTS records_site_first "
    "ON records (site_id, version, desk_recorded_at, desk_id)",
)


@MIGRATIONS("0004_lookups")
def lookups(cur: Cursor) -> None:
    """Every lookup of a person's doses: which desk, when, a keyed hash of the person's key
    (the key is the hub's own secret, made here once), what it was answered."""
    serial = "BIGSERIAL" if cur.postgres else "INTEGER"
    cur.execute(
        f"CREATE TABLE IF NOT EXISTS lookups (seq {serial} PRIMARY KEY, at TEXT NOT NULL, "
        "desk_id TEXT NOT NULL, site_id TEXT NOT NULL, key_hash TEXT NOT NULL, "
        "outcome TEXT NOT NULL, doses INTEGER NOT NULL)"
    )
    cur.execute("CREATE INDEX IF NOT EXISTS lookups_desk ON lookups (desk_id, at)")
    cur.execute(
        "CREATE TABLE IF NOT EXISTS hub_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL)"
    )
    cur.execute(
        "INSERT INTO hub_secrets (name, value) VALUES ('lookup_key', ?) ON CONFLICT DO NOTHING",
        (secrets.token_hex(32),),
    )


# The screening checklist a record carries (issue 13): its version, its answers (JSON, as in
# the body) and the outcome they give (`caution` included, which the record's letter is not).
MIGRATIONS.sql(
    "0005_screening_answers",
    "ALTER TABLE records ADD COLUMN checklist_version TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE records ADD COLUMN screening_answers TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE records ADD COLUMN checklist_outcome TEXT NOT NULL DEFAULT ''",
)

# Adverse events after immunization, every version a desk sent, keyed by (event id,
# version) like records: the body as sent, and the columns the figures read.
MIGRATIONS.sql(
    "0006_aefi_events",
    """CREATE TABLE IF NOT EXISTS aefi_events (
        event_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        record_id TEXT NOT NULL,
        desk_id TEXT NOT NULL,
        site_id TEXT NOT NULL,
        person_key TEXT NOT NULL,
        severity TEXT NOT NULL,
        outcome TEXT NOT NULL,
        onset_on TEXT NOT NULL,
        onset_time TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        body TEXT NOT NULL,
        received_at TEXT NOT NULL,
        desk_recorded_at TEXT NOT NULL,
        PRIMARY KEY (event_id, version)
    )""",
    "CREATE INDEX IF NOT EXISTS aefi_events_site ON aefi_events (site_id, version, "
    "desk_recorded_at)",
    "CREATE INDEX IF NOT EXISTS aefi_events_record ON aefi_events (record_id)",
)

# The day's subject states as each desk sent them, every version, keyed by (desk, state key,
# version): the body as sent, and the columns the supervisor's figures read.
MIGRATIONS.sql(
    "0007_day_states",
    """CREATE TABLE IF NOT EXISTS day_states (
        desk_id TEXT NOT NULL,
        state_key TEXT NOT NULL,
        version INTEGER NOT NULL,
        site_id TEXT NOT NULL,
        list_day TEXT NOT NULL,
        state TEXT NOT NULL,
        state_at TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        body TEXT NOT NULL,
        received_at TEXT NOT NULL,
        PRIMARY KEY (desk_id, state_key, version)
    )""",
    "CREATE INDEX IF NOT EXISTS day_states_site ON day_states (site_id, list_day)",
)

# The export finds what the day's list said of a vaccinated person by the state's key.
MIGRATIONS.sql(
    "0008_day_state_keys",
    "CREATE INDEX IF NOT EXISTS day_states_key ON day_states (state_key, version)",
)

# The export ledger (issue 14): every completed export (its file, period and count) and each
# record version it put in a row of its file, per destination (`national`, `fhir`); and the
# platform's answer read back for a version, accepted or refused with its reason. A version
# is "sent" to a destination once a completed export holds it: the rows are written with the
# export's own row, in one transaction, after the file is in place.
MIGRATIONS.sql(
    "0009_export_ledger",
    """CREATE TABLE IF NOT EXISTS exports (
        export_id TEXT PRIMARY KEY,
        destination TEXT NOT NULL,
        site_id TEXT NOT NULL,
        period_start TEXT NOT NULL,
        period_end TEXT NOT NULL,
        file_name TEXT NOT NULL,
        started_at TEXT NOT NULL,
        completed_at TEXT NOT NULL,
        record_count INTEGER NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS exported_versions (
        destination TEXT NOT NULL,
        record_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        export_id TEXT NOT NULL,
        file_row INTEGER NOT NULL,
        PRIMARY KEY (destination, record_id, version, export_id)
    )""",
    "CREATE INDEX IF NOT EXISTS exported_versions_row ON exported_versions (export_id, file_row)",
    """CREATE TABLE IF NOT EXISTS platform_results (
        destination TEXT NOT NULL,
        record_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        reason TEXT NOT NULL,
        export_id TEXT NOT NULL,
        file_row INTEGER NOT NULL,
        answered_at TEXT NOT NULL,
        PRIMARY KEY (destination, record_id, version)
    )""",
    "CREATE INDEX IF NOT EXISTS platform_results_outcome ON platform_results (outcome)",
)


@MIGRATIONS("0010_counters")
def counters(cur: Cursor) -> None:
    """The supervisor's figures as counters kept at ingest (issue 15, `hub/counters.py`):
    per site, quarter hour (UTC) of a record's first version, desk, measure and detail
    (`dose`: vaccine and dose number; `aefi`: its kind); counted from the records held. On
    SQLite the rows are kept in their key's order (WITHOUT ROWID): a day's are read in a run."""
    clustered = "" if cur.postgres else " WITHOUT ROWID"
    cur.execute(
        """CREATE TABLE IF NOT EXISTS site_counts (
            site_id TEXT NOT NULL,
            bucket TEXT NOT NULL,
            desk_id TEXT NOT NULL,
            measure TEXT NOT NULL,
            detail TEXT NOT NULL,
            n INTEGER NOT NULL,
            first_at TEXT NOT NULL,
            PRIMARY KEY (site_id, bucket, desk_id, measure, detail)
        )"""
        + clustered
    )
    rebuild(cur)


# The site registry (issue 16): each site's code (the one its desks are enrolled at), its
# facility code on the national platform, name, address as the 2025 units' codes, tables,
# the person in charge. Reports group sites by province and ward (hub/sites_db.py).
MIGRATIONS.sql(
    "0011_sites",
    """CREATE TABLE IF NOT EXISTS sites (
        site_id TEXT PRIMARY KEY,
        facility_code TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        province_code TEXT NOT NULL,
        ward_code TEXT NOT NULL,
        address TEXT NOT NULL,
        table_count INTEGER NOT NULL,
        in_charge TEXT NOT NULL,
        phone TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS sites_area ON sites (province_code, ward_code)",
)

# The site's staff (issue 16): created once here, sent to the site's desks with their role and
# an Argon2id hash of their PIN (never the PIN). `revision` orders every change: a desk says
# the revision it holds in its heartbeat and gets the site's staff again when it is behind.
MIGRATIONS.sql(
    "0012_staff",
    """CREATE TABLE IF NOT EXISTS staff (
        staff_id TEXT PRIMARY KEY,
        site_id TEXT NOT NULL,
        name TEXT NOT NULL,
        name_key TEXT NOT NULL,
        role TEXT NOT NULL,
        pin_hash TEXT NOT NULL,
        revoked INTEGER NOT NULL DEFAULT 0,
        revision INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (site_id, name_key)
    )""",
    "CREATE INDEX IF NOT EXISTS staff_site ON staff (site_id, revision)",
)

# Vaccine stock per lot (issue 16): the site's receipts and its allocations to desks, entered
# at the hub; each desk's movements (vials opened, doses wasted) as it sent them, keyed like
# any item (usage id, version 1); the site's thresholds for near expiry and near empty.
MIGRATIONS.sql(
    "0013_stock",
    """CREATE TABLE IF NOT EXISTS stock_receipts (
        receipt_id TEXT PRIMARY KEY,
        site_id TEXT NOT NULL,
        vaccine TEXT NOT NULL,
        lot TEXT NOT NULL,
        vials INTEGER NOT NULL,
        doses_per_vial INTEGER NOT NULL,
        expires_on TEXT NOT NULL,
        received_from TEXT NOT NULL,
        received_on TEXT NOT NULL,
        entered_at TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS stock_receipts_site ON stock_receipts (site_id, vaccine, lot)",
    """CREATE TABLE IF NOT EXISTS stock_allocations (
        allocation_id TEXT PRIMARY KEY,
        site_id TEXT NOT NULL,
        vaccine TEXT NOT NULL,
        lot TEXT NOT NULL,
        desk_id TEXT NOT NULL,
        session_id TEXT NOT NULL,
        vials INTEGER NOT NULL,
        allocated_on TEXT NOT NULL,
        entered_at TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS stock_allocations_site ON stock_allocations (site_id, desk_id)",
    """CREATE TABLE IF NOT EXISTS stock_usage (
        usage_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        desk_id TEXT NOT NULL,
        site_id TEXT NOT NULL,
        vaccine TEXT NOT NULL,
        lot TEXT NOT NULL,
        vials_opened INTEGER NOT NULL,
        doses_wasted INTEGER NOT NULL,
        day TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        body TEXT NOT NULL,
        received_at TEXT NOT NULL,
        PRIMARY KEY (usage_id, version)
    )""",
    "CREATE INDEX IF NOT EXISTS stock_usage_site ON stock_usage (site_id, vaccine, lot)",
    """CREATE TABLE IF NOT EXISTS stock_settings (
        site_id TEXT PRIMARY KEY,
        near_expiry_days INTEGER NOT NULL,
        near_empty_doses INTEGER NOT NULL
    )""",
)

SCHEMA_VERSION = len(MIGRATIONS.names)
