"""Importing a subject list in the national template's layout: a realistic file with bad
rows, merged two-level headers, NFD names, Excel date cells, year-only dates, duplicates."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

import i18n
from desk.lists import import_list, read_list
from domain.list_columns import BadList, find_layout, parse_mapping
from store import Store

DAY = date(2026, 11, 23)
TOP = ["#", "Họ và tên (*)", "Ngày sinh dạng dd/mm/yyyy (*)", "Giới tính (*) (0: nam, 1: nữ)",
       "Mã nhóm đối tượng ưu tiên (*) (PL2)", "Đơn vị công tác", "Số điện thoại (*)",
       "Số CMT/CCCD", "Số thẻ BHYT", "Nơi ở tạm trú (hiện tại) (*) (PL3)", None, None, None, None,
       None, None, "Tên vắc xin (*) (PL5)", "Mũi 1", None, None, "Mũi 2", None, None, "Ghi chú",
       "Kết quả import"]  # fmt: skip
SUB = [None] * 9 + ["Tỉnh/Thành phố", "Mã Tỉnh/TP (*)", "Quận/Huyện", "Mã Quận/Huyện (*)",
                    "Xã/Phường", "Mã Xã/Phường (*)", "Địa chỉ chi tiết", None,
                    "Ngày tiêm (*)", "Lô vắc xin (*)", "Địa điểm tiêm (*) (PL4)",
                    "Ngày tiêm (*)", "Lô vắc xin (*)", "Địa điểm tiêm (*) (PL4)",
                    None, None]  # fmt: skip
OLD_PLACE = ["Tỉnh Hà Tây", "28", "Huyện Ba Vì", "271", "Xã Ba Trại", "09904", "Thôn 3"]


def person(name: str, dob: Any, sex: Any, group: Any, phone: Any = None, id_number: Any = None,
           place: list[Any] | None = None,
           dose1: list[Any] | None = None) -> list[Any]:  # fmt: skip
    return [None, name, dob, sex, group, None, phone, id_number, None,
            *(place or [None] * 7), "AstraZeneca" if dose1 else None,
            *(dose1 or [None] * 3), None, None, None, None, None]  # fmt: skip


AN = person("Nguyễn Văn An", "15/08/1992", 0, 1, "0912345678", "079092001234", OLD_PLACE,
            ["01/07/2021", "NJ0342", "79001"])  # fmt: skip
BICH = person(unicodedata.normalize("NFD", "Trần Thị Bích"), date(1985, 3, 2), 1, 9, None,
              "001185000123")  # fmt: skip
CUONG = person("Lê Văn Cường", "1960", 0, 16)
DUNG = person("Phạm Thị Dung", "31/02/1990", 1, 2)  # no such day
EM = person("Hoàng Văn Em", "01/01/1980", 0, 3, None, "07908000123")  # 11 digits
PHUONG = person("Vũ Thị Phương", "05/05/1975", 1, 17)  # no group 17
GIANG = person("Đặng Văn Giang", "20/10/2000", 0, "13", "0987654321")


def template(path: Path, rows: list[list[Any]]) -> Path:
    """The national template: sheet PL1, title rows, headers on rows 7-8 (merged), data from 9."""
    book = Workbook()
    sheet = book.active
    sheet.title = "PL1_Danh sach doi tuong tiem"
    sheet["A1"] = "DANH SÁCH ĐỐI TƯỢNG TIÊM CHỦNG VẮC XIN COVID-19"
    sheet["A3"] = "Để trống ô khi không biết giá trị; bỏ bộ lọc trước khi tải lên."
    for col, value in enumerate(TOP, 1):
        sheet.cell(7, col, value)
    for col, value in enumerate(SUB, 1):
        if value:
            sheet.cell(8, col, value)
    for col, value in enumerate(TOP, 1):
        if value and not SUB[col - 1] and col not in (10, 18, 21):
            sheet.merge_cells(start_row=7, start_column=col, end_row=8, end_column=col)
    for first, last in ((10, 16), (18, 20), (21, 23)):
        sheet.merge_cells(start_row=7, start_column=first, end_row=7, end_column=last)
    for offset, row in enumerate(rows):
        for col, value in enumerate(row, 1):
            if value is not None:
                sheet.cell(9 + offset, col, value)
    book.save(path)
    return path


ROWS = [AN, BICH, CUONG, DUNG, [None] * 25, EM, PHUONG, list(AN), [1] + [None] * 24, GIANG]


def run(store: Store, path: Path, **kw: Any) -> Any:
    return import_list(store, path, site_id="TV-CN-01", day=DAY, today=DAY, **kw)


def test_the_template_layout_is_found_under_merged_headers(tmp_path: Path) -> None:
    sheet = read_list(template(tmp_path / "list.xlsx", ROWS))
    cols = sheet.layout.columns
    assert sheet.layout.header_rows == (6, 7) and sheet.layout.first_row == 8
    assert [cols[k] for k in ("full_name", "dob", "sex", "priority_group", "id_number")] == [
        1, 2, 3, 4, 7]
    assert (cols["province"], cols["province_code"], cols["ward_code"], cols["address"]) == (
        9, 10, 14, 15)
    assert (cols["vaccine"], cols["dose1_date"], cols["dose1_place"], cols["dose2_lot"]) == (
        16, 17, 19, 21)


def test_a_realistic_file_exact_counts_and_reasons(store: Store, tmp_path: Path) -> None:
    report = run(store, template(tmp_path / "list.xlsx", ROWS))
    assert (report.rows, report.new, report.duplicates, len(report.refused)) == (8, 4, 1, 3)
    assert [(r.row, r.reason()) for r in report.refused] == [
        (12, "Date of birth: 31/02/1990 does not exist"),
        (14, "ID number: not an ID number: CCCD 12 digits, CMND 9 digits, or a passport number"),
        (15, "Priority group: '17' is not a priority group code (1 to 16)"),
    ]
    people = {s.person.full_name: s for s in store.subjects.of_day("TV-CN-01", DAY)}
    assert set(people) == {"Nguyễn Văn An", "Trần Thị Bích", "Lê Văn Cường", "Đặng Văn Giang"}
    assert all(unicodedata.is_normalized("NFC", name) for name in people)
    bich, cuong, an = people["Trần Thị Bích"], people["Lê Văn Cường"], people["Nguyễn Văn An"]
    assert bich.person.dob.iso() == "1985-03-02" and bich.person.sex.value == "Nữ"
    assert cuong.person.dob.iso() == "1960" and cuong.entry.priority_group == "16"
    assert (an.entry.province, an.entry.province_code, an.entry.ward_code) == (
        "Tỉnh Hà Tây", "28", "09904")  # a province gone since 2008, kept as the list says
    assert an.entry.doses[0].given_on == "2021-07-01" and an.entry.doses[0].lot == "NJ0342"
    assert an.state.value == "on_list"


def test_the_reject_file_keeps_the_layout_with_reasons(store: Store, tmp_path: Path) -> None:
    report = run(store, template(tmp_path / "list.xlsx", ROWS))
    assert report.reject_path == tmp_path / "list-rejects.xlsx"
    rows = list(load_workbook(report.reject_path).active.iter_rows(values_only=True))
    assert rows[6][1] == "Họ và tên (*)" and rows[6][25] == "Reason" and rows[7][9] == (
        "Tỉnh/Thành phố")
    assert [(r[1], r[25]) for r in rows[8:]] == [
        ("Phạm Thị Dung", "Date of birth: 31/02/1990 does not exist"),
        ("Hoàng Văn Em", "ID number: not an ID number: CCCD 12 digits, CMND 9 digits, or a "
                         "passport number"),
        ("Vũ Thị Phương", "Priority group: '17' is not a priority group code (1 to 16)"),
    ]  # fmt: skip


def test_reasons_in_vietnamese(store: Store, tmp_path: Path) -> None:
    i18n.set_language("vi")
    report = run(store, template(tmp_path / "list.xlsx", ROWS))
    assert report.refused[0].reason().startswith("Ngày sinh: ")
    assert report.refused[2].reason() == (
        "Nhóm đối tượng ưu tiên: '17' không phải mã nhóm đối tượng ưu tiên (1 đến 16)")


def test_reimport_changes_nothing_and_a_changed_row_updates(store: Store, tmp_path: Path) -> None:
    path = template(tmp_path / "list.xlsx", ROWS)
    run(store, path)
    before = [(s.subject_id, s.entry) for s in store.subjects.of_day("TV-CN-01", DAY)]
    again = run(store, path)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 4)
    assert [(s.subject_id, s.entry) for s in store.subjects.of_day("TV-CN-01", DAY)] == before
    changed = list(GIANG)
    changed[6] = "0977000111"
    other = template(tmp_path / "list2.xlsx", [AN, BICH, CUONG, changed])
    third = run(store, other)
    assert (third.new, third.updated, third.unchanged) == (0, 1, 3)
    giang = [s for s in store.subjects.of_day("TV-CN-01", DAY) if s.person.phone == "0977000111"]
    assert len(giang) == 1 and giang[0].subject_id == before[3][0]


def test_same_person_with_other_data_is_refused_once(store: Store, tmp_path: Path) -> None:
    twin = list(AN)
    twin[6] = "0988111222"
    report = run(store, template(tmp_path / "list.xlsx", [AN, twin]))
    assert report.new == 1 and [r.reason() for r in report.refused] == [
        "Row: the same person as row 9, with other data"]


def test_a_bad_file_stores_nothing(store: Store, tmp_path: Path) -> None:
    junk = tmp_path / "list.xlsx"
    junk.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(BadList) as caught:
        run(store, junk)
    assert caught.value.code == "list.unreadable"
    no_dob = tmp_path / "names.csv"
    no_dob.write_text("Họ và tên,Giới tính\nNguyễn Văn An,0\n", encoding="utf-8")
    with pytest.raises(BadList) as caught:
        run(store, no_dob)
    assert caught.value.code == "list.no_header"
    assert list(store.subjects.of_day("TV-CN-01", DAY)) == []


def test_csv_of_another_layout_by_header_words(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "khac.csv"
    path.write_text(
        "\ufeffSTT;HO TEN;Nam sinh;gioi tinh;Nhom uu tien;SĐT;CCCD;Ghi chu\n"
        "1;nguyễn văn an;15/08/1992;Nam;1;+84 912 345 678;079092001234;\n"
        "2;Trần Thị Bích;02/03/1985;Nữ;x;;;\n\n",
        encoding="utf-8",
    )
    report = run(store, path)
    assert report.new == 1 and report.reject_path == tmp_path / "khac-rejects.csv"
    (an,) = store.subjects.of_day("TV-CN-01", DAY)
    assert (an.person.full_name, an.person.phone) == ("Nguyễn Văn An", "0912345678")
    text = report.reject_path.read_text("utf-8-sig").splitlines()
    assert text[0].endswith(",Reason") and "'x' is not a priority group code" in text[1]


def test_a_mapping_file(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b,c\nten,sinh,phai\nLê Văn Cường,1960,0\n", encoding="utf-8")
    mapping = parse_mapping('header_row = 2\n[columns]\nfull_name = "A"\ndob = "sinh"\n'
                            'sex = "C"\n')  # fmt: skip
    report = run(store, path, mapping=mapping)
    assert report.new == 1 and not report.refused
    with pytest.raises(BadList):
        parse_mapping('[columns]\nshoe_size = "A"\n')


def test_header_words_ignore_case_and_diacritics() -> None:
    layout = find_layout([["HỌ VÀ TÊN", "NGÀY SINH", "Số ĐT", "so cmnd/cccd", "Mũi 1 - Ngày tiêm"]])
    assert layout.columns == {"full_name": 0, "dob": 1, "id_number": 3, "dose1_date": 4}


def test_progress_is_reported(store: Store, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    run(store, template(tmp_path / "list.xlsx", ROWS), progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (0, 10) and seen[-1] == (10, 10)
