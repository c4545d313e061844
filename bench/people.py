"""Generated citizens that look real: Vietnamese names, consistent CCCD numbers."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

from domain.dates import PartialDate
from domain.identity import Identity, IdType, Sex
from domain.tables import cccd_province_codes

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLE_MALE = ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Thành", "Công"]
MIDDLE_FEMALE = ["Thị", "Ngọc", "Thu", "Thanh", "Kim", "Hồng", "Mỹ"]
GIVEN_MALE = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hải",
    "Hùng",
    "Khánh",
    "Long",
    "Nam",
    "Phúc",
    "Quang",
    "Sơn",
    "Tuấn",
    "Việt",
]
GIVEN_FEMALE = [
    "Anh",
    "Chi",
    "Dung",
    "Hà",
    "Hạnh",
    "Hoa",
    "Lan",
    "Linh",
    "Mai",
    "Nga",
    "Nhung",
    "Phương",
    "Thảo",
    "Trang",
    "Yến",
]


def people(seed: int = 1, today: date = date(2026, 11, 23)) -> Iterator[Identity]:
    """An endless stream of distinct adults with valid CCCD numbers."""
    rng = random.Random(seed)
    provinces = sorted(cccd_province_codes())
    serial = 0
    while True:
        serial += 1
        sex = rng.choice([Sex.MALE, Sex.FEMALE])
        born = today - timedelta(days=rng.randint(18 * 365, 85 * 365))
        century = 0 if born.year < 2000 else 2
        digit = century + (sex is Sex.FEMALE)
        number = f"{rng.choice(provinces)}{digit}{born.year % 100:02d}{serial:06d}"
        female = sex is Sex.FEMALE
        name = " ".join(
            [
                rng.choice(FAMILY),
                rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE),
                rng.choice(GIVEN_FEMALE if female else GIVEN_MALE),
            ]
        )
        yield Identity(
            IdType.CCCD,
            number,
            name,
            PartialDate.of(born),
            sex,
            phone=f"09{rng.randint(10_000_000, 99_999_999)}",
            address=f"Số {rng.randint(1, 200)}, ấp {rng.randint(1, 9)}",
        )
