"""A vial's GS1 code: parsed with biip (HRI, the symbology identifier and GS separators, a day
00), its vaccine from the GTIN table or AI 240; a DataMatrix made and read back with
zxing-cpp; scanned on the session screen, it fills vaccine, lot and expiry, and an expired one
is refused at the lot, nothing stored."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest
import zxingcpp

from domain.errors import FieldError
from domain.vials import build_vial_table, looks_like_vial, parse_vial, vial_table
from store import open_store
from tests.conftest import SESSION_FORM, FakeClock, desk_app
from tests.test_tui_desk import SIZE, text_of
from tests.test_tui_slip_scan import wedge
from tui.screens.entry import EntryScreen
from tui.screens.session import SessionScreen
from vaxdesk.testing.desk import log_in

GTIN = "09506000134352"  # GS1's own example GTIN: no real product
TABLE = build_vial_table({"version": "test", "product": [{"gtin": GTIN, "vaccine": "PF"}]})


@pytest.mark.parametrize(
    ("text", "lot", "expires"),
    [
        (f"(01){GTIN}(17)271231(10)FK0123", "FK0123", date(2027, 12, 31)),
        (f"]d201{GTIN}17270600" + "10ab-12\x1d21SERIAL9", "AB-12", date(2027, 6, 30)),  # day 00
        (f"01{GTIN}10FK0123\x1d17271231", "FK0123", date(2027, 12, 31)),
        (f"(01){GTIN}(10)FK0123<GS>", "FK0123", None),
    ],
)
def test_a_vials_code_gives_vaccine_lot_and_expiry(text: str, lot: str, expires: date) -> None:
    vial = parse_vial(text, TABLE)
    assert vial is not None and (vial.gtin, vial.vaccine, vial.lot, vial.expires_on) == (
        GTIN, "PF", lot, expires)
    assert looks_like_vial(text)


def test_what_is_no_vial() -> None:
    for text in ("079092001234", "HC1:6BFOXN", "Nguyễn Văn An", "", "(99)x", "12345678"):
        assert parse_vial(text, TABLE) is None and not looks_like_vial(text)
    with pytest.raises(FieldError) as caught:
        parse_vial(f"(01){GTIN}(17)271231", TABLE)
    assert (caught.value.field, caught.value.code) == ("lot", "vial.no_lot")


def test_the_vaccine_from_the_table_or_the_products_code() -> None:
    other = "00012345600012"
    assert parse_vial(f"(01){other}(10)X1", TABLE).vaccine == ""  # type: ignore[union-attr]
    assert parse_vial(f"(01){other}(240)az(10)X1", TABLE).vaccine == "AZ"  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="ZZ"):
        build_vial_table({"product": [{"gtin": GTIN, "vaccine": "ZZ"}]})
    assert vial_table().version  # the shipped table loads


def datamatrix(text: str) -> np.ndarray:
    """A GS1 DataMatrix as a vial carries it, rendered as a grayscale frame."""
    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.DataMatrix, gs1=True)
    image = np.array(zxingcpp.write_barcode_to_image(code, scale=6))
    return np.pad(image, 40, constant_values=255)


def test_a_datamatrix_read_by_zxing_names_the_vial() -> None:
    frame = datamatrix(f"(01){GTIN}(17)280229(10)LOT/7.B(21)12345")
    [read] = zxingcpp.read_barcodes(frame, formats=zxingcpp.BarcodeFormat.DataMatrix)
    assert read.content_type == zxingcpp.ContentType.GS1
    for text in (read.text, read.symbology_identifier + read.bytes.decode("ascii")):
        vial = parse_vial(text, TABLE)
        assert vial is not None and (vial.lot, vial.expires_on) == ("LOT/7.B", date(2028, 2, 29))


async def test_a_vial_scanned_on_the_session_screen_fills_it(
    db_path: Path, clock: FakeClock
) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        screen.form.set_values({"site_id": SESSION_FORM["site_id"], "desk_id": "desk-1",
                                "vaccinator": SESSION_FORM["vaccinator"]})  # fmt: skip
        screen.form.focus_field("vaccine")
        await pilot.pause()
        await wedge(pilot, f"(01){GTIN}(240)PF(17)271231(10)FK0123")
        await pilot.pause()
        assert (screen.form.field("vaccine").value, screen.form.field("lot").value) == (
            "PF", "FK0123")
        assert "Vial scanned: PF lot FK0123, expiry 31/12/2027" in text_of(app, "#session-vial")
        assert app.focused is screen.form.field("session_date").input
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, EntryScreen)
        assert "lot FK0123" in text_of(app, "#session-bar")


async def test_an_expired_vial_is_refused_and_nothing_stored(
    db_path: Path, clock: FakeClock
) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        screen.form.set_values({"site_id": SESSION_FORM["site_id"], "desk_id": "desk-1",
                                "vaccinator": SESSION_FORM["vaccinator"],
                                "vaccine": "AZ"})  # fmt: skip
        screen.form.focus_field("lot")
        await pilot.pause()
        await wedge(pilot, f"(01){GTIN}(17)261031(10)OLD1")  # expired on 31/10/2026
        await pilot.pause()
        assert screen.form.field("lot").value == "OLD1"
        assert "lot OLD1 expired on 31/10/2026: it cannot be used" in text_of(
            app, "#field-lot .error")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        screen.form.field("lot").value = "NX1234"  # another lot typed: the vial's expiry goes
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EntryScreen)
    with open_store(db_path, clock) as store:
        session = store.last_session()
        assert session is not None and session.lot == "NX1234"
