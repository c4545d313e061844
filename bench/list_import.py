"""Benchmark of `vaxdesk list import`: a generated subject list in the national template's
layout (sheet PL1, two header rows, data from row 9), imported into a fresh desk file.

    python bench/list_import.py [--rows 100000] [--format xlsx|csv|both]

Prints the time to import (read, validate every row, one transaction) and rows per second;
the file's generation is not counted. One row in 50 is bad (a date that does not exist),
one in 100 repeats the row before, so the reject file and the duplicate check are measured too.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desk.lists import import_list
from store import open_store

HEADER_TOP = ["#", "Họ và tên (*)", "Ngày sinh dạng dd/mm/yyyy (*)",
              "Giới tính (*) (0: nam, 1: nữ)", "Mã nhóm đối tượng ưu tiên (*)", "Đơn vị công tác",
              "Số điện thoại (*)", "Số CMT/CCCD", "Số thẻ BHYT",
              "Nơi ở tạm trú (hiện tại) (*) (PL3)", "", "", "", "", "", "",
              "Tên vắc xin (*)", "Mũi 1", "", "", "Mũi 2", "", "", "Ghi chú", "Kết quả import"]
HEADER_SUB = [""] * 9 + ["Tỉnh/Thành phố", "Mã Tỉnh/TP (*)", "Quận/Huyện", "Mã Quận/Huyện (*)",
                         "Xã/Phường", "Mã Xã/Phường (*)", "Địa chỉ chi tiết", "", "Ngày tiêm (*)",
                         "Lô vắc xin (*)", "Địa điểm tiêm (*)", "Ngày tiêm (*)", "Lô vắc xin (*)",
                         "Địa điểm tiêm (*)", "", ""]  # fmt: skip
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Ngọc", "Minh", "Thanh", "Hữu", "Đức", "Thu"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Giang", "Hà", "Hương", "Khánh", "Lan", "Nam", "Phúc",
         "Quân", "Sơn", "Thảo", "Trang", "Tuấn", "Vy", "Yến"]  # fmt: skip


def rows(count: int, seed: int = 13) -> list[list[object]]:
    rnd = random.Random(seed)
    out: list[list[object]] = []
    for n in range(count):
        if n % 100 == 99:
            out.append(list(out[-1]))
            continue
        year, female = rnd.randint(1940, 2005), rnd.random() < 0.5
        dob = f"{rnd.randint(1, 28):02d}/{rnd.randint(1, 12):02d}/{year}"
        if n % 50 == 7:
            dob = f"31/02/{year}"
        century = (2 if year >= 2000 else 0) + int(female)
        cccd = f"079{century}{year % 100:02d}{n:06d}"
        middle = "Thị" if female else rnd.choice(MIDDLE)
        name = f"{rnd.choice(SURNAMES)} {middle} {rnd.choice(GIVEN)}"
        out.append([n + 1, name, dob, int(female), rnd.randint(1, 16), "", f"09{n:08d}", cccd, "",
                    "Thành phố Hồ Chí Minh", "79", "Quận 1", "760", "Phường Bến Nghé", "26734",
                    f"{rnd.randint(1, 300)} Lê Lợi", "AstraZeneca", "01/07/2021", "NJ0342",
                    "79001", "", "", "", "", ""])  # fmt: skip
    return out


def write_xlsx(path: Path, data: list[list[object]]) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("PL1_Danh sach doi tuong tiem")
    sheet.append(["DANH SÁCH ĐỐI TƯỢNG TIÊM CHỦNG"])
    for _ in range(5):
        sheet.append([])
    sheet.append(HEADER_TOP)
    sheet.append(HEADER_SUB)
    for row in data:
        sheet.append(row)
    book.save(path)


def write_csv(path: Path, data: list[list[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([*(t or s for t, s in zip(HEADER_TOP, HEADER_SUB, strict=True))])
        writer.writerows(data)


def measure(path: Path, label: str, count: int) -> None:
    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "desk.db") as store:
        started = time.perf_counter()
        report = import_list(store, path, site_id="S1", day=date(2026, 11, 23),
                             today=date(2026, 11, 23))  # fmt: skip
        seconds = time.perf_counter() - started
    print(f"{label}: {count:,} rows in {seconds:.1f} s = {count / seconds:,.0f} rows/s "
          f"({report.new:,} new, {len(report.refused):,} refused, "
          f"{report.duplicates:,} duplicates)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=("xlsx", "csv", "both"), default="both")
    args = parser.parse_args()
    data = rows(args.rows)
    with tempfile.TemporaryDirectory() as folder:
        for fmt in ("xlsx", "csv") if args.format == "both" else (args.format,):
            path = Path(folder) / f"list.{fmt}"
            started = time.perf_counter()
            (write_xlsx if fmt == "xlsx" else write_csv)(path, data)
            print(f"{fmt}: generated in {time.perf_counter() - started:.1f} s")
            measure(path, fmt, args.rows)


if __name__ == "__main__":
    main()
