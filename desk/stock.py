"""Vaccine stock at the desk (issue 16), headless: what this desk holds of each lot allocated
to it (as the hub last said, with its own doses and movements), the session lot's alerts, the
rule that refuses a session on an expired lot, and recording a movement (vials opened, doses
wasted), stored and queued for the hub. Offline, the desk works with what it last knew."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from desk.core import Desk
from domain.record import new_record_id
from domain.stock import Alert, LotStock, StockSettings, Usage, check_usable, find_lot
from domain.stock_form import build_usage
from store.stock import desk_holdings, save_usage, stock_thresholds


@dataclass(frozen=True)
class StockAlert:
    stock: LotStock
    alert: Alert


def desk_id(desk: Desk) -> str:
    return desk.session.desk_id if desk.session else desk.desk_id


def holdings(desk: Desk) -> list[LotStock]:
    """Every lot allocated to this desk, as it holds it now."""
    return desk_holdings(desk.store, desk_id(desk))


def thresholds(desk: Desk) -> StockSettings:
    return stock_thresholds(desk.store)


def lot_holding(desk: Desk, vaccine: str, lot: str) -> LotStock | None:
    return find_lot(holdings(desk), vaccine, lot)


def check_lot(desk: Desk, vaccine: str, lot: str) -> None:
    """A session may not give doses of a lot the desk knows to be expired (FieldError at
    `lot`); a lot it knows nothing of is not refused."""
    check_usable(lot_holding(desk, vaccine, lot), desk.clock().date())


def session_alerts(desk: Desk) -> list[StockAlert]:
    """The alerts of the open session's lot: expired or near expiry, empty or near empty."""
    session = desk.session
    if session is None:
        return []
    held = lot_holding(desk, session.vaccine, session.lot)
    if held is None:
        return []
    return [StockAlert(held, alert) for alert in held.alerts(desk.clock().date(), thresholds(desk))]


def has_lots(desk: Desk) -> bool:
    """The hub allocated lots to this desk: movements are worth recording here."""
    return bool(holdings(desk))


def usage_form(desk: Desk) -> dict[str, str]:
    """A movement's form, pre-filled: the session's lot, one vial opened, nothing wasted."""
    lot = desk.session.lot if desk.session else ""
    return {"lot": lot, "vials_opened": "1", "doses_wasted": "0", "reason": ""}


def record_usage(desk: Desk, form: Mapping[str, str]) -> Usage:
    """Store and queue the movement typed (ValidationError naming the fields to fix); the
    upload is nudged. The session's vaccine; the user logged in entered it."""
    session = desk.session
    if session is None:
        raise RuntimeError("a movement is recorded in a session")
    usage = build_usage(form, usage_id=new_record_id(), site_id=session.site_id,
                        desk_id=session.desk_id, session_id=session.session_id,
                        vaccine=session.vaccine, day=desk.clock().date(),
                        entered_by=desk.user.name if desk.user else session.entered_by)  # fmt: skip
    stored = save_usage(desk.store, usage)
    desk.ports.nudge_upload()
    return stored
