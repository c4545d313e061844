"""A site's figures for its supervisor: per desk and in total, read from the hub's columns
(never the bodies)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from dbkit import active_dose, current_version, iso
from domain.clock import DEFAULT_TIMEZONE, day_bounds, site_zone
from hub.aefi_db import events_since
from hub.day_db import day_counts
from hub.storage import Storage

# Records of the site whose first version a desk recorded since a moment, joined to their
# current version `c`: the desk's own "today" (store.records), counted the same way here.
_FIRST_SINCE = (
    f"FROM records f JOIN records c ON c.record_id = f.record_id AND {current_version('c')} "
    "WHERE f.site_id = ? AND f.version = 1 AND f.desk_recorded_at >= ?"
)


def _new_desk(desk_id: str) -> dict[str, Any]:
    return {"desk_id": desk_id, "today": 0, "last_hour": 0, "last_15_min": 0,
            "backlog": None, "last_seen": None, "camera": "", "software_version": "",
            "clock_skew_seconds": 0.0, "conflicts": 0, "last_error": "",
            "hourly": [0] * 24, "first_today": None, "waiting": 0,
            "in_observation": 0}  # fmt: skip


class SiteFigures(Storage):
    def site_stats(
        self, site_id: str, now: datetime, day_start: datetime | None = None
    ) -> list[dict[str, Any]]:
        """One entry a desk. `day_start`: the site's midnight (aware, in the site's zone; by
        default in the default zone); "today" and the hourly trend count from it, and the day's
        subjects waiting and under observation (`waiting`, `in_observation`) are of its day."""
        day_start = day_start or day_bounds(now.astimezone(site_zone(DEFAULT_TIMEZONE)))[0]
        hour, quarter = iso(now - timedelta(hours=1)), iso(now - timedelta(minutes=15))
        desks: dict[str, dict[str, Any]] = {}

        def desk(desk_id: str) -> dict[str, Any]:
            return desks.setdefault(desk_id, _new_desk(desk_id))

        with self._tx() as cur:
            cur.execute("SELECT desk_id FROM desks WHERE site_id = ? AND revoked = 0", (site_id,))
            for (desk_id,) in cur.fetchall():
                desk(desk_id)
            cur.execute(
                f"SELECT f.desk_id, COUNT(*) {_FIRST_SINCE} AND c.status = 'active' "
                "GROUP BY f.desk_id",
                (site_id, iso(day_start)),
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
            cur.execute(
                "SELECT desk_id, desk_recorded_at FROM records WHERE site_id = ? AND version = 1 "
                "AND desk_recorded_at >= ?",
                (site_id, iso(day_start)),
            )
            for desk_id, recorded in cur.fetchall():
                moment = datetime.fromisoformat(recorded).astimezone(day_start.tzinfo)
                figures = desk(desk_id)
                figures["hourly"][moment.hour] += 1
                first = figures["first_today"]
                if first is None or moment < datetime.fromisoformat(first):
                    figures["first_today"] = moment.isoformat()
            for desk_id, counts in day_counts(cur, site_id, day_start.date()).items():
                desk(desk_id).update(counts)
        return sorted(desks.values(), key=lambda d: d["desk_id"])

    def site_totals(self, site_id: str, day_start: datetime) -> dict[str, Any]:
        """Today's doses by vaccine and dose number, and adverse events for the site and by
        kind and desk (`aefi_by_desk`: {"severe": {"desk-2": 1}}): events reported today
        (linked to a dose), and records' own AEFI field where no event is linked to them;
        `aefi_events`, today's events (the person masked), newest first; `aefi_severe`, the
        severe ones among them."""
        since = (site_id, iso(day_start))
        with self._tx() as cur:
            cur.execute(
                f"SELECT c.vaccine, c.dose_number, COUNT(*) {_FIRST_SINCE} AND {active_dose('c')} "
                "GROUP BY c.vaccine, c.dose_number ORDER BY c.vaccine, c.dose_number",
                since,
            )
            doses = [
                {"vaccine": vaccine, "dose_number": number, "count": count}
                for vaccine, number, count in cur.fetchall()
            ]
            # A record's own AEFI field counts unless an event linked to it says more.
            cur.execute(
                f"SELECT c.aefi, f.desk_id, COUNT(*) {_FIRST_SINCE} AND c.status = 'active' "
                "AND c.aefi != '' AND c.record_id NOT IN (SELECT record_id FROM aefi_events) "
                "GROUP BY c.aefi, f.desk_id ORDER BY c.aefi, f.desk_id",
                since,
            )
            counted = cur.fetchall()
            events = events_since(cur, site_id, day_start)
        aefi: dict[str, int] = {}
        by_desk: dict[str, dict[str, int]] = {}
        counted += [(e["severity"], e["desk_id"], 1) for e in events]
        for kind, desk_id, count in counted:
            aefi[kind] = aefi.get(kind, 0) + count
            by_desk.setdefault(kind, {})[desk_id] = by_desk.get(kind, {}).get(desk_id, 0) + count
        severe = [e for e in events if e["severity"] == "severe"]
        return {"doses": doses, "aefi": aefi, "aefi_by_desk": by_desk,
                "aefi_events": events, "aefi_severe": severe}  # fmt: skip

    def recent(self, site_id: str, desk_id: str, limit: int) -> list[dict[str, Any]]:
        """A desk's latest records as received (current versions), newest first."""
        with self._tx() as cur:
            cur.execute(
                "SELECT r.body, r.received_at FROM records r WHERE r.site_id = ? AND "
                f"r.desk_id = ? AND {current_version('r')} "
                "ORDER BY r.received_at DESC, r.record_id DESC LIMIT ?",
                (site_id, desk_id, limit),
            )
            return [
                {**json.loads(body), "received_at": received} for body, received in cur.fetchall()
            ]
