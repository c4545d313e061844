"""Importing a subject list: read the file (.xlsx, .xls, .ods with python-calamine; .csv),
find its layout, validate every row as typed entry would, and store the good rows in one
transaction; refused rows go to a reject file with their reasons, in the user's language."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from domain.errors import DeskError, FieldError, ValidationError
from domain.list_columns import BadList, Layout, Mapping, apply_mapping, find_layout
from domain.list_rows import cell_text, is_blank, parse_row
from domain.messages import describe
from domain.subjects import ListEntry
from i18n import N_, _
from store import Store
from store.subjects import match_key

SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
TEMPLATE_SHEET = "pl1"  # the template's sheet: PL1_Danh sach doi tuong tiem
PROGRESS_EVERY = 2000

Progress = Callable[[int, int], None]

# A field's name in a row's reason (the reject file)
LABELS = {
    "full_name": N_("Full name"), "dob": N_("Date of birth"), "sex": N_("Sex"),
    "priority_group": N_("Priority group"), "workplace": N_("Workplace"), "phone": N_("Phone"),
    "id_number": N_("ID number"), "insurance_number": N_("Health insurance number"),
    "province": N_("Province"), "province_code": N_("Province code"), "district": N_("District"),
    "district_code": N_("District code"), "ward": N_("Ward"), "ward_code": N_("Ward code"),
    "address": N_("Address"), "vaccine": N_("Vaccine"), "dose1_date": N_("Dose 1 date"),
    "dose1_lot": N_("Dose 1 lot"), "dose1_place": N_("Dose 1 place"),
    "dose2_date": N_("Dose 2 date"), "dose2_lot": N_("Dose 2 lot"),
    "dose2_place": N_("Dose 2 place"), "note": N_("Note"), "row": N_("Row"),
}  # fmt: skip


@dataclass(frozen=True)
class Refused:
    row: int  # 1-based, as the spreadsheet numbers it
    cells: list[Any]
    errors: tuple[FieldError, ...]

    def reason(self) -> str:
        """Every fault of the row, in the language in use: 'Date of birth: ...; Sex: ...'."""
        return "; ".join(
            _("{field}: {reason}").format(field=_(LABELS.get(e.field, e.field)),
                                          reason=describe(e))
            for e in self.errors
        )


@dataclass
class ImportReport:
    rows: int = 0  # data rows read, blank ones left out
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0  # exact copies of an earlier row of the file
    refused: list[Refused] = field(default_factory=list)
    reject_path: Path | None = None
    list_hash: str = ""


@dataclass
class Sheet:
    rows: list[list[Any]]
    layout: Layout


def read_rows(path: Path, sheet: str | None = None) -> list[list[Any]]:
    """The cells of a list's sheet (the template's PL1 sheet, the one named, or the first),
    row by row; BadList for a file that is no spreadsheet or CSV."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return _csv_rows(path)
    if suffix not in SPREADSHEETS:
        raise BadList("list.not_a_list", name=path.name)
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        names = book.sheet_names
        name = sheet or next((n for n in names if n.lower().startswith(TEMPLATE_SHEET)), None)
        if sheet and sheet not in names:
            raise BadList("list.no_sheet", name=sheet, names=", ".join(names))
        data = book.get_sheet_by_name(name or names[0])
        rows = data.to_python(skip_empty_area=False)
    except DeskError:
        raise
    except Exception as error:  # calamine's errors: not a workbook, damaged, encrypted
        raise BadList("list.unreadable", name=path.name, detail=type(error).__name__) from None
    return [list(row) for row in rows]


