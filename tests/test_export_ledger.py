"""The whole way out and back with a real hub on loopback: desks upload, the hub exports the
day, the platform's result file refuses one row, the supervisor sees that record (count and
list), the desk that made it sees it in today's list (from its heartbeat), corrects it, and
`--only-new` exports just it."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from textual.widgets import DataTable, Static

from hub.db import Desk, HubDB
from hub.export_ledger import not_sent_count, refused_versions, rows_of
from hub.national_export import SHEET, export_site
from hub.platform_results import import_results
from hub.tokens import issue_supervisor_token
from store import open_store
from store.refusals import checked_refusals, keep_refusals, platform_refusals
from sync.supervision import platform_figures
from sync.worker import HubConfig
from tests.conftest import FakeClock, desk_app, until
from tests.test_sync import desk_store, drain
from tests.test_tui_desk import SIZE, entry, open_session, text_of
from tui.screens.site_platform import SitePlatformScreen
from tui.screens.today import TodayScreen
from tui.supervise import make_supervisor_app
from vaxdesk.testing.desk import type_text
from vaxdesk.testing.hub import SITE, HubServer, enrol

REASON = "Số CMT/CCCD không hợp lệ"
OTHER_REASON = "Sai định dạng ngày sinh"


def refuse_rows(exported: Path, out: Path, refused: dict[int, str]) -> Path:
    """The platform's answer: every row accepted but those `refused` (# → reason)."""
    book = load_workbook(exported)
    for row in book[SHEET].iter_rows(min_row=9):
        row[24].value = refused.get(int(row[0].value), "Thành công")
    book.save(out)
    return out


async def test_refused_at_the_platform_corrected_at_the_desk(
    hub: HubServer, hub_db: HubDB, tmp_path: Path, clock: FakeClock
) -> None:
    token = enrol(hub_db, "desk-1")
    path = desk_store(tmp_path, "desk-1", 3, seed=4, clock=clock)
    await drain(path, hub.url, token)
    day = clock().date()
    assert not_sent_count(hub_db, SITE) == 3
    done = export_site(hub_db, SITE, day, day, tmp_path / "day.xlsx")
    rows = rows_of(hub_db, done.export_id)
    [refused], [left], [accepted] = rows[2], rows[3], rows[1]  # by the file's row
    answers = {2: REASON, 3: OTHER_REASON}
    result = refuse_rows(tmp_path / "day.xlsx", tmp_path / "result.xlsx", answers)
    import_results(hub_db, result, clock())
    flagged = {(r["record_id"], r["version"]) for r in refused_versions(hub_db, site_id=SITE)}
    assert flagged == {(refused["record_id"], 1), (left["record_id"], 1)}  # exactly those

    # The supervisor: the count in the figures, the record in the list (p).
    supervisor = issue_supervisor_token(hub_db, SITE, clock())
    app = make_supervisor_app(hub.url, supervisor, SITE, refresh_seconds=0.2)
    async with app.run_test(size=(160, 30)) as pilot:
        line = app.screen.query_one("#site-platform", Static)
        await until(pilot, lambda: "refused" in str(line.render()), "the platform's figures")
        assert str(line.render()) == (
            "Not yet sent to the national platform: 0 records · ⚠ 2 refused by the platform, "
            "to correct (p: the list)"
        )
        await pilot.press("p")
        assert isinstance(app.screen, SitePlatformScreen)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 2
        listed = sorted(tuple(str(c) for c in table.get_row_at(i)) for i in range(2))
        assert {(desk, reason) for desk, _given, _person, reason in listed} == {
            ("desk-1", REASON), ("desk-1", OTHER_REASON)}  # fmt: skip
        assert all(given.startswith(day.strftime("%d/%m/%Y")) for _d, given, _p, _r in listed)
        masked = {"********" + b["id_number"][-4:] for b in (refused, left)}
        assert {person for _d, _g, person, _r in listed} == masked

    # The desk that made it: its heartbeat brings the refusal; today's list marks the row.
    desk = desk_app(path, clock=clock, hub=HubConfig(hub.url, token))
    async with desk.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        with open_store(path) as store:
            await until(pilot, lambda: platform_refusals(store), "the heartbeat's refusals")
        await pilot.press("f3")
        today = desk.screen
        assert isinstance(today, TodayScreen)
        table = today.query_one(DataTable)
        def status(record: dict) -> str:
            return str(table.get_row(record["record_id"])[1])

        assert status(refused) == f"v1 ⚠ refused by the national platform: {REASON}"
        assert status(left) == f"v1 ⚠ refused by the national platform: {OTHER_REASON}"
        assert status(accepted) == "v1"
        assert text_of(desk, "#today-message") == (
            "3 records today · ⚠ 2 refused by the national platform: Enter opens each to correct")
        table.move_cursor(row=table.get_row_index(refused["record_id"]))
        await pilot.press("enter")  # opens it to correct, as any row of the list
        screen = entry(desk)
        assert screen.editing is not None
        screen.form.focus_field("phone")
        await type_text(pilot, "0861234567")
        await pilot.press("ctrl+s")
        assert "Corrected (v2)" in text_of(desk, "#message")
        corrected = (refused["record_id"], 2)
        await until(pilot, lambda: corrected in set(hub_db.keys()), "the correction")
        await pilot.press("f3")
        table = desk.screen.query_one(DataTable)
        assert status(refused) == "v2"  # no longer refused
        assert status(left).endswith(OTHER_REASON)  # not corrected: still refused

    [still] = refused_versions(hub_db, site_id=SITE)
    assert (still["record_id"], still["version"]) == (left["record_id"], 1)
    assert not_sent_count(hub_db, SITE) == 1
    again = export_site(hub_db, SITE, day, day, tmp_path / "new.xlsx", only_new=True)
    assert (again.people, again.records) == (1, 1)
    [[(record_id, version)]] = [
        [(b["record_id"], b["version"]) for b in bodies]
        for bodies in rows_of(hub_db, again.export_id).values()
    ]
    assert (record_id, version) == (refused["record_id"], 2)
    assert not_sent_count(hub_db, SITE) == 0


