"""A slip's code (issue 14): recognised before anything else a scanner reads, looked up at the
hub by a desk of the record's own site only (audited), and the record fetched becomes
correctable at that desk, its next version kept by the hub; a desk of another site gets
nothing and can send nothing for it."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import date
from pathlib import Path
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desk import Desk, slip_lookup
from desk.scans import Skipped
from desk.slip_lookup import SlipOpened, SlipRefused
from domain.messages import describe
from domain.record import EntryContext, Mode, build_record, build_session, record_to_form
from domain.scans import (
    CertificateScan,
    IdentityScan,
    IdNumberScan,
    Rejected,
    SlipScan,
    parse_payload,
    parse_typed,
)
from domain.slip_code import slip_code
from domain.wire import ITEMS_PATH, RECORD, RECORD_PATH, record_to_body
from hub.db import HubDB
from scanner.synthetic import cccd_payload, people
from store import Store, open_store
from sync.worker import HubClient, HubUnavailable
from tests.conftest import SESSION_FORM, FakeClock
from tests.test_certificates import HCERT, certificate
from tests.test_sync import desk_store, drain
from vaxdesk.testing.hub import SITE, HubServer, enrol, free_port

TODAY = date(2026, 11, 23)
OTHER_SITE = "HN-BD-01"


# -- what a scanner reads ------------------------------------------------------------------


@given(st.uuids())
def test_every_slip_code_reads_back_as_its_record(record_id: UUID) -> None:
    code = slip_code(str(record_id))
    assert parse_payload(code.encode(), today=TODAY) == SlipScan(str(record_id))
    # A keyboard-wedge scanner types it, often with Enter or a space around it.
    assert parse_typed(f" {code}\r\n", today=TODAY) == SlipScan(str(record_id))


def test_the_slips_code_128_and_qr_read_back_through_the_desks_decoder(tmp_path: Path) -> None:
    import barcode
    import segno
    from barcode.writer import ImageWriter

    from scanner.decode import make_decoder
    from scanner.sources import read_image

    record_id = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
    code = slip_code(record_id)
    drawn = barcode.get("code128", code, writer=ImageWriter())
    linear = Path(drawn.save(str(tmp_path / "code128"), options={"write_text": False}))
    square = tmp_path / "qr.png"
    segno.make(code, error="m").save(str(square), scale=6)
    decoder = make_decoder("zxing")
    for path, kind in ((linear, "Code128"), (square, "QRCode")):
        image = read_image(path)
        assert image is not None
        [read] = decoder.decode(image)
        assert read.format == kind
        assert parse_payload(read.data, today=TODAY) == SlipScan(record_id)


@pytest.mark.parametrize(
    "text",
    [
        "VX" + "1" * 38,  # a digit short
        "VX" + "1" * 40,  # a digit too many
        "VX" + "9" * 39,  # beyond any UUID
        "vx" + "1" * 39,  # not as printed
        "VX " + "1" * 39,
        "VX" + "1" * 38 + "a",
    ],
)
def test_what_only_looks_like_a_slip_is_not_one(text: str) -> None:
    assert not isinstance(parse_typed(text, today=TODAY), SlipScan)


def test_id_cards_numbers_and_certificates_are_not_taken_for_slips() -> None:
    person = next(people(3))
    assert isinstance(parse_typed(person.id_number, today=TODAY), IdNumberScan)
    assert isinstance(parse_typed("024681357", today=TODAY), IdNumberScan)  # a CMND
    assert isinstance(parse_payload(cccd_payload(person).encode(), today=TODAY), IdentityScan)
    assert isinstance(parse_payload(certificate(HCERT), today=TODAY), CertificateScan)
    # A record id spelled as a UUID is not a slip's code: only the printed form is.
    assert isinstance(parse_typed("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", today=TODAY), Rejected)


# -- the desk core -------------------------------------------------------------------------


def a_desk(tmp_path: Path, desk_id: str, records: int = 0, site: str = SITE) -> Desk:
    path = desk_store(tmp_path, desk_id, records) if records else tmp_path / f"{desk_id}.db"
    store = open_store(path)
    desk = Desk(store, FakeClock(store.clock()), site_id=site, desk_id=desk_id)
    desk.session = build_session({**SESSION_FORM, "site_id": site, "desk_id": desk_id},
                                 today=store.clock().date())  # fmt: skip
    return desk


def only_record(store: Store) -> dict:
    [row] = [dict(row) for row in store.current_rows()]
    return row


def test_a_slip_opens_on_an_empty_form_only(tmp_path: Path) -> None:
    scan = SlipScan(str(UUID(int=7)))
    assert slip_lookup.receive(scan, {"id_number": ""}, busy=False) is scan
    typed = slip_lookup.receive(scan, {"full_name": "Nguyễn Văn An"}, busy=False)
    assert isinstance(typed, Skipped) and typed.reason.code == "slip.form_in_use"
    assert isinstance(slip_lookup.receive(scan, {}, busy=True), Skipped)
    assert "save or clear (Esc) this one" in describe(typed.reason)


def test_this_desks_own_record_opens_without_the_hub_and_a_voided_one_is_said(
    tmp_path: Path,
) -> None:
    desk = a_desk(tmp_path, "desk-1", records=1)
    record_id = only_record(desk.store)["record_id"]
    here = slip_lookup.local(desk, record_id)
    assert here is not None
    opened = slip_lookup.without_hub(here, hub_configured=True)
    assert isinstance(opened, SlipOpened) and opened.record.version == 1
    # The hub does not know it yet (not uploaded): this desk's own opens.
    assert slip_lookup.from_hub(desk, record_id, None, here) == SlipOpened(here)
    assert slip_lookup.local(desk, str(UUID(int=1))) is None
    desk.store.void(record_id, "entered twice", "Lê Thị Hoa")
    voided = slip_lookup.without_hub(slip_lookup.local(desk, record_id), hub_configured=False)
    assert isinstance(voided, SlipRefused) and voided.problem.code == "slip.voided"
    assert describe(voided.problem).endswith("was voided (entered twice): nothing to correct")
    nothing = slip_lookup.without_hub(None, hub_configured=False)
    assert isinstance(nothing, SlipRefused)
    assert describe(nothing.problem) == (
        "this record is not on this desk, and this desk has no hub to ask"
    )
    desk.store.close()


def test_what_the_hub_may_answer(tmp_path: Path) -> None:
    made = a_desk(tmp_path, "desk-1", records=1)
    body = only_record(made.store)
    made.store.close()
    desk = a_desk(tmp_path, "desk-2")
    unknown = slip_lookup.from_hub(desk, body["record_id"], None)
    assert isinstance(unknown, SlipRefused) and unknown.problem.code == "slip.unknown"
    garbled = slip_lookup.from_hub(desk, body["record_id"], {"record_id": body["record_id"]})
    assert isinstance(garbled, SlipRefused) and garbled.problem.code == "slip.bad_answer"
    elsewhere = slip_lookup.from_hub(desk, body["record_id"], {**body, "site_id": OTHER_SITE})
    assert isinstance(elsewhere, SlipRefused) and elsewhere.problem.code == "slip.unknown"
    other = slip_lookup.from_hub(desk, str(UUID(int=5)), body)  # not the record asked for
    assert isinstance(other, SlipRefused)
    assert list(desk.store.current_rows()) == []  # nothing of those kept
    down = slip_lookup.without_hub(None, hub_configured=True)
    assert isinstance(down, SlipRefused)
    assert describe(down.problem) == "this record is not on this desk and the hub cannot be reached"
    opened = slip_lookup.from_hub(desk, body["record_id"], body)
    assert isinstance(opened, SlipOpened) and opened.fetched
    assert desk.store.backlog() == 0  # the hub has it: nothing queued
    # The answer came while the form was in use: kept here, opened at the next scan.
    late = slip_lookup.settled(opened, {"id_number": "079092001234"}, busy=False)
    assert isinstance(late, SlipRefused) and late.problem.code == "slip.form_changed"
    here = slip_lookup.local(desk, body["record_id"])
    assert here is not None and here.version == 1
    again = slip_lookup.from_hub(desk, body["record_id"], body, here)
    assert isinstance(again, SlipOpened) and not again.fetched
    desk.store.close()


def test_an_older_version_from_the_hub_changes_nothing(tmp_path: Path) -> None:
    desk = a_desk(tmp_path, "desk-1", records=1)
    record = desk.store.get(only_record(desk.store)["record_id"])
    corrected = desk.store.correct(replace(record, version=2, lot="NX9999"))
    assert desk.store.keep_fetched(record, "Lê Thị Hoa") == corrected
    assert [r.version for r in desk.store.versions(record.record_id)] == [1, 2]
    desk.store.close()


# -- with a real hub: two desks of one site, one of another --------------------------------


def correction_at(desk: Desk, record_id: str, phone: str) -> dict:
    """Desk `desk` corrects the record (a new phone) as the entry form would: its body."""
    assert desk.session is not None
    original = desk.store.get(record_id)
    form = {**record_to_form(original), "phone": phone}
    ctx = EntryContext(session=desk.session, mode=Mode.LIVE, now=desk.clock(), original=original)
    return record_to_body(desk.store.correct(build_record(form, ctx)))


async def test_a_record_made_at_one_desk_is_corrected_at_another_of_its_site(
    hub: HubServer, hub_db: HubDB, tmp_path: Path
) -> None:
    path_a = desk_store(tmp_path, "desk-1", 1, seed=4)
    await drain(path_a, hub.url, enrol(hub_db, "desk-1"))
    with open_store(path_a) as store_a:
        record_id = only_record(store_a)["record_id"]
    token_b, token_c = enrol(hub_db, "desk-2"), enrol(hub_db, "hn-1", OTHER_SITE)
    b, c = HubClient(hub.url, token_b), HubClient(hub.url, token_c)
    try:
        body = await b.record(record_id)
        assert body is not None and body["version"] == 1 and body["desk_id"] == "desk-1"
        assert await c.record(record_id) is None  # another site's: as if unknown
        assert await b.record(str(UUID(int=9))) is None
        desk_b = a_desk(tmp_path, "desk-2")
        assert isinstance(slip_lookup.from_hub(desk_b, record_id, body), SlipOpened)
        v2 = correction_at(desk_b, record_id, "0987654321")
        assert (v2["version"], v2["desk_id"], v2["entered_by"]) == (2, "desk-1", "Lê Thị Hoa")
        desk_b.store.close()
        await drain(tmp_path / "desk-2.db", hub.url, token_b)
        latest = await b.record(record_id)
        assert latest is not None and (latest["version"], latest["phone"]) == (2, "0987654321")
        # A desk of another site sends a version of it: refused, whether it names the
        # record's site (the whole batch) or its own (that item).
        v3 = {**v2, "version": 3, "phone": "0900000000"}
        item = {"kind": RECORD, "key": record_id, "version": 3}
        raw = c._client  # the real client, to send what a forged desk would
        forged = await raw.post(ITEMS_PATH, json={"items": [{**item, "payload": v3}]})
        assert forged.status_code == 403
        own_site = {**v3, "site_id": OTHER_SITE}
        reply = await raw.post(ITEMS_PATH, json={"items": [{**item, "payload": own_site}]})
        [result] = reply.json()["results"]
        assert (result["result"], result["code"]) == ("invalid", "hub.record_elsewhere")
        # Another desk of the same site may send later versions, never a record's first.
        first = {**v2, "record_id": str(UUID(int=77)), "version": 1}
        reply = await b._client.post(ITEMS_PATH, json={"items": [
            {"kind": RECORD, "key": first["record_id"], "version": 1, "payload": first}]})
        assert reply.status_code == 403 and "own records" in reply.json()["error"]
    finally:
        await b.close()
        await c.close()
    assert hub_db.count_versions() == 2
    trail = [(t["desk_id"], t["outcome"], t["doses"]) for t in hub_db.lookups()]
    assert trail == [("desk-2", "record", 1), ("hn-1", "record-withheld", 0),
                     ("desk-2", "record-unknown", 0), ("desk-2", "record", 1)]  # fmt: skip
    named = {t["key_hash"] for t in hub_db.lookups()}
    assert hub_db.key_hash(f"record:{record_id}") in named
    assert record_id not in json.dumps(hub_db.lookups())  # a keyed hash, not the id


async def test_a_hub_out_of_reach_is_said_plainly() -> None:
    client = HubClient(f"http://127.0.0.1:{free_port()}", "vxd_x", timeout=1.0)
    try:
        with pytest.raises(HubUnavailable):
            await client.record(str(UUID(int=3)), timeout=0.5)
    finally:
        await client.close()


async def test_record_lookups_name_no_record_in_the_log_and_are_rate_limited(
    hub_db: HubDB, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server = HubServer(hub_db, lookups_per_minute=2).start()
    path = desk_store(tmp_path, "desk-1", 1, seed=5)
    client = HubClient(server.url, enrol(hub_db, "desk-2"))
    try:
        await drain(path, server.url, enrol(hub_db, "desk-1"))
        with open_store(path) as store:
            record_id = only_record(store)["record_id"]
        with caplog.at_level(logging.INFO, logger="vaxdesk"):
            assert await client.record(record_id) is not None
            bad = await client._client.post(RECORD_PATH, json={"record": record_id})
            assert bad.status_code == 400
            assert await client.record("not-a-uuid") is None  # answered, not counted
            assert await client.record(record_id.upper()) is not None  # any spelling of it
            with pytest.raises(HubUnavailable):  # past the desk's limit: 429
                await client.record(record_id)
        assert f"POST {RECORD_PATH} 200 desk=desk-2" in caplog.text
        assert record_id not in caplog.text and record_id.upper() not in caplog.text
    finally:
        await client.close()
        server.stop()
    outcomes = [t["outcome"] for t in hub_db.lookups()]
    assert outcomes == ["record", "record", "limited"]
