"""A hub that keeps only what the domain's rules allow: each wrong record refused with its
reason, malformed bodies answered 4xx in one line (never a 500), refusals parked at the desk
and shown in today's list."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from domain.record import EntryContext, Mode, build_record, build_session, identity_to_form
from domain.wire import (
    API,
    HEARTBEAT_PATH,
    INVALID,
    ITEMS_PATH,
    MAX_BATCH,
    RECORD_FIELDS,
    RECORDS_PATH,
    STORED,
    checked_record,
)
from hub.db import HubDB
from scanner.synthetic import people
from store import open_store
from sync.worker import SyncState
from tests.conftest import SESSION_FORM, FakeClock, desk_app, until
from tests.test_sync import desk_store, worker
from tests.test_tui_desk import SIZE, open_session, text_of
from vaxdesk.testing.hub import HubServer, enrol


def bodies_of(path: Path) -> list[dict[str, Any]]:
    with open_store(path) as store:
        return [item.payload for item in store.outbox_claim(1000)]


def item(body: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "record", "key": body.get("record_id"), "version": body.get("version"),
            "payload": body}  # fmt: skip


def fresh(body: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """Another record (its own id) with these fields changed."""
    from domain.record import new_record_id

    return {**body, "record_id": new_record_id(), **changes}


async def test_the_hub_refuses_each_wrong_record_with_its_reason(
    hub: HubServer, hub_db: HubDB, tmp_path: Path
) -> None:
    """The records issue 11 saw stored: each refused alone, at its field, with a code and
    words; the good record of the same batch is kept."""
    good, other = bodies_of(desk_store(tmp_path, "desk-1", 2))
    born = int(good["dob"][:4])
    wrong = {
        ("given_on", "date.future"): fresh(good, given_on="2030-01-01"),
        ("vaccine", "vaccine.unknown"): fresh(good, vaccine="XX"),
        ("dose_number", "dose.range"): fresh(good, dose_number=42),
        ("dose_number", "wire.not_an_integer"): fresh(good, dose_number="x"),
        ("given_on", "given_on.before_birth"): fresh(good, given_on=f"{born - 1}-06-01"),
        ("version", "record.version"): fresh(good, version=0),
        ("person_key", "record.person_key"): fresh(good, person_key=other["person_key"]),
        ("screening", "wire.choice"): fresh(good, screening="Z"),
        ("lot", "lot.characters"): fresh(good, lot="lot 1!"),
        ("source", "hub.demo_record"): fresh(good, source="demo"),
        ("recorded_at", "record.moment"): fresh(good, recorded_at="yesterday"),
    }
    async with httpx.AsyncClient(base_url=hub.url,
                                 headers={"Authorization": f"Bearer {enrol(hub_db, 'desk-1')}"}
                                 ) as desk:  # fmt: skip
        reply = await desk.post(ITEMS_PATH, json={"items": [item(good)] + [
            item(body) for body in wrong.values()]})  # fmt: skip
    assert reply.status_code == 200
    first, *refused = reply.json()["results"]
    assert first["result"] == STORED
    assert [(r["result"], r["field"], r["code"]) for r in refused] == [
        (INVALID, field, code) for field, code in wrong
    ]
    by_code = {r["code"]: r["message"] for r in refused}
    assert by_code["date.future"] == "given_on: 01/01/2030 is in the future"
    assert by_code["given_on.before_birth"].startswith("given_on: the dose was given before")
    assert by_code["record.person_key"] == "person_key: the person key is not this person's"
    assert hub_db.keys() == [(good["record_id"], 1)]


async def test_malformed_bodies_get_a_one_line_4xx(
    hub: HubServer, hub_db: HubDB, tmp_path: Path
) -> None:
    """Wrong types anywhere: a per-record refusal in a batch (the good records stored), a 400
    with one line for a heartbeat or a body that cannot be read; never a 500."""
    good, second = bodies_of(desk_store(tmp_path, "desk-1", 2))
    no_key = {k: v for k, v in fresh(good).items() if k != "person_key"}
    headers = {"Authorization": f"Bearer {enrol(hub_db, 'desk-1')}"}
    async with httpx.AsyncClient(base_url=hub.url, headers=headers) as desk:
        v1 = await desk.post(RECORDS_PATH, json={"records": [no_key, fresh(good, version="abc"),
                                                             good, 7]})  # fmt: skip
        assert v1.status_code == 200
        results = v1.json()["results"]
        assert [(r["result"], r.get("field")) for r in results] == [
            (INVALID, "person_key"), (INVALID, "version"), (STORED, None), (INVALID, "record")]
        assert results[1]["message"] == "version: must be a whole number"

        items = await desk.post(ITEMS_PATH, json={"items": [1, "x", None, [], item(second)]})
        assert [r["result"] for r in items.json()["results"]] == [INVALID] * 4 + [STORED]

        for beat, reason in (({"backlog": "x"}, "backlog: must be a whole number, 0 or more"),
                             ({"audit_seq": 10**20}, "audit_seq: must be a whole number"),
                             ({"camera": ["on"]}, "camera: must be text"),
                             ([1, 2], "heartbeat: not a JSON object")):  # fmt: skip
            answer = await desk.post(HEARTBEAT_PATH, json=beat)
            assert answer.status_code == 400, beat
            assert answer.json()["error"].startswith(reason) and "\n" not in answer.text

        huge = fresh(good, version=10**12)
        answer = await desk.post(ITEMS_PATH, json={"items": [item(huge)]})
        assert answer.json()["results"][0]["code"] == "record.version"
        for path, raw in ((f"{API}/reconcile", '{"keys": [["a", Infinity]]}'),
                          (ITEMS_PATH, "{not json"), (f"{API}/people/doses", "[1]")):  # fmt: skip
            answer = await desk.post(path, content=raw)
            assert answer.status_code == 400, path
            assert "\n" not in answer.json()["error"]
    assert sorted(hub_db.keys()) == sorted([(good["record_id"], 1), (second["record_id"], 1)])


async def test_no_field_of_any_type_makes_the_hub_fail(
    hub: HubServer, hub_db: HubDB, tmp_path: Path
) -> None:
    """Every field of a record replaced by a value of every JSON type, in one batch: each
    item gets its own result; those kept are records the domain accepts."""
    [good] = bodies_of(desk_store(tmp_path, "desk-1", 1))
    values: list[Any] = [None, True, -1, 2**70, 1.5, "", "x" * 500, "\x00", [], {"a": 1}]
    batch = []
    for name in RECORD_FIELDS:
        for value in values:
            if name == "desk_id" and isinstance(value, str):
                continue  # another desk's record: the whole batch is a forgery (403)
            batch.append({**item(fresh(good, **{name: value})), "version": 1})
    assert len(batch) <= MAX_BATCH
    headers = {"Authorization": f"Bearer {enrol(hub_db, 'desk-1')}"}
    async with httpx.AsyncClient(base_url=hub.url, headers=headers) as desk:
        answer = await desk.post(ITEMS_PATH, json={"items": batch})
    assert answer.status_code == 200
    results = answer.json()["results"]
    assert len(results) == len(batch)
    kept = [b for b, r in zip(batch, results, strict=True) if r["result"] == STORED]
    assert {r["result"] for r in results} <= {STORED, INVALID}
    # What can stay right with such a value: an empty phone, address or note, and so on.
    assert 0 < len(kept) < len(batch) / 10
    for kept_item in kept:
        checked_record(kept_item["payload"], today=date.today())
    assert hub_db.count_versions() == len(kept)


def wrong_record_saved(path: Path, clock: FakeClock) -> str:
    """A dose dated 2030 in the desk's file, as a desk of an earlier version could save it
    (today's desk refuses it at the form): its id."""
    session = build_session({**SESSION_FORM, "desk_id": "desk-1"}, today=clock().date())
    ctx = EntryContext(session=session, mode=Mode.LIVE, now=clock())
    record = build_record(identity_to_form(next(people(77))), ctx)
    with open_store(path, clock) as store:
        saved = store.save(replace(record, given_on=date(2030, 1, 1)))
    return saved.record_id


async def test_the_worker_parks_a_refusal_and_never_sends_it_again(
    hub: HubServer, hub_db: HubDB, tmp_path: Path
) -> None:
    clock = FakeClock(datetime.now().astimezone())
    path = desk_store(tmp_path, "desk-1", 3, clock=clock)
    bad = wrong_record_saved(path, clock)
    states: list[SyncState] = []
    sync, client = worker(path, hub.url, enrol(hub_db, "desk-1"), on_state=states.append)
    try:
        assert await sync.run(once=True)  # drained: the refusal is not a backlog
        assert await sync.run(once=True)
    finally:
        await client.close()
    with open_store(path) as store:
        assert store.outbox_counts() == {"acked": 3, "refused": 1}
        [problem] = store.outbox_problems()
        attempts = store.conn.execute("SELECT attempts FROM outbox WHERE key = ?", [bad]).fetchone()
    assert problem["key"] == bad and problem["state"] == "refused"
    assert problem["last_error"] == (
        "refused: given_on: 01/01/2030 is in the future [date.future]"
    )
    assert attempts == (1,)
    assert states[-1].refused_items == 1 and states[-1].backlog == 0
    assert hub_db.count_versions() == 3


async def test_a_batch_refused_whole_is_sent_one_by_one(tmp_path: Path) -> None:
    """A batch the hub will not read as a whole (too big here) is not retried for ever: its
    items go one at a time, and all are kept."""
    db = HubDB(f"sqlite:///{tmp_path / 'hub.db'}")
    server = HubServer(db).start()
    path = desk_store(tmp_path, "desk-1", MAX_BATCH + 1)
    sync, client = worker(path, server.url, enrol(db, "desk-1"), batch_size=MAX_BATCH + 1)
    try:
        assert await sync.run(once=True)
        with open_store(path) as store:
            assert store.outbox_counts() == {"acked": MAX_BATCH + 1}
        assert db.count_versions() == MAX_BATCH + 1
    finally:
        await client.close()
        server.stop()
        db.close()


async def test_todays_list_says_what_the_hub_refused(
    db_path: Path, clock: FakeClock, tmp_path: Path
) -> None:
    from textual.widgets import DataTable

    from sync.worker import HubConfig

    db = HubDB(f"sqlite:///{tmp_path / 'hub.db'}")
    server = HubServer(db).start()
    wrong_record_saved(db_path, clock)
    app = desk_app(db_path, clock=clock, hub=HubConfig(server.url, enrol(db, "desk-1")))
    try:
        async with app.run_test(size=SIZE) as pilot:
            await open_session(pilot)
            await until(pilot, lambda: "refused by the hub" in text_of(app, "#status"),
                        "the refusal to show")  # fmt: skip
            assert "1 refused by the hub: see F3" in text_of(app, "#status")
            await pilot.press("f3")
            assert app.screen.query_one(DataTable).row_count == 1
            status = text_of(app, "#row-detail")  # the Status column is cut at this width
            assert "⚠ hub refused: Given on: 01/01/2030 is in the future" in status
    finally:
        server.stop()
        db.close()


async def test_only_the_demos_hub_keeps_the_demos_records(tmp_path: Path) -> None:
    """A record made by the demo (source demo) is refused by a real hub, kept by the demo's."""
    [body] = bodies_of(desk_store(tmp_path, "desk-1", 1))
    results = {}
    for demo in (False, True):
        db = HubDB(f"sqlite:///{tmp_path / f'hub-{demo}.db'}")
        server = HubServer(db, demo=demo).start()
        headers = {"Authorization": f"Bearer {enrol(db, 'desk-1')}"}
        try:
            async with httpx.AsyncClient(base_url=server.url, headers=headers) as desk:
                answer = await desk.post(ITEMS_PATH, json={"items": [item({**body,
                                                                            "source": "demo"})]})
            results[demo] = answer.json()["results"][0]
        finally:
            server.stop()
            db.close()
    assert (results[False]["result"], results[False]["code"]) == (INVALID, "hub.demo_record")
    assert results[False]["message"] == (
        "source: a record made by the demo: this hub keeps real records only"
    )
    assert results[True]["result"] == STORED


def test_the_desk_refuses_what_the_hub_would(clock: FakeClock) -> None:
    """A dose before the birth year of a person whose birth year alone is known passed the
    desk's form and reached the hub: the desk refuses it at the field now, with the hub's
    rule; what the desk builds, the hub keeps."""
    from domain.errors import ValidationError
    from domain.wire import checked_record, record_to_body

    session = build_session(SESSION_FORM, today=clock().date())
    retro = EntryContext(session=session, mode=Mode.RETROSPECTIVE, now=clock())
    form = {"id_number": "", "full_name": "Thạch Thị Sa", "dob": "1995", "sex": "2",
            "vaccine": "AZ", "lot": "NX1", "given_on": "01/06/1994"}  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        build_record(form, retro)
    assert refused.value.errors["given_on"].code == "given_on.before_birth"
    record = build_record({**form, "given_on": "01/06/2021", "dose_number": "1"}, retro)
    stamped = replace(record, recorded_at=clock().isoformat())
    assert checked_record(record_to_body(stamped), today=clock().date()) == stamped
