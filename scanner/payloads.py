"""What a scanned code says: a CCCD chip-card QR, a bare ID number, a vaccination certificate,
or nothing we know. Parsed strictly into the domain's own types, with the same validation as
typed input; anything else is refused with a message and fills nothing."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from domain.dates import PartialDate
from domain.errors import FieldError
from domain.identity import Identity, IdType, Sex, check_id_number, classify_id
from domain.text import clean_text

CCCD_FIELDS = 7


@dataclass(frozen=True)
class IdentityScan:
    """A chip-card QR: the whole person."""

    identity: Identity
    issued_on: date | None
    kind: str = "cccd"


@dataclass(frozen=True)
class IdNumberScan:
    """A bare ID number (1D barcode, keyboard-wedge scanner, QR with digits only)."""

    id_type: IdType
    id_number: str
    kind: str = "id-number"


@dataclass(frozen=True)
class CertificateDose:
    vaccine: str  # our code, or "" when the product is not in our table
    product: str  # as the certificate names it
    dose_number: int
    series_doses: int
    given_on: date
    country: str
    issuer: str


@dataclass(frozen=True)
class CertificateScan:
    """An EU DCC vaccination certificate: the person as named on it, and every dose in it."""

    family_name: str
    given_name: str
    dob: PartialDate
    doses: tuple[CertificateDose, ...]
    issuer_country: str
    kind: str = "certificate"

    @property
    def full_name(self) -> str:
        # Vietnamese order: family name first.
        return clean_text(f"{self.family_name} {self.given_name}")


@dataclass(frozen=True)
class Rejected:
    reason: str
    kind: str = "rejected"


Scan = IdentityScan | IdNumberScan | CertificateScan | Rejected
NOT_RECOGNISED = "not a recognised ID code"


def decode_text(data: bytes) -> str | None:
    """The code's bytes as UTF-8 text, NFC-normalised; None when they are not UTF-8.

    Never a charset guess: a guess is how 'Ngô Ngọc Yến' turns into 'Ngﾃｴ Ng盻皇 Y蘯ｿn'.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return unicodedata.normalize("NFC", text.removeprefix("\ufeff"))


def _ddmmyyyy(text: str, what: str) -> date:
    if not (len(text) == 8 and text.isascii() and text.isdigit()):
        raise ValueError(f"{what} '{text}' is not DDMMYYYY")
    try:
        return date(int(text[4:]), int(text[2:4]), int(text[:2]))
    except ValueError:
        raise ValueError(f"{what} {text[:2]}/{text[2:4]}/{text[4:]} does not exist") from None


def parse_cccd(text: str, *, today: date) -> IdentityScan:
    """`ID12|CMND9|Full name|DDMMYYYY|Nam/Nữ|Address|DDMMYYYY issued`, strictly."""
    fields = text.strip().split("|")
    if len(fields) != CCCD_FIELDS:
        raise ValueError(f"a CCCD code has {CCCD_FIELDS} fields, this one {len(fields)}")
    number, old_id, name, born, sex_text, address, issued = (f.strip() for f in fields)
    if old_id:
        try:
            check_id_number(IdType.CMND, old_id)
        except FieldError as error:
            raise ValueError(f"old ID: {error.message}") from None
    sexes = {"nam": Sex.MALE, "nữ": Sex.FEMALE}
    sex = sexes.get(sex_text.lower())
    if sex is None:
        raise ValueError(f"sex '{sex_text}' is neither Nam nor Nữ")
    birth = _ddmmyyyy(born, "birth date")
    issued_on = _ddmmyyyy(issued, "issue date") if issued else None
    if issued_on is not None and not birth <= issued_on <= today:
        raise ValueError(f"issue date {issued_on:%d/%m/%Y} is impossible")
    identity = Identity(
        id_type=IdType.CCCD,
        id_number=number,
        full_name=name,
        dob=PartialDate.of(birth),
        sex=sex,
        address=address,
        old_id=old_id,
    )
    try:
        return IdentityScan(identity.validated(today=today), issued_on)
    except FieldError as error:
        raise ValueError(error.message) from None


def parse_payload(data: bytes, *, today: date) -> Scan:
    """Tell what a code is and parse it; never raises for bad input."""
    text = decode_text(data)
    if text is None:
        return Rejected(f"{NOT_RECOGNISED} (not UTF-8 text)")
    stripped = text.strip()
    if stripped.startswith("HC1:"):
        from scanner.dcc import parse_dcc

        try:
            return parse_dcc(stripped, today=today)
        except ValueError as error:
            return Rejected(f"unreadable vaccination certificate: {error}")
    if "|" in stripped:
        try:
            return parse_cccd(stripped, today=today)
        except ValueError as error:
            return Rejected(f"CCCD code refused: {error}")
    if stripped.isascii() and stripped.isdigit() and len(stripped) in (9, 12):
        id_type = classify_id(stripped)
        try:
            check_id_number(id_type, stripped)
        except FieldError as error:
            return Rejected(f"ID number refused: {error.message}")
        return IdNumberScan(id_type, stripped)
    return Rejected(NOT_RECOGNISED)
