"""Make printing/fonts/: DejaVu Sans and Sans Bold cut down to what a slip prints (Latin,
Latin Extended, combining marks, Vietnamese, the đồng sign, punctuation), with fontTools.

    .venv/bin/python scripts/subset_fonts.py [/usr/share/fonts/truetype/dejavu]
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset

RANGES = [(0x20, 0x24F), (0x300, 0x36F), (0x1EA0, 0x1EF9), (0x2010, 0x2027), (0x2030, 0x203A),
          (0x20AB, 0x20AC), (0x2116, 0x2116)]  # fmt: skip
FONTS = {
    "DejaVuSans.ttf": "DejaVuSans-subset.ttf",
    "DejaVuSans-Bold.ttf": "DejaVuSans-Bold-subset.ttf",
}


def main() -> None:
    source = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/truetype/dejavu")
    target = Path(__file__).resolve().parent.parent / "printing" / "fonts"
    unicodes = [code for low, high in RANGES for code in range(low, high + 1)]
    for name, out in FONTS.items():
        options = subset.Options()
        options.layout_features = ["*"]  # keep the marks' positioning (mark, mkmk)
        options.name_IDs = ["*"]
        options.notdef_outline = True
        options.hinting = False  # a PDF and a 203 dpi receipt need none: half the size
        font = subset.load_font(str(source / name), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=unicodes)
        subsetter.subset(font)
        subset.save_font(font, str(target / out), options)
        print(f"{target / out}: {(target / out).stat().st_size} bytes")


if __name__ == "__main__":
    main()
