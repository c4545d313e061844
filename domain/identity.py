"""The person: ID numbers, names, sex, phone, and the rules that tie them together."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from domain.dates import PartialDate
from domain.errors import FieldError
from domain.tables import cccd_province_codes
from domain.text import clean_text, fold
from i18n import N_, _


class IdType(StrEnum):
    CCCD = "cccd"  # 12-digit personal ID (chip card)
    CMND = "cmnd"  # old 9-digit ID card
    PASSPORT = "passport"
    NONE = "none"  # no document (children, retrospective lists)

    @property
    def label(self) -> str:
        """The document's name in the language in use."""
        return _(_ID_TYPE_LABELS[self])


_ID_TYPE_LABELS = {
    IdType.CCCD: N_("CCCD"),
    IdType.CMND: N_("CMND"),
    IdType.PASSPORT: N_("Passport"),
    IdType.NONE: N_("No ID document"),
}


class Sex(StrEnum):
    MALE = "Nam"
    FEMALE = "Nữ"


_PASSPORT = re.compile(r"[A-Z][A-Z0-9]{5,8}")
# Viet Nam's 10-digit mobile numbers since the 2018 renumbering.
_MOBILE = re.compile(r"0(3[2-9]|5[25689]|7[06-9]|8[1-9]|9\d)\d{7}")


def classify_id(text: str) -> IdType:
    """Tell the ID type from what was typed or scanned, so nobody has to pick it."""
    value = normalize_id(text)
    if not value:
        return IdType.NONE
    if value.isdigit() and len(value) == 12:
        return IdType.CCCD
    if value.isdigit() and len(value) == 9:
        return IdType.CMND
    return IdType.PASSPORT


def normalize_id(text: str) -> str:
    return re.sub(r"[\s.\-]", "", text).upper()


def id_key(id_type: IdType, number: str) -> str:
    return f"{id_type.value}:{number}"


def person_key_of(id_text: str) -> str:
    """The key of the person an ID number names ('' for no usable number), as `person_key`."""
    number = normalize_id(id_text)
    id_type = classify_id(number)
    return "" if id_type is IdType.NONE else id_key(id_type, number)


def check_id_number(id_type: IdType, number: str) -> None:
    """Shape checks of the number alone; CCCD consistency with the person is `check_cccd`."""
    if id_type is IdType.NONE:
        if number:
            raise FieldError("id_number", "id.number_without_id")
        return
    if id_type is IdType.CCCD:
        if not (number.isascii() and number.isdigit() and len(number) == 12):
            raise FieldError("id_number", "id.cccd_digits")
        province = number[:3]
        if province not in cccd_province_codes():
            raise FieldError("id_number", "id.cccd_province", province=province)
        return
    if id_type is IdType.CMND:
        if not (number.isascii() and number.isdigit() and len(number) == 9):
            raise FieldError("id_number", "id.cmnd_digits")
        return
    if not (number.isascii() and _PASSPORT.fullmatch(number)):
        raise FieldError("id_number", "id.not_an_id")


def cccd_century_and_sex(number: str) -> tuple[int, Sex]:
    """Digit 4 of a CCCD: century of birth and sex (0/1 1900s, 2/3 2000s, ...; even = male)."""
    digit = int(number[3])
    centuries = {
        0: 1900,
        1: 1900,
        2: 2000,
        3: 2000,
        4: 2100,
        5: 2100,
        6: 2200,
        7: 2200,
        8: 1800,
        9: 1800,
    }
    return centuries[digit], Sex.MALE if digit % 2 == 0 else Sex.FEMALE


def cccd_birth_year(number: str) -> int:
    century, _ = cccd_century_and_sex(number)
    return century + int(number[4:6])


def check_cccd(number: str, dob: PartialDate, sex: Sex) -> None:
    """A CCCD encodes the birth year and sex: they must agree with what was entered."""
    year = cccd_birth_year(number)
    _, coded_sex = cccd_century_and_sex(number)
    if year != dob.year:
        raise FieldError("dob", "id.cccd_year", coded=year, given=dob.year)
    if coded_sex is not sex:
        raise FieldError("sex", "id.cccd_sex", coded=coded_sex.value, given=sex.value)


def check_cccd_birth_year(number: str, today: date) -> None:
    """A CCCD's century digit and year name a birth year: never one still to come."""
    year = cccd_birth_year(number)
    if year > today.year:
        raise FieldError("id_number", "id.cccd_future", year=year)


def parse_sex(text: str) -> Sex:
    key = fold(text)
    if key in {"nam", "m", "male", "1"}:
        return Sex.MALE
    if key in {"nu", "f", "female", "2", "0"}:
        return Sex.FEMALE
    raise FieldError("sex", "sex.invalid")


def normalize_name(text: str) -> str:
    name = clean_text(text)
    if not name:
        raise FieldError("full_name", "required")
    if len(name) > 80:
        raise FieldError("full_name", "name.too_long")
    if any(ch.isdigit() for ch in name):
        raise FieldError("full_name", "name.digits")
    if not all(ch.isalpha() or ch in " '-." for ch in name):
        raise FieldError("full_name", "name.characters")
    if name.isupper() or name.islower():
        name = " ".join(part.capitalize() for part in name.split(" "))
    return name


def normalize_phone(text: str) -> str:
    """'+84 912 345 678' -> '0912345678'; empty stays empty (phone is optional)."""
    digits = re.sub(r"[\s.\-()]", "", text)
    if not digits:
        return ""
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if not (digits.isascii() and _MOBILE.fullmatch(digits)):
        raise FieldError("phone", "phone.invalid")
    return digits


@dataclass(frozen=True)
class Identity:
    """A person as the desk knows them: typed, scanned from a CCCD, or read from a certificate."""

    id_type: IdType
    id_number: str
    full_name: str
    dob: PartialDate
    sex: Sex
    phone: str = ""
    province_code: str = ""
    ward_code: str = ""
    address: str = ""
    old_id: str = ""  # the 9-digit CMND printed in a CCCD QR, when there was one

    @property
    def person_key(self) -> str:
        """What ties a person's doses together: the ID number, else folded name and birth."""
        if self.id_type is not IdType.NONE:
            return id_key(self.id_type, self.id_number)
        return f"none:{fold(self.full_name)}|{self.dob.iso()}"

    def validated(self, *, today: date) -> Identity:
        """Return the identity normalised, or raise FieldError for the first field at fault."""
        number = normalize_id(self.id_number)
        check_id_number(self.id_type, number)
        if self.id_type is IdType.CCCD:
            check_cccd_birth_year(number, today)
        name = normalize_name(self.full_name)
        if (self.dob.is_full and self.dob.to_date() > today) or self.dob.year > today.year:
            raise FieldError("dob", "dob.future")
        if self.dob.year < 1900:
            raise FieldError("dob", "dob.before_1900")
        if self.id_type is IdType.CCCD:
            check_cccd(number, self.dob, self.sex)
        return replace(
            self,
            id_number=number,
            full_name=name,
            phone=normalize_phone(self.phone),
            address=clean_text(self.address),
        )
