"""The citizen's slip at the desk: for a record, or for the one the desk saved last, and
printed on the printer the settings name. Answers are data: a slip or why there is none, and
what the printer did (`printing.send.PrintOutcome`).

Reading the record (the store) and sending to the printer (slow: lp, USB, the network) are
two steps, so a screen reads on its own thread and prints on a worker thread."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from domain.slip import Slip, slip_of, why_no_slip
from printing.config import PrinterConfig
from printing.send import PrintOutcome, PrintStatus, send_slip
from store import RecordNotFound, Store


@dataclass(frozen=True)
class NoSlip:
    reason: str  # print.voided, print.no_dose, print.no_record, print.not_found
    params: dict[str, Any] = field(default_factory=dict)

    def outcome(self) -> PrintOutcome:
        return PrintOutcome(PrintStatus.FAILED, self.reason, self.params)


def slip_for(store: Store, record_id: str) -> Slip | NoSlip:
    """The slip of the record's current version."""
    try:
        record = store.get(record_id)
    except RecordNotFound:
        return NoSlip("print.not_found", {"record_id": record_id})
    why = why_no_slip(record)
    return NoSlip(why) if why else slip_of(record)


def last_slip(store: Store, desk_id: str = "") -> Slip | NoSlip:
    """The slip of the record this desk saved or corrected last."""
    record_id = store.last_saved(desk_id)
    return slip_for(store, record_id) if record_id else NoSlip("print.no_record")


def print_slip(slip: Slip | NoSlip, config: PrinterConfig) -> PrintOutcome:
    """Send the slip (may take seconds: off a screen's thread); no slip says why."""
    if isinstance(slip, NoSlip):
        return slip.outcome()
    return send_slip(slip, config)


def print_record(store: Store, record_id: str, config: PrinterConfig) -> PrintOutcome:
    return print_slip(slip_for(store, record_id), config)


def print_last(store: Store, desk_id: str, config: PrinterConfig) -> PrintOutcome:
    return print_slip(last_slip(store, desk_id), config)
