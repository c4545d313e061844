from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.dates import PartialDate
from domain.errors import FieldError
from domain.identity import (
    Identity,
    IdType,
    Sex,
    cccd_birth_year,
    cccd_century_and_sex,
    check_cccd,
    check_id_number,
    classify_id,
    normalize_name,
    normalize_phone,
    parse_sex,
)
from domain.tables import cccd_province_codes
from domain.text import fold, mask, mask_phone

TODAY = date(2026, 11, 23)


def test_the_63_province_codes() -> None:
    codes = cccd_province_codes()
    assert len(codes) == 63
    assert codes["001"] == "Hà Nội"
    assert codes["079"] == "TP Hồ Chí Minh"
    assert codes["096"] == "Cà Mau"
    assert "003" not in codes  # a gap in the list


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("079092001234", IdType.CCCD),
        ("079 092 001 234", IdType.CCCD),
        ("079.092.001.234", IdType.CCCD),
        ("025123456", IdType.CMND),
        ("B1234567", IdType.PASSPORT),
        ("c7654321", IdType.PASSPORT),
        ("", IdType.NONE),
        ("   ", IdType.NONE),
    ],
)
def test_id_type_is_told_from_the_number(typed: str, kind: IdType) -> None:
    assert classify_id(typed) is kind


@pytest.mark.parametrize(
    ("kind", "number", "message"),
    [
        (IdType.CCCD, "003092001234", "not a province code"),
        (IdType.CCCD, "999092001234", "not a province code"),
        (IdType.CCCD, "07909200123", "12 digits"),
        (IdType.CCCD, "07909200123X", "12 digits"),
        (IdType.CCCD, "０７９０９２００１２３４", "12 digits"),  # full-width digits
        (IdType.CMND, "12345678", "9 digits"),
        (IdType.PASSPORT, "B12", "passport"),
        (IdType.PASSPORT, "B1234567'; --", "passport"),
        (IdType.NONE, "123", "without ID"),
    ],
)
def test_bad_numbers_refused(kind: IdType, number: str, message: str) -> None:
    with pytest.raises(FieldError, match=message):
        check_id_number(kind, number)


def test_cccd_digit_four_is_century_and_sex() -> None:
    assert cccd_century_and_sex("079092001234") == (1900, Sex.MALE)
    assert cccd_century_and_sex("079192001234") == (1900, Sex.FEMALE)
    assert cccd_century_and_sex("001203001234") == (2000, Sex.MALE)
    assert cccd_century_and_sex("001303001234") == (2000, Sex.FEMALE)
    assert cccd_birth_year("084185000321") == 1985
    assert cccd_birth_year("001310000001") == 2010


def test_cccd_must_agree_with_birth_and_sex() -> None:
    check_cccd("079092001234", PartialDate(1992, 8, 15), Sex.MALE)
    check_cccd("079092001234", PartialDate(1992), Sex.MALE)  # year only is enough
    with pytest.raises(FieldError, match="born in 1992") as wrong_year:
        check_cccd("079092001234", PartialDate(1993, 8, 15), Sex.MALE)
    assert wrong_year.value.field == "dob"
    with pytest.raises(FieldError, match="born in 1992"):  # right yy, wrong century
        check_cccd("079092001234", PartialDate(2092 - 100 - 100, 1, 1), Sex.MALE)
    with pytest.raises(FieldError, match="says Nam") as wrong_sex:
        check_cccd("079092001234", PartialDate(1992, 8, 15), Sex.FEMALE)
    assert wrong_sex.value.field == "sex"


@given(
    province=st.sampled_from(sorted(cccd_province_codes())),
    born=st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    sex=st.sampled_from(Sex),
    serial=st.integers(0, 999_999),
)
def test_any_well_made_cccd_validates(province: str, born: date, sex: Sex, serial: int) -> None:
    century_digit = {1900: 0, 2000: 2}[born.year // 100 * 100] + (sex is Sex.FEMALE)
    number = f"{province}{century_digit}{born.year % 100:02d}{serial:06d}"
    person = Identity(IdType.CCCD, number, "Trần Thị Mai", PartialDate.of(born), sex)
    assert person.validated(today=TODAY).id_number == number


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("0912345678", "0912345678"),
        ("091 234 5678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("84 912 345 678", "0912345678"),
        ("0321234567", "0321234567"),
        ("0861234567", "0861234567"),
        ("", ""),
    ],
)
def test_phones(typed: str, expected: str) -> None:
    assert normalize_phone(typed) == expected


@pytest.mark.parametrize(
    "typed",
    ["091234567", "09123456789", "0112345678", "0212345678", "1912345678", "phone", "+1 555 0100"],
)
def test_bad_phones(typed: str) -> None:
    with pytest.raises(FieldError, match="mobile"):
        normalize_phone(typed)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Nguyễn Văn An", "Nguyễn Văn An"),
        ("  nguyễn   văn  an ", "Nguyễn Văn An"),
        ("NGÔ NGỌC YẾN", "Ngô Ngọc Yến"),
        ("Ngo\u0302 Ngo\u0323c Ye\u0302\u0301n", "Ngô Ngọc Yến"),  # decomposed -> NFC
        ("Đặng Thị Hồng-Nhung", "Đặng Thị Hồng-Nhung"),
        ("H'Hen Niê", "H'Hen Niê"),
    ],
)
def test_names_normalised(typed: str, expected: str) -> None:
    assert normalize_name(typed) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "required"),
        ("An 2", "no digits"),
        ("Robert'); DROP TABLE records;--", "letters"),
        ("<script>", "letters"),
        ("A" * 81, "80"),
    ],
)
def test_bad_names(typed: str, message: str) -> None:
    with pytest.raises(FieldError, match=message):
        normalize_name(typed)


@given(st.text(max_size=100))
def test_any_name_is_clean_or_refused(typed: str) -> None:
    try:
        name = normalize_name(typed)
    except FieldError as error:
        assert error.field == "full_name"
    else:
        assert name == name.strip() and "  " not in name and name
        assert all(ch.isalpha() or ch in " '-." for ch in name)


@pytest.mark.parametrize(
    ("typed", "sex"),
    [
        ("1", Sex.MALE),
        ("nam", Sex.MALE),
        ("Nam", Sex.MALE),
        ("2", Sex.FEMALE),
        ("nữ", Sex.FEMALE),
        ("NU", Sex.FEMALE),
    ],
)
def test_sex(typed: str, sex: Sex) -> None:
    assert parse_sex(typed) is sex


def test_masking_and_folding() -> None:
    assert mask("079092001234") == "********1234"
    assert mask_phone("0912345678") == "*******678"
    assert mask("12") == "**"
    assert fold("Đắk Lắk") == "dak lak"
    assert fold("  NGÔ  Ngọc ") == "ngo ngoc"


def test_person_key_ties_doses_together() -> None:
    a = Identity(IdType.CCCD, "079092001234", "An", PartialDate(1992), Sex.MALE)
    b = Identity(IdType.NONE, "", "Bé Na", PartialDate(2019, 5, 1), Sex.FEMALE)
    assert a.person_key == "cccd:079092001234"
    assert b.person_key == "none:be na|2019-05-01"
