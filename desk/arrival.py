"""Arrival at the site: a scanned or typed ID (or a name and birth date) finds the person on
the day's list, or says they are not on it (a walk-in is registered instead); marking
arrived or absent; the day's counts by state and group; the follow-up lists."""

from __future__ import annotations

import csv
import logging
import os
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TextIO

from desk.core import Desk
from domain.dates import PartialDate
from domain.errors import DeskError
from domain.fields import Screening
from domain.identity import Identity, person_key_of
from domain.priority_groups import priority_groups
from domain.record import Record, Status
from domain.subjects import (
    NOT_VACCINATED,
    TRANSITIONS,
    ListEntry,
    Subject,
    SubjectState,
)
from domain.text import fold
from store import Store, open_store
from store.export import spreadsheet_safe
from store.subjects import match_key

log = logging.getLogger("vaxdesk.desk")


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
    existing = lookup_saved(store, site_id, day, person)
    if existing is not None:
        return mark_arrived(store, existing, by)
    entry = ListEntry(person=person, priority_group=priority_group)
    return store.subjects.add_walk_in(site_id=site_id, day=day, entry=entry, by=by)


def has_list(store: Store, site_id: str, day: date) -> bool:
    """Anyone on the site's list of the day (imported, or walk-ins registered)."""
    subjects = store.subjects.of_day(site_id, day)
    try:
        return next(subjects, None) is not None
    finally:
        subjects.close()  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Arrival:
    """What a typed or scanned ID found on the day's list: the person (marked arrived when
    they were on the list or absent), or nobody (`subject` None: a walk-in, the same form)."""

    subject: Subject | None
    arrived_now: bool = False

    @property
    def walk_in(self) -> bool:
        return self.subject is None


def arrive(store: Store, site_id: str, day: date, id_text: str, by: str) -> Arrival | None:
    """The entry screen's lookup: None when the day has no list (nothing to say) or the text
    names nobody; else the person on the list, marked arrived, or a walk-in to register."""
    if not person_key_of(id_text) or not has_list(store, site_id, day):
        return None
    subject = find_subject(store, site_id, day, id_text)
    if subject is None:
        return Arrival(None)
    if subject.state in (SubjectState.ON_LIST, SubjectState.ABSENT):
        return Arrival(mark_arrived(store, subject, by), arrived_now=True)
    return Arrival(subject)


def at_entry(desk: Desk, id_text: str, *, live: bool) -> Arrival | None:
    """An ID typed or scanned on the entry form, live (not a correction, not retrospective):
    the person on today's list of the session's site."""
    session, user = desk.session, desk.user
    if not live or session is None or user is None:
        return None
    return arrive(desk.store, session.site_id, session.session_date, id_text, user.name)


# The state a saved record puts its person in, from the screening outcome (no dose given)
_SCREENED = {
    Screening.POSTPONE: SubjectState.DEFERRED,
    Screening.CONTRAINDICATED: SubjectState.CONTRAINDICATED,
    Screening.REFER: SubjectState.REFERRED,
}
_NOT_THROUGH = frozenset({SubjectState.LEFT, SubjectState.ABSENT})


def state_of(record: Record) -> SubjectState | None:
    """Where a saved record leaves its person: vaccinated (a dose given), screened with the
    outcome (none given); None for a void record."""
    if record.status is Status.VOIDED:
        return None
    if record.gives_dose and record.dose_number is not None:
        return SubjectState.VACCINATED
    return _SCREENED.get(record.screening)


def path(current: SubjectState, target: SubjectState) -> list[SubjectState] | None:
    """The shortest run of allowed steps from `current` to `target` (the day's rules in
    domain.subjects), never through left or absent; [] when there already, None when the
    rules do not lead there (a dose after the person left, a screening after the dose)."""
    came_from: dict[SubjectState, SubjectState] = {}
    todo = deque([current])
    seen = {current}
    while todo:
        state = todo.popleft()
        if state is target:
            steps: list[SubjectState] = []
            while state is not current:
                steps.append(state)
                state = came_from[state]
            return steps[::-1]
        for step in sorted(TRANSITIONS[state]):
            if step not in seen and (step is target or step not in _NOT_THROUGH):
                seen.add(step)
                came_from[step] = state
                todo.append(step)
    return None


