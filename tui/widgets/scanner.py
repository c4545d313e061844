"""The camera at the desk: runs the scan loop in its own thread and says what it sees."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from textual.message import Message
from textual.widgets import Static

from domain.scans import Scan
from i18n import N_, _, format_number
from scanner.decode import Code, make_decoder
from scanner.loop import CameraState, ScanLoop
from scanner.sources import DEMO_SOURCE, CameraSetup, FrameSource
from tui.widgets.text import show_text


def describe_camera(state: CameraState) -> str:
    """The camera in a few words, in the desk's language."""
    say = _
    if state.source == DEMO_SOURCE:  # the demo's camera of generated citizens, named in words
        state = replace(state, source=_("demo camera"))

    def rate(value: float) -> str:
        return format_number(round(value, 1))

    if state.error:
        return say(N_("{error} — type, or use a USB scanner")).format(error=state.error)
    if state.source == "none":
        return say(N_("none (typing and USB scanners only)"))
    if not state.running:
        return say(N_("{source} ended")).format(source=state.source)
    demo = say(N_(" — DEMO: generated test citizens")) if state.simulated else ""
    failed = ""
    if state.failed_frames:
        failed = say(N_(" · {count} unreadable")).format(count=state.failed_frames)
    return say(N_("{source}{demo} · {fps} fps · {codes} codes/s{failed}")).format(
        source=state.source,
        demo=demo,
        fps=rate(state.frames_per_second),
        codes=rate(state.decodes_per_second),
        failed=failed,
    )


def heartbeat_camera(state: CameraState) -> str:
    """The camera as the desk's heartbeats tell the hub, 80 characters at most: in the desk's
    language, which is its site's, and so its supervisor's."""
    return describe_camera(state)[:80]


class ScannerPanel(Static):
    """One line: the camera's state. Posts `Scanned` for every new code in view."""

    DEFAULT_CSS = """
    ScannerPanel { height: 1; padding: 0 1; color: $text-muted; background: $panel; }
    ScannerPanel.-simulated { color: $warning; }
    ScannerPanel.-error { color: $error; }
    """

    class Scanned(Message):
        def __init__(self, scan: Scan, format: str) -> None:
            super().__init__()
            self.scan = scan
            self.format = format

    class CameraStateChanged(Message):
        """Bubbles up to the app, which reports the camera in its heartbeats."""

        def __init__(self, state: CameraState) -> None:
            super().__init__()
            self.state = state

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, ScannerPanel.CameraStateChanged)

    def __init__(
        self,
        source: Callable[[], FrameSource | None],
        decoder: str | CameraSetup = "zxing",
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(_("camera: starting…"), id="scanner")
        self._make_source = source
        self._setup = CameraSetup.of(decoder)
        self._today = today
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def on_mount(self) -> None:
        self._thread = threading.Thread(target=self._run, name="vaxdesk-scanner", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        # OpenCV and the decoder load here, off the UI thread and after the first paint.
        try:
            source = self._make_source()
            if source is None:
                self.post_message(
                    self.CameraStateChanged(CameraState("none", False, running=False))
                )
                return
            decoder = make_decoder(self._setup.decoder)
        except Exception as error:
            self.post_message(
                self.CameraStateChanged(
                    CameraState("camera", False, error=str(error), running=False)
                )
            )
            return
        ScanLoop(source, decoder, self._scanned, self._state, today=self._today,
                 rates=self._setup.rates).run(self._stop)  # fmt: skip

    def _scanned(self, scan: Scan, code: Code) -> None:
        self.post_message(self.Scanned(scan, code.format))

    def _state(self, state: CameraState) -> None:
        self.post_message(self.CameraStateChanged(state))

    def on_scanner_panel_camera_state_changed(self, message: CameraStateChanged) -> None:
        state = message.state
        self.set_class(state.simulated, "-simulated")
        self.set_class(bool(state.error), "-error")
        show_text(self, _("camera: {state}").format(state=describe_camera(state)))

    def stop(self, timeout: float = 3.0) -> None:
        """Stop the loop and wait for the camera to be released."""
        self._stop.set()
        if self._thread is not None and self._thread.is_alive():
            self._thread.join(timeout)

    def on_unmount(self) -> None:
        self.stop()
