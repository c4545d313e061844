"""The database mechanics the desk store and the hub share (never their schemas): connect,
one write transaction, named migrations, UTC timestamps, the "current version" SQL."""

from dbkit.connect import Cursor, connect_sqlite, is_postgres_url
from dbkit.migrations import Migrations, MigrationsTooNew, UserVersion, sql_statements
from dbkit.timestamps import iso, utc_now
from dbkit.tx import write_tx
from dbkit.versions import active_dose, current_version

__all__ = [
    "Cursor",
    "Migrations",
    "MigrationsTooNew",
    "UserVersion",
    "active_dose",
    "connect_sqlite",
    "current_version",
    "is_postgres_url",
    "iso",
    "sql_statements",
    "utc_now",
    "write_tx",
]
