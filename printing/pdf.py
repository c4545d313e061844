"""The slip as a one-page PDF (fpdf2), for the system printer (CUPS): its lines in the shipped
font, the Code 128 bars and the QR drawn as filled rectangles (sharp at any resolution).

Sizes: on A6 a Code 128 module is ~0.32 mm (2.5 px at 200 dpi), on an 80 mm roll ~0.24 mm
(2.9 px at 300 dpi), on a 58 mm one ~0.17 mm (for a scanner gun); a QR module is 0.8-0.9 mm,
what a webcam reads from a hand's length.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from domain.slip import Slip
from printing.codes import Run, code128_runs, font_path, qr_runs

FONT = "SlipSans"
BAR_EDGE_MM = 2.0  # paper left blank beyond the barcode's quiet zones

# fpdf2 and fontTools warn of a glyph the font lacks by quoting it: a letter of a citizen's
# name, which must not reach a log, nor the terminal under the desk's screen (Python's last
# resort handler writes to stderr when a logger has none).
for _name in ("fpdf", "fontTools"):
    logging.getLogger(_name).addHandler(logging.NullHandler())
    logging.getLogger(_name).propagate = False


@dataclass(frozen=True)
class Paper:
    width: float  # mm
    height: float
    margin: float
    title_pt: float
    text_pt: float
    line_mm: float
    bar_mm: float  # the bars' height
    qr_mm: float  # the QR's side, quiet zone included


PAPERS: dict[str, Paper] = {
    "a6": Paper(105, 148, 5, 13, 10, 5.6, 15, 36),
    "80mm": Paper(80, 150, 2, 11, 8.5, 4.6, 13, 34),
    "58mm": Paper(58, 150, 1.5, 9.5, 7, 3.9, 11, 30),
}
DEFAULT_PAPER = "a6"


def paper_of(name: str) -> Paper:
    """A paper by its setting's name (`a6`, `80mm`); KeyError names the ones there are."""
    try:
        return PAPERS[name.strip().lower()]
    except KeyError:
        raise KeyError(f"paper {name!r}: one of {', '.join(PAPERS)}") from None


def fill_runs(pdf: object, runs: list[Run], x: float, y: float, module_w: float,
              module_h: float, *, bar_height: float | None = None) -> None:  # fmt: skip
    """Each run a black rectangle; a barcode's runs (`bar_height`) span the bars' height."""
    for run in runs:
        height = bar_height if bar_height is not None else module_h
        top = y if bar_height is not None else y + run.row * module_h
        pdf.rect(x + run.start * module_w, top, run.length * module_w, height, style="F")  # type: ignore[attr-defined]


def fitting_size(pdf: Any, text: str, width: float, points: float) -> float:
    """The font size that keeps `text` on one line, down to 80% of `points` (a record id
    cut in two is hard to read out); beyond that the line wraps."""
    pdf.set_font_size(points)
    wide = pdf.get_string_width(text)
    return points if wide <= width else max(points * 0.8, points * width / wide * 0.99)


def slip_pdf(slip: Slip, paper: str = DEFAULT_PAPER) -> bytes:
    """The slip, as the bytes of a PDF file."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    size = paper_of(paper)
    pdf = FPDF(orientation="P", unit="mm", format=(size.width, size.height))
    pdf.set_title(slip.title)
    pdf.set_creator("vaxdesk")
    pdf.set_margins(size.margin, size.margin, size.margin)
    pdf.set_auto_page_break(False)
    pdf.add_font(FONT, "", str(font_path("")))
    pdf.add_font(FONT, "B", str(font_path("B")))
    pdf.add_page()
    inner = size.width - 2 * size.margin
    line = {"w": inner, "new_x": XPos.LMARGIN, "new_y": YPos.NEXT}

    pdf.set_font(FONT, "B", size.title_pt)
    pdf.multi_cell(h=size.line_mm + 1.5, text=slip.title, align="C", **line)  # type: ignore[arg-type]
    pdf.ln(1)
    pdf.set_font(FONT, "", size.text_pt)
    for entry in slip.lines:
        pdf.set_font_size(fitting_size(pdf, entry.text, inner, size.text_pt))
        pdf.multi_cell(h=size.line_mm, text=entry.text, align="L", **line)  # type: ignore[arg-type]

    pdf.ln(2)
    bars, modules = code128_runs(slip.code)
    edge = min(size.margin, BAR_EDGE_MM)  # the quiet zone is white: it may lie in the margin
    module_w = (size.width - 2 * edge) / modules
    fill_runs(pdf, bars, edge, pdf.get_y(), module_w, 0, bar_height=size.bar_mm)
    pdf.set_y(pdf.get_y() + size.bar_mm + 0.5)
    pdf.set_font(FONT, "", size.text_pt - 2)
    pdf.cell(h=size.line_mm - 1, text=slip.code, align="C", **line)  # type: ignore[arg-type]

    squares, side = qr_runs(slip.code)
    module = size.qr_mm / side
    left = (size.width - size.qr_mm) / 2
    fill_runs(pdf, squares, left, pdf.get_y(), module, module)
    pdf.set_y(pdf.get_y() + size.qr_mm)
    pdf.set_font(FONT, "", size.text_pt - 1)
    pdf.multi_cell(h=size.line_mm - 0.8, text=slip.note, align="C", **line)  # type: ignore[arg-type]
    return bytes(pdf.output())
