"""What a record is made of: screening, adverse event, source, status, mode, and the parsers
of the fields a volunteer types for them (codes, lots, dose numbers, names)."""

from __future__ import annotations

import re
from enum import StrEnum

from domain.errors import FieldError
from domain.identity import normalize_name
from domain.tables import vaccine_table
from domain.text import clean_text, fold

_LOT = re.compile(r"[A-Z0-9][A-Z0-9/.\-]{0,23}")
_CODE = re.compile(r"[A-Za-z0-9_.\-]{1,32}")


class Screening(StrEnum):
    ELIGIBLE = "D"  # đủ điều kiện tiêm: the dose is given
    POSTPONE = "H"  # tạm hoãn
    CONTRAINDICATED = "C"  # chống chỉ định
    REFER = "B"  # chuyển tiêm tại bệnh viện

    @property
    def label(self) -> str:
        return _SCREENING_LABELS[self]

    @property
    def gives_dose(self) -> bool:
        return self is Screening.ELIGIBLE


_SCREENING_LABELS = {
    Screening.ELIGIBLE: "đủ điều kiện tiêm",
    Screening.POSTPONE: "tạm hoãn",
    Screening.CONTRAINDICATED: "chống chỉ định",
    Screening.REFER: "chuyển bệnh viện",
}


class Aefi(StrEnum):
    """Adverse event following immunization, as seen during observation."""

    NONE = ""
    MILD = "mild"  # phản ứng thông thường
    SEVERE = "severe"  # phản ứng nặng


class Source(StrEnum):
    TYPED = "typed"
    SCAN = "scan"
    IMPORT = "import"
    RETROSPECTIVE = "retrospective"
    CERTIFICATE = "certificate"
    DEMO = "demo"


class Status(StrEnum):
    ACTIVE = "active"
    VOIDED = "voided"


class Mode(StrEnum):
    LIVE = "live"  # doses given now, at this desk
    RETROSPECTIVE = "retrospective"  # hồi cứu: doses given earlier, from paper lists


def parse_screening(text: str) -> Screening:
    key = fold(text).upper()[:1] or "D"
    try:
        return Screening(key)
    except ValueError:
        raise FieldError("screening", "screening.invalid") from None


def parse_aefi(text: str) -> Aefi:
    key = fold(text)
    if key in {"", "0", "-", "khong", "none"}:
        return Aefi.NONE
    if key in {"1", "mild", "nhe", "thuong", "thong thuong"}:
        return Aefi.MILD
    if key in {"2", "severe", "nang"}:
        return Aefi.SEVERE
    raise FieldError("aefi", "aefi.invalid")


def parse_vaccine(text: str) -> str:
    table = vaccine_table()
    vaccine = table.resolve(text)
    if vaccine is None:
        raise FieldError(
            "vaccine", "vaccine.unknown", text=clean_text(text), choices=", ".join(table.choices())
        )
    return vaccine.code


def parse_lot(text: str) -> str:
    lot = clean_text(text).upper().replace(" ", "")
    if not lot:
        raise FieldError("lot", "required")
    if not _LOT.fullmatch(lot):
        raise FieldError("lot", "lot.characters")
    return lot


def parse_dose_number(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 9:
        raise FieldError("dose_number", "dose.range")
    return int(text)


def parse_code(name: str, text: str) -> str:
    value = clean_text(text)
    if not _CODE.fullmatch(value):
        raise FieldError(name, "code.characters")
    return value


def parse_person_name(name: str, text: str) -> str:
    try:
        return normalize_name(text)
    except FieldError as error:
        raise error.at(name) from None


def parse_void_reason(text: str) -> str:
    """Why a record is voided: at least 3 characters, at most 200, spaces folded."""
    reason = " ".join(text.split())
    if len(reason) < 3:
        raise FieldError("reason", "store.void_reason")
    return reason[:200]
