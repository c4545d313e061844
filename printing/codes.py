"""The slip's two codes as geometry: Code 128 bars (python-barcode's module pattern) and the QR's
dark modules (segno), each as runs a drawing backend fills as rectangles."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import as_file, files
from pathlib import Path

QUIET_MODULES_128 = 10  # Code 128's quiet zone on each side (ISO/IEC 15417: at least 10X)
QUIET_MODULES_QR = 4  # the QR's (ISO/IEC 18004: 4 modules)
QR_ERROR = "m"  # ~15% of the code may be smudged or folded away

FONT_FILES = {"": "DejaVuSans-subset.ttf", "B": "DejaVuSans-Bold-subset.ttf"}


@dataclass(frozen=True)
class Run:
    """`length` dark modules from `start`, on row `row` (0 for a barcode)."""

    row: int
    start: int
    length: int


def runs_of(row: int, modules: str | bytes | bytearray) -> list[Run]:
    """The dark stretches of one row of modules ('1'/'0' text, or 0/1 bytes)."""
    found, start = [], None
    for i, module in enumerate([*modules, 0]):
        dark = module in ("1", 1)
        if dark and start is None:
            start = i
        elif not dark and start is not None:
            found.append(Run(row, start, i - start))
            start = None
    return found


def code128_modules(text: str) -> str:
    """The bars of `text` in Code 128, one character a module: '1' dark, '0' light (no quiet
    zone)."""
    import barcode

    return str(barcode.get("code128", text, writer=None).build()[0])


def code128_runs(text: str) -> tuple[list[Run], int]:
    """The bars, and the symbol's width in modules with its quiet zones (bars shifted into it)."""
    modules = code128_modules(text)
    runs = [Run(0, r.start + QUIET_MODULES_128, r.length) for r in runs_of(0, modules)]
    return runs, len(modules) + 2 * QUIET_MODULES_128


def qr_runs(text: str) -> tuple[list[Run], int]:
    """The QR's dark runs row by row, and its side in modules with its quiet zone."""
    import segno

    matrix = segno.make(text, error=QR_ERROR, micro=False).matrix
    runs = [
        Run(y + QUIET_MODULES_QR, r.start + QUIET_MODULES_QR, r.length)
        for y, row in enumerate(matrix)
        for r in runs_of(y, row)
    ]
    return runs, len(matrix) + 2 * QUIET_MODULES_QR


@cache
def font_path(style: str = "") -> Path:
    """The shipped font (DejaVu Sans cut to Latin and Vietnamese, printing/fonts/LICENSE): the
    site's laptop may have no font with every Vietnamese letter."""
    resource = files("printing").joinpath("fonts", FONT_FILES[style])
    with as_file(resource) as path:  # a real file when installed from a folder or a wheel
        return Path(path)
