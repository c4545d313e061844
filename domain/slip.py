"""The citizen's slip (phiếu xác nhận tiêm chủng): what it says of one dose, in the language in
use, and the code that finds the record again at any desk of the site. Pure: a PDF, a receipt
printer or a screen draws it (`printing/`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.doses import due_after
from domain.fields import Status
from domain.record import Record
from domain.slip_code import slip_code
from domain.tables import VaccineTable, vaccine_table
from domain.text import mask
from i18n import N_, _

TITLE = N_("VACCINATION SLIP")  # the Ministry's "PHIẾU XÁC NHẬN TIÊM CHỦNG"
NOTE = N_("Keep this slip: its code finds your record at any desk of the site.")
NONE = "—"

# Why a record has no slip: a voided record, or a screening that gave no dose.
NOT_PRINTABLE_VOIDED = "print.voided"
NOT_PRINTABLE_NO_DOSE = "print.no_dose"


@dataclass(frozen=True)
class SlipLine:
    label: str
    value: str

    @property
    def text(self) -> str:
        return f"{self.label}: {self.value}"


@dataclass(frozen=True)
class Slip:
    title: str
    lines: tuple[SlipLine, ...]
    record_id: str
    code: str  # `domain.slip_code`: what the barcode and the QR carry
    note: str

    def text_lines(self) -> list[str]:
        """The slip as the lines of text it prints, top to bottom (the codes apart)."""
        return [self.title, *(line.text for line in self.lines), self.note]


def why_no_slip(record: Record) -> str | None:
    """None when the record has a slip; else the reason's code (`slip.*`)."""
    if record.status is not Status.ACTIVE:
        return NOT_PRINTABLE_VOIDED
    if not record.gives_dose:
        return NOT_PRINTABLE_NO_DOSE
    return None


def day_text(day: date | None) -> str:
    """Dates on paper for people: dd/mm/yyyy."""
    return day.strftime("%d/%m/%Y") if day is not None else NONE


def vaccine_name(code: str, vaccines: VaccineTable) -> str:
    vaccine = vaccines.by_code(code)
    return vaccine.display_name if vaccine is not None else code


def slip_of(record: Record, *, site: str = "", vaccines: VaccineTable | None = None) -> Slip:
    """The slip of one dose. `site`: the site's name where the desk knows it (else its code)."""
    table = vaccines or vaccine_table()
    person = record.person
    lines = [
        SlipLine(_("Full name"), person.full_name),
        SlipLine(_("Year of birth"), str(person.dob.year)),
        SlipLine(_("ID number"), mask(person.id_number) or NONE),
        SlipLine(_("Vaccine"), vaccine_name(record.vaccine, table)),
        SlipLine(_("Lot"), record.lot or NONE),
        SlipLine(_("Dose number"), str(record.dose_number) if record.dose_number else NONE),
        SlipLine(_("Given on"), day_text(record.given_on)),
        SlipLine(_("Site"), site or record.site_id),
        SlipLine(_("Next dose from"), day_text(due_after(record))),
        SlipLine(_("Record"), record.record_id),
    ]
    return Slip(
        title=_(TITLE),
        lines=tuple(lines),
        record_id=record.record_id,
        code=slip_code(record.record_id),
        note=_(NOTE),
    )
