"""A vaccination certificate (EU DCC) scanned at the desk: each of its doses becomes a record
given elsewhere (source: certificate), once the volunteer has given the ID number and sex."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace

from domain.dcc import OTHER_VACCINE
from domain.record import EntryContext, Mode, Source, build_record
from domain.scans import CertificateDose, CertificateScan
from store import DuplicateDose, Store

log = logging.getLogger("vaxdesk.desk")


@dataclass(frozen=True)
class Imported:
    imported: int
    known: int  # recorded already (the same dose number): left as they were


def given_by(dose: CertificateDose) -> str:
    """Who gave the dose, as the certificate says; for a product our table does not have, the
    product's own name first, so that it is kept with the record."""
    issuer = f"{dose.issuer} ({dose.country})"
    if dose.vaccine in ("", OTHER_VACCINE):
        return f"{dose.product or '?'}: {issuer}"[:80]
    return issuer[:80]


def import_certificate(
    store: Store, scan: CertificateScan, form: Mapping[str, str], ctx: EntryContext
) -> Imported:
    """Raises ValidationError (a field to fix) or DeskError (the store said no); doses
    imported before the error stay imported."""
    imported, known = 0, 0
    for dose in scan.doses:
        values = {
            **form,
            "vaccine": dose.vaccine or OTHER_VACCINE,
            "lot": "",
            "given_on": dose.given_on.strftime("%d/%m/%Y"),
            "dose_number": str(dose.dose_number),
            "screening": "D",
            "aefi": "",
        }
        dose_ctx = replace(
            ctx,
            mode=Mode.RETROSPECTIVE,
            source=Source.CERTIFICATE,
            vaccinator=given_by(dose),
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
