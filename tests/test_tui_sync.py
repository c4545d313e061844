"""The desk with a hub: records go up by themselves, and the status line says how it stands."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from sync.hubdb import HubDB
from sync.worker import HubConfig
from tests.conftest import FakeClock, desk_app
from tests.hubtools import HubServer
from tests.test_sync import enrol
from tests.test_tui_desk import SIZE, entry, open_session, text_of


async def until(pilot: Pilot, condition: Callable[[], bool], what: str) -> None:
    for _ in range(300):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"timed out waiting for {what}")


async def test_saved_records_reach_the_hub_by_themselves(
    db_path: Path, clock: FakeClock, tmp_path: Path
) -> None:
    db = HubDB(f"sqlite:///{tmp_path / 'hub.db'}")
    token = enrol(db, "desk-1")
    server = HubServer(db)  # down at first
    app = desk_app(db_path, clock=clock, hub=HubConfig(server.url, token))
    try:
        async with app.run_test(size=SIZE) as pilot:
            await open_session(pilot)
            screen = entry(app)
            screen.sync_worker.base_delay = 0.05  # type: ignore[union-attr]
            screen.sync_worker.max_delay = 0.2  # type: ignore[union-attr]
            screen.form.set_values({"id_number": "079092001234", "full_name": "Nguyễn Văn An",
                                    "dob": "150892"})  # fmt: skip
            await pilot.press("ctrl+s")
            await until(pilot, lambda: "hub unreachable since" in text_of(app, "#status"),
                        "the outage to show")  # fmt: skip
            assert "backlog 1" in text_of(app, "#status")
            server.start()  # the link comes back: nothing for the volunteer to do
            await until(pilot, lambda: text_of(app, "#status").endswith("synced"), "the upload")
            assert db.count_versions() == 1
    finally:
        server.stop()
        db.close()


async def test_a_refused_token_is_said_plainly(
    db_path: Path, clock: FakeClock, tmp_path: Path
) -> None:
    db = HubDB(f"sqlite:///{tmp_path / 'hub.db'}")
    server = HubServer(db).start()
    app = desk_app(db_path, clock=clock, hub=HubConfig(server.url, "vxd_not-enrolled"))
    try:
        async with app.run_test(size=SIZE) as pilot:
            await open_session(pilot)
            await until(pilot, lambda: "refused" in text_of(app, "#status"), "the refusal")
            assert "hub refused this desk" in text_of(app, "#status")
            assert "unknown or revoked token" in text_of(app, "#status")
    finally:
        server.stop()
        db.close()
