"""The desk app and the one factory that builds it, for the CLI and the tests alike.

The app owns what outlives screens: the desk core (who is logged in, the open session) and
the sync service, which uploads from start to exit whatever screen shows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from time import monotonic
from typing import TYPE_CHECKING

from textual import events, on
from textual.app import App
from textual.binding import Binding

from desk import Desk, DeskPorts
from desk.people import Attendance, Due, first_run, lock, log_out, sees_records
from desk.staff import revoked_at_desk
from domain.clock import DEFAULT_TIMEZONE, SiteClock
from domain.messages import describe
from i18n import N_, _, format_number, set_language
from printing.config import PrinterConfig
from scanner.loop import CameraState
from scanner.pacing import Rates
from scanner.sources import CameraSetup, FrameSource, check_spec, open_source, video_devices
from store import Store, open_store
from store.people import User
from sync.worker import HubConfig, SyncState, SyncWorker
from tui.keygate import PATIENCE, KeyGate
from tui.screens.confirm import ConfirmModal
from tui.screens.login import LockScreen, LoginScreen, NoRecordsScreen
from tui.services import HistoryArrived, SyncService, SyncStateChanged
from tui.warm import AFTER_LOGIN, warm_up
from tui.widgets.form import ScanInput

if TYPE_CHECKING:
    from domain.record import Session
    from tui.screens.entry import EntryScreen
    from tui.widgets.scanner import ScannerPanel

# Only the login screen is imported before the first paint; the session and entry screens
# (and what they import) are loaded after it, in a thread (tui/warm.py), or when first shown.

# The camera while no entry screen (and so no camera) is open, as heartbeats report it.
NO_CAMERA = CameraState("none", False, running=False)


class VaxdeskApp(App[None]):
    """Login, then the session, then the entry screen for every citizen of the session."""

    CSS_PATH = "vaxdesk.tcss"
    TITLE = "vaxdesk"  # the product's name, in every language
    SUB_TITLE = N_("vaccination desk")
    BINDINGS = [Binding("ctrl+q", "ask_quit", N_("Quit"), priority=True)]
    # Textual's command palette (Ctrl+P) offers themes and screenshots, in English: nothing a
    # desk needs, and no word of it in the volunteer's language.
    ENABLE_COMMAND_PALETTE = False

    def __init__(
        self,
        desk: Desk,
        *,
        camera: Callable[[], FrameSource | None] = lambda: None,
        decoder: str | CameraSetup = "zxing",
        hub: HubConfig | None = None,
        software_version: str = "",
        attendance: Attendance | None = None,
        printer: PrinterConfig | None = None,
        auto_print: bool = False,
    ) -> None:
        super().__init__()
        self.printer = printer or PrinterConfig()  # the citizen's slip (tui.slip_printing)
        self.auto_print = auto_print
        self.sub_title = _(self.SUB_TITLE)
        self.desk = desk
        self.attendance = attendance or Attendance()
        self.camera = camera
        self.decoder = decoder
        self.logged_in_at = 0.0
        self.last_activity = monotonic()
        self.locked = False
        self._key_gate = KeyGate()
        self.camera_state = NO_CAMERA  # for heartbeats, in words when each is sent
        self.sync_state = SyncState()
        self.sync: SyncService | None = None
        if hub is not None:
            self.sync = SyncService(
                hub,
                desk.store.path,
                software_version=software_version,
                camera=lambda: self.camera_summary,
                on_state=self._sync_changed,
            )
        desk.ports = DeskPorts(
            nudge_upload=self.sync.nudge if self.sync else DeskPorts().nudge_upload,
            want_history=self.want_history,
            hub_configured=self.sync is not None,
        )

    @property
    def store(self) -> Store:
        return self.desk.store

    @property
    def user(self) -> User | None:
        return self.desk.user

    @property
    def session(self) -> Session | None:
        return self.desk.session

    @property
    def sync_worker(self) -> SyncWorker | None:
        return self.sync.worker if self.sync else None

    def on_mount(self) -> None:
        self.log_in()
        self.set_interval(1, self.lock_if_idle)
        self.call_after_refresh(self._after_first_paint)

    def _after_first_paint(self) -> None:
        """What the first screen does not need: uploads, and the next screens' modules."""
        if self.sync is not None:
            self.run_worker(self.sync.run(), group="sync", exclusive=True)
        warm_up(self, AFTER_LOGIN + (("httpx",) if self.sync is not None else ()))

    def _entry_screens(self) -> list[EntryScreen]:
        from tui.screens.entry import EntryScreen

        return [s for s in self.screen_stack if isinstance(s, EntryScreen)]

    # -- background services ---------------------------------------------------------------

    def _sync_changed(self, state: SyncState) -> None:
        self.sync_state = state
        self.desk.adopt_timezone(state.site_timezone)
        revoked = revoked_at_desk(self.desk)  # by the hub, at the last heartbeat
        if revoked is not None:
            self.log_out(describe(revoked))
            return
        screen = self.screen
        if isinstance(screen, LoginScreen) and screen.first_run and not first_run(self.store):
            self.pop_screen()  # the site's staff came from the hub: no first supervisor to make
            self.log_in(_("The site's staff came from the hub: log in"))
        for entry_screen in self._entry_screens():
            entry_screen.post_message(SyncStateChanged(state))

    def current_sync_state(self) -> SyncState | None:
        return self.sync_state if self.sync is not None else None

    def want_history(self, person_key: str) -> None:
        """The core wants a person's doses from other desks: fetched off the UI thread."""
        if self.sync is not None:
            self.run_worker(self._pull_history(person_key), group="history", exclusive=True)

    async def _pull_history(self, person_key: str) -> None:
        if self.sync is not None and await self.sync.pull_history(person_key):
            for screen in self._entry_screens():
                screen.post_message(HistoryArrived(person_key))

    def on_scanner_panel_camera_state_changed(
        self, message: ScannerPanel.CameraStateChanged
    ) -> None:
        self.camera_state = message.state

    @property
    def camera_summary(self) -> str:
        """The camera in a few words, as the next heartbeat says it."""
        from tui.widgets.scanner import heartbeat_camera

        return heartbeat_camera(self.camera_state)

    # -- who is at the desk ----------------------------------------------------------------

    def log_in(self, reason: str = "") -> None:
        self.push_screen(LoginScreen(self.desk, reason=reason), self.logged_in)

    def logged_in(self, user: User | None) -> None:
        if user is None:
            return
        self.desk.user = user
        self.logged_in_at = self.last_activity = monotonic()
        from tui.screens.session import SessionScreen
        from tui.texts import role_name

        self.sub_title = f"{user.name} ({role_name(user.role)})"
        if not sees_records(user):
            self.push_screen(NoRecordsScreen())
            return
        self.push_screen(SessionScreen(self.desk), self.session_opened)

    async def on_event(self, event: events.Event) -> None:
        if not isinstance(event, events.Key) or event.is_forwarded:
            await super().on_event(event)
            return
        self.last_activity = monotonic()
        if self._key_gate.closed:
            self._key_gate.hold(event)
        else:
            await self._read_key(event)

    async def _read_key(self, key: events.Key) -> None:
        if key.key == "enter" and isinstance(self.focused, ScanInput):
            closing = self._key_gate.close()  # until the field is judged (tui/keygate.py)
            self.set_timer(PATIENCE, partial(self._open_key_gate, closing))
        await super().on_event(key)

    @on(ScanInput.Judged)
    async def _enter_judged(self) -> None:
        await self._key_gate.open(self._read_key)

    async def _open_key_gate(self, closing: int) -> None:
        if closing == self._key_gate.closings and self._key_gate.closed:
            await self._key_gate.open(self._read_key)

    def lock_if_idle(self) -> None:
        """Lock a desk left alone; end a session after its hours, whoever is at the desk.
        While the login shows, nobody is at the desk yet: the core knows the user a moment
        before the app has started counting their hours."""
        if self.desk.user is None or self.locked or isinstance(self.screen, LoginScreen):
            return
        due = self.attendance.due(
            now=monotonic(), logged_in_at=self.logged_in_at, last_key_at=self.last_activity
        )
        if due is Due.LOG_OUT:
            hours = format_number(self.attendance.session_hours)
            self.log_out(
                _("The session of {name} ended after {hours} h").format(
                    name=self.desk.user.name, hours=hours
                )
            )
        elif due is Due.LOCK:
            self.lock()

    def lock(self) -> None:
        user = self.desk.user
        if user is None or self.locked:
            return
        self.locked = True
        lock(self.desk)

        def unlocked(unlocked_by: User | None) -> None:
            self.locked = False
            self.last_activity = monotonic()
            if unlocked_by is None:
                self.log_out(_("Another user: log in"))

        self.push_screen(LockScreen(self.desk, user), unlocked)

    def log_out(self, reason: str) -> None:
        """Close the user's session: every screen goes, then the login."""
        log_out(self.desk)
        self.locked = False
        self.camera_state = NO_CAMERA  # the camera goes with the entry screen's panel
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.log_in(reason)

    def session_opened(self, session: Session | None) -> None:
        if session is None or self.desk.user is None:
            return
        # The user stays named: whoever looks at the desk sees who is entering.
        from desk.entry import Entry
        from tui.screens.entry import EntryScreen

        user = self.desk.user
        self.sub_title = f"{user.name} · {session.site_id} {session.desk_id}"
        self.push_screen(
            EntryScreen(
                Entry(self.desk),
                camera=self.camera,
                decoder=self.decoder,
                sync_state=self.current_sync_state,
            )
        )

    @property
    def entry(self) -> EntryScreen:
        from tui.screens.entry import EntryScreen

        screen = self.screen
        if not isinstance(screen, EntryScreen):
            raise LookupError("the entry screen is not showing")
        return screen

    async def action_ask_quit(self) -> None:
        """Quit; with a citizen typed or a correction open, only once the user says so.
        Ctrl+Q again while asked quits."""
        if isinstance(self.screen, ConfirmModal):
            self.screen.dismiss(True)
            return
        entry = next(iter(self._entry_screens()), None)
        question = entry.quit_question() if entry is not None else ""
        if not question:
            self.exit()
            return

        def answered(quit_anyway: bool | None) -> None:
            if quit_anyway:
                self.exit()

        self.push_screen(ConfirmModal(question), answered)

    def on_unmount(self) -> None:
        self.desk.store.close()


