"""The desk app and the one factory that builds it, for the CLI and the tests alike."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from time import monotonic

from textual import events
from textual.app import App
from textual.binding import Binding

from domain.record import Session
from domain.roles import Role
from scanner.sources import FrameSource, open_source
from store import Store, open_store
from store.people import User
from sync.worker import HubConfig
from tui.screens.entry import EntryScreen
from tui.screens.login import LockScreen, LoginScreen, NoRecordsScreen
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
        idle_lock_seconds: float = 300,
        session_hours: float = 12,
    ) -> None:
        super().__init__()
        self.idle_lock_seconds = idle_lock_seconds
        self.session_hours = session_hours
        self.user: User | None = None
        self.logged_in_at = 0.0
        self.last_activity = monotonic()
        self.locked = False
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
        self.log_in()
        self.set_interval(1, self.lock_if_idle)

    def log_in(self, reason: str = "") -> None:
        first_run = self.store.people.count() == 0
        self.push_screen(
            LoginScreen(self.store, first_run=first_run, reason=reason), self.logged_in
        )

    def logged_in(self, user: User | None) -> None:
        if user is None:
            return
        self.user = user
        self.logged_in_at = self.last_activity = monotonic()
        self.sub_title = f"{user.name} ({user.role.value})"
        if user.role is Role.TECHNICIAN:
            self.push_screen(NoRecordsScreen())
            return
        self.push_screen(
            SessionScreen(
                self.store, None, self.clock, user, site_id=self.site_id, desk_id=self.desk_id
            ),
            self.session_opened,
        )

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self.last_activity = monotonic()
        await super().on_event(event)

    def lock_if_idle(self) -> None:
        """Lock a desk left alone; end a session after its hours, whoever is at the desk."""
        if self.user is None or self.locked:
            return
        now = monotonic()
        if now - self.logged_in_at > self.session_hours * 3600:
            self.log_out(f"The session of {self.user.name} ended after {self.session_hours:g} h")
        elif now - self.last_activity > self.idle_lock_seconds:
            self.lock()

    def lock(self) -> None:
        if self.user is None or self.locked:
            return
        self.locked = True
        self.store.people.audit(self.user.name, "lock")

        def unlocked(user: User | None) -> None:
            self.locked = False
            self.last_activity = monotonic()
            if user is None:
                self.log_out("Another user: log in")

        self.push_screen(LockScreen(self.store, self.user), unlocked)

    def log_out(self, reason: str) -> None:
        """Close the user's session: every screen goes, then the login."""
        if self.user is not None:
            self.store.people.audit(self.user.name, "logout")
        self.user = None
        self.locked = False
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.log_in(reason)

    def session_opened(self, session: Session | None) -> None:
        if session is None or self.user is None:
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
                user=self.user,
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
    idle_lock_seconds: float = 300,
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
        idle_lock_seconds=idle_lock_seconds,
    )
