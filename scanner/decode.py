"""One decoder interface over zxing-cpp (the default) and zbar (pyzbar), both giving raw bytes.

Measured here (DESIGN.md, bench/scan.py): zxing-cpp reads far more webcam frames, faster,
with no wrong texts; most of what it misses, a black-and-white pass and a closer look at a
symbol seen and not read recover (`ZxingDecoder`). zbar is kept as a selectable backend, in
binary mode: in its default mode it guesses a charset and garbles Vietnamese. Decoders are
imported on first use: OpenCV alone adds ~150 ms and ~32 MB to start-up.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

from domain.errors import DeskError
from scanner.deblur import blurred, deblurred, motion, refocused, textured
from scanner.regions import (
    Box,
    box_of,
    crop,
    enlarged,
    grown,
    inside,
    midrange_and_contrast,
    moved,
    quieter,
    shrunk,
    unsharp,
)

if TYPE_CHECKING:
    import numpy as np

DECODERS = ("zxing", "zbar")
ZBAR_MISSING = "libzbar0 is not installed (apt-get install libzbar0)"


class UnknownDecoder(DeskError, ValueError):
    """No decoder of that name (code `decoder.unknown`)."""


class DecoderMissing(DeskError, RuntimeError):
    """The decoder's library is not installed here (codes `decoder.*`)."""


@cache
def zbar_usable() -> bool:
    """True when pyzbar imports and loads zbar's shared library (the system's libzbar0)."""
    try:
        from pyzbar import pyzbar  # noqa: F401  # loads libzbar on import
    except (ImportError, OSError):  # not found / found but not loadable
        return False
    return True


# Code 39 symbology identifiers (ISO/IEC 16388 Annex C) whose modifier says a mod-43 check
# character was validated and is still at the end of the data: ]A1, and ]A5 in full ASCII.
CODE39_CHECKED = ("]A1", "]A5")


@dataclass(frozen=True)
class Code:
    format: str  # "QRCode", "Code128", "DataMatrix", ...
    data: bytes  # the code's bytes, never a decoder's charset guess (GS1: GS is ASCII 29)
    check_character: bytes = b""  # a Code 39 check character, taken off `data`
    symbology: str = ""  # its symbology identifier: "]Q1", "]C0", "]d2" (GS1 DataMatrix), …
    gs1: bool = False  # GS1 data: application identifiers (a vial's GTIN, expiry, lot)
    box: Box | None = None  # where it is in the frame


def code39_split(data: bytes, symbology: str) -> tuple[bytes, bytes]:
    """The data without its Code 39 check character, and the character (b"" when none)."""
    if symbology in CODE39_CHECKED and len(data) > 1:
        return data[:-1], data[-1:]
    return data, b""


class Found(list[Code]):
    """The codes read in a frame, and `unread`: the boxes of symbols seen there that could not
    be read (a card in view, too blurred or too far): the scan loop keeps looking."""

    def __init__(self, codes: Iterable[Code] = (), unread: Iterable[Box] = ()) -> None:
        super().__init__(codes)
        self.unread = list(unread)


class Decoder(Protocol):
    name: str

    def decode(
        self, gray: np.ndarray, *, region: Box | None = None, qr: bool = True,
        linear: bool = True, matrix: bool = True,
    ) -> list[Code]: ...  # fmt: skip


def sharpened(gray: np.ndarray) -> np.ndarray:
    """The whole frame unsharp-masked, as the second pass before issue 15 (bench/scan.py)."""
    return unsharp(gray, sigma=2.0, amount=0.6)


CLOSER_LOOKS = 3  # symbols seen and not read in one frame, looked at closer
CLOSER_SCALE = 1.5


