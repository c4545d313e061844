"""A vaccination certificate (EU DCC) scanned at the desk: each of its doses becomes a record
given elsewhere (source: certificate), once the volunteer has given the ID number and sex."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace

from domain.record import EntryContext, Mode, Source, build_record
from domain.scans import CertificateScan
from store import DuplicateDose, Store

log = logging.getLogger("vaxdesk.desk")


@dataclass(frozen=True)
class Imported:
    imported: int
    known: int  # recorded already (the same dose number): left as they were


def import_certificate(
    store: Store, scan: CertificateScan, form: Mapping[str, str], ctx: EntryContext
) -> Imported:
    """Raises ValidationError (a field to fix) or DeskError (the store said no); doses
    imported before the error stay imported."""
    imported, known = 0, 0
    for dose in scan.doses:
        values = {
            **form,
            "vaccine": dose.vaccine or dose.product,
            "lot": "",
            "given_on": dose.given_on.strftime("%d/%m/%Y"),
            "dose_number": str(dose.dose_number),
            "screening": "D",
            "aefi": "",
        }
        dose_ctx = replace(
            ctx,
            mode=Mode.RETROSPECTIVE,
            source=Source.DEMO if ctx.source is Source.DEMO else Source.CERTIFICATE,
            vaccinator=f"{dose.issuer} ({dose.country})"[:80],
        )
        record = build_record(values, dose_ctx)
        try:
            store.save(record)
        except DuplicateDose:
            known += 1
            continue
        imported += 1
        log.info("imported record %s from a certificate", record.record_id)
    return Imported(imported, known)
