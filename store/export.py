"""Exports of the store. CSV: one row per record, its current version, header as documented.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return
before one) as a formula: such a value is written with a `'` before it (OWASP's advice on CSV
injection), so an address typed as `=HYPERLINK(...)` stays text.

Columns added later go at the end, so a consumer reading by position keeps its columns: the
person's priority group (from the site's subject lists, issue 13) and the screening
checklist's version and answers.

For a spreadsheet (issue 14): a UTF-8 byte order mark first (`bom`), so Excel reads the
diacritics as UTF-8; every field quoted (QUOTE_ALL: one rule for every column, the header
too), so the codes with leading zeros (province `01`, ward `00004`, ID numbers, phones `09…`)
are quoted text in the file, never bare numbers; `masked` writes ID numbers and phones masked
(domain.text.mask), nothing else.
"""

from __future__ import annotations

import csv
from typing import TextIO

from domain.text import mask, mask_phone
from domain.wire import OPTIONAL_FIELDS
from domain.wire import RECORD_FIELDS as RECORD_COLUMNS
from store.db import Store

# person_key is the store's own join key, not data.
CSV_COLUMNS: tuple[str, ...] = (
    *(c for c in RECORD_COLUMNS if c != "person_key"),
    "priority_group",
    *OPTIONAL_FIELDS,  # checklist_version, screening_answers
)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

BOM = "\ufeff"

# What `masked` hides, and how: enough to tell people apart, not to identify them.
MASKED = {"id_number": mask, "phone": mask_phone}


def spreadsheet_safe(value: object) -> object:
    """The value as a spreadsheet will show it and never run it."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class ListedGroups:
    """The priority group the site's subject lists give a person: the list of the dose's day
    when it has them, else the most recent list that has them; '' when none does."""

    def __init__(self, store: Store) -> None:
        self._by_day: dict[tuple[str, str], dict[str, str]] = {}
        rows = store.conn.execute(
            "SELECT site_id, person_key, list_day, priority_group FROM subjects "
            "ORDER BY list_day, subject_id"
        )
        for site_id, person_key, day, group in rows:
            self._by_day.setdefault((site_id, person_key), {})[day] = group

    def group_of(self, site_id: str, person_key: str, day: str) -> str:
        days = self._by_day.get((site_id, person_key))
        if not days:
            return ""
        if day in days:
            return days[day]
        return days[max(days)]


def write_csv(store: Store, out: TextIO, *, bom: bool = False, masked: bool = False) -> int:
    """Write every record's current version (voided ones too, marked); return the row count.
    `bom`: a UTF-8 byte order mark first (for Excel); `masked`: ID numbers and phones masked."""
    writer = csv.DictWriter(
        out,
        fieldnames=CSV_COLUMNS,
        extrasaction="ignore",
        lineterminator="\n",
        quoting=csv.QUOTE_ALL,
    )
    if bom:
        out.write(BOM)
    writer.writeheader()
    groups = ListedGroups(store)
    count = 0
    for record in store.current_rows():
        row = dict(record)
        row["priority_group"] = groups.group_of(row["site_id"], row["person_key"], row["given_on"])
        values = {k: "" if row.get(k) is None else row[k] for k in CSV_COLUMNS}
        if masked:
            values.update({k: hide(str(values[k])) for k, hide in MASKED.items()})
        writer.writerow({k: spreadsheet_safe(v) for k, v in values.items()})
        count += 1
    return count
