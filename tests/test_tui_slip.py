"""The slip at the desk, keys only: Ctrl+P prints the record saved last; with print_slip =
auto each save prints; no printer set up is one plain line, and the desk goes on."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from textual.widgets import Static

from domain.slip_code import parse_slip_code
from printing.config import PrinterConfig
from scanner.decode import make_decoder
from tests.conftest import AN, YEN, FakeClock, desk_app
from tests.test_tui_desk import SIZE, entry, open_session, rows, text_of
from tui.app import VaxdeskApp
from vaxdesk.testing.desk import until

LP = """#!/bin/sh
set -e
n=$(ls "{folder}" | grep -c '^job-' || true)
cat > "{folder}/job-$n.pdf"
"""


def jobs(folder: Path) -> list[bytes]:
    return [p.read_bytes() for p in sorted(folder.glob("job-*.pdf"))]


@pytest.fixture
def lp_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A real `lp` first on PATH, keeping each job it is given."""
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "lp").write_text(LP.format(folder=folder))
    (folder / "lp").chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return folder


def message(app: VaxdeskApp) -> Static:
    return app.screen.query_one("#message", Static)


async def save(pilot, person: dict[str, str]) -> None:
    screen = entry(pilot.app)
    screen.form.set_values(person)
    await pilot.press("ctrl+s")
    await pilot.pause()


def qr_of(pdf: bytes) -> str:
    page = pdfium.PdfDocument(pdf)[0]
    gray = np.ascontiguousarray(page.render(scale=200 / 72, grayscale=True).to_numpy())
    found = [c for c in make_decoder().decode(gray) if c.format == "QRCode"]
    return found[0].data.decode("ascii")


async def test_no_printer_set_up_says_so_plainly(db_path: Path, clock: FakeClock) -> None:
    app = desk_app(db_path, clock=clock, auto_print=True)  # and no [printer]: kind none
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: "no slip" in text_of(app, "#message"), "nothing saved yet")
        assert "no record saved at this desk yet" in text_of(app, "#message")
        await save(pilot, AN)
        said = "No printer set up: slip not printed"
        await until(pilot, lambda: said in text_of(app, "#message"), "the printer's line")
        line = text_of(app, "#message")
        assert line.startswith("Saved ✓ Nguyễn Văn An") and line.endswith(" · " + said)
        assert not message(app).has_class("-error")  # not an error: the save went through
        await pilot.press("ctrl+p")
        await until(pilot, lambda: text_of(app, "#message") == said, "Ctrl+P's line")
        assert not message(app).has_class("-error")
        assert entry(app).form.field("id_number").value == ""  # ready for the next citizen
    assert len(rows(db_path)) == 1


async def test_ctrl_p_prints_the_last_saved_record(db_path: Path, clock: FakeClock,
                                                   lp_folder: Path) -> None:  # fmt: skip
    app = desk_app(db_path, clock=clock, printer=PrinterConfig(kind="cups"))
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        await save(pilot, AN)
        await save(pilot, YEN)
        await pilot.pause(0.2)
        assert jobs(lp_folder) == []  # print_slip = key: only on Ctrl+P
        await pilot.press("ctrl+p")
        await until(pilot, lambda: text_of(app, "#message") == "Slip printed", "the slip")
    [job] = jobs(lp_folder)
    yen = next(r for r in rows(db_path) if r["full_name"] == "Ngô Ngọc Yến")
    assert parse_slip_code(qr_of(job)) == yen["record_id"]


async def test_auto_print_after_every_save(db_path: Path, clock: FakeClock,
                                           lp_folder: Path) -> None:  # fmt: skip
    app = desk_app(db_path, clock=clock, printer=PrinterConfig(kind="cups"), auto_print=True)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        await save(pilot, AN)
        await until(pilot, lambda: len(jobs(lp_folder)) == 1, "the first slip")
        await until(pilot, lambda: "Slip printed" in text_of(app, "#message"), "its line")
        assert text_of(app, "#message").startswith("Saved ✓ Nguyễn Văn An")
        await save(pilot, {**YEN, "screening": "H"})  # postponed: no dose, no slip, no word
        await save(pilot, YEN)
        await until(pilot, lambda: len(jobs(lp_folder)) == 2, "the second slip")
    ids = {r["full_name"]: r["record_id"] for r in rows(db_path) if r["screening"] == "D"}
    assert [parse_slip_code(qr_of(job)) for job in jobs(lp_folder)] == [
        ids["Nguyễn Văn An"],
        ids["Ngô Ngọc Yến"],
    ]


async def test_a_failing_printer_is_one_line_and_nothing_is_lost(
    db_path: Path, clock: FakeClock, tmp_path: Path
) -> None:
    config = PrinterConfig(kind="escpos", escpos=str(tmp_path / "absent" / "lp0"))
    app = desk_app(db_path, clock=clock, printer=config, auto_print=True)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        await save(pilot, AN)
        await until(pilot, lambda: "Slip not printed" in text_of(app, "#message"), "the failure")
        assert "the receipt printer cannot be used (No such file or directory)" in text_of(
            app, "#message"
        )
        assert message(app).has_class("-error")
    assert len(rows(db_path)) == 1


async def test_the_lines_in_vietnamese(db_path: Path, clock: FakeClock, lp_folder: Path) -> None:
    app = desk_app(db_path, clock=clock, language="vi", auto_print=True)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        await save(pilot, AN)
        said = "Chưa cấu hình máy in: không in phiếu"
        await until(pilot, lambda: said in text_of(app, "#message"), "the printer's line")
        assert text_of(app, "#message").startswith("Đã lưu ✓ Nguyễn Văn An")
        app.printer = PrinterConfig(kind="cups")
        await pilot.press("ctrl+p")
        await until(pilot, lambda: text_of(app, "#message") == "Đã in phiếu", "printed")
    [job] = jobs(lp_folder)
    assert parse_slip_code(qr_of(job)) == rows(db_path)[0]["record_id"]
    text = pdfium.PdfDocument(job)[0].get_textpage().get_text_range()
    assert text.startswith("PHIẾU XÁC NHẬN TIÊM CHỦNG") and "Mũi tiếp theo từ ngày:" in text
