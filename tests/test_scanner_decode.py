"""Decoding generated webcam-like frames and real files, through both decoders."""

from __future__ import annotations

import random
import threading
from datetime import date
from pathlib import Path

import cv2
import numpy as np
import pytest

from domain.dates import PartialDate
from domain.identity import Identity, IdType, Sex
from domain.scans import IdentityScan, IdNumberScan, Rejected, Scan, parse_payload
from scanner.debounce import Debouncer
from scanner.decode import ZBAR_MISSING, make_decoder, zbar_usable
from scanner.loop import CameraState, ScanLoop
from scanner.sources import CameraError, CameraSource, FileSource, open_source, read_image
from scanner.synthetic import (
    DISTORTIONS,
    cccd_payload,
    code128_modules,
    empty_frame,
    frame_with,
    render,
    scene,
)
from scanner.wedge import WedgeDetector
from tests.conftest import needs_zbar

YEN = Identity(IdType.CCCD, "084185000321", "Ngô Ngọc Yến", PartialDate(1985, 3, 2), Sex.FEMALE,
               address="Ấp Phú Hòa, xã Hòa Thuận, huyện Châu Thành, Trà Vinh")  # fmt: skip
PAYLOAD = cccd_payload(YEN).encode("utf-8")


@pytest.mark.parametrize("size", [(640, 480), (1280, 720)])
@pytest.mark.parametrize("kind", DISTORTIONS)
def test_zxing_reads_every_distortion_class_exactly(kind: str, size: tuple[int, int]) -> None:
    decoder = make_decoder("zxing")
    read = [decoder.decode(scene(PAYLOAD, kind, random.Random(seed), size)) for seed in range(3)]
    # The many frames a second make up for a miss: two of three frames read is plenty.
    hits = [codes for codes in read if codes]
    assert len(hits) >= 2, kind
    assert all(codes[0].data == PAYLOAD for codes in hits)  # never a wrong text


@needs_zbar
@pytest.mark.parametrize("kind", ["clean", "blur", "jpeg", "inverted", "small"])
def test_zbar_in_binary_mode_keeps_vietnamese_intact(kind: str) -> None:
    decoder = make_decoder("zbar")
    codes = decoder.decode(scene(PAYLOAD, kind, random.Random(1)))
    assert [c.data for c in codes] == [PAYLOAD]
    assert "Ngô Ngọc Yến" in codes[0].data.decode("utf-8")


BOTH = ["zxing", pytest.param("zbar", marks=needs_zbar)]


@pytest.mark.parametrize("name", BOTH)
def test_empty_frames_hold_nothing(name: str) -> None:
    decoder = make_decoder(name)
    assert decoder.decode(empty_frame(random.Random(4))) == []


@pytest.mark.parametrize("name", BOTH)
def test_id_number_as_code128(name: str) -> None:
    bars = render(code128_modules("079092001234"), 3, bar_height=60)
    frame = frame_with(bars, rng=random.Random(2), code_width=520)
    [code] = make_decoder(name).decode(frame)
    assert code.data == b"079092001234" and code.format == "Code128"


def test_zbar_is_a_decoder_or_one_clear_line() -> None:
    # Whichever this machine is: with libzbar0 a zbar decoder, without it one line saying why.
    if zbar_usable():
        assert make_decoder("zbar").name == "zbar"
    else:
        with pytest.raises(RuntimeError) as refused:
            make_decoder("zbar")
        assert str(refused.value) == f"the zbar decoder is not usable here: {ZBAR_MISSING}"
        assert "\n" not in str(refused.value)


def test_unknown_decoder_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown decoder 'opencv'"):
        make_decoder("opencv")


def write_frames(folder: Path) -> None:
    folder.mkdir()
    cv2.imwrite(str(folder / "a.png"), scene(PAYLOAD, "clean", random.Random(1)))
    # A JPEG under a .png name, as some published samples are: read by content.
    _, jpeg = cv2.imencode(".jpg", scene(b"079092001234", "clean", random.Random(2)))
    (folder / "b.png").write_bytes(jpeg.tobytes())
    (folder / "c.txt").write_text("not an image")


def test_files_replay_as_a_camera(tmp_path: Path) -> None:
    write_frames(tmp_path / "frames")
    source = FileSource(tmp_path / "frames", fps=0, hold=2)
    frames = list(source.frames(threading.Event()))
    assert len(frames) == 4 and all(f.ndim == 2 for f in frames)
    assert read_image(tmp_path / "frames" / "c.txt") is None
    looping = FileSource(tmp_path / "frames", fps=0, loop=True)
    stop = threading.Event()
    taken = []
    for frame in looping.frames(stop):
        taken.append(frame)
        if len(taken) == 7:
            stop.set()
    assert len(taken) == 7


