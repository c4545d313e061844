"""What desk and hub agree on about vaccine stock (issue 16), beside `domain.wire`: a desk's
movement as an outbox item (kind `stock_usage`: vials opened, doses wasted), and the lots
allocated to a desk as the hub's heartbeat reply lists them (`stock_lots`, with the site's
thresholds in `stock_settings`).

A movement is append-only: each is its own item, version 1; a mistake is corrected by another
movement, never by changing one sent.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from domain.errors import FieldError
from domain.fields import parse_lot
from domain.stock import (
    MAX_DOSES_PER_VIAL,
    MAX_VIALS,
    LotStock,
    StockSettings,
    Usage,
    check_count,
    check_usage,
)
from domain.text import has_control_characters
from domain.validation import CODE, check_uuid

STOCK_USAGE = "stock_usage"
STOCK_ITEM_KEYS: dict[str, tuple[str, str]] = {STOCK_USAGE: ("usage_id", "version")}
USAGE_FIELDS: tuple[str, ...] = (
    "usage_id", "version", "site_id", "desk_id", "session_id", "vaccine", "lot",
    "vials_opened", "doses_wasted", "day", "reason", "entered_by", "recorded_at",
)  # fmt: skip
_INTEGERS = frozenset({"version", "vials_opened", "doses_wasted"})
MAX_TEXT = 400
LOTS_TO_DESK = 200  # a desk holds a few lots; far beyond


def usage_to_body(usage: Usage) -> dict[str, Any]:
    return {"usage_id": usage.usage_id, "version": 1, "site_id": usage.site_id,
            "desk_id": usage.desk_id, "session_id": usage.session_id,
            "vaccine": usage.vaccine, "lot": usage.lot, "vials_opened": usage.vials_opened,
            "doses_wasted": usage.doses_wasted, "day": usage.day.isoformat(),
            "reason": usage.reason, "entered_by": usage.entered_by,
            "recorded_at": usage.recorded_at}  # fmt: skip


def body_to_usage(body: Mapping[str, Any]) -> Usage:
    return Usage(usage_id=body["usage_id"], site_id=body["site_id"], desk_id=body["desk_id"],
                 vaccine=body["vaccine"], lot=body["lot"], vials_opened=body["vials_opened"],
                 doses_wasted=body["doses_wasted"], day=date.fromisoformat(body["day"]),
                 session_id=body["session_id"], reason=body["reason"],
                 entered_by=body["entered_by"], recorded_at=body["recorded_at"])  # fmt: skip


def usage_hash(body: Mapping[str, Any]) -> str:
    canonical = json.dumps({name: body.get(name) for name in USAGE_FIELDS}, sort_keys=True,
                           ensure_ascii=False, separators=(",", ":"))  # fmt: skip
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def checked_usage(body: Any) -> Usage:
    """A movement sent over the wire, checked as the desk checks it; FieldError naming the
    first field at fault, whatever the body holds."""
    if not isinstance(body, dict):
        raise FieldError("stock_usage", "wire.not_an_object")
    for name in USAGE_FIELDS:
        if name not in body:
            raise FieldError(name, "wire.missing")
        value = body[name]
        if name in _INTEGERS:
            if type(value) is not int:
                raise FieldError(name, "wire.not_an_integer")
        elif not isinstance(value, str):
            raise FieldError(name, "wire.not_text")
        elif len(value) > MAX_TEXT:
            raise FieldError(name, "wire.too_long", limit=MAX_TEXT)
        elif has_control_characters(value):
            raise FieldError(name, "wire.characters")
    check_uuid("usage_id", body["usage_id"])
    if body["version"] != 1:
        raise FieldError("version", "wire.not_an_integer")
    if parse_lot(body["lot"]) != body["lot"]:
        raise FieldError("lot", "lot.characters")
    if not CODE.fullmatch(body["vaccine"]):
        raise FieldError("vaccine", "code.characters")
    if body["session_id"]:
        check_uuid("session_id", body["session_id"])
    try:
        date.fromisoformat(body["day"])
    except ValueError:
        raise FieldError("day", "wire.not_a_date", text=body["day"][:20]) from None
    usage = body_to_usage(body)
    check_usage(usage)
    return usage


# -- the lots allocated to a desk, in the hub's heartbeat reply ------------------------------


def desk_lots_body(holdings: list[LotStock]) -> list[dict[str, Any]]:
    """What the desk needs of each lot allocated to it: to refuse an expired one and to warn
    of one near expiry or near empty, offline, with its own doses and movements."""
    return [{"vaccine": h.vaccine, "lot": h.lot,
             "expires_on": h.expires_on.isoformat() if h.expires_on else "",
             "doses_per_vial": h.doses_per_vial, "allocated_vials": h.received_vials}
            for h in holdings[:LOTS_TO_DESK]]  # fmt: skip


def checked_desk_lots(rows: Any) -> list[LotStock]:
    """The lots of the hub's reply that are well formed (the others left out): each a desk's
    holding with nothing used yet (the desk counts its own doses and movements)."""
    if not isinstance(rows, list):
        return []
    found = []
    for row in rows[:LOTS_TO_DESK]:
        if not isinstance(row, dict):
            continue
        try:
            vaccine, lot = str(row["vaccine"]), parse_lot(str(row["lot"]))
            expires = date.fromisoformat(row["expires_on"]) if row["expires_on"] else None
            per_vial = check_count("doses_per_vial", row["doses_per_vial"], 1, MAX_DOSES_PER_VIAL)
            vials = check_count("allocated_vials", row["allocated_vials"], 0, MAX_VIALS)
        except (KeyError, TypeError, ValueError):
            continue
        if CODE.fullmatch(vaccine):
            found.append(LotStock(vaccine, lot, expires, per_vial, received_vials=vials))
    return found


def settings_body(settings: StockSettings) -> dict[str, int]:
    return {"near_expiry_days": settings.near_expiry_days,
            "near_empty_doses": settings.near_empty_doses}  # fmt: skip


def checked_settings(body: Any) -> StockSettings | None:
    """The site's thresholds as the hub gives them; None when the reply holds none usable."""
    if not isinstance(body, dict):
        return None
    try:
        days = check_count("near_expiry_days", body.get("near_expiry_days"), 0, 365)
        doses = check_count("near_empty_doses", body.get("near_empty_doses"), 0, 100_000)
    except FieldError:
        return None
    return StockSettings(near_expiry_days=days, near_empty_doses=doses)


