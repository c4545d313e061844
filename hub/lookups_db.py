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
