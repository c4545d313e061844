"""The national platform's result file read back: the exported template with its "Kết quả
import" column filled. Each row is matched, by the export id in the title (row 2) and its own
number (#), to the record versions that export put in that row, and cross-checked against
them (the ID number, or the name and birth date); its result is an acceptance, a refusal with
its reason, or no answer (left as sent).

A file with any problem changes nothing: every problem is listed with its row, as data (code
and parameters), and the caller says them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from hub.export_ledger import ACCEPTED, NATIONAL, REFUSED, Answer, export_of, keep_answers, rows_of
from hub.national_export import FIRST_DATA_ROW, HEADER_ROW, LAYOUT, SHEET, WIDTH, person_row
from hub.storage import Storage

# Result texts that mean the platform took the row, compared without case, diacritics,
# punctuation or extra spaces ("Thành công", "OK", "Hợp lệ", "Success", "Đã import").
SUCCESS = frozenset({"thanh cong", "ok", "hop le", "success", "da import", "accepted"})
EXPORT_ID = re.compile(r"Mã xuất:\s*(\S+)")
RESULT_COLUMN = WIDTH - 1  # "Kết quả import", the last
NAME, DOB, ID_NUMBER = 1, 2, 7  # the columns a row is cross-checked on


@dataclass(frozen=True)
class Problem:
    row: int  # the file's row (0: the file as a whole)
    code: str
    params: dict[str, Any] = field(default_factory=dict)


class ResultFileRefused(Exception):
    """The file changes nothing: `problems` says why, each with its row."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass(frozen=True)
class Imported:
    export_id: str
    rows: int
    accepted: int
    refused: int
    unanswered: int
    changed: int  # record versions whose answer is new (0: the file was imported already)


def plain(text: object) -> str:
    """Lower case, no diacritics (đ → d), no punctuation, single spaces."""
    value = unicodedata.normalize("NFD", str(text or "").replace("đ", "d").replace("Đ", "d"))
    value = "".join(ch for ch in value if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", value).split())


def outcome(text: object) -> str:
    """ACCEPTED, REFUSED, or '' for an empty cell."""
    return _outcome(str(text if text is not None else ""))


@lru_cache(maxsize=4096)  # a result file says a few things many times
def _outcome(text: str) -> str:
    if not text.strip():
        return ""
    return ACCEPTED if plain(text) in SUCCESS else REFUSED


def _labels(cells: list[Any]) -> list[str]:
    """A header row's labels, one a column of the template, spaces made single."""
    return [" ".join(str(v or "").split()) for v in (cells + [None] * WIDTH)[:WIDTH]]


def header_problems(top: list[Any], subs: list[Any]) -> list[Problem]:
    """The template's two header rows, cell by cell; the result column named apart."""
    expected_top: list[str] = []
    expected_subs: list[str] = []
    for label, columns in LAYOUT:
        expected_top.extend([label] + [""] * (max(1, len(columns)) - 1))
        expected_subs.extend(columns or [""])
    found_top = _labels(top)
    if found_top[RESULT_COLUMN] != expected_top[RESULT_COLUMN]:
        return [Problem(HEADER_ROW, "results.no_result_column", {"label": expected_top[-1]})]
    problems = []
    for row, expected, found in ((HEADER_ROW, expected_top, found_top),
                                 (HEADER_ROW + 1, expected_subs, _labels(subs))):  # fmt: skip
        for index, (want, got) in enumerate(zip(expected, found, strict=True)):
            if want != got:
                problems.append(Problem(row, "results.header", {
                    "column": _letter(index + 1), "expected": want or "—", "found": got or "—"}))
    return problems


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column)


@dataclass(frozen=True)
class ResultRow:
    """A data row of the result file: what it is checked on, and its result."""

    file_row: int  # the sheet's row
    number: int  # the row's "#": its row in the export
    name: Any
    dob: Any
    id_number: Any
    result: Any


def _open(path: Path) -> Any:
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as error:  # not a zip, not a workbook, unreadable
        problem = Problem(0, "results.not_xlsx", {"error": str(error)[:120]})
        raise ResultFileRefused([problem]) from None


def _lines(sheet: Any) -> Iterator[list[Any]]:
    """The sheet's rows from its first (row 1, column A), one at a time when the sheet starts
    there (the template's title is in A1), else all at once with the empty area kept."""
    if tuple(sheet.start or (0, 0)) == (0, 0):
        for row in sheet.iter_rows():
            yield list(row)
    else:
        yield from (list(row) for row in sheet.to_python(skip_empty_area=False))


