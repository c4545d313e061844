"""One decoder interface over zxing-cpp (the default) and zbar (pyzbar), both giving raw bytes.

Measured here (DESIGN.md): zxing-cpp reads far more webcam frames, faster, with no wrong
texts; a second pass on an unsharp-masked frame, only when the first finds nothing, adds a
few more. zbar is kept as a selectable backend, in binary mode: in its default mode it guesses
a charset and garbles Vietnamese. Decoders are imported on first use: OpenCV alone adds
~150 ms and ~32 MB to start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

from domain.errors import DeskError

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
    format: str  # "QRCode", "Code128", ...
    data: bytes  # the code's bytes, never a decoder's charset guess
    check_character: bytes = b""  # a Code 39 check character, taken off `data`


def code39_split(data: bytes, symbology: str) -> tuple[bytes, bytes]:
    """The data without its Code 39 check character, and the character (b"" when none)."""
    if symbology in CODE39_CHECKED and len(data) > 1:
        return data[:-1], data[-1:]
    return data, b""


class Decoder(Protocol):
    name: str

    def decode(self, gray: np.ndarray) -> list[Code]: ...


def sharpened(gray: np.ndarray) -> np.ndarray:
    import cv2

    blurred = cv2.GaussianBlur(gray, (0, 0), 2.0)
    return cv2.addWeighted(gray, 1.6, blurred, -0.6, 0)


class ZxingDecoder:
    """zxing-cpp on the full-resolution grayscale frame: QR codes (the ID card's, a health
    app's, a slip's), then the 1D formats (a slip's Code 128, old ID barcodes) when no QR was
    read. Asked for all four at once it spends ~3.5x longer on a frame with a QR; asked
    separately, a 1D pass over rows (a code held about level, not turned 90°) costs ~0.5 ms
    an empty 1280x720 frame. A second pass on a sharpened
    frame runs only when the first saw a QR symbol it could not read: not on every empty frame,
    which is most of what a desk's camera sees (bench/scan.py)."""

    name = "zxing"

    def __init__(self, second_pass: bool = True, linear: bool = True, qr: bool = True) -> None:
        import zxingcpp

        self._zx = zxingcpp
        formats = zxingcpp.BarcodeFormat
        self._qr = (formats.QRCode,)
        self._linear = (formats.Code128, formats.Code39, formats.EAN13)
        self.second_pass = second_pass
        self.linear = linear
        self.qr = qr  # off: the 1D formats alone (a code beside a QR, as on a slip)

    def _codes(self, found: list[Any]) -> list[Code]:
        codes = []
        for result in found:
            if not result.valid:
                continue
            name = str(result.format).replace(" ", "")
            data, check = bytes(result.bytes), b""
            if name.startswith("Code39"):
                data, check = code39_split(data, result.symbology_identifier)
            codes.append(Code(name, data, check))
        return codes

    def _qr_codes(self, gray: np.ndarray, *, seen: bool = False) -> tuple[list[Code], bool]:
        """The QR codes read, and whether a symbol was seen that could not be read."""
        found = self._zx.read_barcodes(
            gray, formats=self._qr, try_invert=True, return_errors=seen  # type: ignore[arg-type]
        )
        codes = self._codes(found)
        return codes, len(found) > len(codes)

    def decode(self, gray: np.ndarray) -> list[Code]:
        codes, unread = self._qr_codes(gray, seen=self.second_pass) if self.qr else ([], False)
        if not codes and unread:
            codes, _ = self._qr_codes(sharpened(gray))
        if not codes and self.linear:  # held about level: no 90° turn, dark bars on white
            codes = self._codes(self._zx.read_barcodes(
                gray, formats=self._linear, try_invert=False,  # type: ignore[arg-type]
                try_rotate=False))  # fmt: skip
        return codes


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

    def decode(self, gray: np.ndarray) -> list[Code]:
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
