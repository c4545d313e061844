"""The hub's storage: desks, supervisors and heartbeats here; record versions and the site's
figures in their own modules, one class for the endpoints to call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dbkit import iso
from hub.lookups_db import PersonLookups
from hub.records_db import RecordRows
from hub.schema import SCHEMA_VERSION, TABLES
from hub.sites_db import SiteRows
from hub.staff_db import StaffRows
from hub.stats_db import SiteFigures


@dataclass(frozen=True)
class Desk:
    desk_id: str
    site_id: str


class HubDB(RecordRows, PersonLookups, SiteFigures, SiteRows, StaffRows):
    """`HubDB("sqlite:///path")` or `HubDB("postgresql://...")`."""

    # -- desks and supervisors -----------------------------------------------------------

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

    # -- heartbeats ----------------------------------------------------------------------

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


__all__ = ["SCHEMA_VERSION", "TABLES", "Desk", "HubDB"]
