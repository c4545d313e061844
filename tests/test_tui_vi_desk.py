"""The desk's own screens in Vietnamese (`make_app(..., language="vi")`): the Ministry's field
names, the key bar, the status after a save, vaccines named beside their codes, and a layout
that holds at 80×24 and 100×30 with the longer labels."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.widgets import Label, Static

import i18n
from scanner.loop import CameraState
from sync.worker import SyncState
from tests.conftest import FakeClock, desk_app
from tests.test_tui_desk import entry, open_session, text_of, type_text
from tui.app import VaxdeskApp
from tui.screens.session import SessionScreen
from tui.texts import describe_sync
from tui.widgets.form import FormField
from tui.widgets.scanner import describe_camera, heartbeat_camera

SIZES = [(80, 24), (100, 30)]


def keybar(app: VaxdeskApp) -> str:
    return str(app.screen.query_one("#keybar", Static).render())


def vi_app(db: Path, clock: FakeClock) -> VaxdeskApp:
    return desk_app(db, clock=clock, language="vi")


async def test_make_app_speaks_the_language_it_is_given(db_path: Path, clock: FakeClock) -> None:
    app = vi_app(db_path, clock)
    assert i18n.language() == "vi"
    assert app.sub_title == "bàn tiêm chủng"
    with pytest.raises(i18n.UnknownLanguage):
        desk_app(db_path, clock=clock, language="xx")


async def test_the_entry_screen_speaks_vietnamese(db_path: Path, clock: FakeClock) -> None:
    app = vi_app(db_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_session(pilot)
        screen = entry(app)
        labels = [str(label.render()) for label in screen.query(Label)]
        for name in ("Họ và tên", "Ngày sinh", "Số CCCD/CMND", "Giới tính", "Số điện thoại",
                     "Tỉnh/Thành phố", "Xã/Phường", "Vắc xin", "Số lô", "Ngày tiêm",
                     "Mũi thứ", "Khám sàng lọc", "Phản ứng sau tiêm"):  # fmt: skip
            assert name in labels, name
        keys = keybar(app)
        for description in ("Lưu", "Xóa trắng", "Buổi tiêm", "Danh sách hôm nay", "Hồi cứu",
                            "Thoát"):  # fmt: skip
            assert description in keys, description
        assert "Save" not in keys and "Quit" not in keys
        bar = text_of(app, "#session-bar")
        assert bar.startswith("TẠI BUỔI TIÊM · điểm tiêm TV-CN-01 · bàn desk-1")
        assert "AZ · AstraZeneca (Vaxzevria / Covishield) · số lô NX1234 · 23/11/2026" in bar
        assert "người nhập Lê Thị Hoa" in bar
        assert "Khám sàng lọc: D đủ điều kiện tiêm" in text_of(app, "#legend")
        assert text_of(app, "#status") == "Hôm nay 0 · giờ qua 0 · chưa cài đặt máy chủ"

        await type_text(pilot, "079092001234")
        await pilot.press("enter")
        assert "Người này chưa có mũi tiêm nào được ghi." in text_of(app, "#history")
        screen.form.set_values({"full_name": "Nguyễn Văn An", "dob": "150892"})
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert text_of(app, "#message") == "Đã lưu ✓ Nguyễn Văn An · ********1234 · mũi 1 AZ"
        assert "079092001234" not in text_of(app, "#message")  # masked, as in English
        assert text_of(app, "#status") == "Hôm nay 1 · giờ qua 1 · chờ gửi 1 (chưa cài đặt máy chủ)"


async def test_a_refused_save_counts_the_fields_in_vietnamese(
    db_path: Path, clock: FakeClock
) -> None:
    app = vi_app(db_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_session(pilot)
        entry(app).form.set_values({"id_number": "079092001234", "phone": "12"})
        await pilot.press("ctrl+s")
        assert text_of(app, "#message").startswith("Chưa lưu: ")
        assert text_of(app, "#message").endswith(" ô cần sửa")


async def test_the_session_screen_speaks_vietnamese(db_path: Path, clock: FakeClock) -> None:
    app = vi_app(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        from vaxdesk.testing.desk import log_in

        await log_in(pilot)
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        labels = [str(label.render()) for label in app.screen.query(Label)]
        assert labels == ["Điểm tiêm", "Bàn tiêm", "Người tiêm", "Vắc xin", "Số lô",
                          "Ngày"]  # fmt: skip
        assert "Mở buổi tiêm" in keybar(app) and "Thoát" in keybar(app)
        assert "(người tiêm)" in app.sub_title  # the role, in Vietnamese


@pytest.mark.parametrize("language", ["en", "vi"])
async def test_the_vaccine_field_names_the_vaccine_and_keeps_the_code(
    db_path: Path, clock: FakeClock, language: str
) -> None:
    app = desk_app(db_path, clock=clock, language=language)
    async with app.run_test(size=(100, 30)) as pilot:
        from vaxdesk.testing.desk import log_in

        await log_in(pilot)
        await pilot.pause()
        field = app.screen.query_one("#field-vaccine", FormField)
        field.value = ""
        field.input.focus()
        await type_text(pilot, "pfc")
        await pilot.pause()
        name = {"en": "Pfizer-BioNTech paediatric, 5-11 years (Comirnaty 10 µg)",
                "vi": "Pfizer-BioNTech cho trẻ 5-11 tuổi (Comirnaty 10 µg)"}[language]  # fmt: skip
        assert field.input._suggestion == f"pfc · {name}"  # the grey completion
        await pilot.press("right")  # accepted: the field keeps the code alone
        await pilot.pause()
        assert field.value == "PFC"
        assert field.input._suggestion == f"PFC · {name}"  # the name still shows beside it


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_vietnamese_entry_screen_fits(
    db_path: Path, clock: FakeClock, size: tuple[int, int]
) -> None:
    """Labels whole, inputs on screen, the key bar uncut, an error readable under its field."""
    app = vi_app(db_path, clock)
    async with app.run_test(size=size) as pilot:
        await open_session(pilot)
        await type_text(pilot, "12345")  # not an ID number: the longest of its errors
        await pilot.press("enter")
        await pilot.pause()
        screen = entry(app)
        width = size[0]
        assert cell_len(keybar(app).rstrip()) <= width, keybar(app)
        for field in screen.form.fields():
            label = field.query_one(Label)
            text = str(label.render())
            assert label.content_region.width >= cell_len(text), text  # not cut
            assert field.input.region.right <= width and field.input.region.width >= 16, text
            assert field.input.region.x == label.region.right  # the column's inputs align
        field = screen.form.field("id_number")
        error = field.query_one(".error", Static)
        assert error.display and str(error.render())
        region = error.content_region
        assert region.x == field.input.region.x and region.right <= width
        assert region.width >= 20 and region.height <= 4  # words, not a letter a line
        assert region.y > field.input.region.y


def test_the_status_line_in_vietnamese() -> None:
    i18n.set_language("vi")
    since = SyncState(unreachable_since=datetime(2026, 11, 23, 9, 12))
    assert describe_sync(True, since, 3) == "không kết nối được máy chủ từ 09:12 · chờ gửi 3"
    assert describe_sync(True, SyncState(), 0) == "đã đồng bộ"
    assert describe_sync(True, SyncState(), 1234) == "chờ gửi 1.234"
    conflicts = SyncState(conflicts=2)
    assert describe_sync(True, conflicts, 0) == "đã đồng bộ · 2 xung đột: xem F3"


def test_the_camera_line_is_shown_and_sent_in_the_desks_language() -> None:
    """The heartbeat's camera words reach the site's supervisor, who reads the same language."""
    i18n.set_language("vi")
    none = CameraState("none", False, running=False)
    assert describe_camera(none) == "không có (chỉ nhập tay và máy quét USB)"
    assert heartbeat_camera(none) == describe_camera(none)
    live = CameraState("/dev/video0", False, frames_per_second=14.85, decodes_per_second=2.0)
    assert describe_camera(live) == "/dev/video0 · 14,8 khung hình/giây · 2 mã/giây"
    i18n.set_language("en")
    assert heartbeat_camera(live) == "/dev/video0 · 14.8 fps · 2 codes/s"


def test_plurals_are_words_not_parentheses() -> None:
    from tui.texts import describe_imported, fields_to_fix

    assert fields_to_fix(1) == "Not saved: 1 field to fix"
    assert fields_to_fix(2) == "Not saved: 2 fields to fix"
    assert describe_imported(2, 1) == "Imported 2 doses from the certificate; 1 recorded already"
    i18n.set_language("vi")
    assert fields_to_fix(2) == "Chưa lưu: 2 ô cần sửa"
    assert describe_imported(1, 0) == "Đã nhập 1 mũi từ giấy chứng nhận"
