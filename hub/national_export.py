"""The national platform's import template (REFERENCE.md, "The subject-list template"): the
latest version of each record of a site in a period, voided ones left out, one row per person
with their doses 1 and 2, written with openpyxl in write-only mode (streamed, row by row).

The sheet's wording is the platform's own (Vietnamese whatever the language in use): the
platform reads it. Codes, ID numbers and phones are text cells (leading zeros kept); dates are
dd/mm/yyyy text, as the template asks; a cell is blank when the value is unknown.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from hub.storage import Storage

SHEET = "PL1_Danh sach doi tuong tiem"
HEADER_ROW = 7  # two levels: rows 7 and 8
FIRST_DATA_ROW = 9
ADDRESS = "Nơi ở tạm trú (hiện tại) (*)"
ADDRESS_COLUMNS = ("Tỉnh/Thành phố", "Mã Tỉnh/TP", "Quận/Huyện", "Mã Quận/Huyện", "Xã/Phường",
                   "Mã Xã/Phường", "Địa chỉ chi tiết")  # fmt: skip
DOSE_COLUMNS = ("Ngày tiêm", "Lô vắc xin", "Địa điểm tiêm")
# (top label, sub-labels): a column alone spans rows 7-8; a group's label spans its columns.
LAYOUT: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("#", ()),
    ("Họ và tên (*)", ()),
    ("Ngày sinh dạng dd/mm/yyyy (*)", ()),
    ("Giới tính (*) (0: nam, 1: nữ)", ()),
    ("Mã nhóm đối tượng ưu tiên (*)", ()),
    ("Đơn vị công tác", ()),
    ("Số điện thoại (*)", ()),
    ("Số CMT/CCCD", ()),
    ("Số thẻ BHYT", ()),
    (ADDRESS, ADDRESS_COLUMNS),
    ("Tên vắc xin (*)", ()),
    ("Mũi 1", DOSE_COLUMNS),
    ("Mũi 2", DOSE_COLUMNS),
    ("Ghi chú", ()),
    ("Kết quả import", ()),
)
WIDTH = sum(max(1, len(subs)) for _, subs in LAYOUT)  # 25 columns
# Columns (0-based) whose values are codes or numbers people type: text cells, format "@".
TEXT_COLUMNS = frozenset({2, 3, 4, 6, 7, 8, 10, 12, 14, 17, 18, 19, 20, 21, 22})
_SEX = {"Nam": "0", "Nữ": "1"}
_ID_TYPES = {"cccd", "cmnd"}


@dataclass(frozen=True)
class Exported:
    people: int
    records: int
    skipped: int  # doses other than 1 and 2 (boosters), or without a dose number


def _ddmmyyyy(iso_text: str) -> str:
    """`2021-08-03` → `03/08/2021`; a partial birth date keeps the parts it has (`1950`)."""
    parts = [p for p in str(iso_text or "").split("-") if p]
    return "/".join(reversed(parts))


def _padded(code: str, width: int) -> str:
    code = str(code or "").strip()
    return code.zfill(width) if code.isdigit() else code


@cache
def _province(code: str) -> str:
    from domain.places import province_name

    return province_name(code) if code else ""


@cache
def _ward(province_code: str, code: str) -> str:
    from domain.places import ward_name

    return ward_name(province_code, code) if province_code and code else ""


@cache
def _vaccine(code: str) -> str:
    from domain.tables import vaccine_table

    vaccine = vaccine_table().by_code(code)
    return vaccine.name if vaccine is not None else code


def person_row(
    number: int, doses: dict[int, dict[str, Any]], listed: Mapping[str, str] | None = None
) -> list[str | int]:
    """The template's row of one person from the bodies of their doses 1 and/or 2 (the person's
    details from the later one) and what the day's list said of them (`listed`: priority group,
    workplace, health insurance number)."""
    listed = listed or {}
    person = doses[max(doses)]
    province, ward = str(person.get("province_code") or ""), str(person.get("ward_code") or "")
    id_type = str(person.get("id_type") or "")
    notes = []
    if id_type == "passport" and person.get("id_number"):
        notes.append(f"Hộ chiếu: {person['id_number']}")
    vaccines = {n: _vaccine(str(body.get("vaccine") or "")) for n, body in doses.items()}
    first = vaccines[min(vaccines)]
    if len(set(vaccines.values())) > 1:
        notes.append(f"Mũi 2: {vaccines[2]}")
    row: list[str | int] = [
        number,
        str(person.get("full_name") or ""),
        _ddmmyyyy(str(person.get("dob") or "")),
        _SEX.get(str(person.get("sex") or ""), ""),
        listed.get("priority_group", ""),
        listed.get("workplace", ""),
        str(person.get("phone") or ""),
        str(person.get("id_number") or "") if id_type in _ID_TYPES else "",
        listed.get("insurance_number", ""),
        _province(province), _padded(province, 2), "", "", _ward(province, ward),
        _padded(ward, 5), str(person.get("address") or ""),
        first,
    ]  # fmt: skip
    for n in (1, 2):
        body = doses.get(n)
        if body is None:
            row.extend(["", "", ""])
        else:
            row.extend([_ddmmyyyy(str(body.get("given_on") or "")), str(body.get("lot") or ""),
                        str(body.get("site_id") or "")])  # fmt: skip
    row.extend(["; ".join(notes), ""])
    return row


PAGE = 500  # people read in one transaction: the hub's lock is let go between pages
# The site is checked on each row, not in the WHERE: a planner would take the site's index
# and scan the whole site for every page, instead of the person index.
_LATEST = (
    "SELECT r.site_id, r.body FROM records r WHERE r.status = 'active' "
    "AND r.given_on >= ? AND r.given_on <= ? AND r.version = "
    "(SELECT MAX(l.version) FROM records l WHERE l.record_id = r.record_id) AND "
)


def latest_bodies(db: Storage, site_id: str, start: date, end: date) -> Iterator[dict[str, Any]]:
    """The bodies of the latest version of each record of the site given in [start, end],
    voided ones left out, by person key: the people first (one pass on the site's day index),
    then their records page by page on the person index, so desks keep uploading while a big
    export runs."""
    period = (site_id, start.isoformat(), end.isoformat())
    with db._tx() as cur:
        cur.execute(
            "SELECT DISTINCT person_key FROM records WHERE site_id = ? AND given_on >= ? "
            "AND given_on <= ?",
            period,
        )
        keys = sorted(str(key) for (key,) in cur.fetchall())
    for first in range(0, len(keys), PAGE):
        chunk = keys[first : first + PAGE]
        with db._tx() as cur:
            cur.execute(
                f"{_LATEST} r.person_key IN ({', '.join('?' * len(chunk))}) ORDER BY r.person_key",
                (*period[1:], *chunk),
            )
            page = cur.fetchall()
        for site, body in page:
            if site == site_id:
                yield json.loads(body)


def people(bodies: Iterable[dict[str, Any]], skipped: list[int]) -> Iterator[dict[int, dict]]:
    """Each person's doses 1 and 2 (by person key, the bodies in person order); a count of
    the other doses in `skipped[0]`. A second record of the same dose keeps the later one."""
    key: Any = object()
    doses: dict[int, dict[str, Any]] = {}
    for body in bodies:
        if body.get("person_key") != key:
            if doses:
                yield doses
            key, doses = body.get("person_key"), {}
        number = body.get("dose_number")
        if number in (1, 2):
            held = doses.get(number)
            if held is None or str(held.get("given_on")) <= str(body.get("given_on")):
                doses[number] = body
        else:
            skipped[0] += 1
    if doses:
        yield doses


def with_listed(
    db: Storage, site_id: str, persons: Iterable[dict[int, dict[str, Any]]]
) -> Iterator[tuple[dict[int, dict[str, Any]], dict[str, str]]]:
    """Each person's doses with what the day's list said of them, looked up a page at a time."""
    from hub.day_db import listed_details

    page: list[dict[int, dict[str, Any]]] = []

    def flush() -> Iterator[tuple[dict[int, dict[str, Any]], dict[str, str]]]:
        wanted = [(str(body.get("given_on")), str(body.get("person_key")))
                  for doses in page for body in doses.values()]  # fmt: skip
        with db._tx() as cur:
            found = listed_details(cur, site_id, wanted)
        for doses in page:
            yield doses, found.get(str(next(iter(doses.values())).get("person_key")), {})
        page.clear()

    for doses in persons:
        page.append(doses)
        if len(page) == PAGE:
            yield from flush()
    yield from flush()


def write_template(
    rows: Iterable[list[str | int]], out: Path, *, title: str = "",
    progress: Callable[[int], None] | None = None,
) -> int:  # fmt: skip
    """The template's workbook at `out`, streamed; how many data rows it holds. Written to a
    temporary file beside `out` and moved into place when complete."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET)
    sheet.append(["DANH SÁCH ĐỐI TƯỢNG TIÊM CHỦNG"])
    sheet.append([title])
    for _ in range(HEADER_ROW - 3):
        sheet.append([])
    top: list[str | None] = []
    subs: list[str | None] = []
    for label, columns in LAYOUT:
        first = len(top) + 1
        top.extend([label] + [None] * (max(1, len(columns)) - 1))
        subs.extend(columns or [None])
        span = f"{_letter(first)}{HEADER_ROW}:{_letter(len(top))}{HEADER_ROW + (not columns)}"
        sheet.merged_cells.add(span)
    sheet.append(top)
    sheet.append(subs)
    text_cells = {index: WriteOnlyCell(sheet) for index in TEXT_COLUMNS}
    for cell in text_cells.values():
        cell.number_format = "@"
    written = 0
    for row in rows:
        cells: list[Any] = []
        for index, value in enumerate(row):
            if value == "":
                cells.append(None)
            elif index in text_cells:  # written as the row is appended: reused, row by row
                cell = text_cells[index]
                cell.value = value
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
        written += 1
        if progress is not None and written % 1000 == 0:
            progress(written)
    partial = out.with_name(f".{out.name}.partial")
    book.save(partial)
    partial.replace(out)
    return written


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column)


def export_site(
    db: Storage, site_id: str, start: date, end: date, out: Path,
    progress: Callable[[int], None] | None = None,
) -> Exported:  # fmt: skip
    """The site's records of [start, end] in the national template at `out`."""
    skipped = [0]
    counted = [0]

    def counting(bodies: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for body in bodies:
            counted[0] += 1
            yield body

    persons = people(counting(latest_bodies(db, site_id, start, end)), skipped)
    rows = (
        person_row(number, doses, listed)
        for number, (doses, listed) in enumerate(with_listed(db, site_id, persons), 1)
    )
    title = f"Cơ sở tiêm: {site_id} · từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}"
    written = write_template(rows, out, title=title, progress=progress)
    return Exported(people=written, records=counted[0] - skipped[0], skipped=skipped[0])
