"""Exports of the store. CSV: one row per record, its current version, header as documented.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return
before one) as a formula: such a value is written with a `'` before it (OWASP's advice on CSV
injection), so an address typed as `=HYPERLINK(...)` stays text.
"""

from __future__ import annotations

import csv
from typing import TextIO

from domain.wire import RECORD_FIELDS as RECORD_COLUMNS
from store.db import Store

# person_key is the store's own join key, not data.
CSV_COLUMNS: tuple[str, ...] = tuple(c for c in RECORD_COLUMNS if c != "person_key")


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """The value as a spreadsheet will show it and never run it."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(store: Store, out: TextIO) -> int:
    """Write every record's current version (voided ones too, marked); return the row count."""
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in store.current_rows():
        values = {k: "" if row[k] is None else row[k] for k in CSV_COLUMNS}
        writer.writerow({k: spreadsheet_safe(v) for k, v in values.items()})
        count += 1
    return count
