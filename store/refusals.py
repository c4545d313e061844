"""The national platform's refusals of this desk's record versions, kept as the hub's heartbeat
reply lists them (store/schema.py, `0010_platform_refusals`)."""

from __future__ import annotations

from typing import Any

from store.base import StoreBase

KEPT = 500  # at most; the hub sends fewer
REASON_LENGTH = 300


def checked_refusals(rows: Any) -> list[tuple[str, int, str]]:
    """(record id, version, reason) of each well-formed entry of the hub's list."""
    if not isinstance(rows, list):
        return []
    found = []
    for row in rows[:KEPT]:
        if not isinstance(row, dict):
            continue
        rid, version, reason = row.get("record_id"), row.get("version"), row.get("reason")
        if isinstance(rid, str) and type(version) is int and isinstance(reason, str):
            found.append((rid[:80], version, reason[:REASON_LENGTH]))
    return found


def keep_refusals(store: StoreBase, rows: Any) -> int:
    """The hub's list replaces the one kept: a refusal the hub no longer lists is gone. The
    same list as kept writes nothing (a heartbeat every 30 s)."""
    refusals = checked_refusals(rows)
    held = platform_refusals(store)
    if {(rid, version): reason for rid, version, reason in refusals} == held:
        return len(refusals)
    now = store._now()
    with store._write() as conn:
        conn.execute("DELETE FROM platform_refusals")
        conn.executemany(
            "INSERT OR REPLACE INTO platform_refusals (record_id, version, reason, received_at) "
            "VALUES (?, ?, ?, ?)",
            [(rid, version, reason, now) for rid, version, reason in refusals],
        )
    return len(refusals)


def platform_refusals(store: StoreBase) -> dict[tuple[str, int], str]:
    """(record id, version) → the platform's reason."""
    rows = store.conn.execute("SELECT record_id, version, reason FROM platform_refusals")
    return {(str(rid), int(version)): str(reason) for rid, version, reason in rows}
