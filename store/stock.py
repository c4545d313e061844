"""Vaccine stock at the desk (issue 16; store/schema.py, `0012_stock`): the lots the hub
allocated to this desk and the site's thresholds, as its heartbeat reply last listed them;
this desk's movements (vials opened, doses wasted), each stored and queued for the hub (kind
`stock_usage`) in one transaction. What the desk holds of a lot is worked out here from those
and its own doses: offline, the desk works with what it last knew."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from dbkit import active_dose
from domain.stock import LotStock, StockSettings, Usage, check_usage
from domain.wire_stock import STOCK_USAGE, checked_desk_lots, checked_settings, usage_to_body
from store.outbox import Outbox


def keep_stock(store: Outbox, lots: Any, thresholds: Any) -> int:
    """The hub's list of this desk's lots replaces the one kept (the same list writes
    nothing: a heartbeat every 30 s); the thresholds too, when the reply has usable ones."""
    found = checked_desk_lots(lots)
    wanted = {h.key: (h.expires_on.isoformat() if h.expires_on else "", h.doses_per_vial,
                      h.received_vials) for h in found}  # fmt: skip
    held = {(v, lot): (e, d, a) for v, lot, e, d, a in store.conn.execute(
        "SELECT vaccine, lot, expires_on, doses_per_vial, allocated_vials FROM stock_lots")}
    settings = checked_settings(thresholds)
    if wanted == held and (settings is None or settings == stock_thresholds(store)):
        return len(found)
    now = store._now()
    with store._write() as conn:
        conn.execute("DELETE FROM stock_lots")
        conn.executemany(
            "INSERT INTO stock_lots (vaccine, lot, expires_on, doses_per_vial, allocated_vials, "
            "received_at) VALUES (?, ?, ?, ?, ?, ?)",
            [(v, lot, e, d, a, now) for (v, lot), (e, d, a) in wanted.items()],
        )
        if settings is not None:
            conn.execute(
                "INSERT OR REPLACE INTO stock_thresholds (id, near_expiry_days, "
                "near_empty_doses) VALUES (1, ?, ?)",
                (settings.near_expiry_days, settings.near_empty_doses),
            )
    return len(found)


def stock_thresholds(store: Outbox) -> StockSettings:
    row = store.conn.execute(
        "SELECT near_expiry_days, near_empty_doses FROM stock_thresholds WHERE id = 1"
    ).fetchone()
    return StockSettings(int(row[0]), int(row[1])) if row else StockSettings()


def desk_holdings(store: Outbox, desk_id: str) -> list[LotStock]:
    """Each lot allocated to this desk, with the doses it gave of it (its records' current,
    active versions that give a dose) and its own movements."""
    lots = store.conn.execute(
        "SELECT vaccine, lot, expires_on, doses_per_vial, allocated_vials FROM stock_lots "
        "ORDER BY vaccine, lot"
    ).fetchall()
    if not lots:
        return []
    given = dict(((v, lot), n) for v, lot, n in store.conn.execute(
        "SELECT vaccine, lot, COUNT(*) FROM current_records r WHERE desk_id = ? AND "
        f"{active_dose('r')} GROUP BY vaccine, lot", [desk_id]))  # fmt: skip
    used = {(v, lot): (o, w) for v, lot, o, w in store.conn.execute(
        "SELECT vaccine, lot, SUM(vials_opened), SUM(doses_wasted) FROM stock_usage "
        "WHERE desk_id = ? GROUP BY vaccine, lot", [desk_id])}  # fmt: skip
    return [
        LotStock(v, lot, date.fromisoformat(e) if e else None, d, received_vials=a,
                 opened_vials=used.get((v, lot), (0, 0))[0],
                 wasted_doses=used.get((v, lot), (0, 0))[1], given_doses=given.get((v, lot), 0),
                 desks=(desk_id,))
        for v, lot, e, d, a in lots
    ]  # fmt: skip


def save_usage(store: Outbox, usage: Usage) -> Usage:
    """Store a movement and queue it for the hub, in one transaction; returns it as stored
    (stamped). Refused (FieldError) as the hub would refuse it."""
    check_usage(usage)
    stored = replace(usage, recorded_at=store._now())
    body = usage_to_body(stored)
    with store._write() as conn:
        conn.execute(
            "INSERT INTO stock_usage (usage_id, site_id, desk_id, session_id, vaccine, lot, "
            "vials_opened, doses_wasted, day, reason, entered_by, recorded_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (stored.usage_id, stored.site_id, stored.desk_id, stored.session_id, stored.vaccine,
             stored.lot, stored.vials_opened, stored.doses_wasted, stored.day.isoformat(),
             stored.reason, stored.entered_by, stored.recorded_at),
        )  # fmt: skip
        detail = (f"{stored.usage_id} {stored.vaccine} {stored.lot} "
                  f"opened {stored.vials_opened} wasted {stored.doses_wasted}")
        store.people.audit_in_tx(stored.entered_by, "stock.usage", detail)
        store._enqueue(STOCK_USAGE, stored.usage_id, 1, body)
    return stored


def usage_of_day(store: Outbox, desk_id: str, day: date) -> list[Usage]:
    """This desk's movements of a day, oldest first."""
    from domain.wire_stock import body_to_usage

    rows = store.db.query(
        "SELECT * FROM stock_usage WHERE desk_id = ? AND day = ? ORDER BY recorded_at",
        [desk_id, day.isoformat()],
    )
    return [body_to_usage({**row, "version": 1}) for row in rows]
