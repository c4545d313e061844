"""What the day's list says of a vaccinated person (priority group, workplace, health insurance
number) reaches the hub with their state and fills those columns of the national template;
the states of people not vaccinated carry none of it."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desk.arrival import after_saved, lookup, mark_arrived
from domain.dates import PartialDate
from domain.errors import FieldError
from domain.identity import Identity, IdType, Sex
from domain.record import EntryContext, Mode, build_record, build_session, identity_to_form
from domain.subjects import ListEntry, SubjectState
from domain.wire import SUBJECT_STATE, checked_state, state_hash, state_to_body
from hub.db import HubDB
from hub.national_export import FIRST_DATA_ROW, SHEET, export_site
from store import open_store
from tests.conftest import ICT, SESSION_FORM, FakeClock
from tests.test_sync import drain
from vaxdesk.testing.hub import SITE, HubServer, enrol

DAY = date(2026, 11, 23)
AN = Identity(IdType.CCCD, "079092001234", "Nguyễn Văn An", PartialDate(1992, 8, 15), Sex.MALE)
BICH = Identity(IdType.CCCD, "001185000123", "Trần Thị Bích", PartialDate(1985, 3, 2), Sex.FEMALE)


def a_day(path: Path) -> None:
    """Both on the list with their details; both arrive; only Bích is vaccinated."""
    clock = FakeClock(datetime(2026, 11, 23, 10, 0, tzinfo=ICT))
    ctx = EntryContext(session=build_session(SESSION_FORM, today=DAY), mode=Mode.LIVE, now=clock())
    entries = [
        ListEntry(person=AN, priority_group="8", workplace="Trường THCS Lê Lợi",
                  insurance_number="GD4797923456789"),
        ListEntry(person=BICH, priority_group="1", workplace="Trạm Y tế phường Bến Nghé",
                  insurance_number="DN4010123456789"),
    ]  # fmt: skip
    with open_store(path, clock) as store:
        store.subjects.apply_list(site_id=SITE, day=DAY, list_hash="h", file_name="f.xlsx",
                                  by="-", entries=entries)  # fmt: skip
        for person in (AN, BICH):
            mark_arrived(store, lookup(store, SITE, DAY, name=person.full_name, dob=person.dob),
                         "hoa")  # fmt: skip
        record = store.save(build_record(identity_to_form(BICH), ctx))
        saved = after_saved(store, record, "hoa")
        assert saved is not None and saved.state is SubjectState.VACCINATED


def test_only_a_vaccinated_persons_state_carries_the_lists_details(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    a_day(path)
    with open_store(path) as store:
        payloads = [json.loads(row["payload"]) for row in store.db.query(
            "SELECT payload FROM outbox WHERE kind = ? ORDER BY seq", [SUBJECT_STATE])]  # fmt: skip
    carrying = [p for p in payloads if "priority_group" in p]
    assert [(p["person_key"], p["state"]) for p in carrying] == [
        (BICH.person_key, "vaccinated")
    ]
    assert carrying[0]["workplace"] == "Trạm Y tế phường Bến Nghé"
    assert carrying[0]["insurance_number"] == "DN4010123456789"
    assert not any("GD4797923456789" in json.dumps(p) for p in payloads)


async def test_the_national_template_gets_them_from_the_hub(tmp_path: Path) -> None:
    db = HubDB(f"sqlite:///{tmp_path / 'hub.db'}")
    server = HubServer(db).start()
    try:
        path = tmp_path / "desk.db"
        a_day(path)
        await drain(path, server.url, enrol(db, "desk-1"))
        out = tmp_path / "national.xlsx"
        assert export_site(db, SITE, DAY, DAY, out).people == 1
    finally:
        server.stop()
        db.close()
    sheet = load_workbook(out)[SHEET]
    row = [cell.value for cell in sheet[FIRST_DATA_ROW]]
    assert row[1] == "Trần Thị Bích"
    assert row[4:9] == ["1", "Trạm Y tế phường Bến Nghé", None, "001185000123", "DN4010123456789"]


def test_a_state_body_without_details_hashes_as_before() -> None:
    plain = state_to_body(site_id=SITE, day=DAY, person_key="k", version=1,
                          state=SubjectState.ARRIVED, state_at="2026-11-23T10:00:00+07:00",
                          walk_in=False,
                          details={"priority_group": "", "workplace": ""})  # fmt: skip
    assert "priority_group" not in plain
    with_group = {**plain, "priority_group": "1"}
    assert state_hash(plain) != state_hash(with_group)
    assert checked_state(with_group)["priority_group"] == "1"
    assert "priority_group" not in checked_state(plain)


@pytest.mark.parametrize(("name", "value", "code"), [
    ("priority_group", "99", "group.unknown"),
    ("workplace", 7, "wire.not_text"),
    ("insurance_number", "DN40\x00", "wire.characters"),
])  # fmt: skip
def test_the_hub_checks_the_details(name: str, value: object, code: str) -> None:
    body = state_to_body(site_id=SITE, day=DAY, person_key="k", version=1,
                         state=SubjectState.VACCINATED, state_at="2026-11-23T10:00:00+07:00",
                         walk_in=False)  # fmt: skip
    with pytest.raises(FieldError) as refused:
        checked_state({**body, name: value})
    assert (refused.value.field, refused.value.code) == (name, code)
