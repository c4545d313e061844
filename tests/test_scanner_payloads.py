from __future__ import annotations

import random
import unicodedata
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.dates import PartialDate
from domain.identity import IdType, Sex
from domain.scans import (
    CertificateScan,
    IdentityScan,
    IdNumberScan,
    Rejected,
    decode_text,
    parse_payload,
)
from scanner.synthetic import cccd_payload, people
from tests.conftest import needs_zbar

TODAY = date(2026, 11, 23)
NOT_RECOGNISED = "not a recognised ID code"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "dcc"
GOOD = (
    "079092001234|025123456|Nguyễn Văn An|15081992|Nam|"
    "Số 1 Lê Lợi, Phường Bến Thành, TP HCM|01022021"
)


def parse(text: str | bytes) -> object:
    return parse_payload(text.encode("utf-8") if isinstance(text, str) else text, today=TODAY)


def test_a_chip_card_code_is_the_whole_person() -> None:
    scan = parse(GOOD)
    assert isinstance(scan, IdentityScan)
    person = scan.identity
    assert (person.id_type, person.id_number, person.old_id) == (
        IdType.CCCD,
        "079092001234",
        "025123456",
    )
    assert person.full_name == "Nguyễn Văn An" and person.sex is Sex.MALE
    assert person.dob == PartialDate(1992, 8, 15)
    assert person.address == "Số 1 Lê Lợi, Phường Bến Thành, TP HCM"
    assert scan.issued_on == date(2021, 2, 1)


def test_decomposed_text_is_normalised() -> None:
    scan = parse(unicodedata.normalize("NFD", GOOD))
    assert isinstance(scan, IdentityScan)
    assert scan.identity.full_name == "Nguyễn Văn An"
    assert unicodedata.is_normalized("NFC", scan.identity.full_name)


def test_old_id_may_be_empty() -> None:
    scan = parse(GOOD.replace("|025123456|", "||"))
    assert isinstance(scan, IdentityScan) and scan.identity.old_id == ""


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (GOOD + "|extra", "7 fields, this one 8"),
        ("|".join(GOOD.split("|")[:6]), "7 fields, this one 6"),
        (GOOD.replace("15081992", "31021992"), "31/02/1992 does not exist"),
        (GOOD.replace("15081992", "1508199"), "is not DDMMYYYY"),
        (GOOD.replace("15081992", "15081993"), "the CCCD says born in 1992"),
        (GOOD.replace("|Nam|", "|Male|"), "neither Nam nor Nữ"),
        (GOOD.replace("|Nam|", "|Nữ|"), "the CCCD says Nam"),
        (GOOD.replace("079092", "003092"), "not a province code"),
        (GOOD.replace("025123456", "02512345X"), "old ID"),
        (GOOD.replace("Nguyễn Văn An", "Nguyễn Văn An 2"), "no digits"),
        (GOOD.replace("Nguyễn Văn An", ""), "required"),
        (GOOD.replace("01022021", "01022027"), "issue date"),
        (GOOD.replace("01022021", "01011980"), "issue date"),
        ("079092001234|<script>|x|y|z|w|v", "old ID"),
    ],
)
def test_bad_chip_card_codes_are_refused_whole(payload: str, reason: str) -> None:
    scan = parse(payload)
    assert isinstance(scan, Rejected)
    assert scan.reason.startswith("CCCD code refused") and reason in scan.reason


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ("079092001234", IdNumberScan(IdType.CCCD, "079092001234")),
        (" 079092001234\r\n", IdNumberScan(IdType.CCCD, "079092001234")),
        ("025123456", IdNumberScan(IdType.CMND, "025123456")),
    ],
)
def test_bare_id_numbers(payload: str, expected: IdNumberScan) -> None:
    assert parse(payload) == expected


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ("003092001234", "ID number refused"),
        ("0790920012345", NOT_RECOGNISED),
        ("https://covid19.gov.vn/", NOT_RECOGNISED),
        ("", NOT_RECOGNISED),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        ("Ngﾃｴ Ng盻皇 Y蘯ｿn", NOT_RECOGNISED),
        ("HC1:not base45 at all!", "unreadable vaccination certificate"),
        ("HC1:6BFOXN*TS0BI$ZD.P9UOL97O4-2HH77HRM3DSPTLRR+%3", "unreadable vaccination certificate"),
    ],
)
def test_anything_else_fills_nothing(payload: str | bytes, reason: str) -> None:
    scan = parse(payload)
    assert isinstance(scan, Rejected) and reason in scan.reason


