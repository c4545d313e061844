"""The stock report of a site (issue 16, "cấp phát vắc xin"), as xlsx: one sheet of its lots
(received, allocated, vials opened, doses given and wasted, on hand, the verdict), one of what
each desk holds of each lot, one of the receipts and allocations as entered. Written with
openpyxl in write-only mode to a temporary file beside the target, moved into place when
complete: a report cut short never stands where the last good one was. Words in the language
in use (`_()`); numbers as numbers, dates as dates (dd/mm/yyyy shown)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from domain.stock import Allocation, LotStock, Receipt, StockSettings
from hub import stock_db
from hub.storage import Storage
from i18n import N_, _, format_date

LOT_COLUMNS = (N_("Vaccine"), N_("Lot"), N_("Expiry"), N_("Doses per vial"),
               N_("Vials received"), N_("Doses received"), N_("Vials allocated"),
               N_("Vials opened"), N_("Doses given"), N_("Doses wasted"), N_("Doses on hand"),
               N_("Vials on hand"), N_("Status"))  # fmt: skip
DESK_COLUMNS = (N_("Desk"), N_("Vaccine"), N_("Lot"), N_("Expiry"), N_("Vials allocated"),
                N_("Doses allocated"), N_("Vials opened"), N_("Doses given"),
                N_("Doses wasted"), N_("Doses left"), N_("Status"))  # fmt: skip
MOVE_COLUMNS = (N_("Date"), N_("Movement"), N_("Vaccine"), N_("Lot"), N_("Vials"),
                N_("Doses per vial"), N_("Expiry"), N_("From / to"))  # fmt: skip
DATE_FORMAT = "DD/MM/YYYY"


@dataclass(frozen=True)
class StockReport:
    lots: int
    desks: int
    movements: int


def status(stock: LotStock, today: date, settings: StockSettings) -> str:
    """The verdicts of a holding in words, or "in stock"."""
    alerts = stock.alerts(today, settings)
    if stock.expires_on is None:
        return ", ".join([_("not received"), *(a.label for a in alerts)])
    return ", ".join(a.label for a in alerts) or _("in stock")


def lot_row(stock: LotStock, today: date, settings: StockSettings) -> list[Any]:
    return [stock.vaccine, stock.lot, stock.expires_on, stock.doses_per_vial or None,
            stock.received_vials, stock.received_doses, stock.allocated_vials,
            stock.opened_vials, stock.given_doses, stock.wasted_doses, stock.on_hand_doses,
            stock.on_hand_vials, status(stock, today, settings)]  # fmt: skip


def desk_row(desk: str, stock: LotStock, today: date, settings: StockSettings) -> list[Any]:
    return [desk, stock.vaccine, stock.lot, stock.expires_on, stock.received_vials,
            stock.received_doses, stock.opened_vials, stock.given_doses, stock.wasted_doses,
            stock.on_hand_doses, status(stock, today, settings)]  # fmt: skip


def movement_rows(receipts: list[Receipt], allocations: list[Allocation]) -> list[list[Any]]:
    per_vial = {(r.vaccine, r.lot): r.doses_per_vial for r in receipts}
    expiry = {(r.vaccine, r.lot): r.expires_on for r in receipts}
    rows: list[tuple[date, int, list[Any]]] = [
        (r.received_on, 0, [r.received_on, _("received"), r.vaccine, r.lot, r.vials,
                            r.doses_per_vial, r.expires_on, r.received_from])
        for r in receipts
    ]  # fmt: skip
    rows += [
        (a.allocated_on, 1, [a.allocated_on, _("allocated"), a.vaccine, a.lot, a.vials,
                             per_vial.get((a.vaccine, a.lot)), expiry.get((a.vaccine, a.lot)),
                             a.desk_id])
        for a in allocations
    ]  # fmt: skip
    return [row for _on, _kind, row in sorted(rows, key=lambda r: (r[0], r[1]))]


def write_report(db: Storage, site_id: str, out: Path, today: date) -> StockReport:
    """The site's stock report at `out` (xlsx)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    stock = stock_db.snapshot(db, site_id)
    settings, receipts, allocations = stock.settings, stock.receipts, stock.allocations
    lots = stock.holdings()
    desks = sorted({desk for lot in lots for desk in lot.desks})
    book = Workbook(write_only=True)

    def sheet(name: str, columns: tuple[str, ...], rows: list[list[Any]]) -> None:
        page = book.create_sheet(_(name)[:31])
        page.append([_("VACCINE STOCK AND ALLOCATION REPORT")])
        page.append([_("Site {site}, on {date}").format(site=site_id, date=format_date(today))])
        page.append([])
        page.append([_(column) for column in columns])
        for row in rows:
            cells: list[Any] = []
            for value in row:
                if isinstance(value, date):
                    cell = WriteOnlyCell(page, value=value)
                    cell.number_format = DATE_FORMAT
                    cells.append(cell)
                else:
                    cells.append(value)
            page.append(cells)

    sheet(N_("Lots"), LOT_COLUMNS, [lot_row(lot, today, settings) for lot in lots])
    per_desk = []
    for desk in desks:
        for held in stock.holdings(desk):
            if held.received_vials or held.used_doses or held.opened_vials:
                per_desk.append(desk_row(desk, held, today, settings))
    sheet(N_("Desks"), DESK_COLUMNS, per_desk)
    moves = movement_rows(receipts, allocations)
    sheet(N_("Receipts and allocations"), MOVE_COLUMNS, moves)
    partial = out.with_name(f".{out.name}.partial")
    try:
        book.save(partial)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return StockReport(lots=len(lots), desks=len(desks), movements=len(moves))
