"""The desk with a hub: records go up by themselves, and the status line says how it stands."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.db import HubDB
from store import open_store
from sync.worker import HubConfig
from tests.conftest import FakeClock, desk_app, until
from tests.test_sync import desk_store
from tests.test_tui_desk import SIZE, entry, open_session, text_of
from vaxdesk.testing.hub import HubServer, enrol


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
            app.sync_worker.base_delay = 0.05  # type: ignore[union-attr]
            app.sync_worker.max_delay = 0.2  # type: ignore[union-attr]
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


async def test_no_log_holds_a_persons_id_name_or_phone(
    db_path: Path, clock: FakeClock, tmp_path: Path
) -> None:
    """A desk session with a hub: every log file written is scanned for the test person."""
    import logging

    from vaxdesk.logs import setup_logging

    log_dir = tmp_path / "logs"
    setup_logging(log_dir / "desk-and-hub.log")
    db = HubDB(f"sqlite:///{tmp_path / 'hub.db'}")
    server = HubServer(db).start()
    app = desk_app(db_path, clock=clock, hub=HubConfig(server.url, enrol(db, "desk-1")))
    try:
        async with app.run_test(size=SIZE) as pilot:
            await open_session(pilot)
            screen = entry(app)
            screen.form.set_values({"id_number": "084185000321", "full_name": "Ngô Ngọc Yến",
                                    "dob": "020385", "phone": "0861234567"})  # fmt: skip
            await pilot.press("ctrl+s")
            await until(pilot, lambda: text_of(app, "#status").endswith("synced"), "the upload")
            screen.form.field("id_number").value = "084185000321"
            screen.form.focus_field("id_number")
            await pilot.press("enter")  # history pulled from the hub
            await pilot.pause(0.5)
    finally:
        server.stop()
        db.close()
        for handler in logging.getLogger("vaxdesk").handlers[:]:
            logging.getLogger("vaxdesk").removeHandler(handler)
            handler.close()
    text = "".join(p.read_text("utf-8") for p in log_dir.iterdir())
    assert "POST /api/v2/items 200 desk=desk-1" in text and "saved record" in text
    assert "POST /api/v1/people/doses 200" in text
    for personal in ("084185000321", "Ngô Ngọc Yến", "Ngo Ngoc Yen", "0861234567", "1985-03-02"):
        assert personal not in text


async def test_a_desk_left_at_the_login_screen_still_uploads(tmp_path: Path) -> None:
    """The sync worker belongs to the app, not to a screen: nobody needs to log in."""
    from tui.screens.login import LoginScreen

    backlog = desk_store(tmp_path, "desk-1", 3)
    db = HubDB(f"sqlite:///{tmp_path / 'hub.db'}")
    server = HubServer(db).start()
    app = desk_app(backlog, hub=HubConfig(server.url, enrol(db, "desk-1")))
    try:
        async with app.run_test(size=SIZE) as pilot:
            assert isinstance(app.screen, LoginScreen)
            await until(pilot, lambda: db.count_versions() == 3, "the backlog to drain")
            await until(pilot, lambda: app.sync_state.backlog == 0, "the state to say so")
            assert isinstance(app.screen, LoginScreen)
    finally:
        server.stop()
        db.close()


@pytest.mark.parametrize("url", ["http://[::1", "hub.lan:8470", "ftp://x"])
async def test_a_bad_hub_setting_leaves_the_desk_working_offline(
    db_path: Path, clock: FakeClock, url: str
) -> None:
    """Settings are checked when loaded; an app given a bad hub anyway neither crashes nor
    says "hub unreachable" for ever: it saves, and says the setting is wrong."""
    app = desk_app(db_path, clock=clock, hub=HubConfig(url, "vxd_token"))
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        screen = entry(app)
        screen.form.set_values({"id_number": "079092001234", "full_name": "Nguyễn Văn An",
                                "dob": "150892"})  # fmt: skip
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Saved ✓" in text_of(app, "#message"), "the record saved")
        await until(pilot, lambda: "hub setting is wrong" in text_of(app, "#status"),
                    "the status to say why nothing uploads")  # fmt: skip
        status = text_of(app, "#status")
        assert url in status and "backlog 1" in status and "unreachable" not in status
        assert app.is_running and app.return_code is None
    with open_store(db_path) as store:
        assert store.count_versions() == 1 and store.backlog() == 1


async def test_a_missing_ca_file_is_a_hub_setting_too(db_path: Path, clock: FakeClock) -> None:
    hub = HubConfig("https://hub.lan:8470", "vxd_token", "/nonexistent/ca.pem")
    app = desk_app(db_path, clock=clock, hub=hub)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        await until(pilot, lambda: "hub setting is wrong" in text_of(app, "#status"),
                    "the status to say why nothing uploads")  # fmt: skip
        assert "No such file" in text_of(app, "#status")
        assert app.is_running
