"""Vaccination certificates (EU DCC) as they come: dates of birth unknown or partial, products
of the EU value set, doses of products the desk does not have, dose numbers that are no dose;
and the other codes a 1D barcode carries (passport numbers, Code 39 check characters)."""

from __future__ import annotations

import zlib
from datetime import date
from pathlib import Path

import base45
import cbor2
import numpy as np
import pytest

from desk import Desk
from desk.scans import certificate_values
from domain.dates import PartialDate
from domain.dcc import OTHER_VACCINE, PRODUCTS
from domain.identity import IdType
from domain.scans import CertificateScan, IdNumberScan, Rejected, parse_payload
from domain.tables import vaccine_table
from scanner.decode import make_decoder
from scanner.loop import ScanLoop
from tests.test_desk import desk, form, nudges, opened  # noqa: F401  # fixtures

TODAY = date(2026, 11, 23)
DOSE = {"tg": "840539006", "vp": "J07BX03", "mp": "EU/1/21/1529", "ma": "ORG-100001699",
        "dn": 1, "sd": 2, "dt": "2021-08-02", "co": "VN", "is": "Bộ Y tế",
        "ci": "URN:UVCI:01:VN:TEST"}  # fmt: skip
HCERT = {"ver": "1.3.0", "nam": {"fn": "Nguyễn", "gn": "Văn An", "fnt": "NGUYEN",
         "gnt": "VAN<AN"}, "dob": "1992-08-15", "v": [DOSE]}  # fmt: skip


def certificate(hcert: object, *, claims: object = None) -> bytes:
    """An unsigned HC1 code around these claims, as an issuer's software would print it."""
    payload = cbor2.dumps(claims if claims is not None else {1: "VN", -260: {1: hcert}})
    cose = cbor2.dumps(cbor2.CBORTag(18, [cbor2.dumps({1: -7}), {}, payload, b"\0" * 64]))
    return b"HC1:" + base45.b45encode(zlib.compress(cose))


def read(hcert: object) -> object:
    return parse_payload(certificate(hcert), today=TODAY)


def with_dose(**changes: object) -> dict:
    return {**HCERT, "v": [{**DOSE, **changes}]}


def test_an_empty_date_of_birth_is_unknown_not_a_refusal() -> None:
    for dob in ("", None):
        scan = read({**HCERT, "dob": dob})
        assert isinstance(scan, CertificateScan) and scan.dob is None
        assert certificate_values(scan) == {"full_name": "Nguyễn Văn An", "dob": ""}
    absent = {k: v for k, v in HCERT.items() if k != "dob"}
    assert isinstance(scan := read(absent), CertificateScan) and scan.dob is None


def test_a_partial_date_of_birth_keeps_what_it_says() -> None:
    scan = read({**HCERT, "dob": "1980-05"})
    assert isinstance(scan, CertificateScan) and scan.dob == PartialDate(1980, 5)
    assert scan.dob.display() == "05/1980" and scan.dob.iso() == "1980-05"
    assert PartialDate.from_iso("1980-05") == PartialDate(1980, 5)
    # The month stays with the person: the form gets it, a record stores it.
    assert certificate_values(scan)["dob"] == "05/1980"
    year = read({**HCERT, "dob": "1980"})
    assert isinstance(year, CertificateScan) and year.dob == PartialDate(1980)
    for bad in ("1980-13", "1980-02-30", "80-05", "1980-5-x", "2030-01", "1850"):
        refused = read({**HCERT, "dob": bad})
        assert isinstance(refused, Rejected), bad
        assert "date of birth" in refused.reason


@pytest.mark.parametrize("product", ["Inactivated-SARS-CoV-2-Vero-Cell", "BBIBP-CorV"])
def test_sinopharm_vero_cell_is_our_vc(product: str) -> None:
    scan = read(with_dose(mp=product))
    assert isinstance(scan, CertificateScan)
    assert (scan.doses[0].vaccine, scan.doses[0].product) == ("VC", product)


def test_every_mapped_product_is_a_vaccine_of_our_table() -> None:
    table = vaccine_table()
    for product, code in PRODUCTS.items():
        vaccine = table.by_code(code)
        assert vaccine is not None and not vaccine.given_elsewhere_only, product
    assert PRODUCTS["Covid-19-recombinant"] == "AZ" and PRODUCTS["Covishield"] == "AZ"


def test_the_other_vaccine_is_never_offered_for_a_session() -> None:
    table = vaccine_table()
    assert OTHER_VACCINE not in table.choices()
    assert table.resolve("oth") is None and table.resolve("other vaccine") is None


def test_an_unknown_product_is_imported_with_its_name_kept(desk: Desk) -> None:  # noqa: F811
    entry = opened(desk)
    scan = read(with_dose(mp="EpiVacCorona", dn=2, sd=2))
    assert isinstance(scan, CertificateScan) and scan.doses[0].vaccine == OTHER_VACCINE
    filled = entry.receive(scan, form(entry, {}))
    values = form(entry, {**filled.patch.values, "id_number": "079092001234"})  # type: ignore[union-attr]
    entry.save(values)
    [record] = desk.store.history("cccd:079092001234")
    assert record.vaccine == OTHER_VACCINE and record.dose_number == 2
    assert record.vaccinator.startswith("EpiVacCorona: Bộ Y tế (VN)")


