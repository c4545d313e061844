"""The FHIR export in the export ledger: `--only-new` keeps the latest versions no FHIR export
holds yet, and the versions written are marked (destination `fhir`, the row: the record's
place in the file's Immunizations) once the file is in place."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from hub.export_ledger import FHIR, mark_exported, new_export, unsent
from hub.fhir_export import FhirExported, RecordKey, export_site_fhir
from hub.storage import Storage


def export_fhir_ledgered(
    db: Storage, site_id: str, start: date, end: date, out: Path, *, only_new: bool = False,
    now: Callable[[], datetime] = lambda: datetime.now(UTC), **options: Any,
) -> tuple[FhirExported, str]:  # fmt: skip
    """`export_site_fhir` (its `options`: bundle, timezone, progress), in the ledger; the
    summary and the export's id."""
    export = new_export(FHIR, site_id, start, end, out.name, now())
    keep = None
    if only_new:
        wanted = unsent(db, FHIR, site_id, start, end)

        def keep(record_id: str, version: int) -> bool:
            return (record_id, version) in wanted

    def sent(keys: Iterator[RecordKey]) -> None:
        try:
            marks = [(rid, version, row) for row, (rid, version) in enumerate(keys, 1)]
            mark_exported(db, export, marks, now())
        except BaseException:  # a file the ledger does not know must not be sent by mistake
            out.unlink(missing_ok=True)
            raise

    done = export_site_fhir(db, site_id, start, end, out, keep=keep, sent=sent, **options)
    return done, export.export_id
