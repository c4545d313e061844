"""The readers bench/scan.py compares, and its decode tables: success per distortion class,
wrong texts, and CPU milliseconds per frame with a code and empty, every reader timed on the
same frame one after the other (the order turning from frame to frame), so that the machine's
other load falls on all of them alike. Times are the decoding thread's CPU time
(`time.thread_time`): on a shared machine, wall time measures the neighbours."""

from __future__ import annotations

import random
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from scanner.decode import ZBAR_MISSING, make_decoder, sharpened, zbar_usable
from scanner.pacing import Pacer, Rates
from scanner.synthetic import (
    DISTORTIONS,
    HARD_DISTORTIONS,
    cccd_payload,
    empty_frame,
    people,
    scene,
    vial_labels,
    vial_scene,
)

Read = Callable[[np.ndarray], list[bytes]]
CLASSES = DISTORTIONS + HARD_DISTORTIONS
VIAL_CLASSES = tuple(k for k in CLASSES if k != "inverted")  # a vial's label is never a screen
SIZES = ((640, 480), (1280, 720))
BASELINE = "raw zxing-cpp, QR, its defaults"
OURS = "ours, as the loop asks"


def as_the_loop_asks() -> Read:
    """The desk's decoder with the scan loop's own pacer planning each frame (all new, none
    idle): QR on each, 1D on one in ten, DataMatrix on another one in ten. Frames here are
    unrelated, so no region is kept from one to the next."""
    decoder = make_decoder("zxing")
    pacer = Pacer(Rates())

    def read(gray: np.ndarray) -> list[bytes]:
        plan = pacer.plan(gray, 0.0)
        assert plan is not None  # every frame new
        found = decoder.decode(gray, qr=plan.qr, linear=plan.linear, matrix=plan.matrix)
        return [c.data for c in found]

    return read


def ours(**options: object) -> Read:
    decoder = make_decoder("zxing")
    for key, value in options.items():
        setattr(decoder, key, value)
    return lambda gray: [c.data for c in decoder.decode(gray, linear=False, matrix=False)]


def raw_zxing_qr() -> Read:
    """zxing-cpp itself, QR only, its defaults: the floor our wrapper is measured against."""
    import zxingcpp

    qr = (zxingcpp.BarcodeFormat.QRCode,)
    return lambda gray: [bytes(r.bytes) for r in zxingcpp.read_barcodes(gray, formats=qr)]


def before_issue_15() -> Read:
    """The decoder as it was: four formats in one call, a sharpened pass on every empty frame."""
    import zxingcpp

    f = zxingcpp.BarcodeFormat
    formats = (f.QRCode, f.Code128, f.Code39, f.EAN13)

    def read(gray: np.ndarray) -> list[bytes]:
        found = [bytes(r.bytes) for r in zxingcpp.read_barcodes(gray, formats=formats)]
        return found or [bytes(r.bytes)
                         for r in zxingcpp.read_barcodes(sharpened(gray), formats=formats)]

    return read


def zbar(**options: object) -> Read:
    decoder = make_decoder("zbar")
    for key, value in options.items():
        setattr(decoder, key, value)
    return lambda gray: [c.data for c in decoder.decode(gray)]


def opencv_reader() -> Read:
    import cv2

    detector = cv2.QRCodeDetector()

    def read(gray: np.ndarray) -> list[bytes]:
        text, _, _ = detector.detectAndDecode(gray)
        return [text.encode("utf-8")] if text else []

    return read


def readers(others: bool) -> dict[str, Callable[[], Read]]:
    chosen: dict[str, Callable[[], Read]] = {
        OURS: as_the_loop_asks,
        BASELINE: raw_zxing_qr,
        "ours, QR, no second pass": lambda: ours(second_pass=False),
        "as before issue 15 (4 formats a call, sharpened when empty)": before_issue_15,
    }
    if others:
        if zbar_usable():
            chosen["zbar binary + inverted (ours)"] = zbar
        else:
            print(f"zbar rows left out: {ZBAR_MISSING}")
        chosen["opencv QRCodeDetector"] = opencv_reader
    return chosen


@dataclass
class Tally:
    hits: dict[tuple[str, int], list[bool]] = field(default_factory=lambda: defaultdict(list))
    wrong: int = 0
    ms_code: list[float] = field(default_factory=list)
    ms_empty: list[float] = field(default_factory=list)

    def share(self, kinds: tuple[str, ...]) -> float:
        got = [h for (kind, _), hits in self.hits.items() if kind in kinds for h in hits]
        return 100 * sum(got) / max(1, len(got))


def qr_frames(count: int, seed: int) -> list[tuple[str, int, bytes, np.ndarray]]:
    rng, stream = random.Random(seed), people(seed)
    out = []
    for size in SIZES:
        for kind in CLASSES:
            for _ in range(count):
                payload = cccd_payload(next(stream)).encode("utf-8")
                out.append((kind, size[0], payload, scene(payload, kind, rng, size)))
        out += [("empty", size[0], b"", empty_frame(rng, size)) for _ in range(count)]
    return out