class ZxingDecoder:
    """zxing-cpp on the full-resolution grayscale frame, as little as finds the code:
    1. QR codes (the ID card's, a health app's, a slip's, a certificate's), in `region` first
       (around the last code read), then in the whole frame: zxing-cpp's own binarizer, dark
       on light, keeping the symbols it saw but could not read;
    2. none read: the frame in black and white by `regions.midrange` (a card moving), light
       on dark too (a phone's screen);
    3. a symbol seen by either and still not read: a closer look at it alone (unsharp mask,
       1.5 times bigger); else the textured part of the frame, its motion blur undone when
       its gradients say one direction (`scanner.deblur`: a card moving), else its defocus;
    4. no QR read: the 1D formats (`linear`: a slip's Code 128, old ID barcodes; held about
       level, dark bars on white) and DataMatrix (`matrix`: a vial's GS1 label, on the frame
       `quieter`), as the scan loop asks (`scanner.pacing`: one frame in ten each).
    An empty frame, most of what a desk's camera sees, costs steps 1 and 2 (bench/scan.py).
    Options are built once; a frame is read in place and a region is a view of it."""

    name = "zxing"

    def __init__(self, second_pass: bool = True, linear: bool = True, qr: bool = True) -> None:
        import zxingcpp

        self._read = zxingcpp.read_barcodes
        self._fixed = zxingcpp.Binarizer.FixedThreshold
        self._plain = zxingcpp.TextMode.Plain
        self._gs1 = zxingcpp.ContentType.GS1
        formats = zxingcpp.BarcodeFormat
        self._qr = zxingcpp.BarcodeFormats((formats.QRCode,))
        self._linear = zxingcpp.BarcodeFormats((formats.Code128, formats.Code39, formats.EAN13))
        self._matrix = zxingcpp.BarcodeFormats((formats.DataMatrix,))
        self._names: dict[Any, str] = {}
        self.second_pass = second_pass  # steps 2 and 3
        self.linear = linear  # off: never the 1D formats
        self.qr = qr  # off: the other formats alone (a code beside a QR, as on a slip)
        self.reads: Counter[str] = Counter()  # the step that read a frame's QR (or "none")

    def _name(self, format: Any) -> str:
        name = self._names.get(format)
        if name is None:
            name = self._names[format] = str(format).replace(" ", "")
        return name

    def _codes(self, found: list[Any], at: tuple[int, int] = (0, 0), scale: float = 1) -> Found:
        codes = Found()
        for result in found:
            box = box_of(result.position)
            box = moved(shrunk(box, scale) if scale != 1 else box, at)
            if not result.valid:
                codes.unread.append(box)
                continue
            name = self._name(result.format)
            data, check = bytes(result.bytes), b""
            symbology = result.symbology_identifier
            if name.startswith("Code39"):
                data, check = code39_split(data, symbology)
            gs1 = result.content_type == self._gs1
            codes.append(Code(name, data, check, symbology, gs1, box))
        return codes

    def _qr_codes(self, gray: np.ndarray, box: Box | None = None) -> Found:
        at = (box[0], box[1]) if box else (0, 0)
        view = crop(gray, box) if box else gray
        found = self._codes(self._read(view, formats=self._qr, try_invert=False,
                                       return_errors=True), at)  # fmt: skip
        if found or not self.second_pass:
            self.reads["qr" if found else "none"] += 1
            return found
        binary, contrast = midrange_and_contrast(view)
        again = self._codes(self._read(binary, formats=self._qr, binarizer=self._fixed,
                                       return_errors=True, try_downscale=False), at)  # fmt: skip
        seen = found.unread + again.unread
        if again:
            self.reads["midrange"] += 1
            return Found(again, seen)
        looked: list[Box] = []
        for symbol in seen:
            if len(looked) == CLOSER_LOOKS or any(inside(symbol, box) for box in looked):
                continue  # the same symbol, seen by both passes
            looked.append(grown(symbol, gray.shape, by=0.25))
            closer = self._closer(gray, looked[-1])
            if closer:
                self.reads["closer"] += 1
                return Found(closer, seen)
        steady = self._steadied(view, contrast, at)
        if steady:
            self.reads["deblurred"] += 1
            return Found(steady, seen)
        self.reads["none"] += 1
        return Found((), seen)

    def _steadied(self, view: np.ndarray, contrast: np.ndarray, at: tuple[int, int]) -> Found:
        """The textured part of the frame, its motion blur or its defocus undone."""
        part = textured(contrast, 2)
        if part is None:
            return Found()
        box = grown(part, view.shape, by=0.1)
        image = crop(view, box)
        if not blurred(image):
            return Found()
        blur = motion(image)
        sharp = refocused(image) if blur is None else deblurred(image, *blur)
        return self._codes(self._read(sharp, formats=self._qr), (at[0] + box[0], at[1] + box[1]))

    def _closer(self, gray: np.ndarray, box: Box) -> Found:
        """A closer look at the box around a symbol seen and not read: sharpened, 1.5 times
        bigger."""
        image = enlarged(unsharp(crop(gray, box), sigma=2.0, amount=3.0), CLOSER_SCALE)
        return self._codes(self._read(image, formats=self._qr), box[:2], CLOSER_SCALE)

    def decode(
        self, gray: np.ndarray, *, region: Box | None = None, qr: bool = True,
        linear: bool = True, matrix: bool = True,
    ) -> Found:  # fmt: skip
        codes = Found()
        if qr and self.qr:
            if region is not None:
                codes = self._qr_codes(gray, region)
            if not codes:
                codes = self._qr_codes(gray)
        if codes:
            return codes
        if linear and self.linear:  # held about level: no 90° turn, dark bars on white
            codes.extend(self._codes(self._read(
                gray, formats=self._linear, try_invert=False, try_rotate=False)))  # fmt: skip
        if matrix and not codes:
            vial = self._matrix_codes(gray)
            codes = Found(vial, codes.unread + vial.unread)
        return codes

    def _matrix_codes(self, gray: np.ndarray) -> Found:
        """A vial's DataMatrix on the frame `quieter`; a symbol seen there and not read, in
        its box at full size. GS1's separator stays GS (ASCII 29)."""
        image, scale = quieter(gray)
        found = self._codes(self._read(image, formats=self._matrix, try_invert=False,
                                       text_mode=self._plain, return_errors=True),
                            scale=scale)  # fmt: skip
        for seen in () if found else found.unread[:CLOSER_LOOKS]:
            box = grown(seen, gray.shape, by=0.25)
            again = self._read(crop(gray, box), formats=self._matrix, try_invert=False,
                               text_mode=self._plain)  # fmt: skip
            closer = self._codes(again, box[:2])
            if closer:
                return Found(closer, found.unread)
        return found


