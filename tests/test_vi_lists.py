"""Today's list, the void, override and confirm modals, and the supervisor's screens, in
Vietnamese: their own texts (the key bar is the key bar's), with plurals, numbers and
percentages as Vietnamese writes them, and no English column name left."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable, Input, Label, Static

import i18n
from hub.db import HubDB
from hub.tokens import issue_supervisor_token
from sync.supervision import desk_rows
from tests.conftest import SUPERVISOR, SUPERVISOR_PIN, FakeClock, desk_app, until
from tests.test_supervise import HubClock, beat, cell, desk, stats
from tests.test_sync import desk_store, drain
from tests.test_tui_desk import SIZE, entry, open_session, text_of, type_text
from tui.screens.confirm import ConfirmModal
from tui.screens.desk_detail import DeskDetailScreen, desk_line, elapsed, record_cells
from tui.screens.override import OverrideModal
from tui.screens.site import COLUMNS, adverse_line, problem_text, seen_text, site_line
from tui.screens.today import TodayScreen, count_line
from tui.screens.void import VoidModal
from tui.supervise import make_supervisor_app
from tui.widgets.keybar import KeyBar
from vaxdesk.testing.hub import SITE, HubServer, enrol

TODAY_EN = ("Time", "Status", "ID", "Born", "Scr.", "Dose", "Lot", "Name")
SITE_EN = [label for _key, label in COLUMNS]
DETAIL_EN = ("Received", "Given", "Vaccine", "Screening", "AEFI", "Source")


@pytest.fixture(autouse=True)
def vietnamese() -> Iterator[None]:
    i18n.set_language("vi")
    yield
    i18n.set_language("en")


def headers(table: DataTable) -> list[str]:
    return [str(column.label) for column in table.ordered_columns]


def own_text(app: App) -> str:
    """What the top screen says itself: its labels, messages, inputs' placeholders and
    tables, the key bar aside."""
    parts: list[str] = []
    for widget in app.screen.query("*"):
        if isinstance(widget, KeyBar):
            continue
        if isinstance(widget, Static | Label):
            parts.append(str(widget.render()))
        elif isinstance(widget, Input):
            parts.append(widget.placeholder)
        elif isinstance(widget, DataTable):
            parts += headers(widget)
            for row in range(widget.row_count):
                cells = widget.get_row_at(row)
                parts += [c.plain if isinstance(c, Text) else str(c) for c in cells]
    return "\n".join(parts)


def test_counts_speak_vietnamese() -> None:
    assert count_line(1234, "") == "1.234 bản ghi hôm nay"
    assert count_line(0, "") == "Hôm nay chưa có bản ghi nào"
    assert count_line(2, "lan") == "2 bản ghi khớp với 'lan'"
    assert count_line(0, "zz") == "Không có bản ghi nào khớp với 'zz'"
    i18n.set_language("en")
    assert (count_line(1, ""), count_line(2, "")) == ("1 record today", "2 records today")
    assert count_line(1, "an") == "1 record matching 'an'"


async def test_todays_list_and_the_void_modal_in_vietnamese(
    db_path: Path, clock: FakeClock
) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot, SUPERVISOR, SUPERVISOR_PIN)
        screen = entry(app)
        screen.form.set_values({"id_number": "079092001234", "full_name": "Nguyễn Văn An",
                                "dob": "150892"})  # fmt: skip
        await pilot.press("ctrl+s")
        await pilot.press("f3")
        today = app.screen
        assert isinstance(today, TodayScreen)
        table = today.query_one(DataTable)
        assert headers(table) == ["Giờ", "Trạng thái", "Số CCCD/CMND", "Ngày sinh", "Sàng lọc",
                                  "Mũi", "Số lô", "Họ và tên"]  # fmt: skip
        row = [str(value) for value in table.get_row_at(0)]
        assert row[1] == "bản 1" and row[2] == "********1234" and row[3] == "15/08/1992"
        assert row[-1] == "Nguyễn Văn An"
        assert text_of(app, "#today-message") == "1 bản ghi hôm nay"
        shown = own_text(app)
        assert "tìm theo họ tên hoặc số CCCD/CMND" in shown
        assert not set(TODAY_EN) & set(headers(table)) and "record" not in shown
        # The search finds nothing: said so.
        await pilot.press("slash")
        await type_text(pilot, "zzz")
        assert text_of(app, "#today-message") == "Không có bản ghi nào khớp với 'zzz'"
        await pilot.press("ctrl+a", "ctrl+k", "down")  # the search emptied, to the list
        await pilot.press("x")
        assert text_of(app, "#today-message") == (
            "Số CCCD/CMND của bản ghi đang chọn: 079092001234 (đã ghi vào nhật ký)"
        )
        await pilot.press("v")
        modal = app.screen
        assert isinstance(modal, VoidModal)
        shown = own_text(app)
        assert "Hủy bản ghi Nguyễn Văn An ********1234, mũi 1 AZ?" in shown
        assert "Lý do (Enter để xác nhận):" in shown and "ví dụ: nhập hai lần" in shown
        assert "Void" not in shown and "Reason" not in shown
        await pilot.press("enter")  # no reason
        assert text_of(app, "#void-error") == "Cần nhập lý do."
        await type_text(pilot, "nhập hai lần")
        await pilot.press("enter")
        assert app.screen is today
        assert text_of(app, "#today-message") == "Đã hủy bản ghi: Nguyễn Văn An (nhập hai lần)"
        assert str(table.get_row_at(0)[1]) == "✗ đã hủy: nhập hai lần"


class ModalHost(App[None]):
    def __init__(self, modal: ConfirmModal | OverrideModal) -> None:
        super().__init__()
        self.modal = modal

    def compose(self) -> ComposeResult:
        yield Static("")

    def on_mount(self) -> None:
        self.push_screen(self.modal)


async def test_confirm_and_override_modals_in_vietnamese() -> None:
    app = ModalHost(ConfirmModal("Thoát?"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert str(app.screen.query_one("#confirm-yes").label) == "Có (Y)"
        assert str(app.screen.query_one("#confirm-no").label) == "Không (N)"
    app = ModalHost(OverrideModal("mũi 2 quá sớm"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = own_text(app)
        assert "Mũi 2 quá sớm" in shown and "Vẫn tiêm mũi này (ngoại lệ)?" in shown
        assert "Lý do (Enter: lưu, Esc: quay lại biểu mẫu):" in shown
        assert "ví dụ: mũi 1-2 tiêm ở nước ngoài" in shown and "anyway" not in shown


def test_the_sites_lines_in_vietnamese() -> None:
    figures = stats([desk("desk-1", today=1234), desk("desk-2")], {"mild": 3, "severe": 1})
    figures["totals"]["aefi_by_desk"] = {"mild": {"desk-1": 2, "desk-3": 1},
                                         "severe": {"desk-2": 1}}  # fmt: skip
    assert site_line(figures, 2000) == (
        f"Điểm tiêm {SITE} · hôm nay 1.264 / chỉ tiêu 2.000 (63%) · AZ mũi 1: 30"
    )
    assert adverse_line(figures) == (
        "⚠ Hôm nay có 4 ca phản ứng sau tiêm: 1 NẶNG tại desk-2; "
        "3 thông thường tại desk-1 ×2, desk-3"
    )
    assert elapsed(12) == "12 giây" and elapsed(240) == "4 phút" and elapsed(7200) == "2 giờ"
    line = desk_line(stats([desk("a", backlog=1500, clock_skew_seconds=-12)]), "a")
    assert line.startswith("Bàn tiêm a · chờ gửi 1.500 · liên lạc lần cuối: ")
    assert "(30 giây trước)" in line and "lệch giờ -12 giây" in line
    record = {"received_at": "2026-11-22T16:30:00+00:00", "id_number": "********1234",
              "given_on": "2021-08-01", "given_time": "", "vaccine": "AZ", "dose_number": 1,
              "screening": "ok", "aefi": "severe", "source": "scan", "status": "voided",
              "version": 2}  # fmt: skip
    cells = record_cells(record, stats([desk("a")]))
    assert cells[:3] == ("22/11 23:30", "********1234", "01/08/2021")
    assert cells[6:] == ("nặng", "quét mã", "đã hủy, bản 2")
    rows = {r.desk_id: r for r in desk_rows(stats([desk("a", clock_skew_seconds=-900,
            audit_alert="audit trail rewritten: row 3"), desk("b", last_seen=None)]))}  # fmt: skip
    assert problem_text(rows["a"]) == "nhật ký kiểm tra bị sửa đổi; đồng hồ lệch -15 phút"
    assert seen_text(rows["a"]) == "30 giây" and seen_text(rows["b"]) == (
        "Mất liên lạc, chưa từng kết nối"
    )
    i18n.set_language("en")
    assert adverse_line(figures).startswith("⚠ 4 adverse events reported today: 1 SEVERE")
    one = stats([desk("a")], {"mild": 1})
    assert adverse_line(one) == "⚠ 1 adverse event reported today: 1 mild"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[HubServer, HubDB, str, HubClock]]:
    from tests.test_supervise_figures import TEN

    hub_clock = HubClock(TEN.astimezone(UTC))
    db = HubDB(f"sqlite:///{tmp_path / 'hub.db'}")
    supervisor = issue_supervisor_token(db, SITE, hub_clock())
    server = HubServer(db, clock=hub_clock).start()
    yield server, db, supervisor, hub_clock
    server.stop()
    db.close()


async def test_the_supervisor_reads_vietnamese(
    site: tuple[HubServer, HubDB, str, HubClock], tmp_path: Path
) -> None:
    from tests.test_supervise_figures import TEN

    server, db, supervisor, hub_clock = site
    one, two = enrol(db, "desk-1"), enrol(db, "desk-2")
    early = FakeClock(TEN - timedelta(minutes=40))
    await drain(desk_store(tmp_path, "desk-1", 6, seed=1, clock=early), server.url, one)
    await beat(server.url, two, backlog=4)
    app = make_supervisor_app(server.url, supervisor, SITE, refresh_seconds=0.2)
    async with app.run_test(size=(160, 30)) as pilot:
        table = app.screen.query_one(DataTable)
        await until(pilot, lambda: table.row_count == 2, "both desks")
        assert headers(table) == [
            "Bàn tiêm", "Hôm nay", "Giờ qua", "Mũi/giờ (15 phút)", "Chỉ tiêu", "Chờ tiêm",
            "Theo dõi", "Chờ gửi",
            "Liên lạc", "Xung đột", "Vấn đề", "Camera", "Theo giờ",
        ]  # fmt: skip
        assert cell(table, "desk-1", "today") == "6" and cell(table, "desk-1", "target") == "6%"
        assert cell(table, "desk-2", "backlog") == "4"
        assert cell(table, "desk-2", "rate") == "0 chậm tiến độ"
        summary = str(app.screen.query_one("#site-summary", Static).render())
        assert summary == f"Điểm tiêm {SITE} · hôm nay 6 / chỉ tiêu 200 (3%) · AZ mũi 1: 6"
        state = str(app.screen.query_one("#site-state", Static).render())
        assert state == "cập nhật 10:00:00 · mỗi 0,2 giây · Enter: xem bàn tiêm"
        assert app.title == "vaxdesk — Giám sát viên" and app.sub_title == f"điểm tiêm {SITE}"
        hub_clock.now += timedelta(minutes=3)
        await until(pilot, lambda: "Mất liên lạc" in cell(table, "desk-1", "seen"), "silence")
        assert cell(table, "desk-1", "seen") == "Mất liên lạc 3 phút"
        shown = own_text(app)
        english = ["SILENT", "Backlog", "behind", "updated", "today of", "dose", *SITE_EN]
        assert [word for word in english if word in shown and word != "Camera"] == []
        # The desk: its line and its records, the hub's codes named.
        await pilot.press("enter")
        detail = app.screen
        assert isinstance(detail, DeskDetailScreen)
        recent = detail.query_one(DataTable)
        await until(pilot, lambda: recent.row_count == 6, "the desk's records")
        assert headers(recent) == ["Nhận lúc", "Số CCCD/CMND", "Ngày tiêm", "Vắc xin",
                                   "Mũi", "Khám sàng lọc", "Phản ứng sau tiêm", "Nguồn",
                                   "Trạng thái"]  # fmt: skip
        assert str(recent.get_row_at(0)[-1]) == "hiệu lực, bản 1"
        line = str(detail.query_one("#desk-state", Static).render())
        assert line.startswith("Bàn tiêm desk-1 · chờ gửi ")
        assert "liên lạc lần cuối: 10:00 (3 phút trước)" in line
        shown = own_text(app)
        assert [word for word in DETAIL_EN if word in shown] == []
        assert "active" not in shown and "last seen" not in shown
        await pilot.press("escape")
        # The hub goes away: said in Vietnamese, the last figures kept.
        server.stop()
        site_state = app.screen.query_one("#site-state", Static)
        await until(pilot, lambda: "không kết nối được" in str(site_state.render()), "outage")
        assert str(site_state.render()).startswith("không kết nối được máy chủ từ ")
        assert "— đang hiện số liệu gần nhất (" in str(site_state.render())
