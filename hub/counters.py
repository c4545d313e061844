"""The supervisor's figures kept as counters (`site_counts`), changed in the transaction that
keeps the records, so that reading them costs the same at a million records as at a hundred.

A record counts by its first version (where and when a desk first recorded it: the desk's own
"today") and by its current version (the highest held: active or voided, a dose of which
vaccine, its own AEFI field). Counters are kept per site, per quarter of an hour (UTC, so that
any site's midnight falls on a bucket's edge), per desk, per measure:

- `first`: every first version (the hourly trend; `first_at`, the earliest in the bucket);
- `active`: records whose current version is not voided (a desk's "today");
- `dose`: those whose current version gives a dose, by vaccine and dose number (`AZ|1`);
- `aefi`: those whose current version carries its own AEFI field and no adverse event is
  linked to the record (an event says more: it is counted as an event instead);
- `unsent` (bucket and desk empty; detail `national`): records whose current version the
  national template carries (active, dose 1 or 2) and no completed export holds yet.

A new version takes the old one's contribution away and adds its own; an event linked to a
record takes its AEFI field's away; an export, its versions' `unsent`. `rebuild` recomputes
everything from the records.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import NamedTuple

from dbkit import Cursor, iso
from domain.fields import Screening, Status

BUCKET_MINUTES = 15
FIRST, ACTIVE, DOSE, AEFI = "first", "active", "dose", "aefi"
UNSENT, NATIONAL = "unsent", "national"  # not yet in a completed export to the platform
CARRIED = (1, 2)  # the dose numbers the national template carries
VERSION_COLUMNS = ("record_id", "version", "desk_id", "site_id", "desk_recorded_at", "status",
                   "screening", "vaccine", "dose_number", "aefi")  # fmt: skip
COUNT_COLUMNS = ("site_id", "bucket", "desk_id", "measure", "detail", "n", "first_at")
PAGE = 20_000  # record versions read at a time by `rebuild`
CHUNK = 500
_UPSERT = (
    f"INSERT INTO site_counts ({', '.join(COUNT_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (site_id, bucket, desk_id, measure, detail) DO UPDATE SET "
    "n = site_counts.n + excluded.n, first_at = CASE WHEN excluded.first_at != '' AND "
    "(site_counts.first_at = '' OR excluded.first_at < site_counts.first_at) "
    "THEN excluded.first_at ELSE site_counts.first_at END"
)

Key = tuple[str, str, str, str, str]  # site, bucket, desk, measure, detail


class Version(NamedTuple):
    """What the counters read of a record version (`VERSION_COLUMNS`)."""

    record_id: str
    version: int
    desk_id: str
    site_id: str
    recorded_at: str
    status: str
    screening: str
    vaccine: str
    dose_number: int | None
    aefi: str


def moment(recorded_at: str) -> datetime:
    """A desk's stamp as a UTC moment (a stamp without a zone is taken as UTC)."""
    parsed = datetime.fromisoformat(recorded_at)
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def bucket_start(when: datetime) -> datetime:
    """The start of the quarter hour `when` falls in, UTC."""
    when = when.astimezone(UTC)
    return when.replace(minute=when.minute - when.minute % BUCKET_MINUTES, second=0,
                        microsecond=0)  # fmt: skip


def dose_detail(vaccine: str, dose_number: int | None) -> str:
    return f"{vaccine}|{'' if dose_number is None else dose_number}"


def parse_dose_detail(detail: str) -> tuple[str, int | None]:
    vaccine, _, number = detail.rpartition("|")
    return vaccine, int(number) if number else None


class Tally:
    """Changes to counters: +1 for a contribution added, -1 for one taken away."""

    def __init__(self) -> None:
        self.n: dict[Key, int] = defaultdict(int)
        self.first_at: dict[Key, str] = {}

    def add(self, first: Version | None, current: Version | None, linked: bool,
            sign: int = 1, sent: bool = False) -> None:  # fmt: skip
        """The contribution of a record whose first version is `first` and current one
        `current` (nothing while either is missing, but `unsent`), `linked` when an event
        names it, `sent` when an export to the platform holds its current version."""
        if current is not None and not sent and _carried(current):
            self.n[(current.site_id, "", "", UNSENT, NATIONAL)] += sign
        if first is None or current is None:
            return
        stamp = moment(first.recorded_at)
        base = (first.site_id, iso(bucket_start(stamp)), first.desk_id)
        keys: list[Key] = [(*base, FIRST, "")]
        if sign > 0:
            earliest = self.first_at.get(keys[0])
            self.first_at[keys[0]] = min(earliest or iso(stamp), iso(stamp))
        if current.status == Status.ACTIVE.value:
            keys.append((*base, ACTIVE, ""))
            if current.screening == Screening.ELIGIBLE.value:
                keys.append((*base, DOSE, dose_detail(current.vaccine, current.dose_number)))
            if current.aefi and not linked:
                keys.append((*base, AEFI, current.aefi))
        for key in keys:
            self.n[key] += sign

    def rows(self) -> list[tuple[str, str, str, str, str, int, str]]:
        """The changes as rows, in one order (two transactions never lock in a circle)."""
        return [(*key, n, self.first_at.get(key, "")) for key, n in sorted(self.n.items())
                if n or key in self.first_at]  # fmt: skip

    def apply(self, cur: Cursor) -> None:
        cur.executemany(_UPSERT, self.rows())


