"""Who may see a person's doses, and the trail of every lookup.

A desk asks for a person's doses to number a new dose and refuse a duplicate. It gets only
what that needs (`domain.wire.DOSE_FIELDS`), and only for a person its site has recorded, or
one recorded in its province. The hub has no registry of sites yet: a site code's first part
(`TV` of `TV-CN-01`) stands for its province. Every lookup is kept in `lookups` with the desk
and a keyed hash of the person's key, never the ID number.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from dbkit import Cursor, active_dose, current_version, iso
from domain.wire import DOSE_FIELDS
from hub.storage import Storage

if TYPE_CHECKING:
    from hub.db import Desk

ANSWERED = "answered"
WITHHELD = "withheld"  # the person is known only to sites of other provinces
LIMITED = "limited"  # the desk asked too often
# A record asked for by its id (a slip scanned at a desk): answered whole to a desk of its
# site; another site's record is answered as unknown, and only the trail tells them apart.
RECORD_ANSWERED = "record"
RECORD_WITHHELD = "record-withheld"
RECORD_UNKNOWN = "record-unknown"


def province_of(site_id: str) -> str:
    """The stand-in for a site's province: its code's first part, 'TV' of 'TV-CN-01'."""
    return site_id.split("-", 1)[0].upper()


class PersonLookups(Storage):
    _lookup_key: bytes | None = None

    def look_up(self, desk: Desk, person_key: str, now: datetime) -> list[dict[str, Any]]:
        """The person's doses for this desk (none when its site may not see them); audited."""
        with self._tx() as cur:
            cur.execute("SELECT DISTINCT site_id FROM records WHERE person_key = ?", (person_key,))
            sites = {str(site) for (site,) in cur.fetchall()}
            seen = desk.site_id in sites or province_of(desk.site_id) in map(province_of, sites)
            doses = self._doses(cur, person_key) if seen else []
            outcome = ANSWERED if seen or not sites else WITHHELD
            self._audit(cur, desk, person_key, now, outcome, len(doses))
        return doses

    def record_for(self, desk: Desk, record_id: str, now: datetime) -> dict[str, Any] | None:
        """The latest version of a record, as kept, for a desk of its site (None: unknown
        here, or another site's); audited, the record named by a keyed hash of its id."""
        with self._tx() as cur:
            cur.execute(
                "SELECT site_id, body FROM records WHERE record_id = ? "
                "ORDER BY version DESC LIMIT 1",
                (record_id,),
            )
            row = cur.fetchone()
            found = row is not None and row[0] == desk.site_id
            outcome = RECORD_ANSWERED if found else RECORD_WITHHELD if row else RECORD_UNKNOWN
            self._audit(cur, desk, f"record:{record_id}", now, outcome, int(found))
        return dict(json.loads(row[1])) if found else None

    def record_origins(self, record_ids: list[str]) -> dict[str, tuple[str, str]]:
        """Where each record the hub holds was made: (site, desk) of its first version."""
        origins: dict[str, tuple[str, str]] = {}
        with self._tx() as cur:
            for start in range(0, len(record_ids), 500):
                chunk = record_ids[start : start + 500]
                cur.execute(
                    "SELECT record_id, site_id, desk_id FROM records WHERE version = 1 AND "
                    f"record_id IN ({', '.join('?' * len(chunk))})",
                    chunk,
                )
                origins.update((rid, (site, desk_id)) for rid, site, desk_id in cur.fetchall())
        return origins

    def refuse_lookup(self, desk: Desk, person_key: str, now: datetime) -> None:
        """Keep the trace of a lookup refused for its rate."""
        with self._tx() as cur:
            self._audit(cur, desk, person_key, now, LIMITED, 0)

    def lookups(self, desk_id: str | None = None) -> list[dict[str, Any]]:
        """The trail, oldest first (a desk's only, when given)."""
        where, params = ("WHERE desk_id = ? ", (desk_id,)) if desk_id else ("", ())
        with self._tx() as cur:
            cur.execute(
                "SELECT at, desk_id, site_id, key_hash, outcome, doses FROM lookups "
                f"{where}ORDER BY seq",
                params,
            )
            return cur.dicts()

    def key_hash(self, person_key: str) -> str:
        """How the trail names this person."""
        with self._tx() as cur:
            return self._hash(cur, person_key)

    def _audit(
        self, cur: Cursor, desk: Desk, person_key: str, now: datetime, outcome: str, doses: int
    ) -> None:
        cur.execute(
            "INSERT INTO lookups (at, desk_id, site_id, key_hash, outcome, doses) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (iso(now), desk.desk_id, desk.site_id, self._hash(cur, person_key), outcome, doses),
        )

    def _hash(self, cur: Cursor, person_key: str) -> str:
        """Keyed: ID numbers are few enough to try them all, so a plain hash would name the
        person to whoever reads the trail; without the hub's key it does not."""
        if self._lookup_key is None:
            cur.execute("SELECT value FROM hub_secrets WHERE name = 'lookup_key'")
            self._lookup_key = bytes.fromhex(cur.fetchone()[0])
        digest = hmac.new(self._lookup_key, person_key.encode("utf-8"), hashlib.sha256)
        return digest.hexdigest()[:32]

    @staticmethod
    def _doses(cur: Cursor, person_key: str) -> list[dict[str, Any]]:
        cur.execute(
            f"SELECT r.body FROM records r WHERE r.person_key = ? AND {current_version('r')} "
            f"AND {active_dose('r')} ORDER BY r.given_on",
            (person_key,),
        )
        return [
            {name: body.get(name) for name in DOSE_FIELDS}
            for body in (json.loads(text) for (text,) in cur.fetchall())
        ]