def make_app(
    db_path: str | Path,
    *,
    site_id: str = "",
    desk_id: str = "",
    clock: Callable[[], datetime] | None = None,
    site_timezone: str = DEFAULT_TIMEZONE,
    camera: str = "none",
    camera_size: tuple[int, int] = (1280, 720),
    decoder: str = "zxing",
    linear_every: int = Rates.linear_every,
    frame_source: FrameSource | None = None,
    hub: HubConfig | None = None,
    software_version: str = "",
    idle_lock_seconds: float = 300,
    demo: bool = False,
    webcams: Callable[[], list[str]] = video_devices,
    language: str | None = None,
    printer: PrinterConfig | None = None,
    auto_print: bool = False,
) -> VaxdeskApp:
    """The desk on a SQLite file. `camera`: none, auto (the first of `webcams`, else none),
    a device, a folder or a video, or (with `demo`, `vaxdesk demo` only) the demo's generated
    citizens; `demo` marks every record made as the demo's. `frame_source` instead hands over
    frames directly (tests, benchmarks); `clock` replaces the site's clock (tests).
    `language` (vi, en; UnknownLanguage otherwise), when given, is the one the desk speaks
    from now on; else the language already chosen stays. `printer`: where slips print (none
    by default); `auto_print`: after every save, not only on Ctrl+P. `linear_every`: the
    camera's 1D pass on one frame in that many (0: none, a wedge scanner reads 1D codes)."""
    if language is not None:
        set_language(language)
    check_spec(camera, demo=demo)  # CameraError: generated citizens at a real desk
    if frame_source is not None:
        source: FrameSource | None = frame_source

        def make_source() -> FrameSource | None:
            return source
    else:

        def make_source() -> FrameSource | None:
            return open_source(camera, camera_size, webcams=webcams, demo=demo)

    site_clock = clock or SiteClock(site_timezone)
    store = open_store(db_path, site_clock)
    desk = Desk(store, site_clock, site_id=site_id, desk_id=desk_id, demo=demo)
    return VaxdeskApp(
        desk,
        camera=make_source,
        decoder=CameraSetup(decoder, Rates(linear_every=linear_every)),
        hub=hub,
        software_version=software_version,
        attendance=Attendance(idle_lock_seconds=idle_lock_seconds),
        printer=printer,
        auto_print=auto_print,
    )
