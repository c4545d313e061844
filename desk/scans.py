"""Scans at the desk: what a code fills in the form, and the queue of codes that arrive while
the form is in use (shown on screen, taken in order when it is saved or cleared)."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from domain.places import province_name, ward_name
from domain.record import Source, identity_to_form
from domain.scans import CertificateScan, IdentityScan, IdNumberScan, Scan

QUEUE_SIZE = 5
# The person's fields a scan fills; after a scan, focus goes to the first of these left empty.
REQUIRED_PERSON_FIELDS = ("full_name", "dob", "sex")
# Any of these typed means the form is in use: a scan then waits instead of overwriting.
PERSON_FIELDS = ("id_number", "full_name", "dob", "phone", "address")


@dataclass
class ScanQueue:
    waiting: deque[Scan] = field(default_factory=lambda: deque(maxlen=QUEUE_SIZE))

    def add(self, scan: Scan) -> None:
        self.waiting.append(scan)

    def take(self) -> Scan | None:
        return self.waiting.popleft() if self.waiting else None

    def __len__(self) -> int:
        return len(self.waiting)

    def __bool__(self) -> bool:
        return bool(self.waiting)

    def __iter__(self) -> Iterator[Scan]:
        return iter(self.waiting)


def form_in_use(form: Mapping[str, str]) -> bool:
    return any(form.get(name, "").strip() for name in PERSON_FIELDS)


def identity_values(scan: IdentityScan) -> dict[str, str]:
    """The whole person from a chip-card QR, places by name."""
    identity = scan.identity
    values = identity_to_form(identity)
    if identity.province_code:
        values["province"] = province_name(identity.province_code)
        values["ward"] = ward_name(identity.province_code, identity.ward_code)
    return values


def certificate_values(scan: CertificateScan) -> dict[str, str]:
    """The name, and the date of birth as a record can hold it: a full date or the year only
    (a certificate's month without a day is shown with the certificate, not stored)."""
    dob = scan.dob
    if dob is None:
        return {"full_name": scan.full_name, "dob": ""}
    return {"full_name": scan.full_name, "dob": dob.display() if dob.is_full else str(dob.year)}


def scan_values(scan: Scan) -> tuple[dict[str, str], Source]:
    """What a code fills, and the record's source from then on."""
    if isinstance(scan, IdentityScan):
        return identity_values(scan), Source.SCAN
    if isinstance(scan, IdNumberScan):
        return {"id_number": scan.id_number}, Source.SCAN
    if isinstance(scan, CertificateScan):
        return certificate_values(scan), Source.TYPED
    return {}, Source.TYPED


def first_missing(form: Mapping[str, str]) -> str | None:
    """Where the volunteer types next after a scan: the first person's field still empty."""
    return next((n for n in REQUIRED_PERSON_FIELDS if not form.get(n, "").strip()), None)
