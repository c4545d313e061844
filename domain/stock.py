"""Vaccine stock per lot (issue 16): pure arithmetic, no clock of its own (`today` is given).

A lot (vaccine + lot number) comes to a site in receipts (vials of so many doses each, with an
expiry); the site allocates vials of it to its desks (or a desk's session); a desk opens vials
and records doses wasted; the doses given are the records that give one (vaccine + lot). A
holding, the site's or a desk's, is

    on hand (doses) = doses received (a desk: allocated) - doses given - doses wasted

and in vials, the vials that still hold a dose (a vial partly used counts whole). Its verdicts:
expired (its expiry before today: the expiry day itself is still usable), near expiry (within
`near_expiry_days`, 30 by default), empty, near empty (at most `near_empty_doses` left).

The rules of a receipt, an allocation and a desk's movement are here too, so the hub's command
line, the hub's ingest and the desk refuse the same things (FieldError, codes of
`domain.stock_messages`).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from domain.errors import FieldError
from domain.validation import CODE
from i18n import N_, _, format_date, format_number, ngettext

DEFAULT_NEAR_EXPIRY_DAYS = 30
DEFAULT_NEAR_EMPTY_DOSES = 20
MAX_VIALS = 1_000_000  # one receipt, one allocation
MAX_DOSES_PER_VIAL = 50  # Pfizer 6, AstraZeneca 10-20, Sinovac 1-2: far beyond any vial
MAX_WASTED = 1_000  # doses wasted in one movement at a desk
MAX_TEXT = 200


class Alert(StrEnum):
    """What a holding says to the person who uses it, most severe first."""

    EXPIRED = "expired"
    NEAR_EXPIRY = "near_expiry"
    EMPTY = "empty"
    NEAR_EMPTY = "near_empty"

    @property
    def label(self) -> str:
        return _(_ALERT_LABELS[self])


_ALERT_LABELS = {Alert.EXPIRED: N_("expired"), Alert.NEAR_EXPIRY: N_("near expiry"),
                 Alert.EMPTY: N_("empty"), Alert.NEAR_EMPTY: N_("near empty")}  # fmt: skip


@dataclass(frozen=True)
class StockSettings:
    near_expiry_days: int = DEFAULT_NEAR_EXPIRY_DAYS
    near_empty_doses: int = DEFAULT_NEAR_EMPTY_DOSES


@dataclass(frozen=True)
class Receipt:
    """Vials of one lot received at a site (tiếp nhận)."""

    receipt_id: str
    site_id: str
    vaccine: str
    lot: str
    vials: int
    doses_per_vial: int
    expires_on: date
    received_from: str
    received_on: date

    @property
    def doses(self) -> int:
        return self.vials * self.doses_per_vial


@dataclass(frozen=True)
class Allocation:
    """Vials of a lot the site gives one of its desks (cấp phát), for a session or all."""

    allocation_id: str
    site_id: str
    vaccine: str
    lot: str
    desk_id: str
    vials: int
    allocated_on: date
    session_id: str = ""  # "": the desk's, whatever its session


@dataclass(frozen=True)
class Usage:
    """One movement at a desk: vials of a lot opened, doses of it wasted (a vial dropped, the
    doses left in an open vial at the end of the session)."""

    usage_id: str
    site_id: str
    desk_id: str
    vaccine: str
    lot: str
    vials_opened: int
    doses_wasted: int
    day: date
    session_id: str = ""
    reason: str = ""
    entered_by: str = ""
    recorded_at: str = ""


@dataclass(frozen=True)
class LotStock:
    """A holding of one lot: the site's (received) or a desk's (allocated to it)."""

    vaccine: str
    lot: str
    expires_on: date | None  # None: doses given of a lot never received
    doses_per_vial: int
    received_vials: int = 0  # a desk's: allocated to it
    allocated_vials: int = 0  # the site's: given to its desks
    opened_vials: int = 0
    given_doses: int = 0
    wasted_doses: int = 0
    desks: tuple[str, ...] = field(default=())

    @property
    def key(self) -> tuple[str, str]:
        return self.vaccine, self.lot

    @property
    def received_doses(self) -> int:
        return self.received_vials * self.doses_per_vial

    @property
    def used_doses(self) -> int:
        return self.given_doses + self.wasted_doses

    @property
    def on_hand_doses(self) -> int:
        """May be below zero: more doses recorded than received (a receipt not entered yet)."""
        return self.received_doses - self.used_doses

    @property
    def on_hand_vials(self) -> int:
        """The vials that still hold a dose, a vial partly used counted whole."""
        if self.on_hand_doses <= 0 or self.doses_per_vial <= 0:
            return 0
        return -(-self.on_hand_doses // self.doses_per_vial)

    @property
    def unopened_vials(self) -> int:
        return max(self.received_vials - self.opened_vials, 0)

    @property
    def unallocated_vials(self) -> int:
        return self.received_vials - self.allocated_vials

    def days_left(self, today: date) -> int | None:
        """Days from today to the expiry (0: it expires today; below 0: expired)."""
        return None if self.expires_on is None else (self.expires_on - today).days

    def expired(self, today: date) -> bool:
        return self.expires_on is not None and self.expires_on < today

    def alerts(self, today: date, settings: StockSettings = StockSettings()) -> tuple[Alert, ...]:
        """Its verdicts, most severe first: expired or near expiry, then empty or near empty."""
        found: list[Alert] = []
        left = self.days_left(today)
        if left is not None and left < 0:
            found.append(Alert.EXPIRED)
        elif left is not None and left <= settings.near_expiry_days:
            found.append(Alert.NEAR_EXPIRY)
        if self.on_hand_doses <= 0:
            found.append(Alert.EMPTY)
        elif self.on_hand_doses <= settings.near_empty_doses:
            found.append(Alert.NEAR_EMPTY)
        return tuple(found)


def alert_text(stock: LotStock, alert: Alert, today: date) -> str:
    """One line for a person, in the language in use: `PF 123A: expires 20/12/2026 (in 5
    days)`."""
    name = f"{stock.vaccine} {stock.lot}"
    if alert is Alert.EXPIRED and stock.expires_on is not None:
        return _("{lot}: expired on {date}").format(lot=name, date=format_date(stock.expires_on))
    if alert is Alert.NEAR_EXPIRY and stock.expires_on is not None:
        days = stock.days_left(today) or 0
        text = ngettext("{lot}: expires {date} (in {days} day)",
                        "{lot}: expires {date} (in {days} days)", days)  # fmt: skip
        if days == 0:
            text = _("{lot}: expires today, {date}")
        return text.format(lot=name, date=format_date(stock.expires_on), days=days)
    if alert is Alert.EMPTY:
        return _("{lot}: no dose left").format(lot=name)
    doses = stock.on_hand_doses
    text = ngettext("{lot}: {doses} dose left", "{lot}: {doses} doses left", doses)
    return text.format(lot=name, doses=format_number(doses))


def warnings(holdings: Iterable[LotStock], today: date,
             settings: StockSettings = StockSettings()) -> list[str]:  # fmt: skip
    """A line for every alert of these holdings, the most severe first."""
    found = [(list(Alert).index(alert), stock.key, stock, alert)
             for stock in holdings for alert in stock.alerts(today, settings)]  # fmt: skip
    return [alert_text(stock, alert, today) for _rank, _key, stock, alert in sorted(found)]


Given = Mapping[tuple[str, str, str], int]  # (vaccine, lot, desk) -> doses given


def site_stock(
    receipts: Iterable[Receipt],
    allocations: Iterable[Allocation] = (),
    usage: Iterable[Usage] = (),
    given: Given | None = None,
    *,
    desk_id: str | None = None,
) -> list[LotStock]:
    """Every lot's holding, by vaccine and lot: the site's (desk_id None) or one desk's (what
    was allocated to it, and only its doses and movements). A lot given or used but never
    received (allocated) is there too, with nothing received: its stock is below zero."""
    lots: dict[tuple[str, str], dict] = {}

    def lot(vaccine: str, number: str) -> dict:
        return lots.setdefault((vaccine, number), {"expires_on": None, "doses_per_vial": 0,
                                                   "received_vials": 0, "allocated_vials": 0,
                                                   "opened_vials": 0, "given_doses": 0,
                                                   "wasted_doses": 0, "desks": set()})  # fmt: skip

    for receipt in receipts:
        held = lot(receipt.vaccine, receipt.lot)
        held["expires_on"], held["doses_per_vial"] = receipt.expires_on, receipt.doses_per_vial
        if desk_id is None:
            held["received_vials"] += receipt.vials
    for allocation in allocations:
        if desk_id is not None and allocation.desk_id != desk_id:
            continue
        held = lot(allocation.vaccine, allocation.lot)
        held["received_vials" if desk_id else "allocated_vials"] += allocation.vials
        held["desks"].add(allocation.desk_id)
    for movement in usage:
        if desk_id is not None and movement.desk_id != desk_id:
            continue
        held = lot(movement.vaccine, movement.lot)
        held["opened_vials"] += movement.vials_opened
        held["wasted_doses"] += movement.doses_wasted
        held["desks"].add(movement.desk_id)
    for (vaccine, number, desk), doses in (given or {}).items():
        if desk_id is not None and desk != desk_id:
            continue
        held = lot(vaccine, number)
        held["given_doses"] += doses
        held["desks"].add(desk)
    return [LotStock(vaccine, number, **{**held, "desks": tuple(sorted(held["desks"]))})
            for (vaccine, number), held in sorted(lots.items())]  # fmt: skip


def parse_expiry(text: str, field: str = "expires_on") -> date:
    """An expiry as printed on a vial or a delivery note: 31/03/2027, 31032027, 310327 (a
    two-digit year is this century's: an expiry is ahead), or 03/2027 (the month's last day,
    as GS1 writes a day 00)."""
    parts = [p for p in re.split(r"[/.\-\s]+", text.strip()) if p]
    if not parts or not all(p.isascii() and p.isdigit() for p in parts):
        raise FieldError(field, "stock.expiry", text=text.strip()[:20])
    if len(parts) == 1 and len(parts[0]) in (6, 8):
        digits = parts[0]
        parts = [digits[:2], digits[2:4], digits[4:]]
    if len(parts) == 2:
        month, year = int(parts[0]), _century(parts[1])
        if not 1 <= month <= 12:
            raise FieldError(field, "stock.expiry", text=text.strip()[:20])
        return date(year, month, calendar.monthrange(year, month)[1])
    if len(parts) != 3 or len(parts[2]) not in (2, 4):
        raise FieldError(field, "stock.expiry", text=text.strip()[:20])
    try:
        return date(_century(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        raise FieldError(field, "stock.expiry", text=text.strip()[:20]) from None


def _century(year: str) -> int:
    return 2000 + int(year) if len(year) <= 2 else int(year)


def find_lot(holdings: Iterable[LotStock], vaccine: str, lot: str) -> LotStock | None:
    return next((h for h in holdings if h.key == (vaccine, lot)), None)


def check_count(name: str, value: object, low: int, high: int) -> int:
    if type(value) is not int or not low <= value <= high:
        raise FieldError(name, "stock.count", low=low, high=high)
    return value


def _check_text(name: str, value: object, required: bool = False) -> str:
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise FieldError(name, "stock.text", limit=MAX_TEXT)
    if required and not value.strip():
        raise FieldError(name, "required")
    return value


def check_receipt(receipt: Receipt, known: LotStock | None, today: date) -> None:
    """A receipt the site may keep: counts in range, not already expired, not in the future,
    and a lot received before keeps its expiry and doses per vial (FieldError)."""
    if not CODE.fullmatch(receipt.site_id):
        raise FieldError("site_id", "code.characters")
    check_count("vials", receipt.vials, 1, MAX_VIALS)
    check_count("doses_per_vial", receipt.doses_per_vial, 1, MAX_DOSES_PER_VIAL)
    _check_text("received_from", receipt.received_from, required=True)
    if receipt.received_on > today:
        raise FieldError("received_on", "date.future", date=receipt.received_on)
    if receipt.expires_on < receipt.received_on:
        raise FieldError("expires_on", "stock.received_expired", lot=receipt.lot,
                         date=receipt.expires_on)  # fmt: skip
    if known is not None and known.expires_on is not None:
        if known.expires_on != receipt.expires_on:
            raise FieldError("expires_on", "stock.other_expiry", lot=receipt.lot,
                             date=known.expires_on)  # fmt: skip
        if known.doses_per_vial != receipt.doses_per_vial:
            raise FieldError("doses_per_vial", "stock.other_doses_per_vial", lot=receipt.lot,
                             number=known.doses_per_vial)  # fmt: skip


def check_allocation(allocation: Allocation, site: LotStock | None, today: date) -> None:
    """An allocation the site may make: of a lot it received, not expired, and no more vials
    than it has not given its desks yet."""
    if not CODE.fullmatch(allocation.desk_id):
        raise FieldError("desk_id", "code.characters")
    check_count("vials", allocation.vials, 1, MAX_VIALS)
    if site is None or site.received_vials <= 0:
        raise FieldError("lot", "stock.not_received", lot=allocation.lot,
                         vaccine=allocation.vaccine)  # fmt: skip
    check_usable(site, today)
    if allocation.vials > site.unallocated_vials:
        raise FieldError("vials", "stock.over_allocated", lot=allocation.lot,
                         count=max(site.unallocated_vials, 0))  # fmt: skip


def check_usage(usage: Usage) -> None:
    """A desk's movement: something opened or wasted, each within its range."""
    for name in ("site_id", "desk_id"):
        if not CODE.fullmatch(getattr(usage, name)):
            raise FieldError(name, "code.characters")
    check_count("vials_opened", usage.vials_opened, 0, MAX_VIALS)
    check_count("doses_wasted", usage.doses_wasted, 0, MAX_WASTED)
    if usage.vials_opened == 0 and usage.doses_wasted == 0:
        raise FieldError("vials_opened", "stock.nothing")
    for name in ("reason", "entered_by"):
        _check_text(name, getattr(usage, name))


def check_usable(stock: LotStock | None, today: date) -> None:
    """A lot a session may give doses of: not expired (a lot the desk knows nothing of is not
    refused: the desk works offline with what it last knew)."""
    if stock is not None and stock.expired(today) and stock.expires_on is not None:
        raise FieldError("lot", "stock.expired", lot=stock.lot, date=stock.expires_on)