def read_rows(path: Path) -> tuple[str, list[ResultRow], list[Problem]]:
    """The export id of the title, the data rows, and what is wrong with the layout."""
    book = _open(path)
    head: list[list[Any]] = []
    rows: list[ResultRow] = []
    problems: list[Problem] = []
    try:
        if SHEET not in book.sheet_names:
            raise ResultFileRefused([Problem(0, "results.no_sheet", {"sheet": SHEET})])
        for file_row, line in enumerate(_lines(book.get_sheet_by_name(SHEET)), 1):
            if file_row < FIRST_DATA_ROW:
                head.append(line)
            elif any(v is not None and str(v).strip() != "" for v in line):
                cells: list[Any] = (line + [None] * WIDTH)[:WIDTH]
                number = _number(cells[0])
                if number is None:
                    text = str(cells[0] or "")[:20]
                    problems.append(Problem(file_row, "results.no_number", {"text": text}))
                    continue
                rows.append(ResultRow(file_row, number, cells[NAME], cells[DOB],
                                      cells[ID_NUMBER], cells[RESULT_COLUMN]))  # fmt: skip
    except ResultFileRefused:
        raise
    except Exception as error:  # a sheet calamine cannot read
        problem = Problem(0, "results.not_xlsx", {"error": str(error)[:120]})
        raise ResultFileRefused([problem]) from None
    finally:
        book.close()
    head = (head + [[]] * FIRST_DATA_ROW)[:FIRST_DATA_ROW]
    problems[:0] = header_problems(head[HEADER_ROW - 1], head[HEADER_ROW])
    title = " ".join(str(v) for v in head[1] if v not in (None, ""))
    found = EXPORT_ID.search(title)
    if not found:
        problems.insert(0, Problem(2, "results.no_export_id"))
    return (found.group(1) if found else ""), rows, problems


def _number(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return int(value)
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


def same(expected: object, found: object) -> bool:
    """Text as exported against a cell read back: a code the platform turned into a number
    (its leading zeros lost) is still the same code, a birth date turned into a date the
    same day."""
    want, got = str(expected or "").strip(), found
    if isinstance(got, date):  # a datetime is a date
        got = f"{got:%d/%m/%Y}"
    if isinstance(got, str) and got.strip() == want:
        return True
    if isinstance(got, (int, float)) and not isinstance(got, bool) and want.isdigit():
        return float(got) == int(want)
    return plain(want) == plain(got)


def row_problem(row: ResultRow, bodies: list[dict[str, Any]]) -> Problem | None:
    """The row read back against what the export wrote there: its ID number when it had one,
    else its name and birth date."""
    doses = {int(b.get("dose_number") or 0): b for b in bodies}
    written = person_row(row.number, doses)
    if written[ID_NUMBER]:
        matches = same(written[ID_NUMBER], row.id_number)
    else:
        matches = same(written[NAME], row.name) and same(written[DOB], row.dob)
    return None if matches else Problem(row.file_row, "results.mismatch", {"number": row.number})


PAGE = 1000  # rows of the export read at once


def checked_answers(db: Storage, path: Path) -> tuple[str, list[Answer], list[str]]:
    """The export, the answer of each record version of each answered row, and each row's
    outcome ('' for no answer); ResultFileRefused with every problem when anything does not
    match. The export's rows are read a page at a time, in the order of their numbers."""
    export_id, rows, problems = read_rows(path)
    if any(p.code in ("results.no_result_column", "results.not_xlsx") for p in problems):
        raise ResultFileRefused(problems)
    export = export_of(db, export_id) if export_id else None
    if export_id and (export is None or export.destination != NATIONAL):
        problems.insert(0, Problem(2, "results.unknown_export", {"export": export_id}))
    if problems or export is None:
        raise ResultFileRefused(problems)
    seen: dict[int, int] = {}
    unique = []
    for row in rows:
        if row.number in seen:
            problems.append(Problem(row.file_row, "results.duplicate_row",
                                    {"number": row.number, "first": seen[row.number]}))  # fmt: skip
        else:
            seen[row.number] = row.file_row
            unique.append(row)
    found: list[Answer] = []
    outcomes: list[str] = []
    unique.sort(key=lambda r: r.number)
    for first in range(0, len(unique), PAGE):
        page = unique[first : first + PAGE]
        written = rows_of(db, export_id, page[0].number, page[-1].number)
        for row in page:
            bodies = written.get(row.number)
            if bodies is None:
                problems.append(Problem(row.file_row, "results.unknown_row",
                                        {"number": row.number, "export": export_id}))  # fmt: skip
                continue
            mismatch = row_problem(row, bodies)
            if mismatch is not None:
                problems.append(mismatch)
                continue
            outcomes.append(result := outcome(row.result))
            reason = "" if result != REFUSED else " ".join(str(row.result).split())[:500]
            found += [Answer(str(b["record_id"]), int(b["version"]), result, reason, row.number)
                      for b in bodies if result]  # fmt: skip
    if problems:
        raise ResultFileRefused(sorted(problems, key=lambda p: p.row))
    return export_id, found, outcomes


def import_results(db: Storage, path: Path, now: datetime) -> Imported:
    """Read the platform's result file and keep its answers, all or nothing."""
    export_id, found, outcomes = checked_answers(db, path)
    changed = keep_answers(db, NATIONAL, export_id, found, now)
    return Imported(export_id=export_id, rows=len(outcomes), accepted=outcomes.count(ACCEPTED),
                    refused=outcomes.count(REFUSED), unanswered=outcomes.count(""),
                    changed=changed)  # fmt: skip