def after_saved(store: Store, record: Record, by: str) -> Subject | None:
    """A record was saved: a walk-in is registered on its day's list, and the person's state
    follows the record. A step the rules refuse is logged and skipped: never blocks a save.
    None when the record's day has no list."""
    try:
        return _follow(store, record, by)
    except Exception as error:  # the record is stored: a fault here must not hide that
        log.exception("subject state after record %s: %s", record.record_id,
                      type(error).__name__)  # fmt: skip
        return None


def _follow(store: Store, record: Record, by: str) -> Subject | None:
    site_id, day = record.site_id, record.given_on
    if not has_list(store, site_id, day):
        return None
    subject = lookup_saved(store, site_id, day, record.person)
    try:
        if subject is None:
            subject = register_walk_in(store, site_id, day, record.person, by)
            log.info("walk-in registered: subject %s site %s", subject.subject_id, site_id)
        target = state_of(record)
        if target is None:
            return subject
        steps = path(subject.state, target)
        if steps is None:
            log.warning("subject %s: %s -> %s refused by the day's rules; record %s saved",
                        subject.subject_id, subject.state.value, target.value,
                        record.record_id)  # fmt: skip
            return subject
        for step in steps:
            subject = set_state(store, subject, step, by, note=f"record {record.record_id}")
    except DeskError as refused:
        log.warning("subject state not changed after record %s: %s", record.record_id,
                    refused.code)  # fmt: skip
        return subject
    return subject


def lookup_saved(store: Store, site_id: str, day: date, person: Identity) -> Subject | None:
    """The saved record's person on the list: by ID, else by the one of that name and birth."""
    found = store.subjects.by_person_key(site_id, day, person.person_key)
    if found is None:
        named = store.subjects.by_match_key(site_id, day, match_key(person))
        found = named[0] if len(named) == 1 else None
    return found


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


# -- the day's list screen -----------------------------------------------------------------


def matches(subject: Subject, search: str) -> bool:
    """A name without diacritics (any part of it), or digits of the ID number."""
    text = search.strip()
    if not text:
        return True
    digits = "".join(ch for ch in text if ch.isalnum())
    number = subject.person.id_number
    if digits and any(ch.isdigit() for ch in digits) and digits.upper() in number.upper():
        return True
    return fold(text) in fold(subject.person.full_name)


def day_list(store: Store, site_id: str, day: date, *, state: SubjectState | None = None,
             group: str | None = None, search: str = "") -> list[Subject]:  # fmt: skip
    """The day's people in list order, filtered by state, priority group and a search."""
    states = None if state is None else [state]
    return [
        s for s in store.subjects.of_day(site_id, day, states)
        if (group is None or s.entry.priority_group == group) and matches(s, search)
    ]  # fmt: skip


def follow_up_file(folder: Path, site_id: str, day: date, which: FollowUp) -> Path:
    """Where a follow-up list goes: the data folder, one file per site, day and list."""
    return folder / f"{which.value}-{site_id}-{day.isoformat()}.csv"


def export_follow_up(db_path: Path, site_id: str, day: date, which: FollowUp) -> tuple[Path, int]:
    """Write the follow-up list beside the desk's file (owner-only: health data), on a
    connection of its own (a worker thread's); the file and how many people."""
    out = follow_up_file(db_path.parent, site_id, day, which)
    descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    with open_store(db_path) as store, open(descriptor, "w", encoding="utf-8-sig",
                                            newline="") as handle:  # fmt: skip
        count = write_follow_up(store, site_id, day, which, handle)
    return out, count
