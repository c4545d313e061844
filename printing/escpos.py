"""The slip for an ESC/POS receipt printer (python-escpos), as the bytes sent to it.

Text goes as a raster image (GS v 0) drawn with the shipped font: the receipt printers sites
buy have no code page with every Vietnamese letter (CP1258 builds most of them from combining
tone marks, which their firmware prints beside the letter, when it has CP1258 at all), so an
image is the one way the name prints the same on any of them. The codes go as the printer's
own commands, sharp and a few bytes: the QR (GS ( k, 6 dots a module, ~0.75 mm), and on an
80 mm roll the Code 128 (GS k 73) with the digits packed in pairs (code set C) at 2 dots a
module: 288 modules fill the 576 dots, the paper's unprinted edge is its quiet zone. A 58 mm
roll (384 dots) has no room for 2-dot bars: it prints the QR only.
"""

from __future__ import annotations

import contextlib
import io
from typing import Any

from domain.slip import Slip
from printing.codes import font_path

DOTS = {"80mm": 576, "58mm": 384, "a6": 576}  # printable width in dots at 203 dpi
BAR_MODULES = 288  # the slip code's Code 128 in sets B then C, quiet zones apart
QR_DOTS_A_MODULE = 6
BAR_HEIGHT_DOTS = 80


def dots_of(paper: str) -> int:
    return DOTS.get(paper.strip().lower(), DOTS["80mm"])


def code128_command_data(code: str) -> str:
    """python-escpos's Code 128 data: `{B` for the letters (and one digit, the digits being
    odd), then `{C` with each pair of digits as one byte of its value."""
    letters, digits = code[:2], code[2:]
    if len(digits) % 2:
        letters, digits = letters + digits[0], digits[1:]
    pairs = "".join(chr(int(digits[i : i + 2])) for i in range(0, len(digits), 2))
    return "{B" + letters + "{C" + pairs


def text_image(lines: list[tuple[str, bool]], width: int) -> Any:
    """The lines (text, bold) drawn black on white, `width` dots wide, long ones wrapped."""
    from PIL import Image, ImageDraw, ImageFont

    regular = ImageFont.truetype(str(font_path("")), 24)
    bold = ImageFont.truetype(str(font_path("B")), 28)
    rows: list[tuple[str, Any]] = []
    for text, strong in lines:
        font = bold if strong else regular
        rows += [(part, font) for part in wrapped(text, font, width)]
    height = sum(int(font.size * 1.35) for _text, font in rows) + 8
    image = Image.new("1", (width, height), 1)
    draw = ImageDraw.Draw(image)
    y = 4
    for text, font in rows:
        draw.text((0, y), text, font=font, fill=0)
        y += int(font.size * 1.35)
    return image


def wrapped(text: str, font: Any, width: int) -> list[str]:
    """`text` in lines no wider than `width`, broken between words."""
    lines, current = [], ""
    for word in text.split(" "):
        candidate = f"{current} {word}".strip()
        if current and font.getlength(candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    return [*lines, current]


def write_slip(printer: Any, slip: Slip, paper: str = "80mm") -> None:
    """Print the slip on a python-escpos printer (a Dummy collects the bytes)."""
    from escpos.constants import QR_ECLEVEL_M

    width = dots_of(paper)
    # python-escpos says on standard output what it did and lacked: not on a desk's screen
    with contextlib.redirect_stdout(io.StringIO()):
        printer.hw("INIT")
        printer.set(align="center")
        lines = [(slip.title, True), *((line.text, False) for line in slip.lines)]
        printer.image(text_image(lines, width), center=False)
        if width >= BAR_MODULES * 2:
            printer.barcode(code128_command_data(slip.code), "CODE128", height=BAR_HEIGHT_DOTS,
                            width=2, pos="OFF", function_type="B", align_ct=True)  # fmt: skip
            printer.ln()
        printer.qr(slip.code, ec=QR_ECLEVEL_M, size=QR_DOTS_A_MODULE, native=True)
        printer.set(align="center")
        printer.image(text_image([(slip.code, False), (slip.note, False)], width), center=False)
        printer.ln(2)
        printer.cut()


def slip_escpos(slip: Slip, paper: str = "80mm") -> bytes:
    """The slip as the ESC/POS bytes a receipt printer takes."""
    from escpos.printer import Dummy

    dummy = Dummy()
    write_slip(dummy, slip, paper)
    return bytes(dummy.output)