def vial_frames(count: int, seed: int) -> list[tuple[str, int, bytes, np.ndarray]]:
    rng, stream = random.Random(seed), vial_labels(seed)
    out = []
    for size in SIZES:
        for kind in VIAL_CLASSES:
            for _ in range(count):
                label = next(stream)
                out.append((kind, size[0], label.element_string(),
                            vial_scene(label, kind, rng, size)))  # fmt: skip
    return out


def interleaved(frames: list[tuple[str, int, bytes, np.ndarray]],
                chosen: dict[str, Read]) -> dict[str, Tally]:  # fmt: skip
    tallies = {label: Tally() for label in chosen}
    order = list(chosen)
    for n, (kind, width, payload, frame) in enumerate(frames):
        turn = n % len(order)
        for label in order[turn:] + order[:turn]:
            start = time.thread_time()
            got = chosen[label](frame)
            elapsed = (time.thread_time() - start) * 1000
            tally = tallies[label]
            if kind == "empty":
                tally.ms_empty.append(elapsed)
                tally.wrong += len(got)
                continue
            tally.ms_code.append(elapsed)
            tally.hits[(kind, width)].append(payload in got)
            tally.wrong += sum(1 for g in got if g != payload)
    return tallies


def p50(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def mean(values: list[float]) -> float:
    return statistics.fmean(values) if values else float("nan")


def print_classes(tallies: dict[str, Tally], labels: list[str], kinds: tuple[str, ...]) -> None:
    head = "".join(f" | {label[:24]:>24s}" for label in labels)
    print(f"{'class':14s}{head}")
    for kind in kinds:
        cells = []
        for label in labels:
            hits = tallies[label].hits
            per = [100 * sum(hits[(kind, w)]) / max(1, len(hits[(kind, w)])) for w, _ in SIZES]
            cells.append(" / ".join(f"{p:3.0f}%" for p in per))
        print(f"{kind:14s}" + "".join(f" | {cell:>24s}" for cell in cells))
    print(f"{'':14s}" + "".join(f" | {'640 / 1280':>24s}" for _ in labels))


def run_qr(count: int, seed: int, others: bool) -> dict[str, Tally]:
    frames = qr_frames(count, seed)
    chosen = {label: make() for label, make in readers(others).items()}
    print(f"QR: {len(frames)} frames, {len(CLASSES)} classes + empty, {count} each, sizes "
          f"{', '.join(f'{w}x{h}' for w, h in SIZES)}; CPU ms of the decoding thread")  # fmt: skip
    tallies = interleaved(frames, chosen)
    base = tallies[BASELINE]
    print(f"\n{'reader':62s} {'all':>5s} {'hard':>5s} {'wrong':>5s}  code p50/mean"
          f"  empty p50/mean  vs raw: code p50/mean, empty p50/mean")  # fmt: skip
    for label, t in tallies.items():
        ratio = (p50(t.ms_code) / p50(base.ms_code), mean(t.ms_code) / mean(base.ms_code),
                 p50(t.ms_empty) / p50(base.ms_empty), mean(t.ms_empty) / mean(base.ms_empty))
        print(f"{label[:62]:62s} {t.share(CLASSES):4.0f}% {t.share(HARD_DISTORTIONS):4.0f}% "
              f"{t.wrong:5d}  {p50(t.ms_code):5.2f}/{mean(t.ms_code):5.2f}   "
              f"{p50(t.ms_empty):5.2f}/{mean(t.ms_empty):5.2f}     "
              + " ".join(f"{r:.2f}x" for r in ratio))  # fmt: skip
    print()
    print_classes(tallies, [OURS, BASELINE, "ours, QR, no second pass"], CLASSES)
    return tallies


def run_vials(count: int, seed: int) -> None:
    import zxingcpp

    decoder = make_decoder("zxing")
    dm = (zxingcpp.BarcodeFormat.DataMatrix,)
    chosen: dict[str, Read] = {
        "ours, DataMatrix pass": lambda g: [c.data for c in decoder.decode(g, qr=False,
                                                                           linear=False)],
        "raw zxing-cpp, DataMatrix, its defaults": lambda g: [
            bytes(r.bytes) for r in zxingcpp.read_barcodes(g, formats=dm)],
    }  # fmt: skip
    frames = vial_frames(count, seed)
    rng = random.Random(seed)
    frames += [("empty", s[0], b"", empty_frame(rng, s)) for s in SIZES for _ in range(count)]
    tallies = interleaved(frames, chosen)
    print(f"\nGS1 DataMatrix vial labels: {len(frames)} frames, {count} a class and size")
    for label, t in tallies.items():
        print(f"  {label:42s} {t.share(VIAL_CLASSES):4.0f}% read, {t.wrong} wrong; CPU ms with "
              f"a label p50 {p50(t.ms_code):.2f} mean {mean(t.ms_code):.2f}, empty p50 "
              f"{p50(t.ms_empty):.2f} mean {mean(t.ms_empty):.2f}")  # fmt: skip
    print_classes(tallies, list(chosen), VIAL_CLASSES)
