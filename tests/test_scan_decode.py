"""What the zxing decoder tells beyond the bytes (symbology, where the code is, a symbol seen
and not read) and the closer looks it takes: on a region first, and only where needed."""

from __future__ import annotations

import random

import numpy as np
import pytest
import zxingcpp

import scanner.decode
from scanner.decode import Code, Found, ZxingDecoder
from scanner.regions import Box, crop, grown, inside, midrange
from scanner.synthetic import (
    cccd_payload,
    code128_modules,
    empty_frame,
    frame_with,
    people,
    qr_modules,
    render,
    scene,
)
from tests.test_tui_scan import AN

PAYLOAD = cccd_payload(AN).encode("utf-8")


def placed(modules: np.ndarray, width: int = 360, seed: int = 1) -> tuple[np.ndarray, Box]:
    """A frame with the code, and the box it was drawn in (found by its dark pixels)."""
    blank = frame_with(render(np.zeros_like(modules), 4), rng=random.Random(seed),
                       code_width=width)  # fmt: skip
    frame = frame_with(render(modules, 4), rng=random.Random(seed), code_width=width)
    rows, cols = np.nonzero(frame != blank)
    return frame, (int(cols.min()), int(rows.min()), int(cols.max()) + 1, int(rows.max()) + 1)


def test_a_qr_comes_with_its_symbology_and_where_it_is() -> None:
    frame, drawn = placed(qr_modules(PAYLOAD))
    [code] = ZxingDecoder().decode(frame)
    assert (code.format, code.data, code.symbology, code.gs1) == ("QRCode", PAYLOAD, "]Q1", False)
    assert code.box is not None and inside(code.box, grown(drawn, frame.shape, by=0.05))


def test_a_region_is_read_first_and_its_code_placed_in_the_frame() -> None:
    frame, drawn = placed(qr_modules(PAYLOAD))
    decoder = ZxingDecoder()
    [whole] = decoder.decode(frame)
    [again] = decoder.decode(frame, region=grown(drawn, frame.shape, by=0.3))
    assert again == whole  # the same code, the same box in the frame's pixels
    assert decoder.reads["qr"] == 2


def test_a_region_without_the_code_falls_back_to_the_whole_frame() -> None:
    frame, drawn = placed(qr_modules(PAYLOAD))
    elsewhere = (0, 0, 200, 200) if drawn[0] > 250 else (1000, 500, 1280, 720)
    assert [c.data for c in ZxingDecoder().decode(frame, region=elsewhere)] == [PAYLOAD]


def test_a_symbol_seen_and_not_read_is_said_and_its_box_given() -> None:
    modules = qr_modules(PAYLOAD)
    n = modules.shape[0]
    third = n // 3
    noise = np.random.default_rng(1).random((n - 2 * third, n - 2 * third)) > 0.5
    modules[third : n - third, third : n - third] = noise  # finder patterns kept, data lost
    frame, drawn = placed(modules)
    found = ZxingDecoder().decode(frame)
    assert isinstance(found, Found) and list(found) == []
    assert found.unread and all(inside(box, grown(drawn, frame.shape, by=0.1))
                                for box in found.unread)  # fmt: skip


def test_an_empty_frame_gets_no_closer_look(monkeypatch: pytest.MonkeyPatch) -> None:
    looks: list[str] = []
    real_unsharp, real_enlarged = scanner.decode.unsharp, scanner.decode.enlarged

    def unsharp(gray: np.ndarray, **options: float) -> np.ndarray:
        looks.append("unsharp")
        return real_unsharp(gray, **options)

    def enlarged(gray: np.ndarray, scale: float = 1.5) -> np.ndarray:
        looks.append("enlarged")
        return real_enlarged(gray, scale)

    monkeypatch.setattr(scanner.decode, "unsharp", unsharp)
    monkeypatch.setattr(scanner.decode, "enlarged", enlarged)
    decoder = ZxingDecoder()
    rng = random.Random(2)
    for _ in range(5):
        found = decoder.decode(empty_frame(rng))
        assert found == [] and found.unread == []
    assert looks == [] and decoder.reads["none"] == 5


def raw_zxing(frame: np.ndarray) -> list[bytes]:
    found = zxingcpp.read_barcodes(frame, formats=(zxingcpp.BarcodeFormat.QRCode,))
    return [bytes(r.bytes) for r in found]


@pytest.mark.parametrize("kind", ["blur-strong", "motion-strong"])
def test_hard_frames_read_more_often_than_by_zxing_alone_and_never_wrong(kind: str) -> None:
    rng, stream = random.Random(5), people(5)
    size = (640, 480) if kind == "blur-strong" else (1280, 720)
    decoder = ZxingDecoder()
    ours = raw = 0
    for _ in range(12):
        payload = cccd_payload(next(stream)).encode("utf-8")
        frame = scene(payload, kind, rng, size)
        read = [code.data for code in decoder.decode(frame, linear=False, matrix=False)]
        assert set(read) <= {payload}
        ours += payload in read
        raw += payload in raw_zxing(frame)
    assert ours >= raw + 2  # a lens out of focus: the closer look; a card moving: midrange
    assert decoder.reads["closer" if kind == "blur-strong" else "midrange"] >= 2


def test_midrange_is_black_and_white_and_flat_areas_white() -> None:
    frame, drawn = placed(qr_modules(PAYLOAD))
    binary = midrange(frame)
    assert binary.shape == frame.shape and set(np.unique(binary)) <= {0, 255}
    assert (crop(binary, (0, 0, 40, 40)) == 255).all() or drawn[0] < 60
    assert raw_zxing(binary) == [PAYLOAD]


def test_the_1d_pass_only_when_asked() -> None:
    bars = render(code128_modules("079092001234"), 3, bar_height=60)
    frame = frame_with(bars, rng=random.Random(2), code_width=520)
    decoder = ZxingDecoder()
    assert decoder.decode(frame, linear=False) == []
    [code] = decoder.decode(frame)
    assert (code.format, code.data, code.symbology) == ("Code128", b"079092001234", "]C0")
    assert decoder.decode(frame, qr=False, linear=True, matrix=False) == [code]


def test_a_code_is_still_a_plain_value() -> None:
    assert Code("QRCode", b"x") == Code("QRCode", b"x", b"", "", False, None)
