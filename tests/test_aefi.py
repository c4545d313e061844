"""Adverse events after immunization: the rules of an event, the store and its outbox, an event
added a day later reaching a real hub on loopback once, the site's figures, the day's report."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from domain.aefi import (
    AefiContext,
    AefiEvent,
    Outcome,
    Severity,
    build_event,
    checked_event,
    event_to_body,
    parse_symptoms,
    parse_time,
)
from domain.errors import FieldError, ValidationError
from domain.record import EntryContext, Record, build_record
from domain.wire import AEFI
from hub.db import HubDB
from store import Store, StoreError, open_store
from sync.worker import HubClient, SyncWorker
from tests.conftest import AN, YEN, FakeClock
from vaxdesk.cli import main
from vaxdesk.testing.desk import SUPERVISOR, add_test_users
from vaxdesk.testing.hub import HubServer, enrol

FORM = {"onset_on": "23/11/2026", "onset_time": "9:50", "symptoms": "fever, rash",
        "severity": "1", "treatment": "paracetamol", "outcome": "1",
        "vaccinator": "Nguyễn Văn Bình"}  # fmt: skip


def context(record: Record, clock: FakeClock, original: AefiEvent | None = None) -> AefiContext:
    return AefiContext(record.record_id, record.person.person_key, record.desk_id,
                       record.site_id, record.given_on, "Phạm Thu Trang", clock(),
                       original)  # fmt: skip


@pytest.fixture
def dose(store: Store, live: EntryContext) -> Record:
    return store.save(build_record(AN, live))


def errors_of(form: dict[str, str], record: Record, clock: FakeClock) -> dict[str, str]:
    try:
        build_event(form, context(record, clock))
    except ValidationError as error:
        return {name: e.code for name, e in error.errors.items()}
    return {}


def test_an_event_is_built_from_its_form(dose: Record, clock: FakeClock) -> None:
    event = build_event(FORM, context(dose, clock))
    assert event.version == 1 and event.record_id == dose.record_id
    assert event.person_key == "cccd:079092001234" and event.onset_time == "09:50"
    assert event.symptoms == ("fever", "rash") and event.severity is Severity.MILD
    assert event.outcome is Outcome.RECOVERED
    # who typed it and on whose behalf: both kept
    assert event.entered_by == "Phạm Thu Trang" and event.vaccinator == "Nguyễn Văn Bình"


def test_the_rules_of_an_event(dose: Record, clock: FakeClock) -> None:
    assert errors_of({**FORM, "onset_time": "25:10"}, dose, clock) == {"onset_time": "aefi.time"}
    assert errors_of({**FORM, "symptoms": "fever, purple"}, dose, clock) == {
        "symptoms": "aefi.symptom"}  # fmt: skip
    assert errors_of({**FORM, "symptoms": ""}, dose, clock) == {"symptoms": "aefi.no_symptom"}
    assert errors_of({**FORM, "symptoms": "", "symptoms_other": "run down"}, dose, clock) == {}
    assert errors_of({**FORM, "severity": "3"}, dose, clock) == {"severity": "aefi.severity"}
    assert errors_of({**FORM, "outcome": "9"}, dose, clock) == {"outcome": "aefi.outcome"}
    # death or sequelae is severe by definition (NĐ 104/2016/NĐ-CP Điều 3 khoản 5)
    assert errors_of({**FORM, "outcome": "5"}, dose, clock) == {
        "severity": "aefi.severe_by_outcome"}  # fmt: skip
    assert errors_of({**FORM, "outcome": "5", "severity": "2"}, dose, clock) == {}
    assert errors_of({**FORM, "outcome": "3"}, dose, clock) == {"referral": "aefi.referral"}
    assert errors_of({**FORM, "onset_on": "22/11/2026"}, dose, clock) == {
        "onset_on": "aefi.before_dose"}  # fmt: skip
    assert errors_of({**FORM, "onset_on": "24/11/2026"}, dose, clock) == {
        "onset_on": "date.future"}  # fmt: skip
    assert errors_of({**FORM, "vaccinator": ""}, dose, clock) == {"vaccinator": "aefi.vaccinator"}


def test_typed_times_and_symptoms() -> None:
    assert [parse_time(t) for t in ("9:05", "0905", "9h05", "9h", "21.30")] == [
        "09:05", "09:05", "09:05", "09:00", "21:30"]  # fmt: skip
    # codes, names in Vietnamese without diacritics, English names; each once
    assert parse_symptoms("fever, kho tho, Hives, fever") == ("fever", "dyspnoea", "urticaria")
    assert parse_symptoms("fever rash") == ("fever", "rash")
    with pytest.raises(FieldError):
        parse_symptoms("d")  # dizziness or dyspnoea: which one?


def test_the_wire_checks_a_body_as_the_desk_does(dose: Record, clock: FakeClock) -> None:
    event = replace(build_event(FORM, context(dose, clock)), recorded_at=clock().isoformat())
    body = event_to_body(event)
    assert checked_event(body, today=clock().date()) == event
    for bad, field in (({"severity": "awful"}, "severity"), ({"version": "1"}, "version"),
                       ({"symptoms": "fever,purple"}, "symptoms"),
                       ({"onset_on": "2026-13-01"}, "onset_on"),
                       ({"outcome": "death"}, "severity")):  # fmt: skip
        with pytest.raises(FieldError) as caught:
            checked_event({**body, **bad}, today=clock().date())
        assert caught.value.field == field
    with pytest.raises(FieldError):
        checked_event({k: v for k, v in body.items() if k != "referral"}, today=clock().date())


def test_stored_with_its_outbox_item_and_corrected_as_a_new_version(
    store: Store, dose: Record, clock: FakeClock
) -> None:
    clock.advance(days=1)  # the next morning: the reaction of yesterday is told
    first = store.save_aefi(build_event(FORM, context(dose, clock)))
    assert first.recorded_at.startswith("2026-11-24")
    fixed = build_event({**FORM, "severity": "2", "outcome": "3", "referral": "BV Chợ Rẫy"},
                        context(dose, clock, first))  # fmt: skip
    second = store.save_aefi(fixed)
    assert second.version == 2 and second.event_id == first.event_id
    assert [e.version for e in store.aefi_versions(first.event_id)] == [1, 2]
    assert store.aefi_of_record(dose.record_id) == [second]
    items = store.outbox_claim(10)
    assert [(i.kind, i.key, i.version) for i in items if i.kind == AEFI] == [
        (AEFI, first.event_id, 1), (AEFI, first.event_id, 2)]  # fmt: skip
    with pytest.raises(StoreError) as caught:  # version 2 again: someone saved meanwhile
        store.save_aefi(fixed)
    assert caught.value.code == "aefi.changed"
    with pytest.raises(Exception, match="append-only"):
        store.conn.execute("UPDATE aefi_events SET severity = 'mild'")


def test_only_after_a_dose_given(store: Store, live: EntryContext, clock: FakeClock) -> None:
    postponed = store.save(build_record({**YEN, "screening": "H"}, live))
    with pytest.raises(StoreError) as caught:
        store.save_aefi(build_event(FORM, context(postponed, clock)))
    assert caught.value.code == "aefi.not_a_dose"
    dose = store.save(build_record(AN, live))
    voided = store.void(dose.record_id, "wrong person", "Lê Thị Hoa")
    with pytest.raises(StoreError) as caught:
        store.save_aefi(build_event(FORM, context(voided, clock)))
    assert caught.value.code == "aefi.voided"


async def test_an_event_added_later_reaches_the_hub_once(
    hub: HubServer, db_path: Path, dose: Record, store: Store, clock: FakeClock
) -> None:
    token = enrol(hub.db, "desk-1")
    clock.advance(hours=5)
    store.save_aefi(build_event({**FORM, "severity": "2", "outcome": "2"}, context(dose, clock)))
    for upload in range(2):
        if upload:  # the hub's reply was lost, say: the event goes again
            store.outbox_requeue([(AEFI, k, v) for _s, kind, k, v in store.acked_keys(0, 100)
                                  if kind == AEFI])  # fmt: skip
        client = HubClient(hub.url, token, timeout=5)
        try:
            assert await SyncWorker(db_path, client, heartbeat_seconds=0).run(once=True)
        finally:
            await client.close()
    assert store.outbox_counts().get("acked") == 2  # uploaded twice: a duplicate, acknowledged
    with hub.db._tx() as cur:
        cur.execute("SELECT event_id, version, severity FROM aefi_events")
        rows = cur.fetchall()
    assert len(rows) == 1 and rows[0][2] == "severe"
    # the same key and version with other content: a conflict, never an overwrite
    [row] = store.db.query("SELECT * FROM aefi_events")
    client = HubClient(hub.url, token, timeout=5)
    try:
        reply = await client.upload_items([{"kind": AEFI, "key": row["event_id"], "version": 1,
                                            "payload": {**row, "severity": "mild"}}])  # fmt: skip
        missing = await client.missing_items([(AEFI, row["event_id"], 1), (AEFI, "nope", 1)])
    finally:
        await client.close()
    assert reply["results"][0]["result"] == "conflict"
    assert missing == [(AEFI, "nope", 1)]


def test_the_site_figures_count_events_by_severity(
    hub_db: HubDB, tmp_path: Path, live: EntryContext, clock: FakeClock
) -> None:
    from hub.aefi_db import ingest_aefi
    from hub.db import Desk

    with open_store(tmp_path / "d.db", clock) as desk_store:
        an = desk_store.save(build_record(AN, live))
        yen = desk_store.save(build_record({**YEN, "aefi": "1", "aefi_note": "đau"}, live))
        severe = desk_store.save_aefi(build_event(
            {**FORM, "severity": "2", "outcome": "3", "referral": "BV tỉnh"},
            context(an, clock)))  # fmt: skip
        mild = desk_store.save_aefi(build_event(FORM, context(an, clock)))
        records = [dict(r) for r in desk_store.db.query("SELECT * FROM records")]
    desk = Desk("desk-1", live.session.site_id)
    hub_db.ingest(desk, records, clock())
    ingest_aefi(hub_db, desk, [event_to_body(severe), event_to_body(mild)], clock())
    midnight = clock().replace(hour=0, minute=0)
    totals = hub_db.site_totals(live.session.site_id, midnight)
    # two linked events, and Yến's record's own field (no event linked to it)
    assert totals["aefi"] == {"severe": 1, "mild": 2}
    assert totals["aefi_by_desk"] == {"severe": {"desk-1": 1}, "mild": {"desk-1": 2}}
    [flagged] = totals["aefi_severe"]
    assert flagged["desk_id"] == "desk-1" and flagged["person"] == "********1234"
    assert flagged["onset_time"] == "09:50" and "079092001234" not in str(totals)
    assert yen.aefi.value == "mild"


def test_the_days_report(tmp_path: Path, live: EntryContext, clock: FakeClock) -> None:
    db = tmp_path / "desk.db"
    with open_store(db, clock) as store:
        add_test_users(store)
        dose = store.save(build_record({**AN, "address": "=HYPERLINK(1)"}, live))
        store.save_aefi(build_event({**FORM, "treatment": "=cmd()"}, context(dose, clock)))
    out = tmp_path / "aefi.csv"
    args = ["aefi", "report", "--db", str(db), "--day", "23/11/2026", str(out)]
    runner = CliRunner()
    refused = runner.invoke(main, args)
    assert refused.exit_code == 1 and "--as" in refused.output
    result = runner.invoke(main, [*args[:2], "--as", SUPERVISOR, *args[2:]], input="1357\n")
    assert result.exit_code == 0, result.output
    assert "1 adverse event of 23/11/2026" in result.output
    [row] = list(csv.DictReader(out.open(encoding="utf-8")))
    assert row["onset_on"] == "2026-11-23" and row["given_on"] == "2026-11-23"
    assert row["id_number"] == "079092001234" and row["full_name"] == "Nguyễn Văn An"
    assert row["symptoms"] == "fever,rash" and row["treatment"] == "'=cmd()"
    assert out.stat().st_mode & 0o777 == 0o600
    bad = runner.invoke(main, [*args[:4], "--day", "31/02/2026", str(out)])
    assert bad.exit_code == 2 and "31/02/2026 does not exist" in bad.output
    helped = runner.invoke(main, ["--lang", "vi", "aefi", "report", "--help"])
    assert helped.exit_code == 0 and "phản ứng sau tiêm của ngày" in helped.output
    empty = runner.invoke(main, [*args[:2], "--as", SUPERVISOR, "--db", str(db), "--day",
                                 "20/11/2026", str(out)], input="1357\n")  # fmt: skip
    assert empty.exit_code == 0 and len(out.read_text("utf-8").splitlines()) == 1