class ZbarDecoder:
    """zbar through pyzbar, set to binary mode: raw bytes, no charset conversion."""

    name = "zbar"
    CFG_BINARY = 4  # zbar >= 0.23; pyzbar's enum predates it

    def __init__(self, try_inverted: bool = True) -> None:
        from pyzbar import pyzbar  # raises ImportError when libzbar0 is missing

        self._pyzbar = pyzbar
        self._symbols = [pyzbar.ZBarSymbol.QRCODE, pyzbar.ZBarSymbol.CODE128,
                         pyzbar.ZBarSymbol.CODE39, pyzbar.ZBarSymbol.EAN13]  # fmt: skip
        self.try_inverted = try_inverted

    def _read(self, gray: np.ndarray) -> list[Code]:
        from ctypes import c_void_p, cast

        from pyzbar import pyzbar, wrapper

        height, width = gray.shape[:2]
        pixels = gray.tobytes()
        with pyzbar._image_scanner() as scanner:
            for symbol in set(pyzbar.ZBarSymbol).difference(self._symbols):
                wrapper.zbar_image_scanner_set_config(scanner, symbol, 0, 0)
            for symbol in self._symbols:
                wrapper.zbar_image_scanner_set_config(scanner, symbol, 0, 1)
                wrapper.zbar_image_scanner_set_config(scanner, symbol, self.CFG_BINARY, 1)
            with pyzbar._image() as image:
                wrapper.zbar_image_set_format(image, pyzbar._FOURCC["L800"])
                wrapper.zbar_image_set_size(image, width, height)
                wrapper.zbar_image_set_data(
                    image,
                    cast(pixels, c_void_p),  # type: ignore[arg-type]
                    len(pixels),
                    None,
                )
                if wrapper.zbar_scan_image(scanner, image) < 0:
                    return []
                return [
                    Code(d.type.title().replace("Qrcode", "QRCode"), d.data)
                    for d in pyzbar._decode_symbols(pyzbar._symbols_for_image(image))
                ]

    def decode(
        self, gray: np.ndarray, *, region: Box | None = None, qr: bool = True,
        linear: bool = True, matrix: bool = True,
    ) -> list[Code]:  # fmt: skip
        """The whole frame, whatever is asked: zbar reads its formats in one pass (and no
        DataMatrix)."""
        codes = self._read(gray)
        if not codes and self.try_inverted:
            codes = self._read(255 - gray)
        return codes


def make_decoder(name: str = "zxing") -> Decoder:
    factories: dict[str, Callable[[], Decoder]] = {"zxing": ZxingDecoder, "zbar": ZbarDecoder}
    if name not in factories:
        raise UnknownDecoder("decoder.unknown", name=name, choices=", ".join(DECODERS))
    if name == "zbar" and not zbar_usable():
        raise DecoderMissing("decoder.zbar_missing")
    try:
        return factories[name]()
    except ImportError as error:
        raise DecoderMissing("decoder.not_installed", name=name, error=str(error)) from None