def _csv_rows(path: Path) -> list[list[Any]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadList("list.encoding", name=path.name) from None
    if "\x00" in text:
        raise BadList("list.not_a_list", name=path.name)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [list(row) for row in csv.reader(io.StringIO(text), dialect)]


def read_list(path: Path, mapping: Mapping | None = None) -> Sheet:
    rows = read_rows(path, mapping.sheet if mapping else None)
    layout = apply_mapping(mapping, rows) if mapping else find_layout(rows)
    missing = layout.missing()
    if missing:
        raise BadList("list.missing_columns", names=", ".join(_(LABELS[m]) for m in missing))
    return Sheet(rows, layout)


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def import_list(
    store: Store, path: Path, *, site_id: str, day: date, today: date, by: str = "-",
    mapping: Mapping | None = None, reject: Path | None = None,
    progress: Progress | None = None,
) -> ImportReport:  # fmt: skip
    """Import a list for a site's day. BadList (nothing stored) for a file that cannot be
    read as a list; otherwise the good rows are stored in one transaction, the refused ones
    written to `reject` (default: beside the file, `NAME-rejects.xlsx` / `.csv`)."""
    sheet = read_list(path, mapping)
    report = ImportReport(list_hash=file_hash(path))
    entries = check_rows(sheet, today, report, progress)
    applied = store.subjects.apply_list(site_id=site_id, day=day, list_hash=report.list_hash,
                                        file_name=path.name, by=by, entries=entries)  # fmt: skip
    report.new, report.updated, report.unchanged = applied.new, applied.updated, applied.unchanged
    if report.refused:
        report.reject_path = reject or default_reject_path(path)
        write_rejects(report.reject_path, sheet, report.refused)
    return report


def check_rows(sheet: Sheet, today: date, report: ImportReport,
               progress: Progress | None = None) -> list[ListEntry]:  # fmt: skip
    """The rows validated: entries to store; refused rows and duplicates noted in `report`."""
    layout, rows = sheet.layout, sheet.rows
    seen: set[tuple[str, ...]] = set()
    people: dict[str, int] = {}  # a person's key -> the row that named them first
    by_name: dict[str, int] = {}  # folded name and birth date -> the same
    entries: list[ListEntry] = []
    total = len(rows) - layout.first_row
    for offset, row in enumerate(rows[layout.first_row:]):
        if progress is not None and offset % PROGRESS_EVERY == 0:
            progress(offset, total)
        cells = {name: row[col] if col < len(row) else None
                 for name, col in layout.columns.items()}  # fmt: skip
        if is_blank(cells):
            continue
        report.rows += 1
        number = layout.first_row + offset + 1
        exact = tuple(cell_text(cells[name], name) for name in sorted(cells))
        if exact in seen:
            report.duplicates += 1
            continue
        seen.add(exact)
        try:
            entry = parse_row(cells, today=today)
        except ValidationError as error:
            report.refused.append(Refused(number, row, tuple(error.errors.values())))
            continue
        # the same person twice: the same ID; without an ID, the same name and birth date
        key, named = entry.person.person_key, match_key(entry.person)
        first = people.get(key) if entry.has_id else by_name.get(named)
        if first is not None:
            same = FieldError("row", "list.same_person", number=first)
            report.refused.append(Refused(number, row, (same,)))
            continue
        people[key] = number
        by_name.setdefault(named, number)
        entries.append(entry)
    if progress is not None:
        progress(total, total)
    return entries


def default_reject_path(path: Path) -> Path:
    suffix = ".csv" if path.suffix.lower() in (".csv", ".txt") else ".xlsx"
    return path.with_name(f"{path.stem}-rejects{suffix}")


def write_rejects(path: Path, sheet: Sheet, refused: list[Refused]) -> None:
    """The file's own header rows, then each refused row as it was read, its reasons in a
    column after the last (headed 'Reason' in the language in use)."""
    layout = sheet.layout
    width = max([layout.width, *(len(r.cells) for r in refused)])
    head = [list(row) + [None] * (width - len(row)) for row in sheet.rows[:layout.first_row]]
    head[layout.header_rows[0]].append(_("Reason"))
    body = [list(r.cells) + [None] * (width - len(r.cells)) + [r.reason()] for r in refused]
    if path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            for line in head + body:
                writer.writerow(["" if v is None else _safe(cell_text(v)) for v in line])
        return
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    target = book.create_sheet(_("Refused rows"))
    for line in head + body:
        target.append([_safe(v) for v in line])
    book.save(path)


def _safe(value: Any) -> Any:
    """A cell a spreadsheet will show and never run (as store.export does)."""
    from store.export import spreadsheet_safe

    return spreadsheet_safe(value)
