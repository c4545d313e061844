"""Arrival at the site: a scanned or typed ID (or a name and birth date) finds the person on
the day's list, or says they are not on it (a walk-in is registered instead); marking
arrived or absent; the day's counts by state and group; the follow-up lists."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TextIO

from domain.dates import PartialDate
from domain.errors import DeskError
from domain.identity import Identity, person_key_of
from domain.priority_groups import priority_groups
from domain.subjects import NOT_VACCINATED, ListEntry, Subject, SubjectState
from domain.text import fold
from store import Store
from store.export import spreadsheet_safe
from store.subjects import match_key


class NotOnList(DeskError):
    """Nobody of that ID (or name and birth) on the day's list (code `subject.not_on_list`)."""


def find_subject(store: Store, site_id: str, day: date, id_text: str) -> Subject | None:
    """The person a scanned or typed ID number names, on the site's list of the day."""
    key = person_key_of(id_text)
    return store.subjects.by_person_key(site_id, day, key) if key else None


def find_by_name(store: Store, site_id: str, day: date, name: str,
                 dob: PartialDate) -> list[Subject]:  # fmt: skip
    """People of that name (folded: case and diacritics aside) and birth date on the list."""
    return store.subjects.by_match_key(site_id, day, f"{fold(name)}|{dob.iso()}")


def lookup(store: Store, site_id: str, day: date, *, id_text: str = "", name: str = "",
           dob: PartialDate | None = None) -> Subject:  # fmt: skip
    """The one person on the day's list named by an ID, else by name and birth date;
    NotOnList when nobody is (or `subject.which` when two share a name and birth date)."""
    if id_text.strip():
        found = find_subject(store, site_id, day, id_text)
        if found is not None:
            return found
    if name.strip() and dob is not None:
        people = find_by_name(store, site_id, day, name, dob)
        if len(people) == 1:
            return people[0]
        if len(people) > 1:
            raise NotOnList("subject.which", count=len(people))
    raise NotOnList("subject.not_on_list", day=day)


def mark_arrived(store: Store, subject: Subject, by: str) -> Subject:
    return store.subjects.set_state(subject.subject_id, SubjectState.ARRIVED, by=by)


def mark_absent(store: Store, subject: Subject, by: str) -> Subject:
    return store.subjects.set_state(subject.subject_id, SubjectState.ABSENT, by=by)


def set_state(store: Store, subject: Subject, state: SubjectState, by: str,
              note: str = "") -> Subject:  # fmt: skip
    """Any step of the day (screened, vaccinated, observed, left): refused as the rules say."""
    return store.subjects.set_state(subject.subject_id, state, by=by, note=note)


def register_walk_in(store: Store, site_id: str, day: date, person: Identity, by: str, *,
                     priority_group: str = "") -> Subject:  # fmt: skip
    """Someone not on the list, from the entry form (`person` validated there): arrived.
    A person on the list already is found instead, and marked arrived."""
    existing = store.subjects.by_person_key(site_id, day, person.person_key)
    if existing is None:
        named = store.subjects.by_match_key(site_id, day, match_key(person))
        existing = named[0] if len(named) == 1 else None
    if existing is not None:
        return mark_arrived(store, existing, by)
    entry = ListEntry(person=person, priority_group=priority_group)
    return store.subjects.add_walk_in(site_id=site_id, day=day, entry=entry, by=by)


@dataclass(frozen=True)
class DayCounts:
    """How many people of the day are in each state, and by priority group."""

    by_state: dict[SubjectState, int] = field(default_factory=dict)
    by_group: dict[str, dict[SubjectState, int]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_state.values())

    def of(self, state: SubjectState, group: str | None = None) -> int:
        counts = self.by_state if group is None else self.by_group.get(group, {})
        return counts.get(state, 0)


def day_counts(store: Store, site_id: str, day: date) -> DayCounts:
    by_state: dict[SubjectState, int] = {}
    by_group: dict[str, dict[SubjectState, int]] = {}
    for (group, state), count in store.subjects.counts(site_id, day).items():
        by_state[state] = by_state.get(state, 0) + count
        by_group.setdefault(group, {})[state] = count
    return DayCounts(by_state, by_group)


class FollowUp(StrEnum):
    """The follow-up lists: who has not had the dose, who did not come."""

    NOT_VACCINATED = "not-vaccinated"
    ABSENT = "absent"

    def states(self) -> frozenset[SubjectState]:
        return NOT_VACCINATED if self is FollowUp.NOT_VACCINATED else frozenset({
            SubjectState.ABSENT})  # fmt: skip


EXPORT_COLUMNS = (
    "site_id", "list_day", "state", "state_at", "walk_in", "id_type", "id_number", "full_name",
    "dob", "sex", "phone", "priority_group", "priority_group_name", "workplace", "province",
    "province_code", "district", "district_code", "ward", "ward_code", "address", "vaccine",
    "dose1_date", "dose1_lot", "dose2_date", "dose2_lot", "note",
)  # fmt: skip


def follow_up(store: Store, site_id: str, day: date, which: FollowUp) -> Iterator[Subject]:
    return store.subjects.of_day(site_id, day, which.states())


def export_rows(subjects: Iterable[Subject]) -> Iterator[dict[str, str]]:
    """Rows for a machine (ISO dates, English keys and state codes)."""
    groups = priority_groups()
    for s in subjects:
        e, p = s.entry, s.person
        doses = {d.number: d for d in e.doses}
        row = {
            "site_id": s.site_id, "list_day": s.day.isoformat(), "state": s.state.value,
            "state_at": s.state_at, "walk_in": "1" if s.walk_in else "0",
            "id_type": p.id_type.value, "id_number": p.id_number, "full_name": p.full_name,
            "dob": p.dob.iso(), "sex": p.sex.value, "phone": p.phone,
            "priority_group": e.priority_group,
            "priority_group_name": groups.name_of(e.priority_group) if e.priority_group else "",
            "workplace": e.workplace, "province": e.province, "province_code": e.province_code,
            "district": e.district, "district_code": e.district_code, "ward": e.ward,
            "ward_code": e.ward_code, "address": p.address, "vaccine": e.vaccine, "note": e.note,
        }  # fmt: skip
        for number in (1, 2):
            dose = doses.get(number)
            row[f"dose{number}_date"] = dose.given_on if dose else ""
            row[f"dose{number}_lot"] = dose.lot if dose else ""
        yield row


def write_follow_up(store: Store, site_id: str, day: date, which: FollowUp, out: TextIO) -> int:
    """The follow-up list as CSV (formula-safe cells); returns how many people."""
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in export_rows(follow_up(store, site_id, day, which)):
        writer.writerow({k: spreadsheet_safe(v) for k, v in row.items()})
        count += 1
    return count
