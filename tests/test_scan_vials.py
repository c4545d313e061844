"""A vaccine vial's GS1 DataMatrix label (scanner/synthetic.py draws them with zxing-cpp's
writer), read by the desk's decoder with its GS1 separators intact, for issue 16's vial scan."""

from __future__ import annotations

import random
import threading
from datetime import date

import pytest

from scanner.decode import Code, ZxingDecoder
from scanner.loop import ScanLoop
from scanner.synthetic import GS, VialLabel, gtin_check_digit, vial_labels, vial_scene
from tests.test_scan_loop import TODAY, ListSource
from tests.test_scan_pacing import busy

LABEL = VialLabel("08936012345674", date(2027, 6, 30), "AB1234", "X9")


def test_a_label_as_printed_and_as_its_bytes() -> None:
    assert gtin_check_digit("0950600013435") == "2"  # GS1's own example GTIN, 09506000134352
    assert gtin_check_digit(LABEL.gtin[:13]) == LABEL.gtin[13]
    assert LABEL.hri() == "(01)08936012345674(17)270630(10)AB1234(21)X9"
    assert LABEL.element_string() == f"010893601234567417270630" f"10AB1234{GS}21X9".encode()
    no_serial = VialLabel(LABEL.gtin, LABEL.expiry, LABEL.lot)
    assert no_serial.element_string().endswith(b"10AB1234")  # nothing follows: no GS


def test_generated_labels_are_valid_and_distinct() -> None:
    stream = vial_labels(4)
    labels = [next(stream) for _ in range(50)]
    assert len({label.gtin + label.lot + label.serial for label in labels}) == 50
    assert all(gtin_check_digit(label.gtin[:13]) == label.gtin[13] for label in labels)
    assert all(label.gtin.startswith("0893") for label in labels)


@pytest.mark.parametrize("size", [(640, 480), (1280, 720)])
@pytest.mark.parametrize("kind", ["clean", "perspective", "jpeg", "low-light", "noise", "glare"])
def test_a_vial_label_is_read_with_its_separator(kind: str, size: tuple[int, int]) -> None:
    decoder = ZxingDecoder()
    stream, rng = vial_labels(7), random.Random(7)
    hits = 0
    for _ in range(5):
        label = next(stream)
        codes = decoder.decode(vial_scene(label, kind, rng, size), qr=False, linear=False)
        assert all(code.data == label.element_string() for code in codes)  # never a wrong text
        if codes:
            [code] = codes
            assert (code.format, code.symbology, code.gs1) == ("DataMatrix", "]d2", True)
            assert GS.encode() in code.data
            hits += 1
    assert hits >= 3, kind


def test_the_datamatrix_pass_only_when_asked() -> None:
    frame = vial_scene(LABEL, "clean", random.Random(1), code_width=150)
    decoder = ZxingDecoder()
    assert decoder.decode(frame, matrix=False) == []
    [code] = decoder.decode(frame)
    assert code.data == LABEL.element_string()
    assert code.box is not None and code.box[2] - code.box[0] >= 100  # in the frame's pixels


def test_a_vial_held_in_view_reaches_the_desk_on_its_second_frame() -> None:
    frame = vial_scene(LABEL, "clean", random.Random(1), code_width=150)
    codes: list[Code] = []
    loop = ScanLoop(ListSource([*busy(2), frame, frame, frame]), ZxingDecoder(),
                    lambda scan, code: codes.append(code), lambda state: None,
                    today=lambda: TODAY)  # fmt: skip
    loop.run(threading.Event())
    assert [(c.format, c.data) for c in codes] == [("DataMatrix", LABEL.element_string())]
