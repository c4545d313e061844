"""Where frames come from: a webcam (OpenCV), a folder of images or a video file, or nothing.

Every source yields grayscale frames until it runs out or `stop` is set, and releases its
device in `finally`. Decoding wants the newest frame only, about ten a second.
"""

from __future__ import annotations

import glob
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from domain.errors import DeskError
from i18n import _
from scanner.pacing import Rates

if TYPE_CHECKING:
    import numpy as np

DECODE_FPS = 10.0


DEMO_SOURCE = "demo"  # the name of the demo's camera of generated citizens


@dataclass(frozen=True)
class CameraSetup:
    """How the desk's camera is read, from its settings: the decoder, and how much of each
    frame it decodes (`linear_every = 0`: no 1D from the camera, a wedge scanner reads them)."""

    decoder: str = "zxing"
    rates: Rates = field(default_factory=Rates)

    @classmethod
    def of(cls, setup: str | CameraSetup) -> CameraSetup:
        return setup if isinstance(setup, CameraSetup) else cls(setup)


class CameraError(DeskError, RuntimeError):
    """A camera that cannot be used, with a message a technician can act on: a code of the
    catalogue (`camera.*`) and its parameters, said in the language in use by `str()`."""


class NoWebcam(CameraError):
    """`auto` found no webcam: the desk goes on with typing and USB scanners."""


class FrameSource(Protocol):
    name: str
    simulated: bool

    def frames(self, stop: threading.Event) -> Iterator[np.ndarray]: ...


def video_devices() -> list[str]:
    return sorted(glob.glob("/dev/video*"), key=lambda p: int(p.removeprefix("/dev/video") or 0))


class CameraSource:
    simulated = False

    def __init__(self, device: int | str = 0, width: int = 1280, height: int = 720) -> None:
        self.device = device
        self.width = width
        self.height = height
        self.name = _("camera {device}").format(device=device)
        self.every = 1 / DECODE_FPS  # seconds between the frames handed on

    def pace(self, seconds: float) -> None:
        """Hand on a frame every `seconds` at most (the scan loop idles): the frames between
        are grabbed and dropped, never decoded from MJPEG nor turned grey."""
        self.every = max(1 / DECODE_FPS, seconds)

    def open(self) -> Any:
        import cv2

        path = f"/dev/video{self.device}" if isinstance(self.device, int) else self.device
        if path.startswith("/dev/") and not os.path.exists(path):
            here = video_devices()
            if not here:
                raise CameraError("camera.missing_none", path=path)
            raise CameraError("camera.missing", path=path, cameras=", ".join(here))
        if path.startswith("/dev/") and not os.access(path, os.R_OK | os.W_OK):
            raise CameraError("camera.permission", path=path)
        capture = cv2.VideoCapture(self.device)
        if not capture.isOpened():
            capture.release()
            raise CameraError("camera.busy", path=path)
        # MJPEG where offered: 1280x720 at full rate over USB 2.
        capture.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter.fourcc(*"MJPG"))
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
        capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)
        return capture

    def frames(self, stop: threading.Event) -> Iterator[np.ndarray]:
        import cv2

        capture = self.open()
        try:
            next_at = 0.0
            while not stop.is_set():
                if not capture.grab():
                    raise CameraError("camera.no_frames", device=self.device)
                now = time.monotonic()
                if now < next_at:
                    continue  # drop it: only the newest frame is worth decoding
                next_at = now + self.every
                ok, frame = capture.retrieve()
                if ok:
                    yield cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY) if frame.ndim == 3 else frame
        finally:
            capture.release()


def read_image(path: Path) -> np.ndarray | None:
    """An image file by its content, whatever its extension; None when it is not an image."""
    import cv2
    import numpy as np

    data = np.fromfile(path, dtype=np.uint8)
    if data.size == 0:
        return None
    return cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)


