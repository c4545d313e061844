"""Sending slips: a real `lp` (a script on PATH that records what it was given, one that fails,
one that hangs), a receipt printer on a loopback socket and on a device file, and the desk's
choice of record (the last saved, a voided one, none yet). Every outcome is data."""

from __future__ import annotations

import os
import socket
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from desk.slips import NoSlip, last_slip, print_last, print_record, slip_for
from domain.print_messages import PRINT_MESSAGES
from domain.record import Record, build_record
from domain.slip import slip_of
from printing.config import (
    DeviceTarget,
    NetworkTarget,
    PrinterConfig,
    UsbTarget,
    escpos_target,
    setting_problem,
)
from printing.escpos import slip_escpos
from printing.send import JOB_TITLE, PrintStatus, describe_outcome, send_slip
from store import Store
from tests.conftest import AN, YEN

LP_RECORDING = """#!/bin/sh
set -e
printf '%s\\n' "$@" > "{folder}/lp-args"
cat > "{folder}/lp-job"
echo "request id is slips-1 (1 file(s))"
"""
LP_FAILING = """#!/bin/sh
cat > /dev/null
echo "lp: The printer or class does not exist." >&2
exit 1
"""
LP_HANGING = """#!/bin/sh
exec sleep 30
"""


def fake_lp(folder: Path, script: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`lp` on PATH, before anything else: a real program in a real subprocess."""
    folder.mkdir(exist_ok=True)
    lp = folder / "lp"
    lp.write_text(script.format(folder=folder))
    lp.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return folder


@pytest.fixture
def dose(store: Store, live) -> Record:
    return store.save(build_record(AN, live))


def test_cups_gets_the_pdf_on_lp(tmp_path: Path, monkeypatch, dose: Record) -> None:
    folder = fake_lp(tmp_path / "bin", LP_RECORDING, monkeypatch)
    config = PrinterConfig(kind="cups", cups_queue="Quay_1")
    outcome = send_slip(slip_of(dose), config)
    assert outcome.status is PrintStatus.PRINTED and describe_outcome(outcome) == "Slip printed"
    assert (folder / "lp-args").read_text().split("\n")[:4] == ["-d", "Quay_1", "-t", JOB_TITLE]
    job = (folder / "lp-job").read_bytes()
    assert job.startswith(b"%PDF-") and job.rstrip().endswith(b"%%EOF")
    # no queue: the system's default printer; never the citizen's name in the job's title
    send_slip(slip_of(dose), replace(config, cups_queue=""))
    args = (folder / "lp-args").read_text().split()
    assert args == ["-t", JOB_TITLE] and "Nguyễn" not in " ".join(args)


def test_lp_failing_missing_or_hanging_is_an_outcome(tmp_path: Path, monkeypatch,
                                                     dose: Record) -> None:  # fmt: skip
    slip, config = slip_of(dose), PrinterConfig(kind="cups", timeout=0.5)
    fake_lp(tmp_path / "failing", LP_FAILING, monkeypatch)
    outcome = send_slip(slip, config)
    assert (outcome.status, outcome.reason) == (PrintStatus.FAILED, "print.lp_failed")
    assert describe_outcome(outcome) == (
        "Slip not printed: the system printer refused it (lp: The printer or class does not exist.)"
    )
    fake_lp(tmp_path / "hanging", LP_HANGING, monkeypatch)
    outcome = send_slip(slip, config)
    assert outcome.reason == "print.timeout"
    assert describe_outcome(outcome) == "Slip not printed: the printer did not answer within 0.5 s"
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert send_slip(slip, config).reason == "print.lp_missing"


def test_no_printer_is_said_plainly(dose: Record) -> None:
    outcome = send_slip(slip_of(dose), PrinterConfig())
    assert outcome.status is PrintStatus.NO_PRINTER and not outcome.printed
    assert describe_outcome(outcome) == "No printer set up: slip not printed"


def test_a_receipt_printer_on_the_network_gets_the_escpos_bytes(dose: Record) -> None:
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    received = bytearray()

    def take() -> None:
        link, _ = server.accept()
        with link:
            while chunk := link.recv(65536):
                received.extend(chunk)

    taker = threading.Thread(target=take)
    taker.start()
    slip = slip_of(dose)
    outcome = send_slip(slip, PrinterConfig(kind="escpos", escpos=f"127.0.0.1:{port}",
                                            paper="80mm", timeout=5))  # fmt: skip
    taker.join(5)
    server.close()
    assert outcome.printed and bytes(received) == slip_escpos(slip, "80mm")
    # the port closed now: refused, as a printer switched off is
    gone = send_slip(slip, PrinterConfig(kind="escpos", escpos=f"127.0.0.1:{port}", timeout=2))
    assert (gone.status, gone.reason) == (PrintStatus.FAILED, "print.device")


def test_a_receipt_printer_as_a_device_file(tmp_path: Path, dose: Record) -> None:
    device = tmp_path / "lp0"
    device.touch()
    slip = slip_of(dose)
    assert send_slip(slip, PrinterConfig(kind="escpos", escpos=str(device), paper="58mm")).printed
    assert device.read_bytes() == slip_escpos(slip, "58mm")
    absent = send_slip(slip, PrinterConfig(kind="escpos", escpos=str(tmp_path / "no" / "lp0")))
    assert absent.reason == "print.device" and "No such file" in describe_outcome(absent)
    assert send_slip(slip, PrinterConfig(kind="escpos", escpos="lp0")).reason == "print.target"


def test_a_device_that_never_takes_the_slip_times_out(tmp_path: Path, dose: Record) -> None:
    """A FIFO nobody reads blocks its writer, as a printer out of paper does its device."""
    device = tmp_path / "lp0"
    os.mkfifo(device)
    slip = slip_of(dose)
    outcome = send_slip(slip, PrinterConfig(kind="escpos", escpos=str(device), timeout=0.3))
    assert (outcome.status, outcome.reason) == (PrintStatus.FAILED, "print.timeout")
    # the paper is back: the write still waiting goes through, and a new one too
    reader = os.open(device, os.O_RDONLY)
    taken = bytearray()
    with os.fdopen(reader, "rb") as pipe:
        taker = threading.Thread(target=lambda: taken.extend(pipe.read()))
        taker.start()
        taker.join(5)
    assert bytes(taken) == slip_escpos(slip, "a6")


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("usb:04b8:0202", UsbTarget(0x04B8, 0x0202)),
        ("0416:5011", UsbTarget(0x0416, 0x5011)),
        ("/dev/usb/lp0", DeviceTarget("/dev/usb/lp0")),
        ("192.168.1.50:9100", NetworkTarget("192.168.1.50", 9100)),
        ("tcp:printer.lan:9100", NetworkTarget("printer.lan", 9100)),
        ("[::1]:9100", NetworkTarget("::1", 9100)),
        ("printer.lan", None),
        ("printer.lan:99999", None),
        ("usb:04b8", None),
        ("", None),
    ],
)
def test_receipt_printer_addresses(text: str, target: object) -> None:
    assert escpos_target(text) == target


def test_printing_settings_are_checked() -> None:
    assert setting_problem("printer", "kind", "cups") is None
    assert setting_problem("printer", "kind", "laser") == "'laser' is not one of none, cups, escpos"
    assert setting_problem("desk", "print_slip", "always") == "'always' is not one of key, auto"
    assert setting_problem("printer", "paper", "a4") is not None
    assert "usb:VVVV:PPPP" in (setting_problem("printer", "escpos", "COM3") or "")
    assert setting_problem("printer", "timeout", 0.0) is not None
    assert setting_problem("desk", "camera", "laser") is None  # not a printing setting


def test_the_desk_prints_what_it_saved_last(store: Store, live, tmp_path: Path, monkeypatch,
                                            dose: Record) -> None:  # fmt: skip
    assert last_slip(store, "desk-1").record_id == dose.record_id  # type: ignore[union-attr]
    yen = store.save(build_record(YEN, live))
    assert last_slip(store, "desk-1").record_id == yen.record_id  # type: ignore[union-attr]
    corrected = store.correct(replace(dose, version=2, lot="NX9999"))
    last = last_slip(store, "desk-1")
    assert not isinstance(last, NoSlip) and last.record_id == corrected.record_id
    assert "Lot: NX9999" in last.text_lines()
    assert last_slip(store, "desk-2") == NoSlip("print.no_record")
    folder = fake_lp(tmp_path / "bin", LP_RECORDING, monkeypatch)
    assert print_last(store, "desk-1", PrinterConfig(kind="cups")).printed
    assert (folder / "lp-job").read_bytes().startswith(b"%PDF-")


def test_no_slip_for_a_voided_record_or_an_unknown_one(store: Store, dose: Record) -> None:
    store.void(dose.record_id, "entered twice", "Lê Thị Hoa")
    assert slip_for(store, dose.record_id) == NoSlip("print.voided")
    outcome = print_record(store, dose.record_id, PrinterConfig(kind="cups"))
    assert outcome.reason == "print.voided"
    assert describe_outcome(outcome) == "Slip not printed: this record was voided: it has no slip"
    unknown = slip_for(store, "0190a8f0-0000-7000-8000-000000000001")
    assert isinstance(unknown, NoSlip) and unknown.reason == "print.not_found"


def test_every_outcome_code_has_words() -> None:
    import ast

    root = Path(__file__).resolve().parents[1]
    codes = set()
    for path in [*(root / "printing").rglob("*.py"), root / "desk" / "slips.py",
                 root / "domain" / "slip.py"]:  # fmt: skip
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and text.startswith(("print.", "slip.")) and " " not in text:
                codes.add(text)
    assert len(codes) > 8 and codes <= set(PRINT_MESSAGES), codes - set(PRINT_MESSAGES)
