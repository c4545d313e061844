"""Vaccine stock at the hub (issue 16): a site's receipts and its allocations to desks (entered
with `vaxdesk hub stock`), the desks' movements (vials opened, doses wasted: outbox items of
kind `stock_usage`, kept like any item), and each lot's holding worked out by `domain.stock`
from those and the doses given (the current, active versions of the site's records that give
a dose, counted by vaccine, lot and desk). Works on the hub's one connection (`Storage`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from uuid6 import uuid7

from dbkit import Cursor, active_dose, current_version, iso
from domain.errors import FieldError
from domain.stock import (
    Allocation,
    LotStock,
    Receipt,
    StockSettings,
    Usage,
    check_allocation,
    check_receipt,
    find_lot,
    site_stock,
)
from domain.wire import STORED
from domain.wire_stock import USAGE_FIELDS, body_to_usage, usage_hash
from hub.items_db import settle_held
from hub.storage import Storage

if TYPE_CHECKING:
    from hub.db import Desk

CHUNK = 500
_RECEIPT = ("receipt_id, site_id, vaccine, lot, vials, doses_per_vial, expires_on, "
            "received_from, received_on")  # fmt: skip
_ALLOCATION = "allocation_id, site_id, vaccine, lot, desk_id, vials, allocated_on, session_id"


def new_id() -> str:
    return str(uuid7())


def _receipts(cur: Cursor, site_id: str) -> list[Receipt]:
    cur.execute(f"SELECT {_RECEIPT} FROM stock_receipts WHERE site_id = ? "
                "ORDER BY received_on, receipt_id", (site_id,))  # fmt: skip
    return [Receipt(rid, site, vaccine, lot, vials, per_vial, date.fromisoformat(expires),
                    source, date.fromisoformat(on))
            for rid, site, vaccine, lot, vials, per_vial, expires, source, on
            in cur.fetchall()]  # fmt: skip


def _allocations(cur: Cursor, site_id: str) -> list[Allocation]:
    cur.execute(f"SELECT {_ALLOCATION} FROM stock_allocations WHERE site_id = ? "
                "ORDER BY allocated_on, allocation_id", (site_id,))  # fmt: skip
    return [Allocation(aid, site, vaccine, lot, desk, vials, date.fromisoformat(on), session)
            for aid, site, vaccine, lot, desk, vials, on, session in cur.fetchall()]  # fmt: skip


def _usage(cur: Cursor, site_id: str) -> list[Usage]:
    cur.execute("SELECT body FROM stock_usage WHERE site_id = ? ORDER BY day, usage_id",
                (site_id,))  # fmt: skip
    return [body_to_usage(json.loads(body)) for (body,) in cur.fetchall()]


def tracked_since(receipts: Sequence[Receipt]) -> str | None:
    """The moment from which the site's doses count against its stock: the day before its
    first receipt (UTC, as records' `received_at`); None when it has received nothing."""
    if not receipts:
        return None
    first = min(r.received_on for r in receipts) - timedelta(days=1)
    return datetime.combine(first, time(), tzinfo=UTC).isoformat(timespec="milliseconds")


def doses_given(cur: Cursor, site_id: str, since: str | None) -> dict[tuple[str, str, str], int]:
    """(vaccine, lot, desk) -> doses given at the site: the current version of each record
    uploaded since `since` (None: nothing is counted), when it is active and gives a dose. The
    records of the time before the site kept stock are never read (the window is on the
    records' upload index)."""
    if since is None:
        return {}
    lot = "(r.body::json ->> 'lot')" if cur.postgres else "json_extract(r.body, '$.lot')"
    cur.execute(
        f"SELECT r.vaccine, {lot}, r.desk_id, COUNT(*) FROM records r WHERE r.site_id = ? AND "
        f"r.received_at >= ? AND {active_dose('r')} AND {current_version('r')} "
        f"GROUP BY r.vaccine, {lot}, r.desk_id",
        (site_id, since),
    )
    return {(str(vaccine), str(number or ""), str(desk)): int(count)
            for vaccine, number, desk, count in cur.fetchall()}  # fmt: skip


@dataclass(frozen=True)
class Snapshot:
    """What the site's stock is made of, read in one transaction."""

    receipts: list[Receipt]
    allocations: list[Allocation]
    usage: list[Usage]
    given: dict[tuple[str, str, str], int]
    settings: StockSettings

    def holdings(self, desk_id: str | None = None) -> list[LotStock]:
        return site_stock(self.receipts, self.allocations, self.usage, self.given,
                          desk_id=desk_id)  # fmt: skip


def snapshot(db: Storage, site_id: str) -> Snapshot:
    with db._tx() as cur:
        got = _receipts(cur, site_id)
        return Snapshot(got, _allocations(cur, site_id), _usage(cur, site_id),
                        doses_given(cur, site_id, tracked_since(got)), _settings(cur, site_id))


def holdings(db: Storage, site_id: str, desk_id: str | None = None) -> list[LotStock]:
    """Every lot of the site (or what one desk of it holds), by vaccine and lot."""
    return snapshot(db, site_id).holdings(desk_id)


def receipts(db: Storage, site_id: str) -> list[Receipt]:
    with db._tx() as cur:
        return _receipts(cur, site_id)


def allocations(db: Storage, site_id: str) -> list[Allocation]:
    with db._tx() as cur:
        return _allocations(cur, site_id)


def receive(db: Storage, receipt: Receipt, today: date, now: datetime) -> Receipt:
    """Keep a receipt the rules allow (`check_receipt`, against what the site holds of that
    lot); FieldError and nothing kept otherwise."""
    with db._tx() as cur:
        known = find_lot(site_stock(_receipts(cur, receipt.site_id)), receipt.vaccine,
                         receipt.lot)  # fmt: skip
        check_receipt(receipt, known, today)
        cur.execute(
            f"INSERT INTO stock_receipts ({_RECEIPT}, entered_at) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (receipt.receipt_id, receipt.site_id, receipt.vaccine, receipt.lot, receipt.vials,
             receipt.doses_per_vial, receipt.expires_on.isoformat(), receipt.received_from,
             receipt.received_on.isoformat(), iso(now)),
        )  # fmt: skip
    return receipt


