"""The site's staff, created once at the hub (issue 16): only PIN hashes travel, only to desks
of the member's site, in the heartbeat's reply; a desk of the site logs them in with no link
to the hub; revoking one at the hub locks them out of every desk at its next heartbeat."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from desk import Desk
from desk.people import first_run, log_in
from domain.errors import FieldError
from domain.pins import hash_pin
from domain.roles import Role
from domain.wire_staff import checked_roster
from hub.db import HubDB
from hub.sites import build_site
from hub.staff import new_member
from hub.staff_db import StaffRefused
from store import open_store
from store.people import LoginError
from store.staff import held_roster, keep_roster
from sync.staff_sync import beat_fields
from sync.worker import HubClient, HubConfig
from tests.conftest import FakeClock, desk_app, until
from tests.test_sites import CAU_NGANG, HANOI
from tests.test_sync import drain
from tests.test_tui_desk import SIZE, text_of
from tui.screens.login import LoginScreen
from tui.screens.session import SessionScreen
from vaxdesk.cli import main
from vaxdesk.testing.desk import log_in as pilot_log_in
from vaxdesk.testing.hub import HubServer, enrol

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
SITE, OTHER = "TV-CN-01", "HN-01"
NURSE, NURSE_PIN = "Đặng Thị Mai", "8642"


def staffed_hub(db: HubDB) -> None:
    """Two registered sites; a nurse on the staff of the first."""
    db.add_site(build_site(CAU_NGANG), NOW)
    db.add_site(build_site(HANOI), NOW)
    db.add_member(new_member(SITE, NURSE, "vaccinator", NURSE_PIN), NOW)


def hub_users(path: Path) -> list[tuple[str, str, int, int]]:
    with open_store(path) as store:
        rows = store.conn.execute("SELECT name, role, active, revoked FROM users "
                                  "WHERE hub_staff_id != '' ORDER BY name").fetchall()  # fmt: skip
    return [tuple(row) for row in rows]


def test_the_staff_list_on_both_back_ends(hub_db: HubDB) -> None:
    staffed_hub(hub_db)
    with pytest.raises(StaffRefused) as twice:
        hub_db.add_member(new_member(SITE, "đặng thị  mai", "volunteer", "1111"), NOW)
    assert twice.value.code == "staff.exists"
    hub_db.add_member(new_member(OTHER, NURSE, "volunteer", "1111"), NOW)  # another site: fine
    first = hub_db.staff_revision(SITE)
    assert first > 0 and hub_db.staff_revision("NOWHERE") == 0
    # A desk holding the current list hears nothing of it; behind, it gets the whole list.
    assert hub_db.staff_reply(SITE, {"staff_site": SITE, "staff_revision": first}) == {}
    reply = hub_db.staff_reply(SITE, {})["staff"]
    assert reply["site_id"] == SITE and [m["name"] for m in reply["members"]] == [NURSE]
    assert reply["members"][0]["pin_hash"].startswith("$argon2id$")
    assert NURSE_PIN not in str(reply)
    assert hub_db.staff_reply("EMPTY-SITE", {}) == {}  # no staff, none held: nothing
    revoked = hub_db.revoke_member(SITE, "dang thi mai", NOW)  # without diacritics
    assert revoked.revoked and hub_db.staff_revision(SITE) > first
    gone = hub_db.staff_reply(SITE, {"staff_site": SITE, "staff_revision": first})["staff"]
    assert gone["members"] == [{"staff_id": revoked.staff_id, "name": NURSE,
                                "role": "vaccinator", "pin_hash": "", "revoked": True}]  # fmt: skip
    with pytest.raises(StaffRefused) as unknown:
        hub_db.revoke_member(SITE, "Nobody Here", NOW)
    assert unknown.value.code == "staff.unknown"
    back = hub_db.add_member(new_member(SITE, NURSE, "supervisor", "97531"), NOW)
    assert back.staff_id == revoked.staff_id and not back.revoked  # the same member, again
    assert [(m.name, m.role.value, m.revoked) for m in hub_db.members(SITE)] == [
        (NURSE, "supervisor", False)]  # fmt: skip


def roster(**member: Any) -> dict[str, Any]:
    entry = {"staff_id": "s-1", "name": NURSE, "role": "vaccinator",
             "pin_hash": hash_pin(NURSE_PIN), "revoked": False, **member}  # fmt: skip
    return {"site_id": SITE, "revision": 3, "members": [entry]}


@pytest.mark.parametrize(("member", "code"), [
    ({"pin_hash": "$argon2id$v=19$m=4194304,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA"},
     "staff.pin_hash"),  # 4 GiB a login: refused, not obeyed
    ({"pin_hash": NURSE_PIN}, "staff.pin_hash"),  # a PIN is never what travels
    ({"role": "admin"}, "staff.role"),
    ({"name": "R2D2"}, "name.digits"),
    ({"revoked": "no"}, "wire.not_text"),
])  # fmt: skip
def test_a_roster_that_is_not_right_is_refused_whole(
    member: dict[str, Any], code: str, tmp_path: Path
) -> None:
    with pytest.raises(FieldError) as raised:
        checked_roster(roster(**member))
    assert raised.value.code == code


def test_the_hubs_list_wins_over_a_desks_own_user(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "desk.db"
    with open_store(path, clock) as store:
        store.people.add(NURSE, Role.VACCINATOR, "1234", by="-")
        store.people.add("Trần Văn Giám", Role.SUPERVISOR, "1357", by="-")
        change = keep_roster(store, checked_roster(roster()))
        assert (change.added, change.changed, change.revoked) == (0, 1, 0)
        assert held_roster(store) == (SITE, 3) and beat_fields(store)["staff_revision"] == 3
        desk = Desk(store, clock)
        with pytest.raises(LoginError):
            log_in(desk, NURSE, "1234")  # the desk's own PIN gave way to the hub's
        assert log_in(desk, "dang thi mai", NURSE_PIN).name == NURSE
        assert log_in(desk, "Trần Văn Giám", "1357").name  # the desk's own users stay
        # Another site's list (a desk enrolled elsewhere): the first site's members go.
        elsewhere = {"site_id": OTHER, "revision": 9, "members": []}
        assert keep_roster(store, checked_roster(elsewhere)).revoked == 1
        with pytest.raises(LoginError) as revoked:
            log_in(desk, NURSE, NURSE_PIN)
        assert revoked.value.code == "login.revoked"
        assert "revoked at the hub" in str(revoked.value)


def hub_cli(db: str, *args: str, pin: str = "") -> Any:
    return CliRunner().invoke(main, ["hub", "--db", db, *args], input=pin,
                              env={"VAXDESK_DEBUG": ""})  # fmt: skip


def test_the_staff_commands(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'hub.db'}"
    add = ["user", "add", "--site", SITE, "--name", NURSE, "--role", "vaccinator"]
    unknown_site = hub_cli(db, *add, "--pin-stdin", pin=NURSE_PIN + "\n")
    assert unknown_site.exit_code == 1 and "no site TV-CN-01 in the hub's registry" in (
        unknown_site.output)  # fmt: skip
    site = ["--site", SITE, "--facility", "86123", "--name", "Trạm Y tế", "--province", "86",
            "--ward", "29416", "--tables", "4", "--in-charge", NURSE, "--phone", "0912345678"]
    assert hub_cli(db, "site", "add", *site).exit_code == 0
    added = hub_cli(db, *add, "--pin-stdin", pin=NURSE_PIN + "\n")
    assert added.exit_code == 0, added.output
    assert f"{NURSE} added as vaccinator" in added.output and NURSE_PIN not in added.output
    again = hub_cli(db, *add, "--pin-stdin", pin="1111\n")
    assert again.exit_code == 1 and "on the staff of site TV-CN-01 already" in again.output
    weak = hub_cli(db, "user", "add", "--site", SITE, "--name", "Lê Văn Tám", "--role",
                   "volunteer", "--pin-stdin", pin="12\n")  # fmt: skip
    assert weak.exit_code == 1 and "a PIN of 4-12 digits" in weak.output
    prompted = hub_cli(db, "user", "add", "--site", SITE, "--name", "Lê Văn Tám", "--role",
                       "volunteer", pin="5555\n5555\n")  # asked twice, hidden  # fmt: skip
    assert prompted.exit_code == 0 and "5555" not in prompted.output
    listed = hub_cli(db, "user", "list", "--site", SITE).output.splitlines()
    assert listed == ["Đặng Thị Mai\tvaccinator\tactive", "Lê Văn Tám\tvolunteer\tactive"]
    revoked = hub_cli(db, "user", "revoke", "--site", SITE, "--name", "le van tam")
    assert revoked.exit_code == 0 and "Lê Văn Tám revoked" in revoked.output
    nobody = hub_cli(db, "user", "revoke", "--site", SITE, "--name", "le van tam")
    assert nobody.exit_code == 1 and "nobody called 'le van tam'" in nobody.output
    assert hub_cli(db, "user", "list", "--site", SITE).output.splitlines()[1].endswith("revoked")


async def test_a_member_made_at_the_hub_logs_in_at_a_desk_offline_since(
    hub_db: HubDB, tmp_path: Path, clock: FakeClock
) -> None:
    staffed_hub(hub_db)
    server = HubServer(hub_db).start()
    ours, theirs = enrol(hub_db, "desk-1", SITE), enrol(hub_db, "desk-9", OTHER)
    path, elsewhere = tmp_path / "desk.db", tmp_path / "elsewhere.db"
    try:
        await drain(path, server.url, ours)  # one heartbeat: the site's staff come with it
        await drain(elsewhere, server.url, theirs)
        client = HubClient(server.url, theirs)
        try:
            reply = await client.heartbeat({})
        finally:
            await client.close()
    finally:
        server.stop()  # from here on the desk has no hub
    assert "staff" not in reply  # a desk of another site never receives them
    assert hub_users(elsewhere) == []
    assert hub_users(path) == [(NURSE, "vaccinator", 1, 0)]
    with open_store(path) as store:
        assert not first_run(store)  # staff from the hub: no first supervisor to create
    app = desk_app(path, clock=clock, hub=HubConfig(server.url, ours))
    async with app.run_test(size=SIZE) as pilot:
        await pilot_log_in(pilot, "dang thi mai", "0000")  # a wrong PIN
        assert isinstance(app.screen, LoginScreen)
        assert "Wrong name or PIN" in text_of(app, "#session-message")
        await pilot_log_in(pilot, "Nobody Known", NURSE_PIN)
        assert "Wrong name or PIN" in text_of(app, "#session-message")
        await pilot_log_in(pilot, "dang thi mai", NURSE_PIN)
        await until(pilot, lambda: isinstance(app.screen, SessionScreen), "the session screen")
        assert app.desk.user is not None and app.desk.user.name == NURSE


async def test_revoking_at_the_hub_sends_the_member_back_to_the_login(
    tmp_path: Path, clock: FakeClock
) -> None:
    db = HubDB(f"sqlite:///{tmp_path / 'hub.db'}")
    staffed_hub(db)
    server = HubServer(db).start()
    token = enrol(db, "desk-1", SITE)
    path = tmp_path / "desk.db"
    try:
        await drain(path, server.url, token)
        app = desk_app(path, clock=clock, hub=HubConfig(server.url, token))
        async with app.run_test(size=SIZE) as pilot:
            await pilot_log_in(pilot, NURSE, NURSE_PIN)
            await until(pilot, lambda: isinstance(app.screen, SessionScreen), "the session")
            with open_store(path) as store:
                users_before = store.conn.execute("SELECT COUNT(*) FROM users").fetchone()
                records_before = store.conn.execute("SELECT COUNT(*) FROM records").fetchone()
            db.revoke_member(SITE, NURSE, NOW)
            app.sync_worker.heartbeat_seconds = 0.05  # type: ignore[union-attr]
            app.sync_worker.nudge()  # type: ignore[union-attr]
            await until(pilot, lambda: isinstance(app.screen, LoginScreen), "the login")
            await pilot.pause()
            assert "Đặng Thị Mai was revoked at the hub" in text_of(app, "#session-message")
            assert app.desk.user is None
            await pilot_log_in(pilot, NURSE, NURSE_PIN)
            assert isinstance(app.screen, LoginScreen) and not app.screen.first_run
            assert "This user was revoked at the hub" in text_of(app, "#session-message")
            with open_store(path) as store:  # nothing else of the desk's changed
                assert store.conn.execute("SELECT COUNT(*) FROM users").fetchone() == users_before
                assert store.conn.execute("SELECT COUNT(*) FROM records").fetchone() == (
                    records_before)  # fmt: skip
            assert hub_users(path) == [(NURSE, "vaccinator", 0, 1)]
    finally:
        server.stop()
        db.close()


async def test_a_new_desk_of_the_site_takes_its_staff_instead_of_a_first_supervisor(
    tmp_path: Path, clock: FakeClock
) -> None:
    from tui.app import make_app

    db = HubDB(f"sqlite:///{tmp_path / 'hub.db'}")
    staffed_hub(db)
    server = HubServer(db).start()
    token = enrol(db, "desk-2", SITE)
    app = make_app(tmp_path / "new-desk.db", clock=clock, hub=HubConfig(server.url, token))
    try:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(app.screen, LoginScreen) and not
                        app.screen.first_run, "the staff from the hub")  # fmt: skip
            await pilot.pause()  # the new login screen mounted
            assert "staff came from the hub" in text_of(app, "#session-message")
            await pilot_log_in(pilot, NURSE, NURSE_PIN)
            await until(pilot, lambda: isinstance(app.screen, SessionScreen), "the session")
    finally:
        server.stop()
        db.close()