def test_dose_zero_is_refused_at_reading_with_a_reason() -> None:
    scan = read(with_dose(dn=0))
    assert isinstance(scan, Rejected) and scan.reason.startswith("unreadable vaccination")
    assert "dose 0" in scan.reason
    for bad, words in (
        ("1", "dose number is text where a number"),
        (True, "dose number is true/false"),
        (100, "dose number 100 is not between 1 and 99"),
    ):
        refused = read(with_dose(dn=bad))
        assert isinstance(refused, Rejected) and words in refused.reason, bad


def test_a_passport_number_from_a_barcode_is_an_id_number() -> None:
    for number in ("C1234567", "N2345678", "B12345678"):
        assert parse_payload(number.encode(), today=TODAY) == IdNumberScan(
            IdType.PASSPORT, number
        )
    for text in ("NGUYEN VAN AN", "NGUYENAN", "Le Van Cuong", "c1234567", "C1"):
        assert isinstance(parse_payload(text.encode(), today=TODAY), Rejected), text


def code39_frame(text: str) -> np.ndarray:
    import zxingcpp

    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.Code39)
    return np.pad(np.array(barcode.to_image(scale=3)), 40, constant_values=255)


def mod43(text: str) -> str:
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%"
    return alphabet[sum(alphabet.index(c) for c in text) % 43]


def test_a_code39_check_character_is_not_part_of_the_number() -> None:
    decoder = make_decoder("zxing")
    seen: list[object] = []
    loop = ScanLoop(_NoSource(), decoder, lambda scan, code: seen.append(scan),
                    lambda state: None, today=lambda: TODAY)  # fmt: skip
    [code] = decoder.decode(code39_frame("C1234567" + mod43("C1234567")))
    assert code.data == b"C1234567" and code.check_character == b"/"
    assert loop.parse(code) == IdNumberScan(IdType.PASSPORT, "C1234567")
    # Without a check character the number is read whole.
    [plain] = decoder.decode(code39_frame("079092001234"))
    assert loop.parse(plain) == IdNumberScan(IdType.CCCD, "079092001234")
    # A number whose last digit merely looks like a check character is still read whole.
    number = next(
        n for n in (f"00108000{i:04d}" for i in range(10_000)) if n[-1] == mod43(n[:-1])
    )
    [lookalike] = decoder.decode(code39_frame(number))
    assert lookalike.check_character and loop.parse(lookalike) == IdNumberScan(
        IdType.CCCD, number
    )


class _NoSource:
    name = "none"
    simulated = False

    def frames(self, stop: object) -> list[np.ndarray]:
        return []



def test_a_certificate_without_a_full_birth_date_imports_once_the_year_is_there(
    desk: Desk,  # noqa: F811
) -> None:
    from tui.texts import describe_certificate

    entry = opened(desk)
    partial = read({**HCERT, "dob": "1992-08"})
    assert isinstance(partial, CertificateScan)
    assert "Born 08/1992 (no day on it)." in describe_certificate(partial)
    filled = entry.receive(partial, form(entry, {}))
    values = form(entry, {**filled.patch.values, "id_number": "079092001234"})  # type: ignore[union-attr]
    entry.save(values)
    [record] = desk.store.history("cccd:079092001234")
    assert record.person.dob == PartialDate(1992, 8) and record.vaccine == "AZ"
    stored = desk.store.db.execute("SELECT dob FROM records").fetchone()[0]
    assert stored == "1992-08"

    unknown = read({**HCERT, "dob": ""})
    assert isinstance(unknown, CertificateScan)
    assert "No date of birth on it: type it." in describe_certificate(unknown)
    assert certificate_values(unknown)["dob"] == ""


def test_the_other_vaccine_cannot_be_a_sessions_vaccine(desk: Desk) -> None:  # noqa: F811
    from desk.people import log_in
    from desk.sessions import open_session
    from domain.errors import ValidationError
    from tests.conftest import SESSION_FORM, TEST_PIN, TEST_USER

    log_in(desk, TEST_USER, TEST_PIN)
    values = {k: v for k, v in SESSION_FORM.items() if k != "entered_by"}
    with pytest.raises(ValidationError) as refused:
        open_session(desk, {**values, "vaccine": "OTHER"})
    assert set(refused.value.errors) == {"vaccine"}
    words = str(refused.value.errors["vaccine"])
    assert words.endswith("OTHER is for doses given elsewhere, not a session")
    assert open_session(desk, values).vaccine == SESSION_FORM["vaccine"]


def test_vaxdesk_decode_reads_a_passport_without_its_check_character(tmp_path: Path) -> None:
    import json

    import cv2
    from click.testing import CliRunner

    from vaxdesk.cli import main

    image = tmp_path / "passport.png"
    cv2.imwrite(str(image), code39_frame("C1234567" + mod43("C1234567")))
    result = CliRunner().invoke(main, ["decode", "--json", str(image)])
    assert result.exit_code == 0, result.output
    line = json.loads(result.output)
    assert line["kind"] == "id-number" and line["format"] == "Code39"
    assert line["fields"]["id_number"] == "C1234567"
