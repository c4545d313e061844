"""Which column of a subject list holds what: the national template's headers (two levels,
merged cells), other layouts' headers matched ignoring case and diacritics, or a mapping file.

Pure: it reads rows of cells (lists of values) and says where the header ends, which column
is which field, and where the data starts. Files are read elsewhere (desk.lists).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

from domain.errors import DeskError
from domain.text import fold

# The fields a list row may give, in the template's order.
FIELDS = (
    "full_name", "dob", "sex", "priority_group", "workplace", "phone", "id_number",
    "insurance_number", "province", "province_code", "district", "district_code", "ward",
    "ward_code", "address", "vaccine", "dose1_date", "dose1_lot", "dose1_place", "dose2_date",
    "dose2_lot", "dose2_place", "note",
)  # fmt: skip
REQUIRED = ("full_name", "dob")

# Header words, folded, most specific first: a header is one of them or starts with one
# followed by a space. Parenthesised parts ('(*)', '(PL2)', '(0: nam, 1: nữ)') are dropped.
SYNONYMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("vaccine", ("ten vac xin", "loai vac xin", "vac xin", "vaccine")),
    ("full_name", ("ho va ten", "ho ten", "ten doi tuong", "full name", "name", "ten")),
    ("dob", ("ngay sinh", "ngay thang nam sinh", "nam sinh", "date of birth", "birth date",
             "dob")),
    ("sex", ("gioi tinh", "gioi", "sex", "gender")),
    ("priority_group", ("ma nhom doi tuong uu tien", "ma nhom doi tuong", "nhom doi tuong uu tien",
                        "nhom uu tien", "ma nhom", "nhom doi tuong", "doi tuong uu tien",
                        "priority group", "group")),
    ("workplace", ("don vi cong tac", "noi cong tac", "co quan", "workplace")),
    ("phone", ("so dien thoai", "dien thoai", "sdt", "phone")),
    ("insurance_number", ("so the bhyt", "the bhyt", "ma the bhyt", "bhyt", "health insurance")),
    ("id_number", ("so cmt cccd", "so cmnd cccd", "so cccd cmnd", "cmt cccd", "cmnd cccd",
                   "so cccd", "so cmnd", "cccd", "cmnd", "so giay to", "giay to tuy than",
                   "id number", "id")),
    ("province_code", ("ma tinh tp", "ma tinh thanh pho", "ma tinh", "province code")),
    ("district_code", ("ma quan huyen", "ma huyen", "district code")),
    ("ward_code", ("ma xa phuong", "ma phuong xa", "ma xa", "ward code")),
    ("province", ("tinh thanh pho", "tinh tp", "tinh", "thanh pho", "province")),
    ("district", ("quan huyen", "huyen", "quan", "district")),
    ("ward", ("xa phuong", "phuong xa", "xa", "phuong", "ward", "commune")),
    ("address", ("dia chi chi tiet", "dia chi", "so nha", "address")),
    ("note", ("ghi chu", "note", "notes")),
)
DOSE_PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("date", ("ngay tiem", "ngay", "date")),
    ("lot", ("lo vac xin", "so lo", "lo", "lot")),
    ("place", ("dia diem tiem", "co so tiem", "noi tiem", "dia diem", "place")),
)
IGNORED = ("#", "stt", "tt", "ket qua import", "ket qua")
_DOSE = re.compile(r"(?:mui|dose)\s*(\d)\b\s*(.*)")
_PARENS = re.compile(r"\([^)]*\)")
_NOT_WORD = re.compile(r"[^a-z0-9#]+")
_LETTERS = re.compile(r"[A-Za-z]{1,3}")
HEADER_SCAN = 30  # rows searched for the header


def header_key(value: Any) -> str:
    """'Mã Tỉnh/TP (*)' -> 'ma tinh tp'."""
    text = fold(_PARENS.sub(" ", str(value or "")))
    return " ".join(_NOT_WORD.sub(" ", text).split())


def _lookup(key: str, table: tuple[tuple[str, tuple[str, ...]], ...]) -> str | None:
    for name, words in table:
        if any(key == w or key.startswith(w + " ") for w in words):
            return name
    return None


def field_of(parent: str, sub: str) -> str | None:
    """The field a column holds, from its header's two levels (folded keys)."""
    for text in (f"{parent} {sub}".strip(), sub, parent):
        dose = _DOSE.fullmatch(text)
        if dose and dose.group(1) in "12":
            part = _lookup(dose.group(2), DOSE_PARTS) if dose.group(2) else None
            if part:
                return f"dose{dose.group(1)}_{part}"
    for text in (sub, parent) if sub else (parent,):
        if not text or text in IGNORED:
            continue
        name = _lookup(text, SYNONYMS)
        if name:
            return name
    return None


@dataclass(frozen=True)
class Layout:
    """Where a list's fields are: column index by field, the header rows, the first data row
    (0-based row indexes of the sheet)."""

    columns: dict[str, int]
    header_rows: tuple[int, ...]
    first_row: int
    width: int = 0
    headers: dict[int, str] = field(default_factory=dict)  # column -> its header as shown

    def missing(self) -> list[str]:
        return [name for name in REQUIRED if name not in self.columns]


