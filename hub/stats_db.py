"""A site's figures for its supervisor: per desk and in total, read from the counters kept at
ingest (`hub/counters.py`: today's, never the history's rows) and the hub's columns (never the
bodies)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from dbkit import Cursor, current_version, iso
from domain.clock import DEFAULT_TIMEZONE, day_bounds, site_zone
from hub.aefi_db import events_since
from hub.counters import (
    ACTIVE,
    AEFI,
    DOSE,
    FIRST,
    counts_since,
    firsts_since,
    moment,
    parse_dose_detail,
    rebuild,
)
from hub.day_db import day_counts
from hub.storage import Storage


def _dose_order(item: tuple[tuple[str, int | None], int]) -> tuple[str, int]:
    (vaccine, number), _ = item
    return vaccine, -1 if number is None else number


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
        with self._tx() as cur:
            return _desks(cur, site_id, now, day_start, counts_since(cur, site_id, day_start))

    def site_totals(self, site_id: str, day_start: datetime) -> dict[str, Any]:
        """Today's doses by vaccine and dose number, and adverse events for the site and by
        kind and desk (`aefi_by_desk`: {"severe": {"desk-2": 1}}): events reported today
        (linked to a dose), and records' own AEFI field where no event is linked to them;
        `aefi_events`, today's events (the person masked), newest first; `aefi_severe`, the
        severe ones among them."""
        with self._tx() as cur:
            return _totals(cur, site_id, day_start, counts_since(cur, site_id, day_start))

    def site_figures(
        self, site_id: str, now: datetime, day_start: datetime
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """`site_stats` and `site_totals` at once: one transaction, the counters read once."""
        with self._tx() as cur:
            counts = counts_since(cur, site_id, day_start)
            return (_desks(cur, site_id, now, day_start, counts),
                    _totals(cur, site_id, day_start, counts))  # fmt: skip

    def rebuild_stats(self) -> int:
        """The counters recomputed from every record held; the number of records."""
        with self._tx() as cur:
            return rebuild(cur)

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


def _desks(cur: Cursor, site_id: str, now: datetime, day_start: datetime,
           counts: list[tuple]) -> list[dict[str, Any]]:  # fmt: skip
    """The site's figures per desk: today's from the counters, the last hour's and quarter's
    first versions received (an index's range: as long as the window, not the history)."""
    desks: dict[str, dict[str, Any]] = {}

    def desk(desk_id: str) -> dict[str, Any]:
        figures = desks.get(desk_id)
        if figures is None:
            figures = desks[desk_id] = _new_desk(desk_id)
        return figures

    cur.execute("SELECT desk_id FROM desks WHERE site_id = ? AND revoked = 0", (site_id,))
    for (desk_id,) in cur.fetchall():
        desk(desk_id)
    for desk_id, measure, _detail, n, first_at in counts:
        if measure == ACTIVE:
            desk(desk_id)["today"] = n
        elif measure == FIRST:
            first = moment(first_at).astimezone(day_start.tzinfo).isoformat()
            desk(desk_id)["first_today"] = first
    hours: dict[str, int] = {}  # a quarter hour's start (UTC) → the site's hour
    for desk_id, bucket, n in firsts_since(cur, site_id, day_start):
        if bucket not in hours:
            hours[bucket] = datetime.fromisoformat(bucket).astimezone(day_start.tzinfo).hour
        desk(desk_id)["hourly"][hours[bucket]] += n
    hour, quarter = iso(now - timedelta(hours=1)), iso(now - timedelta(minutes=15))
    cur.execute(
        "SELECT desk_id, COUNT(*), SUM(CASE WHEN received_at >= ? THEN 1 ELSE 0 END) "
        "FROM records WHERE site_id = ? AND version = 1 AND received_at >= ? GROUP BY desk_id",
        (quarter, site_id, hour),
    )
    for desk_id, last_hour, last_quarter in cur.fetchall():
        desk(desk_id).update(last_hour=last_hour, last_15_min=int(last_quarter))
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
    for desk_id, states in day_counts(cur, site_id, day_start.date()).items():
        desk(desk_id).update(states)
    return sorted(desks.values(), key=lambda d: d["desk_id"])


def _totals(cur: Cursor, site_id: str, day_start: datetime, counts: list[tuple]) -> dict[str, Any]:
    """Today's doses by vaccine and dose number and adverse events (see `site_totals`)."""
    events = events_since(cur, site_id, day_start)
    by_dose: dict[tuple[str, int | None], int] = {}
    own: dict[tuple[str, str], int] = {}
    for desk_id, measure, detail, n, _first_at in counts:
        if measure == DOSE:
            dose = parse_dose_detail(detail)
            by_dose[dose] = by_dose.get(dose, 0) + n
        elif measure == AEFI:
            own[(detail, desk_id)] = own.get((detail, desk_id), 0) + n
    doses = [{"vaccine": vaccine, "dose_number": number, "count": count}
             for (vaccine, number), count in sorted(by_dose.items(), key=_dose_order)
             if count]  # fmt: skip
    # A record's own AEFI field counts unless an event linked to it says more.
    counted = [(kind, desk_id, n) for (kind, desk_id), n in sorted(own.items()) if n]
    counted += [(e["severity"], e["desk_id"], 1) for e in events]
    aefi: dict[str, int] = {}
    by_desk: dict[str, dict[str, int]] = {}
    for kind, desk_id, count in counted:
        aefi[kind] = aefi.get(kind, 0) + count
        by_desk.setdefault(kind, {})[desk_id] = by_desk.get(kind, {}).get(desk_id, 0) + count
    severe = [e for e in events if e["severity"] == "severe"]
    return {"doses": doses, "aefi": aefi, "aefi_by_desk": by_desk,
            "aefi_events": events, "aefi_severe": severe}  # fmt: skip