def test_scan_loop_reads_a_held_code_once(tmp_path: Path) -> None:
    write_frames(tmp_path / "frames")
    scans: list[Scan] = []
    states: list[CameraState] = []
    loop = ScanLoop(
        FileSource(tmp_path / "frames", fps=0, hold=5),
        make_decoder("zxing"),
        on_scan=lambda scan, code: scans.append(scan),
        on_state=states.append,
    )
    loop.run(threading.Event())
    assert [type(s) for s in scans] == [IdentityScan, IdNumberScan]
    assert isinstance(scans[0], IdentityScan) and scans[0].identity.full_name == "Ngô Ngọc Yến"
    assert states[-1].running is False and states[-1].error == ""


def test_scan_loop_reports_a_broken_camera() -> None:
    states: list[CameraState] = []
    ScanLoop(
        CameraSource("/dev/video-none"),
        make_decoder("zxing"),
        on_scan=lambda scan, code: None,
        on_state=states.append,
    ).run(threading.Event())
    [state] = states
    assert "no camera at /dev/video-none" in state.error and not state.running


def test_bad_codes_come_out_as_refusals(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    cv2.imwrite(str(folder / "url.png"), scene(b"https://example.org", "clean", random.Random(3)))
    scans: list[Scan] = []
    loop = ScanLoop(
        FileSource(folder, fps=0),
        make_decoder("zxing"),
        on_scan=lambda scan, code: scans.append(scan),
        on_state=lambda state: None,
    )
    loop.run(threading.Event())
    assert scans == [Rejected("scan.not_recognised")]


def test_debounce_by_content_and_time() -> None:
    debouncer = Debouncer(quiet_seconds=3)
    assert debouncer.is_new(b"a", 0.0)
    assert not debouncer.is_new(b"a", 0.1)
    assert not debouncer.is_new(b"a", 2.9)  # still in view: still the same scan
    assert debouncer.is_new(b"b", 3.0)
    assert not debouncer.is_new(b"a", 5.0)  # seen at 2.9, so never out of view 3 s
    assert debouncer.is_new(b"a", 9.0)  # gone for 4 s, shown again: a new scan


def test_wedge_bursts_are_scans_typing_is_not() -> None:
    def is_code(text: str) -> bool:
        return not isinstance(parse_payload(text.encode(), today=date(2026, 11, 23)), Rejected)

    wedge = WedgeDetector()
    for i, ch in enumerate("079092001234"):
        wedge.key(ch, 10 + i * 0.004)
    assert wedge.enter(10.05, is_code) == "079092001234"
    for i, ch in enumerate("079092001234"):
        wedge.key(ch, 20 + i * 0.15)  # a fast typist: 150 ms a key
    assert wedge.enter(22, is_code) is None
    for i, ch in enumerate("12345"):
        wedge.key(ch, 30 + i * 0.004)
    assert wedge.enter(30.03, is_code) is None  # too short to be an ID
    for i, ch in enumerate("abc079092001234"):
        wedge.key(ch, (40 if i < 3 else 41) + i * 0.004)  # typed 'abc', then a scan
    assert wedge.enter(41.07, is_code) == "079092001234"


def test_a_fast_burst_that_is_no_code_is_typing() -> None:
    def is_code(text: str) -> bool:
        return not isinstance(parse_payload(text.encode(), today=date(2026, 11, 23)), Rejected)

    wedge = WedgeDetector()
    for i, ch in enumerate("Le Van Cuong"):
        wedge.key(ch, 50 + i * 0.002)  # pasted, or typed by a very fast hand
    assert wedge.enter(50.03, is_code) is None
    for i, ch in enumerate("079092001234"):
        wedge.key(ch, 60 + i * 0.002)
    assert wedge.enter(60.03) is None  # where no code is expected, nothing is a scan


def test_camera_specs(tmp_path: Path) -> None:
    assert open_source("none") is None
    assert isinstance(open_source("7"), CameraSource)
    assert isinstance(open_source(str(tmp_path)), FileSource)
    with pytest.raises(CameraError, match="no camera, folder or file"):
        open_source("gopro")
    with pytest.raises(CameraError, match="no camera at /dev/video99"):
        next(CameraSource("/dev/video99").frames(threading.Event()))


def test_sharpened_second_pass_only_when_needed() -> None:
    decoder = make_decoder("zxing")
    frame = np.full((480, 640), 128, dtype=np.uint8)
    assert decoder.decode(frame) == []
