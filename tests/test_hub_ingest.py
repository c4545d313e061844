"""The hub keeps batches from many desks at once (a connection pool on PostgreSQL): the same
versions sent at once are kept once, conflicts found, nothing lost."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from typing import Any

from domain.record import EntryContext, Mode, build_record, build_session, identity_to_form
from domain.wire import CONFLICT, DUPLICATE, STORED, record_to_body
from hub.db import Desk, HubDB
from scanner.synthetic import people

ICT = timezone(timedelta(hours=7))
MOMENT = datetime(2026, 11, 23, 9, 30, tzinfo=ICT)
DESK = Desk("desk-1", "TV-CN-01")


def bodies(count: int, seed: int = 7) -> list[dict[str, Any]]:
    form = {"site_id": DESK.site_id, "desk_id": DESK.desk_id, "entered_by": "Lê Thị Hoa",
            "vaccinator": "Nguyễn Văn Bình", "vaccine": "AZ", "lot": "NX1234"}  # fmt: skip
    ctx = EntryContext(session=build_session(form, today=MOMENT.date()), mode=Mode.LIVE,
                       now=MOMENT)  # fmt: skip
    stream = people(seed)
    made = []
    for _ in range(count):
        body = record_to_body(build_record(identity_to_form(next(stream)), ctx))
        body.update(dose_number=1, recorded_at=MOMENT.isoformat())
        made.append(body)
    return made


def test_one_batch_sent_four_times_at_once_is_kept_once(hub_db: HubDB) -> None:
    batch = bodies(200)
    with ThreadPoolExecutor(4) as pool:
        replies = list(pool.map(lambda _: hub_db.ingest(DESK, batch, MOMENT), range(4)))
    for index in range(len(batch)):
        outcomes = sorted(reply[index]["result"] for reply in replies)
        assert outcomes == [DUPLICATE] * 3 + [STORED]
    assert hub_db.count_versions() == 200


def test_batches_of_many_desks_at_once_are_all_kept(hub_db: HubDB) -> None:
    batches = [bodies(150, seed) for seed in range(6)]
    with ThreadPoolExecutor(6) as pool:
        replies = list(pool.map(lambda b: hub_db.ingest(DESK, b, MOMENT), batches))
    assert all(r["result"] == STORED for reply in replies for r in reply)
    assert sorted(hub_db.keys()) == sorted((b["record_id"], 1) for batch in batches
                                           for b in batch)  # fmt: skip


def test_other_content_under_a_held_version_is_a_conflict_naming_the_field(hub_db: HubDB) -> None:
    batch = bodies(3)
    hub_db.ingest(DESK, batch, MOMENT)
    changed = [{**batch[0], "lot": "OTHER1"}, batch[1]]
    first, second = hub_db.ingest(DESK, changed, MOMENT)
    assert (first["result"], first["field"], second["result"]) == (CONFLICT, "lot", DUPLICATE)
    assert hub_db.count_versions() == 3


async def test_checks_in_worker_processes_give_the_same_verdicts() -> None:
    from hub.checking import Checker, check_bodies

    good = bodies(120)
    mixed: list[Any] = [*good[:60], {**good[60], "dose_number": "1"}, "not a record",
                        {**good[61], "full_name": "Ng9"}, {**good[62], "site_id": "OTHER"},
                        {**good[63], "source": "demo"}, *good[64:]]  # fmt: skip
    today = MOMENT.date()
    here = check_bodies(mixed, DESK.desk_id, DESK.site_id, today, False)
    huge = [*good[:70], {**good[70], "lot": 2**70}]  # more than msgpack carries: checked here
    checker = Checker(workers=2)
    try:
        assert await checker.check(mixed, DESK.desk_id, DESK.site_id, today, False) == here
        assert checker._pool is not None  # in the workers
        assert await checker.check(huge, DESK.desk_id, DESK.site_id, today, False) == (
            check_bodies(huge, DESK.desk_id, DESK.site_id, today, False)
        )
    finally:
        checker.close()
    refused = [(n, item[2]) for n, item in enumerate(here) if item[0] == "refused"]
    assert refused == [(60, "wire.not_an_integer"), (61, "wire.not_an_object"),
                       (62, "name.digits"), (63, "hub.other_site"),
                       (64, "hub.demo_record")]  # fmt: skip
    assert [item[0] for item in here].count("ok") == 116
