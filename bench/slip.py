"""Benchmark of the citizen's slip: how long making it takes, how big it is, and at which
resolutions (and how blurred) the desk's own decoder still reads its Code 128 and QR.

    python bench/slip.py [--repeat 20]

Prints milliseconds (median) for the slip's content, its PDF on each paper and its ESC/POS
bytes; the sizes of the PDF, the bytes and the shipped fonts; then, per paper, which codes
zxing-cpp reads from the page rasterised at 100-300 dpi, sharp and with a Gaussian blur of
1 and 2 px (a webcam's focus, roughly); then how many of `--ids` random record ids have both
codes read (the bars differ with every id).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from domain.dates import PartialDate
from domain.fields import Aefi, Screening, Source
from domain.identity import Identity, IdType, Sex
from domain.record import Record
from domain.slip import Slip, slip_of
from printing.codes import font_path
from printing.escpos import slip_escpos
from printing.pdf import PAPERS, slip_pdf
from scanner.decode import make_decoder

DPIS = (100, 150, 200, 300)
BLURS = (0.0, 1.0, 2.0)


def a_record() -> Record:
    person = Identity(IdType.CCCD, "079092001234", "Nguyễn Thị Hường Ỷ", PartialDate(1992, 8, 15),
                      Sex.FEMALE)  # fmt: skip
    return Record("0190a8f0-0000-7000-8000-000000000001", 1, "desk-1", "TV-CN-01", "s", person,
                  Screening.ELIGIBLE, "AZ", "NX1234", 2, date(2026, 11, 23), "09:30",
                  "Nguyễn Văn Bình", Aefi.NONE, "", "", Source.TYPED, "Lê Thị Hoa")  # fmt: skip


def median_ms(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def reads(pdf: bytes, dpi: int, blur: float) -> str:
    import cv2
    import pypdfium2 as pdfium

    page = pdfium.PdfDocument(pdf)[0]
    gray = np.ascontiguousarray(page.render(scale=dpi / 72, grayscale=True).to_numpy())
    if blur:
        gray = cv2.GaussianBlur(gray, (0, 0), blur)
    found = {code.format for code in make_decoder().decode(gray)}
    return "+".join(name for name in ("Code128", "QRCode") if name in found) or "-"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--ids", type=int, default=100, help="record ids for the read rate")
    args = parser.parse_args()
    record = a_record()
    slip: Slip = slip_of(record)
    slip_pdf(slip)  # the first PDF imports fpdf2 and reads the font
    slip_escpos(slip)
    print(f"slip content   {median_ms(lambda: slip_of(record), args.repeat):7.2f} ms")
    for paper in PAPERS:
        ms = median_ms(lambda paper=paper: slip_pdf(slip, paper), args.repeat)
        print(f"PDF {paper:<5}      {ms:7.2f} ms  {len(slip_pdf(slip, paper)):>7,} bytes")
    for paper in ("80mm", "58mm"):
        ms = median_ms(lambda paper=paper: slip_escpos(slip, paper), args.repeat)
        print(f"ESC/POS {paper:<5}  {ms:7.2f} ms  {len(slip_escpos(slip, paper)):>7,} bytes")
    for style in ("", "B"):
        print(f"font {font_path(style).name:<28} {font_path(style).stat().st_size:>7,} bytes")
    print("\nread back (zxing-cpp): paper, dpi -> codes read sharp / blur 1 px / blur 2 px")
    for paper in PAPERS:
        pdf = slip_pdf(slip, paper)
        for dpi in DPIS:
            cells = " / ".join(f"{reads(pdf, dpi, blur):<14}" for blur in BLURS)
            print(f"  {paper:<5} {dpi:>3} dpi  {cells}")
    print(f"\nboth codes read, over {args.ids} random record ids (sharp):")
    rng = random.Random(14)
    ids = [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(args.ids)]
    for paper, dpi in (("a6", 150), ("a6", 200), ("80mm", 200), ("80mm", 300), ("58mm", 300)):
        both = sum(
            reads(slip_pdf(slip_of(replace(record, record_id=i)), paper), dpi, 0.0)
            == "Code128+QRCode"
            for i in ids
        )
        print(f"  {paper:<5} {dpi:>3} dpi  {both}/{len(ids)}")


if __name__ == "__main__":
    main()
