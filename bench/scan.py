"""Benchmark of the scan path: decoders on generated webcam-like frames, and frame-to-form time.

    python bench/scan.py [--frames 20] [--seed 2021]

For each decoder: the share of frames read exactly right per distortion class and size, the
wrong texts (a read that is not the payload: mojibake), and milliseconds per frame (median,
p95) with a code and on empty frames. Then, with the default decoder inside the real desk
(Textual pilot), the time from a frame leaving the camera to the form filled.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from scanner.decode import ZBAR_MISSING, make_decoder, zbar_usable
from scanner.synthetic import (
    DISTORTIONS,
    HARD_DISTORTIONS,
    cccd_payload,
    empty_frame,
    people,
    scene,
)

CLASSES = DISTORTIONS + HARD_DISTORTIONS

SIZES = ((640, 480), (1280, 720))


def opencv_reader() -> Callable[[np.ndarray], list[bytes]]:
    import cv2

    detector = cv2.QRCodeDetector()

    def read(gray: np.ndarray) -> list[bytes]:
        text, _, _ = detector.detectAndDecode(gray)
        return [text.encode("utf-8")] if text else []

    return read


def zbar_text_mode() -> Callable[[np.ndarray], list[bytes]]:
    """pyzbar as most code uses it: zbar guesses the charset (mojibake for some Vietnamese)."""
    from pyzbar import pyzbar

    def read(gray: np.ndarray) -> list[bytes]:
        return [d.data for d in pyzbar.decode(gray, symbols=[pyzbar.ZBarSymbol.QRCODE])]

    return read


def ours(name: str, **options: object) -> Callable[[np.ndarray], list[bytes]]:
    decoder = make_decoder(name)
    for key, value in options.items():
        setattr(decoder, key, value)
    return lambda gray: [code.data for code in decoder.decode(gray)]


def raw_zxing_qr() -> Callable[[np.ndarray], list[bytes]]:
    """zxing-cpp itself, QR only, its defaults: the floor our wrapper is measured against."""
    import zxingcpp

    qr = (zxingcpp.BarcodeFormat.QRCode,)
    return lambda gray: [bytes(r.bytes) for r in zxingcpp.read_barcodes(gray, formats=qr)]


def before_issue_15() -> Callable[[np.ndarray], list[bytes]]:
    """The decoder as it was: four formats in one call, a sharpened pass on every empty frame."""
    import zxingcpp

    from scanner.decode import sharpened

    f = zxingcpp.BarcodeFormat
    formats = (f.QRCode, f.Code128, f.Code39, f.EAN13)

    def read(gray: np.ndarray) -> list[bytes]:
        found = [bytes(r.bytes) for r in zxingcpp.read_barcodes(gray, formats=formats)]
        return found or [bytes(r.bytes)
                         for r in zxingcpp.read_barcodes(sharpened(gray), formats=formats)]

    return read


READERS: dict[str, Callable[[], Callable[[np.ndarray], list[bytes]]]] = {
    "zxing (default: QR, 2nd pass if a symbol was seen, then 1D)": lambda: ours("zxing"),
    "zxing, one pass": lambda: ours("zxing", second_pass=False),
    "zxing as before issue 15 (4 formats a call, 2nd pass when empty)": before_issue_15,
    "raw zxing-cpp, QR only": raw_zxing_qr,
}
ZBAR_READERS: dict[str, Callable[[], Callable[[np.ndarray], list[bytes]]]] = {
    "zbar binary + inverted (ours)": lambda: ours("zbar"),
    "zbar binary, no inverted": lambda: ours("zbar", try_inverted=False),
    "pyzbar default text mode": zbar_text_mode,
}
OTHER_READERS: dict[str, Callable[[], Callable[[np.ndarray], list[bytes]]]] = {
    "opencv QRCodeDetector": opencv_reader,
}


def frames(count: int, seed: int) -> list[tuple[str, tuple[int, int], bytes, np.ndarray]]:
    rng = random.Random(seed)
    stream = people(seed)
    out = []
    for size in SIZES:
        for kind in CLASSES:
            for _ in range(count):
                payload = cccd_payload(next(stream)).encode("utf-8")
                out.append((kind, size, payload, scene(payload, kind, rng, size)))
        for _ in range(count):
            out.append(("empty", size, b"", empty_frame(rng, size)))
    return out


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def run_decoders(count: int, seed: int) -> None:
    data = frames(count, seed)
    print(f"{len(data)} frames: {len(CLASSES)} classes + empty, {count} each, sizes "
          f"{', '.join(f'{w}x{h}' for w, h in SIZES)}")  # fmt: skip
    readers = dict(READERS)
    if zbar_usable():
        readers.update(ZBAR_READERS)
    else:
        print(f"zbar rows left out: {ZBAR_MISSING}")
    readers.update(OTHER_READERS)
    for label, make in readers.items():
        read = make()
        hits: dict[tuple[str, int], list[bool]] = defaultdict(list)
        wrong = 0
        ms_code: list[float] = []
        ms_empty: list[float] = []
        for kind, size, payload, frame in data:
            start = time.perf_counter()
            got = read(frame)
            elapsed = (time.perf_counter() - start) * 1000
            if kind == "empty":
                ms_empty.append(elapsed)
                continue
            ms_code.append(elapsed)
            hits[(kind, size[0])].append(payload in got)
            wrong += sum(1 for g in got if g != payload)
        total = [h for values in hits.values() for h in values]
        share = 100 * sum(total) / len(total)
        hard = [h for (kind, _), values in hits.items() if kind in HARD_DISTORTIONS
                for h in values]  # fmt: skip
        print(f"\n{label}: {share:.0f}% read exactly ({100 * sum(hard) / len(hard):.0f}% of the "
              f"hard classes), {wrong} wrong texts; ms/frame with code "
              f"p50 {statistics.median(ms_code):.2f} p95 {pct(ms_code, 95):.2f}, "
              f"empty p50 {statistics.median(ms_empty):.2f} "
              f"p95 {pct(ms_empty, 95):.2f}")  # fmt: skip
        for width in (w for w, _ in SIZES):
            row = "  ".join(
                f"{kind} {100 * sum(hits[(kind, width)]) / len(hits[(kind, width)]):3.0f}%"
                for kind in CLASSES
            )
            print(f"  {width:4d}: {row}")


def loop_cpu(seconds: float, seed: int) -> None:
    """The camera loop's CPU share of one core, in its thread as the desk runs it, paced at the
    desk's frame rate: an empty desk seen by a webcam (a new noisy frame each time), and the
    demo's folder source (each image held 4 s, as a card in front of the camera)."""
    from scanner.loop import ScanLoop
    from scanner.sources import DECODE_FPS, demo_source

    rng = random.Random(seed)
    still = empty_frame(rng)
    noise = np.random.default_rng(seed)
    # A webcam's sensor noise in good light, made beforehand: the bench's cost is not the loop's.
    noisy = [np.clip(still + noise.normal(0, 3, still.shape), 0, 255).astype(np.uint8)
             for _ in range(10)]  # fmt: skip

    busy = [empty_frame(rng) for _ in range(10)]  # people passing behind: every frame new

    class Paced:
        simulated = True

        def __init__(self, name: str, shown: list[np.ndarray]) -> None:
            self.name, self.shown = name, shown

        def frames(self, stop: threading.Event) -> Iterator[np.ndarray]:
            count = 0
            while not stop.wait(1 / DECODE_FPS):
                count += 1
                yield self.shown[count % len(self.shown)]

    sources = (("empty desk, webcam noise", Paced("empty", noisy)),
               ("busy background, every frame new", Paced("busy", busy)),
               ("demo folder source", demo_source()))  # fmt: skip
    for label, source in sources:
        stop = threading.Event()
        loop = ScanLoop(source, make_decoder("zxing"), lambda scan, code: None,
                        lambda state: None)  # fmt: skip
        thread = threading.Thread(target=loop.run, args=(stop,))
        cpu, wall = time.thread_time(), time.perf_counter()
        start = time.process_time()
        thread.start()
        time.sleep(seconds)
        stop.set()
        thread.join()
        used = time.process_time() - start - (time.thread_time() - cpu)
        share = 100 * used / (time.perf_counter() - wall)
        print(f"camera loop, {label}: {share:.1f}% of one core at {DECODE_FPS:g} frames/s")


