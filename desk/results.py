"""What the entry use cases answer: the form patch to apply, the record stored, a refusal,
a scan filled or queued. Plain data, for the screens to render."""

from __future__ import annotations

from dataclasses import dataclass, field

from desk.scans import Skipped
from domain.doses import NextDose
from domain.errors import DeskError, FieldError
from domain.record import Record
from domain.scans import CertificateScan, Rejected, Scan


@dataclass(frozen=True)
class Lookup:
    """The person's earlier doses (this desk's and those the hub sent), and what comes next."""

    person_key: str
    history: list[Record] = field(default_factory=list)
    next: NextDose | None = None


@dataclass(frozen=True)
class Patch:
    """What to change in the form: values, where the cursor goes, what to show beside it."""

    values: dict[str, str] = field(default_factory=dict)
    focus: str | None = None  # a field name; "" for the last field (Enter there saves)
    lookup: Lookup | None = None
    certificate: CertificateScan | None = None


@dataclass(frozen=True)
class Saved:
    record: Record
    corrected: bool


@dataclass(frozen=True)
class Refused:
    """Nothing stored: fields to fix, or a reason that is not one field's."""

    errors: dict[str, FieldError] = field(default_factory=dict)
    problem: DeskError | None = None
    overridable: bool = False  # the dose rules refused it: saving with a reason may override


@dataclass(frozen=True)
class Queued:
    scan: Scan


@dataclass(frozen=True)
class Filled:
    scan: Scan
    patch: Patch


ScanOutcome = Queued | Filled | Rejected | Skipped
