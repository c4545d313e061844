"""The day's subject states travel to the hub like records (item 8 of issue 13): each change is
queued with it, the hub keeps every version once (a re-send acknowledged, other content a
conflict), and the supervisor sees per desk how many wait and how many are under observation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from textual.widgets import DataTable

import i18n
from desk.arrival import after_saved, lookup, mark_arrived, register_walk_in, set_state
from domain.dates import PartialDate
from domain.identity import Identity, IdType, Sex
from domain.record import EntryContext, Mode, build_record, build_session, identity_to_form
from domain.subjects import ListEntry, Subject, SubjectState
from domain.wire import SUBJECT_STATE, state_key
from hub.db import HubDB
from hub.tokens import issue_supervisor_token
from store import Store, open_store
from store.observation import Observations
from sync.worker import HubClient
from tests.conftest import ICT, SESSION_FORM, FakeClock, until
from tests.test_supervise import HubClock, cell
from tests.test_sync import drain
from tui.screens.site import COLUMNS
from tui.supervise import make_supervisor_app
from vaxdesk.testing.hub import SITE, HubServer, enrol

DAY = date(2026, 11, 23)
AN = Identity(IdType.CCCD, "079092001234", "Nguyễn Văn An", PartialDate(1992, 8, 15), Sex.MALE)
BICH = Identity(IdType.CCCD, "001185000123", "Trần Thị Bích", PartialDate(1985, 3, 2), Sex.FEMALE)
CUONG = Identity(IdType.NONE, "", "Lê Văn Cường", PartialDate(1960), Sex.MALE)
DUNG = Identity(IdType.CCCD, "079190000321", "Phạm Văn Dũng", PartialDate(1990, 1, 5), Sex.MALE)


@pytest.fixture
def morning() -> FakeClock:
    """10:00 at the site, whatever the hour where the tests run."""
    return FakeClock(datetime(2026, 11, 23, 10, 0, tzinfo=ICT))


@pytest.fixture
def hub_clock(morning: FakeClock) -> HubClock:
    return HubClock(morning())


@pytest.fixture
def site(tmp_path: Path, hub_clock: HubClock) -> Iterator[tuple[HubServer, HubDB, str]]:
    db = HubDB(f"sqlite:///{tmp_path / 'hub.db'}")
    supervisor = issue_supervisor_token(db, SITE, hub_clock())
    server = HubServer(db, clock=hub_clock).start()
    yield server, db, supervisor
    server.stop()
    db.close()


def subject(store: Store, person: Identity) -> Subject:
    return lookup(store, SITE, DAY, name=person.full_name, dob=person.dob)


def desk_with_a_list(tmp_path: Path, clock: FakeClock) -> Path:
    """desk-1's day: An and Cường arrived (waiting), Bích vaccinated (a dose saved), Dũng a
    walk-in (waiting)."""
    path = tmp_path / "desk-1.db"
    session = build_session(SESSION_FORM, today=DAY)
    ctx = EntryContext(session=session, mode=Mode.LIVE, now=clock())
    with open_store(path, clock) as store:
        store.subjects.apply_list(
            site_id=SITE, day=DAY, list_hash="h", file_name="f.xlsx", by="-",
            entries=[ListEntry(person=p, priority_group="1") for p in (AN, BICH, CUONG)],
        )  # fmt: skip
        for person in (AN, BICH, CUONG):
            mark_arrived(store, subject(store, person), "hoa")
        set_state(store, subject(store, CUONG),
                  SubjectState.ELIGIBLE, "hoa")  # fmt: skip
        record = store.save(build_record(identity_to_form(BICH), ctx))
        assert after_saved(store, record, "hoa").state is SubjectState.VACCINATED  # type: ignore[union-attr]
        register_walk_in(store, SITE, DAY, DUNG, "hoa")
    return path


def state_items(path: Path) -> list[tuple[str, int, str]]:
    with open_store(path) as store:
        rows = store.db.query(
            "SELECT key, version, payload FROM outbox WHERE kind = ? ORDER BY seq", [SUBJECT_STATE]
        )
        return [(row["key"], row["version"], row["payload"]) for row in rows]


def test_each_state_change_is_queued_with_it(tmp_path: Path, morning: FakeClock) -> None:
    path = desk_with_a_list(tmp_path, morning)
    items = state_items(path)
    bich = state_key(SITE, DAY, BICH.person_key)
    # An, Bích, Cường arrived (v1); Cường eligible (v2); Bích eligible (v2) and vaccinated
    # (v3) after the dose; Dũng walked in (v1)
    assert [(k, v) for k, v, _ in items if k == bich] == [(bich, 1), (bich, 2), (bich, 3)]
    assert len(items) == 7
    assert all("Trần" not in payload and "1985" not in payload for _, _, payload in items)


async def test_the_hub_keeps_states_once_and_the_supervisor_counts_them(
    site: tuple[HubServer, HubDB, str], tmp_path: Path, hub_clock: HubClock, morning: FakeClock
) -> None:
    server, db, supervisor = site
    token = enrol(db, "desk-1")
    path = desk_with_a_list(tmp_path, morning)
    await drain(path, server.url, token)
    with open_store(path) as store:
        pending = store.db.execute("SELECT COUNT(*) FROM outbox WHERE state != 'acked'")
        assert pending.fetchone()[0] == 0
        items = [{"kind": r["kind"], "key": r["key"], "version": r["version"],
                  "payload": json.loads(r["payload"])}
                 for r in store.db.query("SELECT * FROM outbox WHERE kind = ?",
                                         [SUBJECT_STATE])]  # fmt: skip
    with db._tx() as cur:
        cur.execute("SELECT COUNT(*) FROM day_states")
        assert cur.fetchone()[0] == 7
    client = HubClient(server.url, token)
    try:
        again = await client.upload_items(items)  # sent twice: kept once
        other = {**items[0], "payload": {**items[0]["payload"], "state": "left"}}
        forged = {**items[1], "payload": {**items[1]["payload"], "state": "dancing"}}
        there = state_key("XX", DAY, items[1]["payload"]["person_key"])
        elsewhere = {**items[1], "key": there,
                     "payload": {**items[1]["payload"], "site_id": "XX", "state_key": there}}
        odd = await client.upload_items([other, forged, elsewhere])
        missing = await client.missing_items([(SUBJECT_STATE, items[0]["key"], 1),
                                              (SUBJECT_STATE, items[0]["key"], 9)])  # fmt: skip
    finally:
        await client.close()
    assert {r["result"] for r in again["results"]} == {"duplicate"}
    assert [r["result"] for r in odd["results"]] == ["conflict", "invalid", "invalid"]
    assert odd["results"][0]["field"] == "state" and odd["results"][2]["field"] == "site_id"
    assert missing == [(SUBJECT_STATE, items[0]["key"], 9)]
    with db._tx() as cur:
        cur.execute("SELECT COUNT(*) FROM day_states")
        assert cur.fetchone()[0] == 7
    [figures] = db.site_stats(SITE, morning(), morning().replace(hour=0, minute=0))
    assert (figures["waiting"], figures["in_observation"]) == (3, 1)
    assert figures["conflicts"] == 1 and figures["today"] == 1
    app = make_supervisor_app(server.url, supervisor, SITE, refresh_seconds=0.2)
    async with app.run_test(size=(180, 30)) as pilot:
        table = app.screen.query_one(DataTable)
        await until(pilot, lambda: table.row_count == 1, "the desk")
        assert cell(table, "desk-1", "waiting") == "3"
        assert cell(table, "desk-1", "observing") == "1"
        # Bích leaves, no reaction: the observation queue's mark observes her subject too,
        # the hub's figure follows.
        with open_store(path, morning) as store:
            [dose] = store.db.query("SELECT record_id FROM records")
            Observations(store).mark(dose["record_id"], "hoa")
            assert subject(store, BICH).state is SubjectState.OBSERVED
        await drain(path, server.url, token)
        await until(pilot, lambda: cell(table, "desk-1", "observing") == "0", "the new state")
        assert cell(table, "desk-1", "waiting") == "3"


def test_the_columns_speak_vietnamese() -> None:
    labels = dict(COLUMNS)
    i18n.set_language("vi")
    assert i18n._(labels["waiting"]) == "Chờ tiêm"
    assert i18n._(labels["observing"]) == "Theo dõi"


def test_the_hub_keeps_and_counts_states_on_both_databases(
    hub_db: HubDB, tmp_path: Path, morning: FakeClock
) -> None:
    from hub.day_db import ingest_states, missing_states
    from hub.db import Desk

    path = desk_with_a_list(tmp_path, morning)
    bodies = [json.loads(payload) for _, _, payload in state_items(path)]
    desk, other = Desk("desk-1", SITE), Desk("desk-2", SITE)
    assert {r["result"] for r in ingest_states(hub_db, desk, bodies, morning())} == {"stored"}
    assert {r["result"] for r in ingest_states(hub_db, desk, bodies, morning())} == {"duplicate"}
    # another desk's states of the same people are its own, not a conflict
    assert ingest_states(hub_db, other, bodies[:1], morning())[0]["result"] == "stored"
    changed = ingest_states(hub_db, desk, [{**bodies[0], "state_at": "2026-11-23T03:05:00Z"}],
                            morning())  # fmt: skip
    assert changed[0]["result"] == "conflict" and changed[0]["field"] == "state_at"
    key = bodies[0]["state_key"]
    assert missing_states(hub_db, desk, [(key, 1), (key, 7)]) == [(key, 7)]
    figures = {d["desk_id"]: d for d in hub_db.site_stats(SITE, morning(),
                                                          morning().replace(hour=0, minute=0))}
    assert (figures["desk-1"]["waiting"], figures["desk-1"]["in_observation"]) == (3, 1)
    assert (figures["desk-2"]["waiting"], figures["desk-2"]["in_observation"]) == (1, 0)
    # another day's states are not today's
    later = morning().replace(day=24, hour=0, minute=0)
    assert all(d["waiting"] == 0 for d in hub_db.site_stats(SITE, morning(), later))
