"""The records export carries the person's priority group (from the site's subject lists) and
the screening checklist's version and answers, as columns after the older ones."""

from __future__ import annotations

import csv
import io
from datetime import date

import i18n
from desk.arrival import FollowUp, write_follow_up
from domain.dates import PartialDate
from domain.identity import Identity, IdType, Sex
from domain.record import EntryContext, build_record
from domain.screening import Answer
from domain.screening_answers import Answers
from domain.subjects import ListEntry
from domain.wire import RECORD_FIELDS
from store import Store
from store.export import CSV_COLUMNS, write_csv
from tests.conftest import AN, SESSION_FORM, YEN
from tests.test_screening import CHECKLIST

SITE = SESSION_FORM["site_id"]
DAY = date(2026, 11, 23)  # the clock's day: the dose's given_on
AN_ID = Identity(IdType.CCCD, AN["id_number"], AN["full_name"], PartialDate(1992, 8, 15),
                 Sex.MALE)  # fmt: skip


def exported(store: Store) -> dict[str, dict[str, str]]:
    out = io.StringIO()
    write_csv(store, out)
    return {r["full_name"]: r for r in csv.DictReader(io.StringIO(out.getvalue()))}


def a_list(store: Store, day: date, group: str) -> None:
    store.subjects.apply_list(site_id=SITE, day=day, list_hash=f"h{day}{group}",
                              file_name="list.xlsx", by="-",
                              entries=[ListEntry(person=AN_ID, priority_group=group)])  # fmt: skip


def test_the_new_columns_come_after_the_old_ones() -> None:
    old = tuple(c for c in RECORD_FIELDS if c != "person_key")
    assert CSV_COLUMNS[: len(old)] == old
    assert CSV_COLUMNS[len(old) :] == ("priority_group", "checklist_version", "screening_answers")


def test_a_person_on_a_list_has_the_group_one_not_on_a_list_has_none(
    store: Store, live: EntryContext
) -> None:
    a_list(store, DAY, "3")
    store.save(build_record(AN, live))
    store.save(build_record(YEN, live))
    rows = exported(store)
    assert rows["Nguyễn Văn An"]["priority_group"] == "3"
    assert rows["Ngô Ngọc Yến"]["priority_group"] == ""


def test_the_days_list_first_else_the_most_recent_one(store: Store, live: EntryContext) -> None:
    a_list(store, date(2026, 11, 20), "5")
    a_list(store, date(2026, 11, 30), "7")
    store.save(build_record(AN, live))
    assert exported(store)["Nguyễn Văn An"]["priority_group"] == "7"
    a_list(store, DAY, "2")
    assert exported(store)["Nguyễn Văn An"]["priority_group"] == "2"


def test_another_sites_list_does_not_count(store: Store, live: EntryContext) -> None:
    store.subjects.apply_list(site_id="OTHER", day=DAY, list_hash="h", file_name="f", by="-",
                              entries=[ListEntry(person=AN_ID, priority_group="4")])  # fmt: skip
    store.save(build_record(AN, live))
    assert exported(store)["Nguyễn Văn An"]["priority_group"] == ""


def test_the_checklist_columns(store: Store, live: EntryContext) -> None:
    answers = Answers(items={i: Answer.NO for i in CHECKLIST.ids}, vaccine="AZ").to_json()
    checked = {"checklist_version": CHECKLIST.version, "screening_answers": answers}
    store.save(build_record({**AN, **checked}, live))
    store.save(build_record(YEN, live))
    rows = exported(store)
    an, yen = rows["Nguyễn Văn An"], rows["Ngô Ngọc Yến"]
    assert (an["checklist_version"], an["screening_answers"]) == (
        CHECKLIST.version, answers)  # fmt: skip
    assert (yen["checklist_version"], yen["screening_answers"]) == ("", "")
    assert an["given_on"] == "2026-11-23"  # ISO, as before


def test_the_follow_up_export_has_the_groups_code_and_name_in_the_users_language(
    store: Store,
) -> None:
    a_list(store, DAY, "1")
    for lang, name in (("en", "Health workers (health facilities and the health sector)"),
                       ("vi", "Người làm việc trong các cơ sở y tế, ngành y tế")):  # fmt: skip
        i18n.set_language(lang)
        out = io.StringIO()
        assert write_follow_up(store, SITE, DAY, FollowUp.NOT_VACCINATED, out) == 1
        (row,) = csv.DictReader(io.StringIO(out.getvalue()))
        assert (row["priority_group"], row["priority_group_name"]) == ("1", name)