def test_the_desk_keeps_the_hubs_list_as_it_is(tmp_path: Path, clock: FakeClock) -> None:
    assert checked_refusals([{"record_id": "r1", "version": 2, "reason": "x"},
                             {"record_id": "r2", "version": "2", "reason": "y"}, "z",
                             {"record_id": "r3", "version": 1}]) == [("r1", 2, "x")]  # fmt: skip
    assert checked_refusals({"not": "a list"}) == []
    with open_store(tmp_path / "desk.db", clock) as store:
        keep_refusals(store, [{"record_id": "r1", "version": 1, "reason": "sai"}])
        keep_refusals(store, [{"record_id": "r2", "version": 3, "reason": "thiếu"}])
        assert platform_refusals(store) == {("r2", 3): "thiếu"}  # replaced whole
        keep_refusals(store, [])
        assert platform_refusals(store) == {}


def test_a_hub_before_the_ledger_says_nothing_of_the_platform() -> None:
    assert platform_figures({"desks": []}) is None
    from tui.screens.site_platform import platform_line

    assert platform_line({"desks": []}) == ""
    assert platform_line({"platform": {"not_sent": 1, "refused": 0, "refusals": []}}) == (
        "Not yet sent to the national platform: 1 record")  # fmt: skip


def test_the_supervisors_figure_is_counted_again_after_an_export(
    hub_db: HubDB, tmp_path: Path
) -> None:
    """The figure is a counter kept as records arrive and exports complete (issue 15): fresh
    at once, and always the ledger's own count."""
    from hub.export_ledger import not_sent_figure
    from tests.test_national_export import NOW, body
    from tests.test_national_export import SITE as SITE_X
    from tests.test_platform_results import AUGUST, site_of_three

    site_of_three(hub_db)
    assert not_sent_figure(hub_db, SITE_X) == 5 == not_sent_count(hub_db, SITE_X)
    hub_db.ingest(Desk("desk-1", SITE_X), [body("r8", person_key="cccd:x", full_name="X")], NOW)
    assert not_sent_figure(hub_db, SITE_X) == 6 == not_sent_count(hub_db, SITE_X)
    export_site(hub_db, SITE_X, *AUGUST, tmp_path / "out.xlsx")
    assert not_sent_figure(hub_db, SITE_X) == 1 == not_sent_count(hub_db, SITE_X)
    export_site(hub_db, SITE_X, *AUGUST, tmp_path / "again.xlsx")  # out already: no change
    assert not_sent_figure(hub_db, SITE_X) == 1
    hub_db.rebuild_stats()
    assert not_sent_figure(hub_db, SITE_X) == 1


