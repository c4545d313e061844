"""Scans at the desk: what a code fills in the form, and the queue of codes that arrive while
the form is in use (shown on screen, taken in order when it is saved or cleared)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from domain.errors import DeskError
from domain.identity import id_key, person_key_of
from domain.places import province_name, ward_name
from domain.record import Source, Status, identity_to_form
from domain.scans import CertificateScan, IdentityScan, IdNumberScan, Scan
from domain.text import mask
from store import Store

QUEUE_SIZE = 5
# A code of a person this desk saved so recently is the same card still in view, not a visit.
RECENT_MINUTES = 15
# The person's fields a scan fills; after a scan, focus goes to the first of these left empty.
REQUIRED_PERSON_FIELDS = ("full_name", "dob", "sex")
# Any of these typed means the form is in use: a scan then waits instead of overwriting.
PERSON_FIELDS = ("id_number", "full_name", "dob", "phone", "address")


@dataclass
class ScanQueue:
    waiting: deque[Scan] = field(default_factory=lambda: deque(maxlen=QUEUE_SIZE))

    def add(self, scan: Scan) -> None:
        self.waiting.append(scan)

    def take(self, skip: Callable[[Scan], bool] = lambda scan: False) -> Scan | None:
        """The oldest waiting scan that is not to be skipped (those are dropped)."""
        while self.waiting:
            scan = self.waiting.popleft()
            if not skip(scan):
                return scan
        return None

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
    """The name, and the date of birth as far as the certificate knows it (a year and month
    without a day are kept as such)."""
    dob = scan.dob
    return {"full_name": scan.full_name, "dob": dob.display() if dob is not None else ""}


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


@dataclass(frozen=True)
class Skipped:
    """A code of someone already here: on the form, waiting, or saved a moment ago."""

    scan: Scan
    reason: DeskError


def scan_person_key(scan: Scan) -> str:
    if isinstance(scan, IdentityScan):
        return scan.identity.person_key
    if isinstance(scan, IdNumberScan):
        return id_key(scan.id_type, scan.id_number)
    return ""


def saved_recently(store: Store, desk_id: str, now: datetime, key: str) -> DeskError | None:
    """`scan.saved_already` when this desk saved the person within RECENT_MINUTES."""
    since = now - timedelta(minutes=RECENT_MINUTES)
    for record in store.recorded_between(desk_id, since, now + timedelta(minutes=1)):
        if record.person.person_key == key and record.status is Status.ACTIVE:
            at = datetime.fromisoformat(record.recorded_at).astimezone(now.tzinfo)
            return DeskError("scan.saved_already", id=mask(record.person.id_number),
                             at=at)  # fmt: skip
    return None


def already_here(
    scan: Scan, form: Mapping[str, str], queue: ScanQueue, recent: Callable[[str], DeskError | None]
) -> DeskError | None:
    """Why the scan is not to fill the form nor wait: its person is on the form, waiting
    already, or was saved a moment ago (`recent`)."""
    key = scan_person_key(scan)
    if not key:
        return None
    shown = mask(key.partition(":")[2])
    if key == person_key_of(form.get("id_number", "")):
        return DeskError("scan.on_form", id=shown)
    if any(scan_person_key(waiting) == key for waiting in queue):
        return DeskError("scan.waiting_already", id=shown)
    return recent(key)