class TimedSource:
    """Yields one frame per citizen when asked, noting when each left the 'camera'."""

    name = "bench"
    simulated = True

    def __init__(self, frames: list[np.ndarray]) -> None:
        self._frames = frames
        self.sent: list[float] = []
        self.next = threading.Event()

    def frames(self, stop: threading.Event) -> Iterator[np.ndarray]:
        for frame in self._frames:
            if not self.next.wait(30) or stop.is_set():
                return
            self.next.clear()
            self.sent.append(time.perf_counter())
            yield frame


async def frame_to_form(citizens: int, seed: int) -> list[float]:
    from store import open_store
    from tui.screens.entry import EntryScreen
    from vaxdesk.testing.desk import desk_app, log_in

    rng = random.Random(seed)
    stream = people(seed + 1)
    source = TimedSource([scene(cccd_payload(next(stream)), "clean", rng) for _ in range(citizens)])
    filled: list[float] = []
    original = EntryScreen.receive_scan  # where a camera's scan reaches the screen

    def receive_scan(self: EntryScreen, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        filled.append(time.perf_counter())

    EntryScreen.receive_scan = receive_scan  # type: ignore[method-assign]
    with tempfile.TemporaryDirectory() as tmp:
        app = desk_app(Path(tmp) / "bench.db", site_id="BENCH", desk_id="d1", frame_source=source)
        async with app.run_test(size=(120, 36)) as pilot:
            await log_in(pilot)
            app.screen.form.set_values(  # type: ignore[attr-defined]
                {"vaccinator": "Nguyễn Văn Bình", "vaccine": "AZ", "lot": "NX1234"}
            )  # fmt: skip
            await pilot.press("ctrl+s")
            for n in range(citizens):
                source.next.set()
                deadline = time.perf_counter() + 30
                while len(filled) <= n:
                    if time.perf_counter() > deadline:
                        raise SystemExit(f"citizen {n + 1}: no scan reached the form in 30 s")
                    await asyncio.sleep(0.001)
                await pilot.press("enter")  # save, so the next scan fills a free form
        with open_store(Path(tmp) / "bench.db") as store:
            stored = sum(1 for _ in store.current_rows())
    if stored != citizens:  # every scan filled the form, or the times mean nothing
        raise SystemExit(f"frame to form: {stored} of {citizens} scanned citizens stored")
    return [(f - s) * 1000 for s, f in zip(source.sent, filled, strict=True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--frames", type=int, default=20, help="frames per class and size")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--citizens", type=int, default=30, help="for frame-to-form time")
    parser.add_argument("--seconds", type=float, default=10, help="camera loop CPU, each source")
    args = parser.parse_args()
    run_decoders(args.frames, args.seed)
    print()
    loop_cpu(args.seconds, args.seed)
    latency = asyncio.run(frame_to_form(args.citizens, args.seed))
    print(f"\nframe leaves the camera -> form filled, in the desk (zxing, 1280x720), "
          f"{len(latency)} citizens: p50 {statistics.median(latency):.0f} ms, "
          f"p95 {pct(latency, 95):.0f} ms, max {max(latency):.0f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