class BadList(DeskError):
    """A file that is not a list this desk can read (codes `list.*`): nothing is stored."""


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def find_layout(rows: list[list[Any]]) -> Layout:
    """The layout of a sheet, from its header: the first row (of the first HEADER_SCAN) with
    a name column and a date-of-birth column; a second header level under it when the row
    below has headers where the name column is blank (cells merged down)."""
    for index, row in enumerate(rows[:HEADER_SCAN]):
        keys = [header_key(cell) for cell in row]
        fields = {field_of(k, "") for k in keys}
        below = rows[index + 1] if index + 1 < len(rows) else []
        subs = [header_key(cell) for cell in below] + [""] * max(0, len(row) - len(below))
        if "full_name" not in fields and not any(field_of(k, s) == "full_name"
                                                 for k, s in zip(keys, subs, strict=False)):
            continue  # fmt: skip
        name_col = next((i for i, k in enumerate(keys) if field_of(k, "") == "full_name"), -1)
        two_levels = (
            name_col >= 0 and name_col < len(subs) and not subs[name_col]
            and any(field_of("", s) or _lookup(s, DOSE_PARTS) for s in subs if s)
        )  # fmt: skip
        layout = _columns(row, below if two_levels else [], two_levels)
        header_rows = (index, index + 1) if two_levels else (index,)
        result = Layout(layout[0], header_rows, header_rows[-1] + 1, len(row), layout[1])
        if "dob" in result.columns:
            return result
    raise BadList("list.no_header")


def _columns(top: list[Any], sub: list[Any], two_levels: bool) -> tuple[dict[str, int],
                                                                       dict[int, str]]:  # fmt: skip
    columns: dict[str, int] = {}
    headers: dict[int, str] = {}
    parent = ""
    width = max(len(top), len(sub))
    for col in range(width):
        top_text = _text(top[col]) if col < len(top) else ""
        sub_text = _text(sub[col]) if col < len(sub) else ""
        if top_text:
            parent = top_text
        elif not (two_levels and sub_text):
            parent = ""  # a blank header, not under a merged one
        name = field_of(header_key(parent), header_key(sub_text))
        headers[col] = " / ".join(t for t in (parent, sub_text) if t)
        if name and name not in columns:
            columns[name] = col
    return columns, headers


def column_index(text: str) -> int:
    """'A' -> 0, 'AB' -> 27."""
    index = 0
    for ch in text.upper():
        index = index * 26 + ord(ch) - 64
    return index - 1


@dataclass(frozen=True)
class Mapping:
    """A mapping file: `[columns]` field = "header text" or a column letter; `header_row`
    (1-based, the last header row), optional `first_row` and `sheet`."""

    columns: dict[str, str]
    header_row: int | None = None
    first_row: int | None = None
    sheet: str | None = None


def parse_mapping(text: str) -> Mapping:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise BadList("list.mapping", detail=str(error)) from None
    columns = data.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise BadList("list.mapping", detail="[columns]")
    unknown = [k for k in columns if k not in FIELDS]
    if unknown:
        raise BadList("list.mapping_field", name=unknown[0], choices=", ".join(FIELDS))
    rows = {k: data.get(k) for k in ("header_row", "first_row")}
    if any(v is not None and (type(v) is not int or v < 1) for v in rows.values()):
        raise BadList("list.mapping", detail="header_row / first_row")
    sheet = data.get("sheet")
    return Mapping({k: str(v) for k, v in columns.items()}, rows["header_row"], rows["first_row"],
                   str(sheet) if sheet else None)  # fmt: skip


def apply_mapping(mapping: Mapping, rows: list[list[Any]]) -> Layout:
    """The layout a mapping file gives: letters name columns; header texts are looked for in
    the header row (folded), which is the first row holding one of them when not given."""
    wanted = {k: v for k, v in mapping.columns.items() if not _LETTERS.fullmatch(v)}
    header = (mapping.header_row - 1) if mapping.header_row else None
    if header is None:
        keys = {header_key(v) for v in wanted.values()}
        header = next((i for i, row in enumerate(rows[:HEADER_SCAN])
                       if keys & {header_key(c) for c in row}), 0)  # fmt: skip
    cells = [header_key(c) for c in rows[header]] if header < len(rows) else []
    columns: dict[str, int] = {}
    for name, target in mapping.columns.items():
        if _LETTERS.fullmatch(target):
            columns[name] = column_index(target)
        elif header_key(target) in cells:
            columns[name] = cells.index(header_key(target))
        else:
            raise BadList("list.mapping_header", text=target[:60])
    first = (mapping.first_row - 1) if mapping.first_row else header + 1
    row = rows[header] if header < len(rows) else []
    return Layout(columns, (header,), first, len(row), {i: _text(c) for i, c in enumerate(row)})
