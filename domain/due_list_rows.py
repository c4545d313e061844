"""The due list's way in and out, pure: the children and histories from the records a desk or
a hub keeps (`children_from_records`), and the rows people read (`list_rows`) or that send
reminders to guardians (`reminder_rows`: one row a phone number). Writing the files (xlsx,
CSV) is the caller's; column titles are English message ids, translated where shown."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from domain.due_list import Child, DueRow
from domain.fields import Status as RecordStatus
from domain.identity import Sex
from domain.record import Record
from domain.schedule import Given
from domain.schedule_table import Schedule, schedule
from i18n import N_, _, format_date

LIST_COLUMNS = (N_("Full name"), N_("Date of birth"), N_("Guardian"), N_("Phone"),
                N_("Due"), N_("Vaccines"), N_("Due since"), N_("Overdue"))  # fmt: skip
REMINDER_COLUMNS = (N_("Phone"), N_("Guardian"), N_("Children"), N_("Vaccines"),
                    N_("Due since"))  # fmt: skip


def children_from_records(records: Iterable[Record]) -> list[tuple[Child, list[Given]]]:
    """Each person of the records (by person key) as a child with the doses given: voided
    records and screenings without a dose left out; a person whose birth is a year or a
    month alone (paper lists) cannot be scheduled and is left out too. The person's details
    are those of their latest record."""
    people: dict[str, tuple[Record, list[Given]]] = {}
    for record in sorted(records, key=lambda r: (r.given_on, r.recorded_at)):
        if record.status is not RecordStatus.ACTIVE:
            continue
        key = record.person.person_key
        doses = people[key][1] if key in people else []
        if record.gives_dose:
            doses.append(Given(record.vaccine, record.given_on))
        people[key] = (record, doses)
    out = []
    for key, (latest, doses) in people.items():
        person = latest.person
        if not person.dob.is_full:
            continue
        sex = {Sex.FEMALE: "female", Sex.MALE: "male"}.get(person.sex, "")
        child = Child(key, person.full_name, person.dob.to_date(), person.ward_code, sex,
                      guardian_phone=person.phone)  # fmt: skip
        out.append((child, doses))
    return out


def _antigens(row: DueRow, sched: Schedule) -> str:
    return ", ".join(f"{sched.antigen(i.antigen).name} {i.number}" for i in row.items)


def list_rows(rows: Sequence[DueRow], sched: Schedule | None = None) -> list[list[str]]:
    """The due list as a table, in the language in use (dates dd/mm/yyyy): the header first."""
    sched = sched or schedule()
    out = [[_(title) for title in LIST_COLUMNS]]
    for row in rows:
        child = row.child
        out.append([
            child.name, format_date(child.birth), child.guardian_name, child.guardian_phone,
            _antigens(row, sched), ", ".join(row.vaccines),
            format_date(row.since) if row.since else "", _("Yes") if row.overdue else "",
        ])  # fmt: skip
    return out


def reminder_rows(rows: Sequence[DueRow]) -> list[list[str]]:
    """One row a guardian's phone number (children of one guardian together), for reminder
    messages: the header first; children without a phone are left out."""
    by_phone: dict[str, list[DueRow]] = {}
    for row in rows:
        if row.child.guardian_phone:
            by_phone.setdefault(row.child.guardian_phone, []).append(row)
    out = [[_(title) for title in REMINDER_COLUMNS]]
    for phone, same in by_phone.items():
        vaccines = list(dict.fromkeys(v for r in same for v in r.vaccines))
        since: list[date] = [r.since for r in same if r.since]
        out.append([
            phone, next((r.child.guardian_name for r in same if r.child.guardian_name), ""),
            ", ".join(r.child.name for r in same), ", ".join(vaccines),
            format_date(min(since)) if since else "",
        ])  # fmt: skip
    return out