def allocate(db: Storage, allocation: Allocation, today: date, now: datetime) -> Allocation:
    """Keep an allocation to a desk enrolled at the site, of a lot the site holds enough of
    (`check_allocation`); FieldError and nothing kept otherwise."""
    with db._tx() as cur:
        cur.execute("SELECT site_id FROM desks WHERE desk_id = ? AND revoked = 0",
                    (allocation.desk_id,))  # fmt: skip
        row = cur.fetchone()
        if row is None or row[0] != allocation.site_id:
            raise FieldError("desk_id", "stock.unknown_desk", desk=allocation.desk_id,
                             site=allocation.site_id)  # fmt: skip
        held = site_stock(_receipts(cur, allocation.site_id), _allocations(cur, allocation.site_id))
        check_allocation(allocation, find_lot(held, allocation.vaccine, allocation.lot), today)
        cur.execute(
            f"INSERT INTO stock_allocations ({_ALLOCATION}, entered_at) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (allocation.allocation_id, allocation.site_id, allocation.vaccine, allocation.lot,
             allocation.desk_id, allocation.vials, allocation.allocated_on.isoformat(),
             allocation.session_id, iso(now)),
        )  # fmt: skip
    return allocation


def stock_settings(db: Storage, site_id: str) -> StockSettings:
    with db._tx() as cur:
        return _settings(cur, site_id)


def _settings(cur: Cursor, site_id: str) -> StockSettings:
    cur.execute("SELECT near_expiry_days, near_empty_doses FROM stock_settings WHERE site_id = ?",
                (site_id,))  # fmt: skip
    row = cur.fetchone()
    return StockSettings(int(row[0]), int(row[1])) if row else StockSettings()


def set_stock_settings(db: Storage, site_id: str, settings: StockSettings) -> None:
    with db._tx() as cur:
        cur.execute(
            "INSERT INTO stock_settings (site_id, near_expiry_days, near_empty_doses) "
            "VALUES (?, ?, ?) ON CONFLICT (site_id) DO UPDATE SET "
            "near_expiry_days = excluded.near_expiry_days, "
            "near_empty_doses = excluded.near_empty_doses",
            (site_id, settings.near_expiry_days, settings.near_empty_doses),
        )


def desk_stock(db: Storage, desk: Desk) -> tuple[list[LotStock], StockSettings]:
    """The lots allocated to this desk (with nothing used: the desk counts its own use) and
    its site's thresholds, for the heartbeat reply."""
    with db._tx() as cur:
        held = site_stock(_receipts(cur, desk.site_id), _allocations(cur, desk.site_id),
                          desk_id=desk.desk_id)  # fmt: skip
        return [h for h in held if h.received_vials > 0], _settings(cur, desk.site_id)


def ingest_usage(
    db: Storage, desk: Desk, bodies: Sequence[dict[str, Any]], now: datetime
) -> list[dict[str, Any]]:
    """Keep a batch of checked movements in one transaction; a result for each, in order."""
    received = iso(now)
    with db._tx() as cur:
        existing = _held(cur, sorted({str(b["usage_id"]) for b in bodies}))
        results = []
        for body in bodies:
            key = (str(body["usage_id"]), int(body["version"]))
            digest = usage_hash(body)
            result: dict[str, Any] = {"usage_id": key[0], "version": key[1]}
            if key in existing:
                result.update(settle_held(cur, desk.desk_id, key, digest, existing[key], body,
                                          USAGE_FIELDS, received))  # fmt: skip
            else:
                kept = json.dumps({name: body[name] for name in USAGE_FIELDS}, ensure_ascii=False)
                cur.execute(
                    "INSERT INTO stock_usage (usage_id, version, desk_id, site_id, vaccine, lot, "
                    "vials_opened, doses_wasted, day, content_hash, body, received_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (key[0], key[1], desk.desk_id, desk.site_id, body["vaccine"], body["lot"],
                     body["vials_opened"], body["doses_wasted"], body["day"], digest, kept,
                     received),
                )  # fmt: skip
                existing[key] = (digest, kept)
                result["result"] = STORED
            results.append(result)
    return results


def _held(cur: Cursor, ids: Sequence[str]) -> dict[tuple[str, int], tuple[str, str]]:
    held: dict[tuple[str, int], tuple[str, str]] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        cur.execute(
            "SELECT usage_id, version, content_hash, body FROM stock_usage "
            f"WHERE usage_id IN ({', '.join('?' * len(chunk))})",
            chunk,
        )
        for uid, version, digest, body in cur.fetchall():
            held[(uid, version)] = (digest, body)
    return held


def missing_usage(
    db: Storage, desk: Desk, keys: Sequence[tuple[str, int]]
) -> list[tuple[str, int]]:
    """Which of these (usage id, version), sent by this desk, the hub does not hold."""
    ids = sorted({uid for uid, _ in keys})
    held: set[tuple[str, int]] = set()
    with db._tx() as cur:
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            cur.execute(
                "SELECT usage_id, version FROM stock_usage WHERE desk_id = ? AND "
                f"usage_id IN ({', '.join('?' * len(chunk))})",
                [desk.desk_id, *chunk],
            )
            held.update((uid, version) for uid, version in cur.fetchall())
    return [key for key in keys if key not in held]
