"""Sending a slip to the printer the desk has: the PDF to CUPS through `lp`, or ESC/POS bytes to
a receipt printer. Every outcome is data (printed, no printer, failed with a reason code):
a printer out of paper never becomes an exception in front of a volunteer."""

from __future__ import annotations

import logging
import socket
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from domain.slip import Slip
from printing.config import (
    DeviceTarget,
    EscposTarget,
    NetworkTarget,
    PrinterConfig,
    escpos_target,
)

log = logging.getLogger("vaxdesk.printing")

LP = "lp"
JOB_TITLE = "vaxdesk-slip"  # never the citizen's name: CUPS keeps job titles in its logs


class PrintStatus(StrEnum):
    PRINTED = "printed"
    NO_PRINTER = "no_printer"
    FAILED = "failed"


@dataclass(frozen=True)
class PrintOutcome:
    status: PrintStatus
    reason: str = ""  # a code of `domain.print_messages` when failed
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def printed(self) -> bool:
        return self.status is PrintStatus.PRINTED


PRINTED = PrintOutcome(PrintStatus.PRINTED)
NO_PRINTER = PrintOutcome(PrintStatus.NO_PRINTER)


def failed(reason: str, **params: Any) -> PrintOutcome:
    log.warning("slip not printed: %s %s", reason, params)
    return PrintOutcome(PrintStatus.FAILED, reason, params)


def first_line(text: bytes | str | None) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[0][:120] if lines else ""


def lp_command(config: PrinterConfig) -> list[str]:
    """`lp`, to the queue set (else the system's default), the PDF on standard input."""
    queue = ["-d", config.cups_queue] if config.cups_queue.strip() else []
    return [LP, *queue, "-t", JOB_TITLE]


def send_pdf(pdf: bytes, config: PrinterConfig) -> PrintOutcome:
    try:
        done = subprocess.run(lp_command(config), input=pdf, capture_output=True,
                              timeout=config.timeout, check=False)  # fmt: skip
    except FileNotFoundError:
        return failed("print.lp_missing")
    except subprocess.TimeoutExpired:
        return failed("print.timeout", seconds=f"{config.timeout:g}")
    except OSError as error:
        return failed("print.lp_failed", detail=error.strerror or type(error).__name__)
    if done.returncode != 0:
        detail = first_line(done.stderr) or f"lp: exit {done.returncode}"
        return failed("print.lp_failed", detail=detail)
    return PRINTED


def write_escpos(data: bytes, target: EscposTarget, timeout: float) -> None:
    """The bytes to the printer; OSError (or the USB library's error) when it cannot take them."""
    if isinstance(target, NetworkTarget):
        with socket.create_connection((target.host, target.port), timeout=timeout) as link:
            link.sendall(data)
    elif isinstance(target, DeviceTarget):
        within(timeout, lambda: write_device(target.path, data))
    else:
        from escpos.printer import Usb

        printer = Usb(target.vendor, target.product, timeout=int(timeout * 1000))
        try:
            printer._raw(data)  # the bytes are made already: python-escpos only carries them
        finally:
            printer.close()


def write_device(path: str, data: bytes) -> None:
    with open(path, "wb", buffering=0) as device:
        device.write(data)


def within(seconds: float, work: Callable[[], None]) -> None:
    """Do `work`, or raise TimeoutError after `seconds`: a printer out of paper blocks a write
    to its device file for as long as it likes. The write goes on in a daemon thread (it
    cannot be interrupted), so it never keeps the desk from closing."""
    failure: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as error:  # handed to the caller's thread
            failure.append(error)

    worker = threading.Thread(target=run, name="slip-device", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise TimeoutError
    if failure:
        raise failure[0]


def send_escpos(data: bytes, config: PrinterConfig) -> PrintOutcome:
    target = escpos_target(config.escpos)
    if target is None:
        return failed("print.target", target=config.escpos)
    try:
        write_escpos(data, target, config.timeout)
    except TimeoutError:
        return failed("print.timeout", seconds=f"{config.timeout:g}")
    except OSError as error:
        return failed("print.device", detail=error.strerror or type(error).__name__)
    except Exception as error:  # pyusb's USBError, escpos's DeviceNotFoundError, no pyusb...
        return failed("print.device", detail=first_line(str(error)) or type(error).__name__)
    return PRINTED


def send_slip(slip: Slip, config: PrinterConfig) -> PrintOutcome:
    """Print the slip on the configured printer; what happened, as data."""
    if config.kind == "cups":
        from printing.pdf import slip_pdf

        return send_pdf(slip_pdf(slip, pdf_paper(config.paper)), config)
    if config.kind == "escpos":
        from printing.escpos import slip_escpos

        return send_escpos(slip_escpos(slip, config.paper), config)
    return NO_PRINTER


def pdf_paper(paper: str) -> str:
    from printing.pdf import PAPERS

    return paper if paper in PAPERS else "a6"


def describe_outcome(outcome: PrintOutcome) -> str:
    """The outcome in one line, in the language in use: "Slip printed", "No printer set up:
    slip not printed", "Slip not printed: <why>"."""
    from domain.print_messages import slip_message

    if outcome.status is PrintStatus.PRINTED:
        return slip_message("print.printed")
    if outcome.status is PrintStatus.NO_PRINTER:
        return slip_message("print.no_printer")
    return slip_message("print.failed", reason=slip_message(outcome.reason, **outcome.params))