class FileSource:
    """Images (a folder of them, or one) and video files, replayed as a camera would see them.

    `fps` paces the frames (0: as fast as they are asked for, for tests); `hold` repeats
    each image, like a card held in front of the camera; `loop` starts again at the end.
    """

    simulated = True

    def __init__(
        self, path: Path, *, fps: float = DECODE_FPS, hold: int = 1, loop: bool = False,
        name: str = "",
    ) -> None:  # fmt: skip
        self.path = path
        self.fps = fps
        self.hold = hold
        self.loop = loop
        self.name = name or _("files {path}").format(path=path)

    def _files(self) -> list[Path]:
        if self.path.is_dir():
            return sorted(p for p in self.path.iterdir() if p.is_file())
        return [self.path]

    def _frames_of(self, path: Path, stop: threading.Event) -> Iterator[np.ndarray]:
        image = read_image(path)
        if image is not None:
            for _ in range(self.hold):
                yield image
            return
        import cv2

        capture = cv2.VideoCapture(str(path))
        try:
            while not stop.is_set():
                ok, frame = capture.read()
                if not ok:
                    return
                yield cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY) if frame.ndim == 3 else frame
        finally:
            capture.release()

    def frames(self, stop: threading.Event) -> Iterator[np.ndarray]:
        files = self._files()
        if not files:
            raise CameraError("camera.no_images", path=str(self.path))
        while not stop.is_set():
            for path in files:
                for frame in self._frames_of(path, stop):
                    if stop.is_set():
                        return
                    yield frame
                    if self.fps and stop.wait(1 / self.fps):
                        return
            if not self.loop:
                return


def demo_frames(folder: Path, citizens: int = 12, seed: int = 2021) -> Path:
    """Frames of generated citizens' CCCD QR codes (and two codes that are not), for the demo."""
    import random

    import cv2

    from scanner.synthetic import (
        cccd_payload,
        code128_modules,
        empty_frame,
        frame_with,
        people,
        render,
        scene,
    )

    folder.mkdir(parents=True, exist_ok=True)
    if len(list(folder.glob("*.png"))) >= citizens:
        return folder
    rng = random.Random(seed)
    stream = people(seed)
    kinds = ["clean", "rotation", "perspective", "blur", "glare", "inverted"]
    for number in range(citizens):
        person = next(stream)
        if number == 4:
            frame = scene("https://example.org/not-an-id", "clean", rng)
        elif number == 8:
            frame = frame_with(render(code128_modules(person.id_number), 3, bar_height=60),
                               rng=rng, code_width=520)  # fmt: skip
        else:
            frame = scene(cccd_payload(person), kinds[number % len(kinds)], rng)
        cv2.imwrite(str(folder / f"{number:02d}-code.png"), frame)
        cv2.imwrite(str(folder / f"{number:02d}-none.png"), empty_frame(rng))
    return folder


def demo_source() -> FileSource:
    from platformdirs import user_cache_path

    folder = demo_frames(user_cache_path("vaxdesk") / "demo-frames")
    return FileSource(folder, fps=DECODE_FPS, hold=40, loop=True, name=DEMO_SOURCE)




def check_spec(spec: str, *, demo: bool = False) -> None:
    """Refuse, before anything opens, what cannot be this desk's camera: the demo's generated
    citizens outside the demo (they would be saved as real people)."""
    if spec == "demo" and not demo:
        raise CameraError("camera.demo_only")


def open_source(
    spec: str, size: tuple[int, int] = (1280, 720), *,
    webcams: Callable[[], list[str]] = video_devices, demo: bool = False,
) -> FrameSource | None:  # fmt: skip
    """`none`, `auto` (the first webcam; none there: NoWebcam), a device, a folder or file;
    `demo` (generated citizens) only for the demo (`demo`), never as a fallback."""
    check_spec(spec, demo=demo)
    if spec == "none":
        return None
    if spec == "demo":
        return demo_source()
    if spec == "auto":
        found = webcams()
        if not found:
            raise NoWebcam("camera.no_webcam")
        device = found[0].removeprefix("/dev/video")
        return CameraSource(int(device) if device.isdigit() else found[0], *size)
    if spec.isdigit():
        return CameraSource(int(spec), *size)
    if spec.startswith("/dev/"):
        return CameraSource(spec, *size)
    path = Path(spec).expanduser()
    if path.exists():
        return FileSource(path)
    raise CameraError("camera.spec", spec=spec)
