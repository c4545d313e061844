"""The national template export at the hub: the golden layout, read back with openpyxl."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from openpyxl import load_workbook

from hub.db import Desk, HubDB
from hub.national_export import SHEET, export_site
from vaxdesk.cli import main

SITE = "TYT-PHUC-XA"
NOW = datetime(2021, 8, 20, 9, 0, tzinfo=UTC)


def body(record_id: str, version: int = 1, **given: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "record_id": record_id, "version": version, "status": "active", "void_reason": "",
        "desk_id": "desk-1", "site_id": SITE, "session_id": "s1", "id_type": "cccd",
        "id_number": "001090001234", "person_key": "cccd:001090001234",
        "full_name": "Nguyễn Văn An", "dob": "1990-05-03", "sex": "Nam",
        "phone": "0912345678", "province_code": "1", "ward_code": "70",
        "address": "12 Hàng Bạc", "screening": "eligible", "vaccine": "AZ", "lot": "A0001",
        "dose_number": 1, "given_on": "2021-08-02", "given_time": "09:00", "vaccinator": "v",
        "aefi": "none", "aefi_note": "", "observed_until": "", "source": "desk",
        "entered_by": "lan", "recorded_at": "2021-08-02T09:00:00+07:00",
    }  # fmt: skip
    fields.update(given)
    return fields


def hub_with_records(db: HubDB) -> None:
    desk = Desk("desk-1", SITE)
    db.ingest(desk, [
        body("r1"),  # An's dose 1 ...
        body("r2", dose_number=2, given_on="2021-08-16", lot="A0002"),  # ... and dose 2
        # Bình: a voided record, left out, and a record corrected in a second version.
        body("r3", id_number="", id_type="none", person_key="none:r3", full_name="Trần Thị Bình",
             dob="1985", sex="Nữ", phone="0387654321", lot="WRONG"),
        body("r4", id_number="079185000042", person_key="cccd:079185000042",
             full_name="Lê Văn Voi", status="voided", void_reason="duplicate"),
        body("r5", id_number="", person_key="other:x", full_name="Ngoài Kỳ",
             given_on="2021-09-30"),  # outside the period
    ], NOW)  # fmt: skip
    db.ingest(Desk("desk-2", "OTHER"), [body("r6", site_id="OTHER", person_key="other:y")], NOW)
    db.ingest(desk, [body("r3", 2, id_number="", id_type="none", person_key="none:r3",
                          full_name="Trần Thị Bình", dob="1985", sex="Nữ",
                          phone="0387654321", lot="B0007")], NOW)  # fmt: skip


def test_the_golden_layout(hub_db: HubDB, tmp_path: Path) -> None:
    hub_with_records(hub_db)
    out = tmp_path / "national.xlsx"
    done = export_site(hub_db, SITE, date(2021, 8, 1), date(2021, 8, 31), out)
    assert (done.people, done.records, done.skipped) == (2, 3, 0)

    book = load_workbook(out)
    assert book.sheetnames == [SHEET]
    sheet = book[SHEET]
    top = [sheet.cell(7, c).value for c in range(1, 26)]
    sub = [sheet.cell(8, c).value for c in range(1, 26)]
    assert top[:10] == ["#", "Họ và tên (*)", "Ngày sinh dạng dd/mm/yyyy (*)",
                        "Giới tính (*) (0: nam, 1: nữ)", "Mã nhóm đối tượng ưu tiên (*)",
                        "Đơn vị công tác", "Số điện thoại (*)", "Số CMT/CCCD", "Số thẻ BHYT",
                        "Nơi ở tạm trú (hiện tại) (*)"]  # fmt: skip
    assert sub[9:16] == ["Tỉnh/Thành phố", "Mã Tỉnh/TP", "Quận/Huyện", "Mã Quận/Huyện",
                         "Xã/Phường", "Mã Xã/Phường", "Địa chỉ chi tiết"]  # fmt: skip
    assert top[16:] == ["Tên vắc xin (*)", "Mũi 1", None, None, "Mũi 2", None, None,
                        "Ghi chú", "Kết quả import"]  # fmt: skip
    assert sub[17:23] == ["Ngày tiêm", "Lô vắc xin", "Địa điểm tiêm"] * 2
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A7:A8", "B7:B8", "J7:P7", "R7:T7", "U7:W7", "X7:X8", "Y7:Y8"} <= merged

    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=9, max_col=25)]
    assert len(rows) == 2  # the voided record, the other period and the other site left out
    an = next(r for r in rows if r[1] == "Nguyễn Văn An")
    assert an[2:4] == ["03/05/1990", "0"]
    assert an[6:8] == ["0912345678", "001090001234"]
    assert an[9:16] == ["Thành phố Hà Nội", "01", None, None, "Phường Hoàn Kiếm", "00070",
                        "12 Hàng Bạc"]  # fmt: skip
    assert an[17:23] == ["02/08/2021", "A0001", SITE, "16/08/2021", "A0002", SITE]
    assert an[24] is None  # the platform's result column
    binh = next(r for r in rows if r[1] == "Trần Thị Bình")
    assert binh[2:4] == ["1985", "1"] and binh[7] is None
    assert binh[18] == "B0007" and binh[20] is None  # the corrected version; no dose 2
    assert sorted(r[0] for r in rows) == [1, 2]

    row = next(row for row in sheet.iter_rows(min_row=9) if row[1].value == "Nguyễn Văn An")
    for index in (2, 3, 6, 7, 10, 14, 17, 18):  # codes, numbers and dates: text cells
        assert row[index].data_type == "s" and row[index].number_format == "@", index


def test_the_command_writes_the_file(hub_db: HubDB, tmp_path: Path) -> None:
    hub_with_records(hub_db)
    out = tmp_path / "out.xlsx"
    result = CliRunner().invoke(main, ["hub", "--db", hub_db.url, "export", "--site", SITE.lower(),
                                       "--from", "01/08/2021", "--to", "31/08/2021",
                                       "--format", "xlsx", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "2 people written to" in result.output
    assert load_workbook(out)[SHEET].max_row == 10


def test_the_command_refuses_a_bad_date(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["hub", "--db", f"sqlite:///{tmp_path / 'h.db'}",
                                       "export", "--site", SITE, "--from", "2021-08-01",
                                       "--to", "31/08/2021", str(tmp_path / "o.xlsx")])  # fmt: skip
    assert result.exit_code == 2 and "DD/MM/YYYY" in result.output
