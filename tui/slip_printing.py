"""The citizen's slip from the entry screen: Ctrl+P prints the record saved last; after each
save too when the settings say so (`[desk] print_slip = "auto"`).

The slip is read on the screen's thread (the store's connection is that thread's); the
printer gets it on a thread worker (lp, USB or the network may take seconds), and what it did
comes back as one line: said alone after Ctrl+P, added to the save's line after a save. No
printer set up is said plainly, not as an error."""

from __future__ import annotations

import logging
from contextlib import suppress
from typing import Any

from desk.results import Saved
from desk.slips import NoSlip, last_slip, print_slip, slip_for
from domain.slip import Slip, why_no_slip
from printing.config import PrinterConfig
from printing.send import PrintOutcome, PrintStatus, describe_outcome, failed

log = logging.getLogger("vaxdesk.tui")
SEPARATOR = " · "


def printer_of(app: Any) -> PrinterConfig:
    printer = getattr(app, "printer", None)
    return printer if isinstance(printer, PrinterConfig) else PrinterConfig()


def print_last_slip(screen: Any) -> None:
    """Ctrl+P: the slip of the record this desk saved or corrected last."""
    desk = screen.entry.desk
    desk_id = desk.session.desk_id if desk.session else desk.desk_id
    start_printing(screen, last_slip(desk.store, desk_id), after_save=False)


def after_save_slip(screen: Any, result: object) -> None:
    """After a save: the new record's slip, when the desk prints automatically (a screening
    that gave no dose has none, and nothing is said of it)."""
    if not isinstance(result, Saved) or why_no_slip(result.record) is not None:
        return
    if getattr(screen.app, "auto_print", False):
        slip = slip_for(screen.entry.desk.store, result.record.record_id)
        start_printing(screen, slip, after_save=True)


def start_printing(screen: Any, slip: Slip | NoSlip, *, after_save: bool) -> None:
    if isinstance(slip, NoSlip):
        show(screen, slip.outcome(), after_save=after_save)
        return
    config = printer_of(screen.app)

    def send() -> None:
        try:
            outcome = print_slip(slip, config)
        except Exception as error:  # a bug drawing the slip: said, logged, the desk goes on
            log.exception("slip: %s", type(error).__name__)
            outcome = failed("print.device", detail=type(error).__name__)
        with suppress(RuntimeError):  # the app closed meanwhile
            screen.app.call_from_thread(show, screen, outcome, after_save=after_save)

    screen.run_worker(send, thread=True, group="slip", exit_on_error=False)


def show(screen: Any, outcome: PrintOutcome, *, after_save: bool) -> None:
    """The outcome on the message line; after a save, after what the save said."""
    if not screen.is_attached:
        return
    text = describe_outcome(outcome)
    if after_save:
        shown = str(screen.query_one("#message").render()).strip()
        text = f"{shown}{SEPARATOR}{text}" if shown else text
    screen.say(text, error=outcome.status is PrintStatus.FAILED)