def versions(cur: Cursor, record_ids: Sequence[str]) -> dict[str, list[Version]]:
    """Every version held of these records, in version order."""
    held: dict[str, list[Version]] = defaultdict(list)
    for start in range(0, len(record_ids), CHUNK):
        chunk = record_ids[start : start + CHUNK]
        where = ("record_id = ANY(?)" if cur.postgres
                 else f"record_id IN ({', '.join('?' * len(chunk))})")  # fmt: skip
        cur.execute(f"SELECT {', '.join(VERSION_COLUMNS)} FROM records WHERE {where} "
                    "ORDER BY record_id, version",
                    [list(chunk)] if cur.postgres else chunk)  # fmt: skip
        for row in cur.fetchall():
            held[row[0]].append(Version(*row))
    return held


def first_and_current(held: Iterable[Version]) -> tuple[Version | None, Version | None]:
    first = current = None
    for version in held:
        if version.version == 1:
            first = version
        if current is None or version.version > current.version:
            current = version
    return first, current


def linked_records(cur: Cursor, record_ids: Sequence[str]) -> set[str]:
    """Those of these records an adverse event names."""
    linked: set[str] = set()
    for start in range(0, len(record_ids), CHUNK):
        chunk = list(record_ids[start : start + CHUNK])
        where = ("record_id = ANY(?)" if cur.postgres
                 else f"record_id IN ({', '.join('?' * len(chunk))})")  # fmt: skip
        cur.execute(f"SELECT DISTINCT record_id FROM aefi_events WHERE {where}",
                    [chunk] if cur.postgres else chunk)  # fmt: skip
        linked.update(rid for (rid,) in cur.fetchall())
    return linked


def _carried(version: Version) -> bool:
    return version.status == Status.ACTIVE.value and version.dose_number in CARRIED


def exported(cur: Cursor, record_ids: Sequence[str]) -> set[tuple[str, int]]:
    """The versions of these records a completed export to the platform holds."""
    held: set[tuple[str, int]] = set()
    for start in range(0, len(record_ids), CHUNK):
        chunk = list(record_ids[start : start + CHUNK])
        where = ("record_id = ANY(?)" if cur.postgres
                 else f"record_id IN ({', '.join('?' * len(chunk))})")  # fmt: skip
        params = [NATIONAL, chunk] if cur.postgres else [NATIONAL, *chunk]
        cur.execute(f"SELECT record_id, version FROM exported_versions WHERE destination = ? "
                    f"AND {where}", params)  # fmt: skip
        held.update((rid, int(version)) for rid, version in cur.fetchall())
    return held


def _may_count_aefi(*held: Version | None) -> bool:
    return any(v is not None and v.aefi and v.status == Status.ACTIVE.value for v in held)


def count_new_versions(cur: Cursor, held: dict[str, list[Version]], new: list[Version]) -> None:
    """The counters changed by versions just kept: `held`, what the hub held of their records
    before (every version); each record's old contribution replaced by its new one."""
    added: dict[str, list[Version]] = defaultdict(list)
    for version in new:
        added[version.record_id].append(version)
    changes = {rid: (first_and_current(held.get(rid, ())),
                     first_and_current([*held.get(rid, ()), *versions_]))
               for rid, versions_ in added.items()}  # fmt: skip
    maybe = sorted(rid for rid, (before, after) in changes.items()
                   if _may_count_aefi(before[1], after[1]))  # fmt: skip
    linked = linked_records(cur, maybe) if maybe else set()
    # Only a version held before may have gone out: a brand new record's have not.
    sent = exported(cur, sorted(rid for rid in changes if rid in held)) if held else set()
    tally = Tally()
    for rid, (before, after) in changes.items():
        for sign, (first, current) in ((-1, before), (1, after)):
            out = current is not None and (rid, current.version) in sent
            tally.add(first, current, rid in linked, sign, out)
    tally.apply(cur)


