"""A person's doses from the hub: only what dose numbering needs, only to desks of a site that
has seen the person or of its province, every lookup audited, a desk's lookups rate-limited."""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from domain.doses import DoseOverride
from domain.record import EntryContext, Mode, build_record, build_session, identity_to_form
from domain.wire import DOSE_FIELDS, DOSES_PATH
from hub.db import HubDB
from scanner.synthetic import people
from store import DoseRulesBroken, DuplicateDose, open_store
from sync.worker import HubClient, HubUnavailable
from tests.conftest import SESSION_FORM, FakeClock
from tests.test_sync import desk_store, drain
from vaxdesk.testing.hub import SITE, HubServer, enrol

PERSONAL = ("id_number", "full_name", "dob", "phone", "address", "province_code", "ward_code")


async def test_doses_go_only_to_desks_that_may_see_them_and_only_what_numbering_needs(
    hub: HubServer, hub_db: HubDB, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = desk_store(tmp_path, "desk-1", 1, seed=8)
    await drain(path, hub.url, enrol(hub_db, "desk-1"))
    with open_store(path) as store:
        [body] = [dict(row) for row in store.current_rows()]
    key = body["person_key"]
    askers = {"desk-2": SITE, "hn-1": "HN-BD-01", "tv-2": "TV-TC-02"}  # same site, other
    answers = {}  # province, same province
    with caplog.at_level(logging.INFO, logger="vaxdesk"):
        for desk_id, site in askers.items():
            client = HubClient(hub.url, enrol(hub_db, desk_id, site))
            try:
                answers[desk_id] = await client.doses(key)
            finally:
                await client.close()
    assert answers["desk-2"] == answers["tv-2"] == [{name: body[name] for name in DOSE_FIELDS}]
    assert not set(PERSONAL) & set(answers["desk-2"][0])
    assert answers["hn-1"] == []
    trail = hub_db.lookups()
    assert [(t["desk_id"], t["site_id"], t["outcome"], t["doses"]) for t in trail] == [
        ("desk-2", SITE, "answered", 1), ("hn-1", "HN-BD-01", "withheld", 0),
        ("tv-2", "TV-TC-02", "answered", 1)]  # fmt: skip
    assert {t["key_hash"] for t in trail} == {hub_db.key_hash(key)}
    # Keyed: the trail cannot be matched against hashes of every possible ID number.
    assert hub_db.key_hash(key) not in hashlib.sha256(key.encode()).hexdigest()
    stored = json.dumps(trail) + caplog.text
    for name in PERSONAL:
        if body[name]:
            assert body[name] not in stored, name


async def test_a_desks_lookups_are_rate_limited(hub_db: HubDB) -> None:
    """A stolen token cannot harvest the population: past the desk's limit, 429 with the
    reason (the desk takes it as the hub being unavailable); another desk is not held up,
    and the next minute the desk may ask again."""
    clock = FakeClock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    server = HubServer(hub_db, clock=clock, lookups_per_minute=3).start()
    token, other = enrol(hub_db, "desk-1"), enrol(hub_db, "desk-2")
    keys = [f"cccd:0790920{n:05d}" for n in range(5)]
    try:
        async with httpx.AsyncClient(base_url=server.url,
                                     headers={"Authorization": f"Bearer {token}"}) as raw:
            codes = [(await raw.post(DOSES_PATH, json={"person_key": k})).status_code
                     for k in keys[:4]]  # fmt: skip
            assert codes == [200, 200, 200, 429]
            limited = await raw.post(DOSES_PATH, json={"person_key": keys[4]})
            assert limited.status_code == 429
            assert limited.json()["error"] == (
                "at most 3 lookups a minute for a desk: try again in 60 s"
            )
        client = HubClient(server.url, token)
        try:
            with pytest.raises(HubUnavailable, match="429"):
                await client.doses(keys[0])
        finally:
            await client.close()
        other_desk, again = HubClient(server.url, other), HubClient(server.url, token)
        try:
            assert await other_desk.doses(keys[0]) == []
            clock.advance(seconds=61)
            assert await again.doses(keys[0]) == []
        finally:
            await other_desk.close()
            await again.close()
    finally:
        server.stop()
    outcomes = [t["outcome"] for t in hub_db.lookups("desk-1")]
    assert outcomes == ["answered"] * 3 + ["limited"] * 3 + ["answered"]


def test_the_desk_keeps_only_what_numbering_needs(tmp_path: Path) -> None:
    """Whatever a hub sends (an older one sends whole records), the desk keeps of another
    desk's dose only what numbering needs, and numbers and refuses duplicates with it; a row
    that is not a dose is left out rather than breaking the person's numbering."""
    now = datetime.now().astimezone()
    person = next(people(31))
    other = build_session({**SESSION_FORM, "desk_id": "desk-9"}, today=now.date())
    with open_store(tmp_path / "desk-9.db") as elsewhere:
        saved = elsewhere.save(build_record(identity_to_form(person),
                                            EntryContext(session=other, mode=Mode.LIVE, now=now)))
        [full] = [dict(row) for row in elsewhere.current_rows()]
    session = build_session(SESSION_FORM, today=now.date())
    ctx = EntryContext(session=session, mode=Mode.LIVE, now=now)
    with open_store(tmp_path / "desk-1.db") as store:
        store.remember_remote([full, {**full, "record_id": "x", "status": "lost"}])
        [kept] = list(store.db.query("SELECT * FROM remote_records"))
        assert {k for k, v in kept.items() if v is not None} == set(DOSE_FIELDS)
        [earlier] = store.history(person.person_key)
        assert (earlier.record_id, earlier.dose_number, earlier.desk_id) == (
            saved.record_id, 1, "desk-9")
        with pytest.raises(DuplicateDose, match="desk desk-9"):
            store.save(build_record({**identity_to_form(person), "dose_number": "1"}, ctx))
        record = build_record(identity_to_form(person), ctx)  # the same day: too soon
        with pytest.raises(DoseRulesBroken, match="the dose rules refuse it"):
            store.save(record)
        assert store.save(record, DoseOverride("first dose spoilt", "Lê Thị Hoa")).dose_number == 2
