"""Exports of the store. CSV: one row per record, its current version, header as documented."""

from __future__ import annotations

import csv
from typing import TextIO

from domain.wire import RECORD_FIELDS as RECORD_COLUMNS
from store.db import Store

# person_key is the store's own join key, not data.
CSV_COLUMNS: tuple[str, ...] = tuple(c for c in RECORD_COLUMNS if c != "person_key")


def write_csv(store: Store, out: TextIO) -> int:
    """Write every record's current version (voided ones too, marked); return the row count."""
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in store.current_rows():
        writer.writerow({k: "" if row[k] is None else row[k] for k in CSV_COLUMNS})
        count += 1
    return count
