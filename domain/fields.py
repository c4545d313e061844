"""What a record is made of: screening, adverse event, source, status, mode, and the parsers
of the fields a volunteer types for them (codes, lots, dose numbers, names)."""

from __future__ import annotations

import re
from enum import StrEnum

from domain.errors import FieldError
from domain.identity import normalize_name
from domain.tables import vaccine_table
from domain.text import clean_text, fold
from i18n import N_, _

_LOT = re.compile(r"[A-Z0-9][A-Z0-9/.\-]{0,23}")
_CODE = re.compile(r"[A-Za-z0-9_.\-]{1,32}")


class Screening(StrEnum):
    ELIGIBLE = "D"  # đủ điều kiện tiêm: the dose is given
    POSTPONE = "H"  # tạm hoãn
    CONTRAINDICATED = "C"  # chống chỉ định
    REFER = "B"  # chuyển tiêm tại bệnh viện

    @property
    def term(self) -> str:
        """The outcome's name as a message id (English): a message's parameter."""
        return _SCREENING_LABELS[self]

    @property
    def label(self) -> str:
        """The outcome's name in the language in use (tạm hoãn tiêm, postponed)."""
        return _(self.term)

    @property
    def gives_dose(self) -> bool:
        return self is Screening.ELIGIBLE


_SCREENING_LABELS = {
    Screening.ELIGIBLE: N_("eligible"),
    Screening.POSTPONE: N_("postponed"),
    Screening.CONTRAINDICATED: N_("contraindicated"),
    Screening.REFER: N_("referred to hospital"),
}


class Aefi(StrEnum):
    """Adverse event following immunization, as seen during observation."""

    NONE = ""
    MILD = "mild"  # phản ứng thông thường
    SEVERE = "severe"  # phản ứng nặng

    @property
    def label(self) -> str:
        """In the language in use: none, mild (thông thường), severe (nặng)."""
        return _(_AEFI_LABELS[self])


class Source(StrEnum):
    TYPED = "typed"
    SCAN = "scan"
    IMPORT = "import"
    RETROSPECTIVE = "retrospective"
    CERTIFICATE = "certificate"
    DEMO = "demo"  # made by `vaxdesk demo`: generated citizens, never a real person

    @property
    def label(self) -> str:
        return _(_SOURCE_LABELS[self])


class Status(StrEnum):
    ACTIVE = "active"
    VOIDED = "voided"

    @property
    def label(self) -> str:
        return _(_STATUS_LABELS[self])


class Mode(StrEnum):
    LIVE = "live"  # doses given now, at this desk
    RETROSPECTIVE = "retrospective"  # hồi cứu: doses given earlier, from paper lists

    @property
    def label(self) -> str:
        return _(_MODE_LABELS[self])


_AEFI_LABELS = {Aefi.NONE: N_("none"), Aefi.MILD: N_("mild"), Aefi.SEVERE: N_("severe")}
_SOURCE_LABELS = {
    Source.TYPED: N_("typed"),
    Source.SCAN: N_("scanned"),
    Source.IMPORT: N_("imported"),
    Source.RETROSPECTIVE: N_("retrospective entry"),
    Source.CERTIFICATE: N_("from a certificate"),
    Source.DEMO: N_("demo"),
}
_STATUS_LABELS = {Status.ACTIVE: N_("active"), Status.VOIDED: N_("voided")}
_MODE_LABELS = {Mode.LIVE: N_("live"), Mode.RETROSPECTIVE: N_("retrospective")}


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
