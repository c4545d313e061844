"""What a scanned code says: a CCCD chip-card QR, a bare ID number, a vaccination certificate,
or nothing we know. Parsed strictly into the domain's own types, with the same validation as
typed input; anything else is refused with a message and fills nothing."""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from domain.dates import PartialDate
from domain.errors import DeskError, FieldError
from domain.identity import Identity, IdType, Sex, check_id_number, classify_id
from domain.slip_code import parse_slip_code
from domain.text import clean_text
from i18n import N_

CCCD_FIELDS = 7
# The longest QR code holds under 3 KB; a longer payload is not a code we know.
MAX_PAYLOAD = 8 * 1024
# A passport number from a 1D barcode, as printed: upper case, and digits in it (so that a
# name typed in capitals is not taken for one).
_PASSPORT_CODE = re.compile(r"[A-Z](?=[A-Z0-9]*[0-9][A-Z0-9]*[0-9])[A-Z0-9]{5,8}")

log = logging.getLogger("vaxdesk.scan")


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
    dob: PartialDate | None  # None: unknown (the certificate's schema allows it)
    doses: tuple[CertificateDose, ...]
    issuer_country: str
    kind: str = "certificate"

    @property
    def full_name(self) -> str:
        # Vietnamese order: family name first.
        return clean_text(f"{self.family_name} {self.given_name}")


@dataclass(frozen=True)
class SlipScan:
    """The code of a slip this site printed (phiếu xác nhận): it names a record, not a person."""

    record_id: str
    kind: str = "slip"


@dataclass(frozen=True)
class Rejected:
    """Nothing filled: `code` says why; `detail`, when there is one, is the inner refusal."""

    code: str
    detail: DeskError | str = ""
    kind: str = "rejected"

    @property
    def reason(self) -> str:
        """In English, for logs and tests; screens say it through `domain.messages`."""
        from domain.messages import render

        return render(self.code, {"detail": self.detail})


Scan = IdentityScan | IdNumberScan | CertificateScan | SlipScan | Rejected


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
        raise DeskError("cccd.date_shape", what=what, text=text)
    try:
        return date(int(text[4:]), int(text[2:4]), int(text[:2]))
    except ValueError:
        raise DeskError(
            "cccd.date_missing", what=what, text=f"{text[:2]}/{text[2:4]}/{text[4:]}"
        ) from None


def parse_cccd(text: str, *, today: date) -> IdentityScan:
    """`ID12|CMND9|Full name|DDMMYYYY|Nam/Nữ|Address|DDMMYYYY issued`, strictly."""
    fields = text.strip().split("|")
    if len(fields) != CCCD_FIELDS:
        raise DeskError("cccd.fields", expected=CCCD_FIELDS, count=len(fields))
    number, old_id, name, born, sex_text, address, issued = (f.strip() for f in fields)
    if old_id:
        try:
            check_id_number(IdType.CMND, old_id)
        except FieldError as error:
            raise DeskError("cccd.old_id", detail=error) from None
    sexes = {"nam": Sex.MALE, "nữ": Sex.FEMALE}
    sex = sexes.get(sex_text.lower())
    if sex is None:
        raise DeskError("cccd.sex", text=sex_text)
    birth = _ddmmyyyy(born, N_("birth date"))
    issued_on = _ddmmyyyy(issued, N_("issue date")) if issued else None
    if issued_on is not None and not birth <= issued_on <= today:
        raise DeskError("cccd.issued", date=issued_on)
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
        raise DeskError(error.code, **error.params) from None


def parse_payload(data: bytes, *, today: date) -> Scan:
    """Tell what a code is and parse it; never raises, whatever the bytes."""
    try:
        return _parse(data, today)
    except Exception as error:  # a parser's bug must not cost the volunteer the form
        log.warning("scan parser failed: %s", type(error).__name__)
        return Rejected("scan.unreadable", type(error).__name__)


def parse_typed(text: str, *, today: date) -> Scan:
    """A keyboard-wedge scanner's burst: text that may hold anything a keyboard can send."""
    return parse_payload(text.encode("utf-8", "surrogatepass"), today=today)


def _parse(data: bytes, today: date) -> Scan:
    if len(data) > MAX_PAYLOAD:
        return Rejected("scan.too_long", str(MAX_PAYLOAD))
    text = decode_text(data)
    if text is None:
        return Rejected("scan.not_utf8")
    stripped = text.strip()
    if "\x00" in stripped:
        return Rejected("scan.not_recognised")
    if (record_id := parse_slip_code(stripped)) is not None:
        return SlipScan(record_id)
    if stripped.startswith("HC1:"):
        from domain.dcc import parse_dcc

        try:
            return parse_dcc(stripped, today=today)
        except DeskError as error:
            return Rejected("scan.certificate", error)
    if "|" in stripped:
        try:
            return parse_cccd(stripped, today=today)
        except DeskError as error:
            return Rejected("scan.cccd", error)
    if stripped.isascii() and stripped.isdigit() and len(stripped) in (9, 12):
        return _id_number(classify_id(stripped), stripped)
    if _PASSPORT_CODE.fullmatch(stripped):
        return _id_number(IdType.PASSPORT, stripped)
    return Rejected("scan.not_recognised")


def _id_number(id_type: IdType, number: str) -> Scan:
    try:
        check_id_number(id_type, number)
    except FieldError as error:
        return Rejected("scan.id_number", DeskError(error.code, **error.params))
    return IdNumberScan(id_type, number)