# -- a site's lots, in its supervisor's figures ----------------------------------------------

LOT_FIGURES = ("received_vials", "allocated_vials", "opened_vials", "given_doses",
               "wasted_doses")  # fmt: skip


def site_lots_body(holdings: list[LotStock]) -> list[dict[str, Any]]:
    """Each lot of the site, as its supervisor's screen reads it (the verdicts are worked out
    there, on the site's day and thresholds)."""
    return [{"vaccine": h.vaccine, "lot": h.lot,
             "expires_on": h.expires_on.isoformat() if h.expires_on else "",
             "doses_per_vial": h.doses_per_vial,
             **{name: getattr(h, name) for name in LOT_FIGURES}}
            for h in holdings[:LOTS_TO_DESK]]  # fmt: skip


def checked_site_lots(rows: Any) -> list[LotStock]:
    """The well-formed lots of a site's figures (the others left out)."""
    if not isinstance(rows, list):
        return []
    found = []
    for row in rows[:LOTS_TO_DESK]:
        try:
            expires = date.fromisoformat(row["expires_on"]) if row["expires_on"] else None
            counts = {name: row[name] for name in LOT_FIGURES}
            if not all(type(v) is int for v in counts.values()):
                continue
            found.append(LotStock(str(row["vaccine"]), str(row["lot"]), expires,
                                  int(row["doses_per_vial"]), **counts))  # fmt: skip
        except (KeyError, TypeError, ValueError):
            continue
    return found