def test_the_fhir_export_is_in_the_ledger_too(hub_db: HubDB, tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from hub.export_ledger import unsent
    from tests.test_national_export import NOW, body
    from tests.test_national_export import SITE as SITE_X
    from tests.test_platform_results import AUGUST, site_of_three
    from vaxdesk.cli import main

    def fhir(out: Path, *flags: str) -> list[str]:
        result = CliRunner().invoke(main, ["hub", "--db", hub_db.url, "export", "--site", SITE_X,
                                           "--from", "01/08/2021", "--to", "31/08/2021",
                                           "--format", "fhir", *flags, str(out)])  # fmt: skip
        assert result.exit_code == 0, result.output
        assert "kept in the hub's ledger" in result.output
        lines = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
        return sorted(r["id"] for r in lines if r["resourceType"] == "Immunization")

    site_of_three(hub_db)
    assert len(fhir(tmp_path / "all.ndjson")) == 5  # the voided record too, for FHIR
    assert unsent(hub_db, "fhir", SITE_X, *AUGUST) == set()
    assert not_sent_count(hub_db, SITE_X) == 5  # the national platform has nothing yet
    hub_db.ingest(Desk("desk-1", SITE_X), [body("r1", 2, lot="A0009")], NOW)
    assert unsent(hub_db, "fhir", SITE_X, *AUGUST) == {("r1", 2)}
    assert len(fhir(tmp_path / "new.ndjson", "--only-new")) == 1
    assert unsent(hub_db, "fhir", SITE_X, *AUGUST) == set()


async def test_a_heartbeat_brings_only_that_desks_refusals(
    hub: HubServer, hub_db: HubDB, tmp_path: Path, clock: FakeClock
) -> None:
    from sync.worker import HubClient

    one, two = enrol(hub_db, "desk-1"), enrol(hub_db, "desk-2")
    await drain(desk_store(tmp_path, "desk-1", 2, seed=5, clock=clock), hub.url, one)
    await drain(desk_store(tmp_path, "desk-2", 1, seed=6, clock=clock), hub.url, two)
    day = clock().date()
    done = export_site(hub_db, SITE, day, day, tmp_path / "day.xlsx")
    everyone = {n: bodies[0] for n, bodies in rows_of(hub_db, done.export_id).items()}
    result = refuse_rows(tmp_path / "day.xlsx", tmp_path / "result.xlsx",
                         dict.fromkeys(everyone, REASON))  # fmt: skip
    import_results(hub_db, result, clock())
    by_desk: dict[str, set[str]] = {}
    for body in everyone.values():
        by_desk.setdefault(str(body["desk_id"]), set()).add(str(body["record_id"]))
    for token, desk_id in ((one, "desk-1"), (two, "desk-2")):
        client = HubClient(hub.url, token)
        try:
            reply = await client.heartbeat({"backlog": 0})
        finally:
            await client.close()
        listed = reply["platform_refusals"]
        assert {r["record_id"] for r in listed} == by_desk[desk_id]
        assert all(r["version"] == 1 and r["reason"] == REASON for r in listed)
        assert set(listed[0]) == {"record_id", "version", "reason"}  # nothing of the person
