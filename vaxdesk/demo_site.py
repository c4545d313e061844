"""The whole site on one machine, for a newcomer: a hub on loopback and simulated desks.

Desks save records at human rates (one every few seconds to a minute, as a volunteer with a
scanner would at a busy site), upload them with the real sync worker and send heartbeats;
desk-3 falls behind, desk-4 goes offline after a minute. Each desk is a desk core
(`desk.Desk`) with a user of its own and an open session, and saves through
`desk.entry.Entry` as the entry screen does, so the demo obeys the same rules as the screens.
The supervisor's token and the hub's address are written to `demo/site.json`, where
`vaxdesk supervise` finds them.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from desk import Desk, DeskPorts
from desk.entry import Entry, Refused
from desk.people import add_user, log_in
from desk.sessions import open_session
from domain.clock import SiteClock
from domain.record import identity_to_form
from domain.roles import Role
from i18n import _
from scanner.synthetic import people
from store import Store, open_store
from sync.worker import HubConfig
from vaxdesk.cli.hub import (
    _issue_desk_token,
    _issue_supervisor_token,
    _open_hub_db,
    _register_site,
)
from vaxdesk.sync_runner import sync_worker

SITE = "DEMO-SITE"
# The demo's site in the hub's registry: the supervisor's screen is headed by its name.
SITE_FORM = {"site_id": SITE, "facility_code": "DEMO-01", "name": "Trạm Y tế xã Cầu Ngang",
             "province": "86", "ward": "29416", "address": "Ấp Mỹ Cẩm A", "tables": "5",
             "in_charge": "Giám Sát Demo", "phone": "0912345678"}  # fmt: skip
PORT = 8471
# Every simulated desk starts on a fresh file: its first user, a supervisor, adds the
# vaccinator who enters the records (a volunteer may not record adverse events).
SUPERVISOR = "Giám Sát Demo"
USER = "Y Tá Demo"
VACCINATOR = "Bác Sĩ Demo"
DEMO_PIN = "2468"

log = logging.getLogger("vaxdesk.demo")


@dataclass(frozen=True)
class SimulatedDesk:
    desk_id: str
    seconds_per_record: tuple[float, float]
    offline_after: float | None = None  # seconds; then it stops syncing and beating


DESKS = (
    SimulatedDesk("desk-1", (6, 14)),
    SimulatedDesk("desk-2", (8, 18)),
    SimulatedDesk("desk-3", (40, 80)),  # falls behind
    SimulatedDesk("desk-4", (8, 16), offline_after=60),  # the link drops
)


def site_file(folder: Path) -> Path:
    return folder / "site.json"


def open_desk(
    store: Store, desk_id: str, vaccine: str, lot: str, *,
    clock: Callable[[], datetime] | None = None, nudge: Callable[[], None] | None = None,
) -> Entry:  # fmt: skip
    """A simulated desk on a fresh file, through the desk core: its users, a login, a session;
    the entry it saves through. Its clock is the site's (the demo hub's zone, the default),
    never the machine's: its "today" is the supervisor's."""
    desk = Desk(store, clock or SiteClock(), site_id=SITE, desk_id=desk_id, demo=True)
    if nudge is not None:
        desk.ports = DeskPorts(nudge_upload=nudge)
    supervisor = add_user(store, SUPERVISOR, Role.SUPERVISOR, DEMO_PIN, by=None)
    add_user(store, USER, Role.VACCINATOR, DEMO_PIN, by=supervisor)
    log_in(desk, USER, DEMO_PIN)
    open_session(desk, {"site_id": SITE, "desk_id": desk_id, "vaccinator": VACCINATOR,
                        "vaccine": vaccine, "lot": lot, "session_date": ""})  # fmt: skip
    return Entry(desk)


def save_person(entry: Entry, person_form: dict[str, str]) -> bool:
    """Save one citizen as the entry screen would send the form; a refusal is logged by its
    codes only (never the person's data) and the desk goes on."""
    result = entry.save({**entry.session_values(), "screening": "D", **person_form})
    if not isinstance(result, Refused):
        return True
    codes = [f"{name}:{error.code}" for name, error in result.errors.items()]
    if result.problem is not None:
        codes.append(getattr(result.problem, "code", type(result.problem).__name__))
    log.warning("desk %s: record refused (%s)", entry.session.desk_id, ", ".join(codes))
    return False


class DemoSite:
    """Runs in its own thread with its own event loop; `stop()` ends it."""

    def __init__(self, folder: Path, port: int = PORT, seed: int = 7, speed: float = 1.0) -> None:
        self.folder = folder
        self.speed = speed  # >1: a faster day (tests)
        self.port = port
        self.seed = seed
        self.url = f"http://127.0.0.1:{port}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="vaxdesk-demo-site", daemon=True)
        self._ready = threading.Event()
        self.your_token = ""

    def start(self) -> DemoSite:
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.db*"):
            old.unlink()
        self.db = _open_hub_db(f"sqlite:///{self.folder / 'hub.db'}")
        now = datetime.now(UTC)
        _register_site(self.db, SITE_FORM, now)
        self.tokens = {
            desk.desk_id: _issue_desk_token(self.db, desk.desk_id, SITE, now)
            for desk in (*DESKS, SimulatedDesk("desk-you", (0, 0)))
        }
        self.your_token = self.tokens["desk-you"]
        supervisor = _issue_supervisor_token(self.db, SITE, now)
        target = site_file(self.folder)
        target.write_text(json.dumps({"hub_url": self.url, "site_id": SITE,
                                      "supervisor_token": supervisor}))  # fmt: skip
        os.chmod(target, 0o600)
        self._thread.start()
        self._ready.wait(15)
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(15)
        self.db.close()

    def _run(self) -> None:
        logging.getLogger("vaxdesk").setLevel(logging.ERROR)  # outages are part of the show
        asyncio.run(self._main())

    async def _main(self) -> None:
        import uvicorn

        from hub.app import create_hub

        # The demo's own hub: the only one that keeps the records the demo makes.
        config = uvicorn.Config(create_hub(self.db, demo=True), host="127.0.0.1", port=self.port,
                                access_log=False, log_level="error", lifespan="off")  # fmt: skip
        server = uvicorn.Server(config)
        serving = asyncio.create_task(server.serve())
        while not server.started:
            await asyncio.sleep(0.05)
        self._ready.set()
        desks = [asyncio.create_task(self._desk(d, n)) for n, d in enumerate(DESKS)]
        while not self._stop.is_set():
            await asyncio.sleep(0.2)
        for task in desks:
            task.cancel()
        await asyncio.gather(*desks, return_exceptions=True)
        server.should_exit = True
        await serving

    async def _desk(self, desk: SimulatedDesk, number: int) -> None:
        path = self.folder / f"{desk.desk_id}.db"
        rng = random.Random(self.seed + number)
        vaccine = rng.choice(["AZ", "PF", "VC"])
        hub = HubConfig(self.url, self.tokens[desk.desk_id])
        async with sync_worker(path, hub, timeout=3, software_version="demo",
                               heartbeat_seconds=5 / self.speed, poll_seconds=2 / self.speed,
                               camera=lambda: _("demo camera")) as worker:  # fmt: skip
            stop_sync = asyncio.Event()
            syncing = asyncio.create_task(worker.run(stop_sync))
            try:
                clock = SiteClock()
                with open_store(path, clock) as store:
                    entry = open_desk(store, desk.desk_id, vaccine, f"DEMO{number}",
                                      clock=clock, nudge=worker.nudge)  # fmt: skip
                    await self._record(desk, number, rng, entry, stop_sync)
            finally:
                stop_sync.set()
                await syncing

    async def _record(
        self, desk: SimulatedDesk, number: int, rng: random.Random, entry: Entry,
        stop_sync: asyncio.Event,
    ) -> None:  # fmt: skip
        """Save records at the desk's pace, until cancelled; past `offline_after`, the link
        is gone: records pile up on the desk."""
        stream = people(self.seed * 100 + number)
        started = asyncio.get_running_loop().time()
        while True:
            await asyncio.sleep(rng.uniform(*desk.seconds_per_record) / self.speed)
            elapsed = (asyncio.get_running_loop().time() - started) * self.speed
            if desk.offline_after is not None and elapsed > desk.offline_after:
                stop_sync.set()
            form = identity_to_form(next(stream))
            if rng.random() < 0.05:
                form.update(aefi="1", aefi_note="sốt nhẹ")
            save_person(entry, form)