def test_text_is_utf8_or_nothing() -> None:
    assert decode_text("Yến".encode()) == "Yến"
    assert decode_text(b"\xef\xbb\xbfYen") == "Yen"
    assert decode_text("Yến".encode("cp1258", errors="ignore") + b"\xff") is None


@settings(max_examples=200)
@given(st.integers(0, 10_000))
def test_generated_chip_cards_read_back(seed: int) -> None:
    person = next(people(seed, today=TODAY))
    scan = parse(cccd_payload(person))
    assert isinstance(scan, IdentityScan)
    assert scan.identity == replace(person, phone="")  # a CCCD holds no phone


@given(st.binary(max_size=300))
def test_any_bytes_are_a_scan_or_a_refusal(data: bytes) -> None:
    scan = parse_payload(data, today=TODAY)
    assert isinstance(scan, IdentityScan | IdNumberScan | CertificateScan | Rejected)


@given(st.lists(st.text(max_size=15), min_size=1, max_size=9))
def test_any_pipe_text_never_half_fills(fields: list[str]) -> None:
    scan = parse("|".join(fields) + "|")
    assert isinstance(scan, IdentityScan | Rejected)
    if isinstance(scan, IdentityScan):
        assert scan.identity.full_name and scan.identity.id_number


# Expected values for the real samples were not read with this code: DE's from the issuer's
# published VAC_DE.json; VN's (no JSON is published) by OpenCV's QRCodeDetector on the image
# and a hand decode of base45, zlib and CBOR.
def test_viet_nam_certificate() -> None:
    import cv2

    from scanner.decode import make_decoder

    image = cv2.imread(str(FIXTURES / "VN_1.3.0_VAC_VN.png"), cv2.IMREAD_GRAYSCALE)
    [code] = make_decoder("zxing").decode(image)
    scan = parse(code.data)
    assert isinstance(scan, CertificateScan)
    assert (scan.family_name, scan.given_name, scan.full_name) == (
        "Nguyễn",
        "Bảo Duy",
        "Nguyễn Bảo Duy",
    )
    assert scan.dob == PartialDate(1983, 10, 10)
    [dose] = scan.doses
    assert (dose.vaccine, dose.product, dose.dose_number, dose.series_doses) == (
        "AZ",
        "EU/1/21/1529",
        2,
        2,
    )
    assert (dose.given_on, dose.country, dose.issuer) == (date(2021, 3, 18), "VN", "Ban Co Yeu")


@needs_zbar
def test_german_certificate() -> None:
    import cv2

    from scanner.decode import make_decoder

    image = cv2.imread(str(FIXTURES / "DE_1.3.0_VAC_DE.png"), cv2.IMREAD_GRAYSCALE)
    [code] = make_decoder("zbar").decode(image)
    scan = parse(code.data)
    assert isinstance(scan, CertificateScan)
    assert scan.full_name == "Lauterbach Karl Wilhelm" and scan.dob == PartialDate(1963, 2, 21)
    [dose] = scan.doses
    assert (dose.vaccine, dose.dose_number, dose.series_doses) == ("PF", 3, 1)
    assert dose.given_on == date(2022, 1, 17) and dose.issuer == "Bundesministerium für Gesundheit"


def test_every_sample_is_a_certificate_with_doses() -> None:
    import cv2

    from scanner.decode import make_decoder

    decoder = make_decoder("zxing")
    samples = sorted(FIXTURES.glob("*.png"))
    assert len(samples) == 4
    for sample in samples:
        # As published: VN's is a JPEG under a .png name. Decode by content.
        image = cv2.imdecode(
            __import__("numpy").fromfile(sample, dtype="uint8"), cv2.IMREAD_GRAYSCALE
        )
        scans = [parse(code.data) for code in decoder.decode(image)]
        assert len(scans) == 1 and isinstance(scans[0], CertificateScan), sample.name
        assert scans[0].doses


def test_random_person_is_unique_stream() -> None:
    stream = people(3, today=TODAY)
    numbers = {next(stream).id_number for _ in range(500)}
    assert len(numbers) == 500
    assert random.Random(1).random() == random.Random(1).random()