def count_exported(cur: Cursor, marks: Sequence[tuple[str, int]]) -> None:
    """Versions about to be marked as in a completed export to the platform: those that are
    their record's current version, and were not out already, are no longer `unsent`."""
    ids = sorted({rid for rid, _ in marks})
    before = exported(cur, ids)
    tally = Tally()
    held = versions(cur, ids)
    for rid, version in set(marks) - before:
        current = first_and_current(held.get(rid, ()))[1]
        if current is not None and current.version == version and _carried(current):
            tally.n[(current.site_id, "", "", UNSENT, NATIONAL)] -= 1
    tally.apply(cur)


def count_linked_events(cur: Cursor, record_ids: Sequence[str], already: set[str]) -> None:
    """Events just kept name these records; those no event named before (`already` did)
    no longer count their own AEFI field."""
    newly = sorted(set(record_ids) - already)
    if not newly:
        return
    tally = Tally()
    for held in versions(cur, newly).values():
        first, current = first_and_current(held)
        tally.add(first, current, False, sign=-1)
        tally.add(first, current, True)
    tally.apply(cur)


def rebuild(cur: Cursor) -> int:
    """Every counter recomputed from the records (and the events that name them), in the
    caller's transaction; on PostgreSQL the records and events are held still meanwhile.
    The number of records counted."""
    if cur.postgres:  # in the order ingest and exports take them: never a deadlock
        cur.execute("LOCK TABLE records, aefi_events, exported_versions, site_counts "
                    "IN SHARE ROW EXCLUSIVE MODE")  # fmt: skip
    cur.execute("DELETE FROM site_counts")
    cur.execute("SELECT DISTINCT record_id FROM aefi_events")
    linked = {rid for (rid,) in cur.fetchall()}
    tally, counted = Tally(), 0
    pending: list[Version] = []
    last: tuple[str, int] = ("", 0)
    while True:  # `unsent` is left to the one query below (sent=True here)
        cur.execute(f"SELECT {', '.join(VERSION_COLUMNS)} FROM records "
                    "WHERE (record_id, version) > (?, ?) ORDER BY record_id, version LIMIT ?",
                    (*last, PAGE))  # fmt: skip
        page = [Version(*row) for row in cur.fetchall()]
        for version in page:
            if pending and pending[0].record_id != version.record_id:
                tally.add(*first_and_current(pending), pending[0].record_id in linked, sent=True)
                counted += 1
                pending = []
            pending.append(version)
        if len(page) < PAGE:
            break
        last = (page[-1].record_id, page[-1].version)
    if pending:
        tally.add(*first_and_current(pending), pending[0].record_id in linked, sent=True)
        counted += 1
    cur.execute(  # the records the platform still waits for: counted as the ledger did
        "SELECT r.site_id, COUNT(*) FROM records r WHERE r.status = 'active' "
        "AND r.dose_number IN (1, 2) AND NOT EXISTS (SELECT 1 FROM exported_versions e "
        "WHERE e.destination = ? AND e.record_id = r.record_id AND e.version = r.version) "
        "AND r.version = (SELECT MAX(v.version) FROM records v WHERE v.record_id = r.record_id) "
        "GROUP BY r.site_id",
        (NATIONAL,),
    )
    tally.n.update({(site, "", "", UNSENT, NATIONAL): n for site, n in cur.fetchall()})
    cur.insert_rows("site_counts", COUNT_COLUMNS, [row for row in tally.rows() if row[5]])
    return counted


def unsent_count(cur: Cursor, site_id: str) -> int:
    """The site's records the platform waits for (`unsent`)."""
    cur.execute("SELECT COALESCE(SUM(n), 0) FROM site_counts WHERE site_id = ? AND bucket = '' "
                "AND measure = ? AND detail = ?", (site_id, UNSENT, NATIONAL))  # fmt: skip
    return int(cur.fetchone()[0])


def counts_since(cur: Cursor, site_id: str, day_start: datetime) -> list[tuple]:
    """The site's counters of records first recorded since its midnight, summed per desk,
    measure and detail: (desk, measure, detail, n, earliest first_at), zeros left out."""
    cur.execute(
        "SELECT desk_id, measure, detail, SUM(n), MIN(first_at) FROM site_counts "
        "WHERE site_id = ? AND bucket >= ? GROUP BY desk_id, measure, detail",
        (site_id, iso(bucket_start(day_start))),
    )
    return [row for row in cur.fetchall() if row[3]]


def firsts_since(cur: Cursor, site_id: str, day_start: datetime) -> list[tuple[str, str, int]]:
    """The site's first versions since its midnight per desk and quarter hour: (desk, bucket,
    n); the hourly trend adds them up by the site's hour."""
    cur.execute(
        "SELECT desk_id, bucket, n FROM site_counts WHERE site_id = ? AND bucket >= ? "
        f"AND measure = '{FIRST}'",
        (site_id, iso(bucket_start(day_start))),
    )
    return cur.fetchall()
