"""The desk app and the one factory that builds it, for the CLI and the tests alike."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from textual.app import App
from textual.binding import Binding

from domain.record import Session
from scanner.sources import FrameSource, open_source
from store import Store, open_store
from sync.worker import HubConfig
from tui.screens.entry import EntryScreen
from tui.screens.session import SessionScreen


def local_now() -> datetime:
    return datetime.now().astimezone()


class VaxdeskApp(App[None]):
    """Session first, then the entry screen for every citizen of the session."""

    CSS_PATH = "vaxdesk.tcss"
    TITLE = "vaxdesk"
    SUB_TITLE = "vaccination desk"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(
        self,
        store: Store,
        *,
        site_id: str = "",
        desk_id: str = "",
        clock: Callable[[], datetime] = local_now,
        camera: Callable[[], FrameSource | None] = lambda: None,
        decoder: str = "zxing",
        hub: HubConfig | None = None,
        software_version: str = "",
    ) -> None:
        super().__init__()
        self.store = store
        self.site_id = site_id
        self.desk_id = desk_id
        self.clock = clock
        self.camera = camera
        self.decoder = decoder
        self.hub = hub
        self.software_version = software_version
        self.session: Session | None = None

    def on_mount(self) -> None:
        self.push_screen(
            SessionScreen(self.store, None, self.clock, site_id=self.site_id, desk_id=self.desk_id),
            self.session_opened,
        )

    def session_opened(self, session: Session | None) -> None:
        if session is None:
            return
        self.session = session
        self.sub_title = f"site {session.site_id} · desk {session.desk_id}"
        self.push_screen(
            EntryScreen(
                self.store,
                session,
                self.clock,
                camera=self.camera,
                decoder=self.decoder,
                hub=self.hub,
                software_version=self.software_version,
            )
        )

    @property
    def entry(self) -> EntryScreen:
        screen = self.screen
        if not isinstance(screen, EntryScreen):
            raise LookupError("the entry screen is not showing")
        return screen

    def on_unmount(self) -> None:
        self.store.close()


def make_app(
    db_path: str | Path,
    *,
    site_id: str = "",
    desk_id: str = "",
    clock: Callable[[], datetime] = local_now,
    camera: str = "none",
    camera_size: tuple[int, int] = (1280, 720),
    decoder: str = "zxing",
    frame_source: FrameSource | None = None,
    hub: HubConfig | None = None,
    software_version: str = "",
) -> VaxdeskApp:
    """The desk on a SQLite file. `camera`: none, auto, demo, a device, a folder or a video;
    `frame_source` instead hands over frames directly (tests, benchmarks)."""
    if frame_source is not None:
        source: FrameSource | None = frame_source

        def make_source() -> FrameSource | None:
            return source
    else:

        def make_source() -> FrameSource | None:
            return open_source(camera, camera_size)

    return VaxdeskApp(
        open_store(db_path, clock),
        site_id=site_id,
        desk_id=desk_id,
        clock=clock,
        camera=make_source,
        decoder=decoder,
        hub=hub,
        software_version=software_version,
    )
